"""Words for a request's states and audit actions, in the reader's language.

Registered as the Jinja filters `request_state` and `request_action` (see blueprint.py).
"""
from __future__ import annotations

from flask_babel import gettext as _

from .models import RequestState


def state_label(state: RequestState | str | None) -> str:
    """The label of a state, given as the enum or its stored value; '' for None."""
    value = state.value if isinstance(state, RequestState) else state
    labels = {
        RequestState.SUBMITTED.value: _("Submitted"),
        RequestState.IN_REVIEW.value: _("In review"),
        RequestState.GRANTED.value: _("Granted"),
        RequestState.REJECTED.value: _("Rejected"),
        RequestState.SCHEDULED.value: _("Scheduled"),
        RequestState.HELD.value: _("Held"),
        RequestState.WITHDRAWN.value: _("Withdrawn"),
    }
    return labels.get(value, value or "")


def action_label(action: str) -> str:
    """What an audit event of a request says happened; unknown actions show as stored."""
    labels = {
        "request.submitted": _("Request submitted"),
        "request.review": _("Taken into review"),
        "request.granted": _("Request granted"),
        "request.rejected": _("Request rejected"),
        "request.scheduled": _("Meeting scheduled"),
        "request.held": _("Meeting held"),
        "request.withdrawn": _("Withdrawn by the region"),
        "request.note": _("Note"),
        "request.assigned": _("Coordinator assigned"),
        "request.unscheduled": _("No longer fully scheduled"),
        "session.booked": _("Session booked"),
        "session.rescheduled": _("Session moved"),
        "session.changed": _("Session details changed"),
        "session.cancelled": _("Session cancelled"),
    }
    return labels.get(action, action)
