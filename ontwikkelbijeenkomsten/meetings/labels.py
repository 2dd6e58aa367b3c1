"""Words for sessions and registrations in the user's language."""
from __future__ import annotations

from flask_babel import gettext as _

from .models import RegistrationState


def registration_state_label(state: RegistrationState) -> str:
    return {
        RegistrationState.CONFIRMED: _("Confirmed"),
        RegistrationState.WAITING: _("Waiting list"),
        RegistrationState.CANCELLED: _("Cancelled"),
        RegistrationState.ATTENDED: _("Attended"),
    }[state]
