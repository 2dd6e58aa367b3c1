"""Private links: a participant's registration page, a regional session's registration page."""
from __future__ import annotations

from ..core.extensions import db
from ..core.tokens import InvalidToken, make_token, read_token
from .models import Meeting, Registration

REGISTRATION_PURPOSE = "registration"
MEETING_PURPOSE = "session-registration"


def _read(purpose: str, token: str, model):
    try:
        found = read_token(purpose, token)
    except InvalidToken:
        return None
    return db.session.get(model, found) if isinstance(found, int) else None


def registration_token(registration: Registration) -> str:
    return make_token(REGISTRATION_PURPOSE, registration.id)


def registration_for_token(token: str) -> Registration | None:
    """The registration a private link points to; None when tampered with or unknown."""
    return _read(REGISTRATION_PURPOSE, token, Registration)


def meeting_token(meeting: Meeting) -> str:
    """The private registration link of a regional session, which the region shares."""
    return make_token(MEETING_PURPOSE, meeting.id)


def meeting_for_token(token: str) -> Meeting | None:
    return _read(MEETING_PURPOSE, token, Meeting)
