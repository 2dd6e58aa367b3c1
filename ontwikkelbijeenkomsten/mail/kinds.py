"""The words for the kinds of mail (the outbox's "Soort"), in the reader's language: the one
place they are written. A kind is stored as a code (`registration_waiting`); pages show
`{{ mail.kind | mail_kind }}`. A code without a word here is shown as it is."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "request_received": _l("Request received (to the region)"),
    "request_new": _l("New request (to the coordinators)"),
    "request_question": _l("Question about a request"),
    "request_granted": _l("Request granted"),
    "request_rejected": _l("Request rejected"),
    "request_grant_lowered": _l("Fewer dagdelen granted"),
    "request_withdrawn": _l("Request withdrawn (to the region)"),
    "request_withdrawn_notice": _l("Request withdrawn (to the coordinators)"),
    "request_contact_welcome": _l("New contact person of a request"),
    "request_contact_replaced": _l("Contact person replaced (to the previous one)"),
    "nudge": _l("Reminder: dagdelen left"),
    "session_booked": _l("Session scheduled"),
    "session_assigned": _l("New assignment (to the expert)"),
    "session_changed": _l("Session changed"),
    "session_cancelled": _l("Session cancelled"),
    "session_accepted": _l("Assignment accepted (to the expert)"),
    "session_declined": _l("Assignment declined (to the expert)"),
    "assignment_declined": _l("Expert declined (to the coordinators)"),
    "session_released": _l("Expert no longer on the session"),
    "session_contact_released": _l("Session out of the previous contact person's calendar"),
    "session_invite": _l("Calendar invite"),
    "session_reminder": _l("Reminder of a session"),
    "registration_confirmed": _l("Registration confirmed"),
    "registration_waiting": _l("On the waiting list"),
    "registration_promoted": _l("A place came free"),
    "registration_cancelled": _l("Registration cancelled"),
    "registration_evaluation": _l("Request for an evaluation"),
    "registration_certificate": _l("Certificate of attendance"),
    "participant_message": _l("Message to the participants"),
    "expert_invitation": _l("Invitation for an expert"),
    "password_reset": _l("New password"),
    "lost_links": _l("Links sent again"),
    "mail_unbuildable": _l("A mail could not be made (to the coordinators)"),
}


def mail_kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
