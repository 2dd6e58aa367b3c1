"""Words for sessions and registrations in the user's language."""
from __future__ import annotations

from flask_babel import gettext as _

from .models import RegistrationState, Sector


def sector_label(sector: Sector) -> str:
    return {
        Sector.ONDERWIJS: _("Education"),
        Sector.JEUGDHULP: _("Youth care"),
        Sector.GEMEENTE: _("Municipality"),
        Sector.OTHER: _("Other"),
    }[sector]


def sector_choices() -> list[tuple[str, str]]:
    return [(sector.value, sector_label(sector)) for sector in Sector]


def registration_state_label(state: RegistrationState) -> str:
    return {
        RegistrationState.CONFIRMED: _("Confirmed"),
        RegistrationState.WAITING: _("Waiting list"),
        RegistrationState.CANCELLED: _("Cancelled"),
        RegistrationState.ATTENDED: _("Attended"),
    }[state]
