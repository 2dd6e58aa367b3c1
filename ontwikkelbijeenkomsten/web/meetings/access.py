"""Who may see a session's participant list: every coordinator, and the experts with an active
assignment on any part of the series. Others get 403, an unknown session 404."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.meetings.queries import is_assigned, series_of


def series_or_404(meeting_id: int) -> Meeting:
    """The session with its lead and every part of the series loaded."""
    found = series_of(meeting_id)
    if found is None:
        abort(404)
    return found


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
