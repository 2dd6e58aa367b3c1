"""The sectors professionals work in: asked of participants and of regions' requests, and the
measure of joint professionalisation (onderwijs and jeugdhulp learning together)."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Sector(enum.Enum):
    ONDERWIJS = "onderwijs"
    JEUGDHULP = "jeugdhulp"
    GEMEENTE = "gemeente"
    OTHER = "anders"


#: Translated when shown: a form that is only validated (a POST) translates none of them.
_LABELS = {
    Sector.ONDERWIJS: _l("Education"),
    Sector.JEUGDHULP: _l("Youth care"),
    Sector.GEMEENTE: _l("Municipality"),
    Sector.OTHER: _l("Other"),
}


def sector_label(sector: Sector) -> str:
    return str(_LABELS[sector])


def sector_choices() -> list[tuple[str, str]]:
    """(value, label) per sector; the labels are translated when they are shown."""
    return [(sector.value, _LABELS[sector]) for sector in Sector]
