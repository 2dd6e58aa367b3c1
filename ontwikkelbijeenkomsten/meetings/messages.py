"""A coordinator's own e-mail to everyone with a place in a session or training: one mail per
person through the outbox, the frame (greeting, what it is about, their private page) in their
language, the coordinator's text as written. Audited on the session (on the lead of a series),
so the session's page lists what was sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..core import audit
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.rules import RuleViolation
from ..core.urls import absolute_url
from ..mail import services as mail
from .links import registration_token
from .models import Meeting, Registration, RegistrationState

KIND = "participant_message"
ACTION = "session.message"
SUBJECT_MAX = 150
BODY_MAX = 5000
#: People with a place: the confirmed, and those already marked present.
WITH_A_PLACE = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)


@dataclass(frozen=True)
class Sent:
    """A message as the session's page lists it."""

    at: datetime
    by: str
    subject: str
    body: str
    recipients: int


def recipients(meeting: Meeting) -> list[Registration]:
    """Everyone with a place in the session (in the whole series), by name."""
    return list(db.session.scalars(
        select(Registration).where(Registration.meeting_id == meeting.lead.id, Registration.state.in_(WITH_A_PLACE))
        .order_by(Registration.name, Registration.id)))


def check(subject: str, body: str, people: list[Registration]) -> None:
    """Every problem with the message at once, at its field."""
    problems = []
    if not subject.strip():
        problems.append(RuleViolation("subject", _l("Write a subject.")))
    elif len(subject) > SUBJECT_MAX:
        problems.append(RuleViolation("subject", _l("Use at most %(max)d characters.", max=SUBJECT_MAX)))
    if not body.strip():
        problems.append(RuleViolation("body", _l("Write the text of the message.")))
    elif len(body) > BODY_MAX:
        problems.append(RuleViolation("body", _l("Use at most %(max)d characters.", max=BODY_MAX)))
    if not people:
        problems.append(RuleViolation("subject", _l("Nobody has a place in this session, so there is no one to mail.")))
    RuleViolation.raise_if(problems)


def context(meeting: Meeting, registration: Registration | None, body: str) -> dict:
    """What the mail template needs; without a registration, a stand-in for the preview."""
    link = absolute_url("meetings.registration", token=registration_token(registration)) if registration else "…"
    parts = meeting.lead.all_parts
    return {"meeting": meeting.lead, "parts": parts if len(parts) > 1 else None, "body": body,
            "name": registration.name if registration else None, "link": link}


def send(meeting: Meeting, subject: str, body: str, actor: User) -> int:
    """Queue the message for everyone with a place; returns how many mails were queued."""
    subject, body = subject.strip(), body.strip()
    people = recipients(meeting)
    check(subject, body, people)
    mail.enqueue_all([
        mail.build(person.email, KIND, subject, f"sessions/{KIND}", locale=person.locale,
                   **context(meeting, person, body))
        for person in people])
    audit.record(ACTION, meeting.lead, actor=actor, title=subject, body=body, recipients=len(people))
    db.session.flush()
    return len(people)


def sent(meeting: Meeting) -> list[Sent]:
    """The messages sent about the session (its series), newest first."""
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == Meeting.__tablename__, AuditEvent.subject_id == meeting.lead.id,
        AuditEvent.action == ACTION).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    return [Sent(row.occurred_at, row.actor_label, row.details.get("title", ""), row.details.get("body", ""),
                 row.details.get("recipients", 0)) for row in rows]
