"""Writing audit events in the caller's transaction."""
from __future__ import annotations

from .bulk import insert_rows
from .extensions import db
from .models import AuditEvent


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
