"""What became of a request: its sessions, as the request's pages show them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core.extensions import db
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert, MeetingState
from ..requests.models import Request


def meetings_of(request: Request, *, with_experts: bool = False) -> list[Meeting]:
    """The request's sessions (also cancelled ones) in order of time."""
    query = select(Meeting).where(Meeting.request_id == request.id).order_by(Meeting.starts_at, Meeting.id)
    if with_experts:
        query = query.options(selectinload(Meeting.experts).joinedload(MeetingExpert.expert))
    return list(db.session.scalars(query))


def request_meetings(request: Request) -> dict:
    """For a coordinator's page: `meetings`, the request's sessions with their experts, and
    `booked`, how many of them count against the granted dagdelen."""
    meetings = meetings_of(request, with_experts=True)
    return {"meetings": meetings, "booked": sum(m.state is not MeetingState.CANCELLED for m in meetings)}


def status_meetings(request: Request) -> tuple[list[Meeting], dict[int, list[str]]]:
    """For the region's status page: the sessions, and per session id the names of its experts
    (assigned or accepted; not one who declined). The experts come in the same query, so the
    page takes as many queries with no sessions as with many."""
    query = (
        select(Meeting).where(Meeting.request_id == request.id).order_by(Meeting.starts_at, Meeting.id)
        .options(joinedload(Meeting.experts).joinedload(MeetingExpert.expert))
    )
    meetings = list(db.session.scalars(query).unique())
    experts = {
        m.id: sorted(a.expert.name for a in m.experts if a.state in ACTIVE_ASSIGNMENT_STATES) for m in meetings
    }
    return meetings, experts
