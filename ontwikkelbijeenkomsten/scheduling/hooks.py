"""Scheduling's answers to the signals of the layers below it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..meetings import mails
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES
from ..requests.signals import contact_changed, request_closing
from .services import cancel_upcoming, meetings_kept, upcoming_meetings


@request_closing.connect
def cancel_meetings_of_closed_request(request, reason, actor) -> int:
    """Cancel the sessions that have not begun; returns how many sessions (dagdelen) stay."""
    cancel_upcoming(request, reason, actor)
    return meetings_kept(request)


@contact_changed.connect
def invite_new_contact(request, old, actor) -> None:
    """The new contact gets the mail of each session of the request that has not begun, as
    when it was scheduled, with its calendar invite (REQUEST). The previous contact's calendar
    keeps its events: there is no mail yet that takes them out while the session goes on."""
    for meeting in upcoming_meetings(request):
        contact = mails.contact_of(meeting)
        experts = [a.expert for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]
        mails.tell(meeting, contact, "session_booked", _l("Your meeting has been planned"),
                   "scheduling/session_booked", "REQUEST", expert=experts[0] if experts else None,
                   share=mails.registration_page(meeting))
