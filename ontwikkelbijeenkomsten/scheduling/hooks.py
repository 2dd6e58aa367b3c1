"""Scheduling's answers to the signals of the layers below it."""
from __future__ import annotations

from sqlalchemy import func, select

from ..core.extensions import db
from ..meetings.models import Meeting, MeetingState
from ..requests.signals import request_closing
from .services import cancel_upcoming


@request_closing.connect
def cancel_meetings_of_closed_request(request, reason, actor) -> int:
    """Cancel the sessions that have not begun; returns how many sessions (dagdelen) stay."""
    cancel_upcoming(request, reason, actor)
    return db.session.scalar(
        select(func.count(Meeting.id)).where(Meeting.request_id == request.id,
                                             Meeting.state != MeetingState.CANCELLED)
    )
