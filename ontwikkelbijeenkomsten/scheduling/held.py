"""The worker's `held` job: sessions that ended, and then requests whose dagdelen all took place,
become held (uitgevoerd) by themselves, audited as done by the system.

A request is held when it is scheduled, has no session still to come, and has as many held
sessions as dagdelen granted. A cancelled session gave its dagdeel back (the request became
granted again, to be booked anew), so a request with one held and one cancelled session stays
granted until that dagdeel is booked and held too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select

from ..core.db import utcnow
from ..core.extensions import db
from ..meetings.held import mark_meetings_held
from ..meetings.models import OPEN_MEETING_STATES, Meeting, MeetingState
from ..requests.models import REQUEST_STATES, Request, RequestState


@dataclass(frozen=True)
class Held:
    meetings: int
    requests: int


def _fully_held() -> list[Request]:
    held = (select(func.count(Meeting.id))
            .where(Meeting.request_id == Request.id, Meeting.state == MeetingState.HELD).scalar_subquery())
    still_open = exists().where(Meeting.request_id == Request.id, Meeting.state.in_(OPEN_MEETING_STATES))
    return list(db.session.scalars(
        select(Request).where(Request.state == RequestState.SCHEDULED, held == Request.dagdelen_granted, ~still_open)
        .order_by(Request.id).with_for_update(skip_locked=True)))


def mark_held(now: datetime | None = None) -> Held:
    """Mark what has taken place by `now` as held, in a constant number of statements."""
    meetings = mark_meetings_held(now or utcnow())
    requests = _fully_held()
    for request in requests:
        REQUEST_STATES.move(request, RequestState.HELD, actor_label="system")
    db.session.flush()
    return Held(meetings, len(requests))


def run() -> int:
    """The periodic job: how many sessions and requests became held."""
    done = mark_held()
    return done.meetings + done.requests
