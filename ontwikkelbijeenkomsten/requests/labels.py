"""Words for the audit actions of a request, in the reader's language (the words for its states
come from REQUEST_STATES).

Registered as the Jinja filter `request_action` (see web/requests/blueprint.py).
"""
from __future__ import annotations

from flask_babel import gettext as _


def action_label(action: str) -> str:
    """What an audit event of a request says happened; unknown actions show as stored."""
    labels = {
        "request.submitted": _("Request submitted"),
        "request.review": _("Taken into review"),
        "request.granted": _("Request granted"),
        "request.rejected": _("Request rejected"),
        "request.grant_lowered": _("Fewer dagdelen granted"),
        "request.scheduled": _("Meeting scheduled"),
        "request.held": _("Meeting held"),
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
        "session.expert_needed": _("The expert declined: the session needs an expert"),
    }
    return labels.get(action, action)
