"""Private links: a participant's registration page, a regional session's registration page,
an expert's answer to an assignment (from the e-mail)."""
from __future__ import annotations

from ..core.extensions import db
from ..core.tokens import InvalidToken, make_token, read_token
from .models import Meeting, MeetingExpert, Registration

REGISTRATION_PURPOSE = "registration"
MEETING_PURPOSE = "session-registration"
ANSWER_PURPOSE = "assignment-answer"


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


def answer_token(assignments: list[MeetingExpert]) -> str:
    """The link in "Nieuwe opdracht" to accept or decline these assignments of one expert
    (one session, or the dagdelen of a series) without logging in."""
    if any(a.id is None for a in assignments):
        db.session.flush()
    return make_token(ANSWER_PURPOSE, [a.id for a in assignments])


def assignments_for_answer_token(token: str) -> list[MeetingExpert]:
    """The assignments an answer link stands for; [] when tampered with or unknown."""
    try:
        ids = read_token(ANSWER_PURPOSE, token)
    except InvalidToken:
        return []
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        return []
    found = [db.session.get(MeetingExpert, i) for i in ids]
    if any(a is None for a in found) or len({a.expert_id for a in found}) != 1:
        return []
    return found
