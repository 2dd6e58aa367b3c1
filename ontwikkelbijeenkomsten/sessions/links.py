"""Private links: a participant's registration page, a regional session's registration page."""
from __future__ import annotations

from ..core.tokens import InvalidToken, make_token, read_token
from ..extensions import db
from .models import Registration, Session

REGISTRATION_PURPOSE = "registration"
SESSION_PURPOSE = "session-registration"


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


def session_token(session: Session) -> str:
    """The private registration link of a regional session, which the region shares."""
    return make_token(SESSION_PURPOSE, session.id)


def session_for_token(token: str) -> Session | None:
    return _read(SESSION_PURPOSE, token, Session)
