"""The sectors professionals work in: asked of participants and of regions' requests, and the
measure of joint professionalisation (onderwijs and jeugdhulp learning together)."""
from __future__ import annotations

import enum

from flask_babel import gettext as _


class Sector(enum.Enum):
    ONDERWIJS = "onderwijs"
    JEUGDHULP = "jeugdhulp"
    GEMEENTE = "gemeente"
    OTHER = "anders"


def sector_label(sector: Sector) -> str:
    return {
        Sector.ONDERWIJS: _("Education"),
        Sector.JEUGDHULP: _("Youth care"),
        Sector.GEMEENTE: _("Municipality"),
        Sector.OTHER: _("Other"),
    }[sector]


def sector_choices() -> list[tuple[str, str]]:
    return [(sector.value, sector_label(sector)) for sector in Sector]
