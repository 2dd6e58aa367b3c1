"""Who may see a session's participant list: every coordinator, and the experts with an active
assignment on any part of the series. Others get 403, an unknown session 404."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..extensions import db
from .models import ACTIVE_ASSIGNMENT_STATES, Session, SessionExpert


def series_or_404(session_id: int) -> Session:
    """The session with its lead and every part of the series loaded (two queries)."""
    found = db.session.scalar(select(Session).where(Session.id == session_id).options(
        joinedload(Session.region), joinedload(Session.series).selectinload(Session.parts),
        selectinload(Session.parts)))
    if found is None:
        abort(404)
    return found


def is_assigned(user: User, session: Session) -> bool:
    """Has `user` an active assignment on a part of the series `session` belongs to?"""
    lead = session.lead
    return db.session.scalar(
        select(SessionExpert.id).join(Session, SessionExpert.session_id == Session.id).where(
            SessionExpert.expert_id == user.id, SessionExpert.state.in_(ACTIVE_ASSIGNMENT_STATES),
            or_(Session.id == lead.id, Session.series_id == lead.id)).limit(1)) is not None


def may_see_list(user: User, session: Session) -> bool:
    return user.is_coordinator or (user.is_expert and is_assigned(user, session))


def list_page(view):
    """Resolve the route's `session_id` and pass it as `session`; 404 unknown, 403 not allowed."""

    @wraps(view)
    @login_required
    def wrapped(*args, session_id: int, **kwargs):
        session = series_or_404(session_id)
        if not may_see_list(current_user, session):
            abort(403)
        return view(*args, session=session, **kwargs)

    return wrapped
