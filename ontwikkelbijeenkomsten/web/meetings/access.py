"""Who may see a session's participant list: every coordinator, and the experts with an active
assignment on any part of the series. Others get 403, an unknown session 404."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert


def series_or_404(meeting_id: int) -> Meeting:
    """The session with its lead and every part of the series loaded (two queries)."""
    found = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        joinedload(Meeting.region), joinedload(Meeting.series).selectinload(Meeting.parts),
        selectinload(Meeting.parts)))
    if found is None:
        abort(404)
    return found


def is_assigned(user: User, meeting: Meeting) -> bool:
    """Has `user` an active assignment on a part of the series `session` belongs to?"""
    lead = meeting.lead
    return db.session.scalar(
        select(MeetingExpert.id).join(Meeting, MeetingExpert.meeting_id == Meeting.id).where(
            MeetingExpert.expert_id == user.id, MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES),
            or_(Meeting.id == lead.id, Meeting.series_id == lead.id)).limit(1)) is not None


def may_see_list(user: User, meeting: Meeting) -> bool:
    return user.is_coordinator or (user.is_expert and is_assigned(user, meeting))


def list_page(view):
    """Resolve the route's `session_id` and pass it as `session`; 404 unknown, 403 not allowed."""

    @wraps(view)
    @login_required
    def wrapped(*args, meeting_id: int, **kwargs):
        meeting = series_or_404(meeting_id)
        if not may_see_list(current_user, meeting):
            abort(403)
        return view(*args, meeting=meeting, **kwargs)

    return wrapped
