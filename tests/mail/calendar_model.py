"""Each recipient's calendar client as RFC 5546 describes it: the iTIP messages that reached an
address are applied in order, per UID. A REQUEST adds or replaces the event unless it is older
(a lower SEQUENCE) than the one held; a CANCEL removes it unless it is older.

`calendars()` plays the outbox into these clients; `reality()` says what each address should
hold according to the database (the contact: the request's sessions that go on; an expert:
the sessions they are actively assigned to; a participant with a place: the parts of the
series that go on). A test compares the two.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from icalendar import Calendar
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Meeting,
    MeetingState,
    RegistrationState,
)

Event = tuple  # (start, end) in UTC


class Client:
    """One address's calendar: {uid: (sequence, event)}."""

    def __init__(self):
        self.held: dict[str, tuple[int, Event]] = {}

    def apply(self, text: str) -> None:
        calendar = Calendar.from_ical(text)
        method = str(calendar["METHOD"])
        (vevent,) = calendar.walk("VEVENT")
        uid, sequence = str(vevent["UID"]), int(vevent.get("SEQUENCE", 0))
        if uid in self.held and sequence < self.held[uid][0]:
            return  # an older message than the one applied: calendars ignore it
        if method == "REQUEST":
            event = (vevent.decoded("DTSTART").astimezone(UTC), vevent.decoded("DTEND").astimezone(UTC))
            self.held[uid] = (sequence, event)
        elif method == "CANCEL":
            self.held.pop(uid, None)
        else:
            raise AssertionError(f"an invitation with METHOD:{method}")

    @property
    def events(self) -> dict[str, Event]:
        return {uid: event for uid, (_sequence, event) in self.held.items()}


def messages() -> list[OutboxMail]:
    """Every queued mail with an invite, in the order it was queued, rendered as the worker does."""
    rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
    render_pending(rows)
    return [row for row in rows if row.calendar]


def calendars() -> dict[str, dict[str, Event]]:
    """What each address's calendar holds after every invite was applied in order."""
    clients: dict[str, Client] = defaultdict(Client)
    for row in messages():
        clients[row.recipient.lower()].apply(row.calendar)
    return {address: client.events for address, client in clients.items() if client.events}


def reality() -> dict[str, dict[str, Event]]:
    """What each address should hold, from the database."""
    held: dict[str, dict[str, Event]] = defaultdict(dict)
    for meeting in db.session.scalars(select(Meeting).where(Meeting.state != MeetingState.CANCELLED)):
        event = (meeting.starts_at.astimezone(UTC), meeting.ends_at.astimezone(UTC))
        addresses = {a.expert.email for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES}
        if meeting.request is not None:
            addresses.add(meeting.request.contact_email)
        addresses |= {r.email for r in meeting.lead.registrations
                      if r.state in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)}
        for address in addresses:
            held[address.lower()][meeting.uid] = event
    return dict(held)
