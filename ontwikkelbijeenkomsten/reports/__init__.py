"""Reports: what the programme did, per region, theme and month, for coordinators and partners."""
