"""What became of a request: its sessions, as the request's pages show them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.extensions import db
from ..meetings.models import Meeting, MeetingExpert, MeetingState
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
