"""Words for the log entries a person's data holds, for the readable summary of an access
request: what happened, in the reader's language, not the stored code. A request's entries use
the words of its timeline; an action without a word here shows as stored."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..requests.labels import action_label as request_action_label

LABELS = {
    "registration.confirmed": _l("Registration confirmed"),
    "registration.waiting": _l("On the waiting list"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.promoted": _l("Got a place from the waiting list"),
    "registration.attended": _l("Marked present"),
    "registration.attendance_removed": _l("No longer marked present"),
    "registration.added": _l("Registered by a coordinator"),
    "registration.moved": _l("Moved to another session"),
    "registration.details_changed": _l("Details changed"),
    "registration.register_number": _l("Register number changed"),
    "certificate.reissued": _l("Certificate of attendance issued anew"),
    "certificate.withdrawn": _l("Certificate of attendance withdrawn"),
    "assignment.accepted": _l("Assignment accepted"),
    "assignment.declined": _l("Assignment declined"),
    "expert.invited": _l("Invited as an expert"),
    "expert.invitation_resent": _l("Invitation sent again"),
    "expert.invitation_revoked": _l("Invitation withdrawn"),
    "expert.invitation_accepted": _l("Invitation accepted, password set"),
    "expert.profile_updated": _l("Profile changed"),
    "expert.feed_renewed": _l("New calendar link made"),
    "expert.deactivated": _l("Account deactivated"),
    "expert.reactivated": _l("Account active again"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account active again"),
    "user.password_reset_requested": _l("New password asked for"),
    "user.password_reset": _l("Password changed"),
}


def action_label(action: str) -> str:
    if action in LABELS:
        return str(LABELS[action])
    return request_action_label(action)
