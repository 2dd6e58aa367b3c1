"""What one confirmed batch (`batch.confirm`) booked, read back from its audit event: the
planning page shows it after a confirmation, also after a reload.

The event holds the ids of the sessions the batch made, so later batches (of any coordinator)
never mix in. Two statements, however many sessions: the event with its actor, then the
sessions with their region, request and experts as plain columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, select

from ..accounts.models import User
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.time import Dagdeel
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert, MeetingState
from ..regions.models import ProgrammePeriod, Region
from ..requests.models import Request
from .batch import BATCH_ACTION, BATCH_SESSIONS

#: The largest id a database integer column holds; a larger one in the address names nothing.
_MAX_ID = 2**63 - 1


@dataclass
class BookedSession:
    meeting_id: int
    date: date
    dagdeel: Dagdeel
    state: MeetingState
    region: str
    request_id: int
    organisation: str
    experts: list[str] = field(default_factory=list)  # the active experts now, by name


@dataclass(frozen=True)
class BatchResult:
    id: int
    made_at: datetime
    actor: str  # the coordinator's name, or the label of the event (the system, a removed account)
    sessions: list[BookedSession]  # by date, dagdeel, region and request


def find(batch_id: int | None, period: ProgrammePeriod) -> BatchResult | None:
    """The batch `batch_id` of `period`; None when there is no such batch (or it booked nothing)."""
    if batch_id is None or not 0 < batch_id <= _MAX_ID:
        return None
    found = db.session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.id == batch_id, AuditEvent.action == BATCH_ACTION,
               AuditEvent.subject_type == ProgrammePeriod.__tablename__, AuditEvent.subject_id == period.id)
    ).first()
    if found is None:
        return None
    event, actor_name = found
    ids = [i for i in (event.details or {}).get(BATCH_SESSIONS, []) if isinstance(i, int)]
    if not ids:
        return None
    return BatchResult(event.id, event.occurred_at, actor_name or event.actor_label, _sessions(ids))


def _sessions(ids: list[int]) -> list[BookedSession]:
    rows = db.session.execute(
        select(Meeting.id, Meeting.date, Meeting.dagdeel, Meeting.state, Region.name, Request.id,
               Request.organisation_name, User.name)
        .join(Request, Request.id == Meeting.request_id)
        .join(Region, Region.id == Meeting.region_id)
        .outerjoin(MeetingExpert, and_(MeetingExpert.meeting_id == Meeting.id,
                                       MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES)))
        .outerjoin(User, User.id == MeetingExpert.expert_id)
        .where(Meeting.id.in_(ids))
        .order_by(Meeting.id, User.name)
    )
    sessions: dict[int, BookedSession] = {}
    for meeting_id, day, dagdeel, state, region, request_id, organisation, expert in rows:
        session = sessions.get(meeting_id)
        if session is None:
            session = sessions[meeting_id] = BookedSession(
                meeting_id, day, dagdeel, state, region, request_id, organisation)
        if expert:
            session.experts.append(expert)
    order = list(Dagdeel)
    return sorted(sessions.values(), key=lambda s: (s.date, order.index(s.dagdeel), s.region, s.request_id,
                                                     s.meeting_id))
