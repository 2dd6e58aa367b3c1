"""Scheduling's answers to the signals of the layers below it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..meetings import mails
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES
from ..requests.signals import contact_changed, counting_upcoming, request_closing
from .services import cancel_upcoming, meetings_kept, upcoming_meetings


@request_closing.connect
def cancel_meetings_of_closed_request(request, reason, actor) -> int:
    """Cancel the sessions that have not begun; returns how many sessions (dagdelen) stay."""
    cancel_upcoming(request, reason, actor)
    return meetings_kept(request)


@counting_upcoming.connect
def count_upcoming_meetings(request) -> int:
    return len(upcoming_meetings(request))


@contact_changed.connect
def hand_over_sessions(request, old, actor) -> None:
    """Each session of the request that has not begun moves from the previous contact's
    calendar to the new one's: the new contact gets its mail as when it was scheduled, with the
    invite (REQUEST), and the previous contact a short mail with its CANCEL, unless they keep
    the session as an expert or participant. The SEQUENCE goes up, as for any change of who
    takes part, so both messages outrank the invites sent before."""
    for meeting in upcoming_meetings(request):
        meeting.raise_sequence()
        contact = mails.contact_of(meeting)
        experts = [a.expert for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]
        mails.tell(meeting, contact, "session_booked", _l("Your meeting has been planned"),
                   "scheduling/session_booked", "REQUEST", expert=experts[0] if experts else None,
                   share=mails.registration_page(meeting))
        if not mails.keeps_event(meeting, old.email, "contact"):
            mails.tell(meeting, mails.Person(old.name, old.email, request.locale, "contact"),
                       "session_contact_released", _l("Removed from your calendar: %(title)s", title=meeting.title),
                       "scheduling/session_contact_released", "CANCEL")
