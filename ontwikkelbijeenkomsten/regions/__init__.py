"""Regions, their member organisations, programme periods and the dagdelen quota ledger."""
