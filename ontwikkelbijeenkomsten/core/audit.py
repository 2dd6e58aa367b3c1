"""Writing audit events in the caller's transaction."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .bulk import insert_rows
from .extensions import db
from .models import AuditEvent

#: What stands for a person whose data was removed (privacy/anonymise.py), also as an actor.
REMOVED = "verwijderd"
#: The actor labels of events that no person's account made, in words for the pages.
ACTOR_WORDS = {
    "system": _l("The system"),
    "cli": _l("A command on the server"),
    "participant": _l("The participant"),
    REMOVED: _l("A removed account"),
}


def actor_words(label: str) -> str:
    """An event's `actor_label` as the pages show it: a word for the system and the like, else
    the label as stored (a coordinator's address)."""
    return str(ACTOR_WORDS[label]) if label in ACTOR_WORDS else label


def values(
    action: str,
    subject,
    *,
    actor=None,
    actor_label: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **details,
) -> dict:
    """The columns of an audit event for `subject` (any model with an `id`)."""
    return dict(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        from_state=from_state,
        to_state=to_state,
        details=details,
    )


def record(action: str, subject, **kwargs) -> AuditEvent:
    """Add an audit event for `subject` (see `values`); the caller commits."""
    return add(values(action, subject, **kwargs))


def add(event_values: dict) -> AuditEvent:
    event = AuditEvent(**event_values)
    db.session.add(event)
    return event


def record_all(rows: list[dict]) -> None:
    """Insert many events made by `values` in one statement (their ids are not read back)."""
    insert_rows(AuditEvent.__table__, rows)
