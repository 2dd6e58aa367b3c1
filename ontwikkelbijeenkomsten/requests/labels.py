"""Words for the audit actions of a request, in the reader's language (the words for its states
come from REQUEST_STATES).

Registered as the Jinja filter `request_action` (see web/requests/blueprint.py).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..core.i18n import dagdeel_label, long_date


def action_label(action: str) -> str:
    """What an audit event of a request says happened; unknown actions show as stored."""
    labels = {
        "request.submitted": _("Request submitted"),
        "request.review": _("Taken into review"),
        "request.granted": _("Request granted"),
        "request.rejected": _("Request rejected"),
        "request.grant_lowered": _("Fewer dagdelen granted"),
        "request.scheduled": _("All dagdelen scheduled"),
        "request.held": _("All sessions held"),
        "request.withdrawn": _("Withdrawn by the region"),
        "request.note": _("Note"),
        "request.changed": _("Changed by the region"),
        "request.question": _("Question from the region"),
        "request.assigned": _("Coordinator assigned"),
        "request.contact_changed": _("Contact person changed"),
        "request.unscheduled": _("No longer fully scheduled"),
        "session.booked": _("Session booked"),
        "session.rescheduled": _("Session moved"),
        "session.changed": _("Session details changed"),
        "session.cancelled": _("Session cancelled"),
        "session.held": _("Session held"),
        "session.expert_needed": _("The expert declined: the session needs an expert"),
    }
    return labels.get(action, action)


def session_moment(details: dict) -> str | None:
    """The date and dagdeel a session's audit event is about ('dinsdag 12 januari 2027,
    ochtend'), so the bookings of one request can be told apart; None when the event has none."""
    try:
        day = date.fromisoformat(details["date"])
    except (KeyError, TypeError, ValueError):
        return None
    try:
        return f"{long_date(day)}, {dagdeel_label(details.get('dagdeel'))}"
    except ValueError:
        return long_date(day)
