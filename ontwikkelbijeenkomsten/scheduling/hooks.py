"""Scheduling's answers to the signals of the layers below it."""
from __future__ import annotations

from ..requests.signals import request_closing
from .services import cancel_upcoming, meetings_kept


@request_closing.connect
def cancel_meetings_of_closed_request(request, reason, actor) -> int:
    """Cancel the sessions that have not begun; returns how many sessions (dagdelen) stay."""
    cancel_upcoming(request, reason, actor)
    return meetings_kept(request)
