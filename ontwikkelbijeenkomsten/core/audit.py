"""Writing audit events in the caller's transaction."""
from __future__ import annotations

from .extensions import db
from .models import AuditEvent


def record(
    action: str,
    subject,
    *,
    actor=None,
    actor_label: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event for `subject` (any model with an `id`); the caller commits."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        from_state=from_state,
        to_state=to_state,
        details=details,
    )
    db.session.add(event)
    return event
