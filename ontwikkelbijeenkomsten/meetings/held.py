"""Sessions that have ended become held (uitgevoerd), by themselves.

The worker's `held` job (scheduling.held) runs this on a schedule. A session that ended and was
not cancelled moves to HELD through its state machine, audited as done by the system; a
cancelled one stays cancelled. Parallel runs share the work: each claims its sessions with a
row lock (SKIP LOCKED), and a run finds only sessions that are still planned or changed, so a
second run changes nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..core.extensions import db
from ..requests.models import Request
from .models import MEETING_STATES, OPEN_MEETING_STATES, Meeting, MeetingState


def mark_meetings_held(now: datetime) -> int:
    """Move every session that ended by `now` and still takes place to HELD; returns how many.

    Four statements however many sessions: the claim, their requests, and a flush that batches
    the updates and the audit rows (SQLite inserts audit rows one by one: see the tests)."""
    ended = db.session.scalars(
        select(Meeting).where(Meeting.state.in_(OPEN_MEETING_STATES), Meeting.ends_at <= now)
        .order_by(Meeting.id).with_for_update(skip_locked=True)).all()
    # A regional session's history is kept on its request (changes.history_subject): load
    # those requests in one query (not locked) instead of one by one.
    requests = {r.id: r for r in db.session.scalars(
        select(Request).where(Request.id.in_({m.request_id for m in ended})))}
    for meeting in ended:
        MEETING_STATES.move(meeting, MeetingState.HELD, actor_label="system",
                            audit_subject=requests.get(meeting.request_id, meeting), meeting_id=meeting.id,
                            date=meeting.date.isoformat(), dagdeel=meeting.dagdeel.value)
    db.session.flush()
    return len(ended)
