"""What the coordinator's pages (the participants and the training's own page) show of the
places held per sector, for `templates/meetings/_held_places.html`."""
from __future__ import annotations

from ontwikkelbijeenkomsten.core.sectors import Sector, sector_label
from ontwikkelbijeenkomsten.meetings import sector_places, services
from ontwikkelbijeenkomsten.meetings.models import Meeting


def held_places(lead: Meeting) -> dict:
    """Read from the lead's row and its parts: no query of its own."""
    held = sector_places.overview(lead)
    return {"held": held, "sector_labels": {s: sector_label(s) for s in Sector},
            "release": sector_places.release_moment(lead, services.first_start(lead)) if held else None}
