"""iCalendar: the Europe/Amsterdam time zone, invitations, feeds and downloads.

It knows nothing of meetings: callers describe each event as a `CalendarEntry`.

The VTIMEZONE is written by hand with one STANDARD and one DAYLIGHT part, each with a yearly
rule: icalendar's `add_missing_timezones()` writes lists of RDATEs instead, which ical.js and
vobject misread. icalendar (7.3 and later) folds long lines at 75 octets.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

from ..core.config import TIMEZONE
from ..core.db import utcnow
from ..core.time import to_local

PRODID = "-//Ontwikkelbijeenkomsten onderwijs-jeugd//NL"
#: How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar needs to know of one event. The same `uid` for the same event in every
    message, and a higher `sequence` after each change, let calendars update it in place."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    title: str
    place: str = ""
    cancelled: bool = False


def _transition(part, starts: datetime, offset_from: int, offset_to: int, name: str, month: int):
    part.add("DTSTART", starts)
    part.add("TZOFFSETFROM", timedelta(hours=offset_from))
    part.add("TZOFFSETTO", timedelta(hours=offset_to))
    part.add("TZNAME", name)
    part.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
    return part


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam: CEST from the last Sunday of March, CET from the last Sunday of October."""
    zone = Timezone()
    zone.add("TZID", TIMEZONE)
    zone.add_component(_transition(TimezoneStandard(), datetime(1970, 10, 25, 3, 0), 2, 1, "CET", 10))
    zone.add_component(_transition(TimezoneDaylight(), datetime(1970, 3, 29, 2, 0), 1, 2, "CEST", 3))
    return zone


def event(entry: CalendarEntry, *, url: str | None = None, description: str = "",
          cancelled: bool = False) -> Event:
    """The entry as a VEVENT with its stable UID and SEQUENCE; times local with a TZID.

    `cancelled` marks it CANCELLED for this person even when the event itself goes on.
    """
    vevent = Event()
    vevent.add("UID", entry.uid)
    vevent.add("SEQUENCE", entry.sequence)
    vevent.add("DTSTAMP", utcnow())
    vevent.add("DTSTART", to_local(entry.starts_at))
    vevent.add("DTEND", to_local(entry.ends_at))
    vevent.add("SUMMARY", entry.title)
    if entry.place:
        vevent.add("LOCATION", entry.place)
    if description:
        vevent.add("DESCRIPTION", description)
    if url:
        vevent.add("URL", url)
    vevent.add("STATUS", "CANCELLED" if cancelled or entry.cancelled else "CONFIRMED")
    return vevent


def invitation(
    entry: CalendarEntry, method: str, attendee: tuple[str, str], sender: str,
    *, url: str | None = None, description: str = "",
) -> bytes:
    """An iTIP message for one person: METHOD:REQUEST for a booking, registration or change,
    METHOD:CANCEL (with STATUS:CANCELLED) when the event is off for them.

    `attendee` is (name, e-mail); `sender` the From address ("Name <address>"), which is the
    ORGANIZER, so that calendars accept updates from it. A day-before alarm comes with REQUEST.
    """
    vevent = event(entry, url=url, description=description, cancelled=method == "CANCEL")
    name, address = parseaddr(sender)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or address
    vevent.add("ORGANIZER", organizer)
    person = vCalAddress(f"mailto:{attendee[1]}")
    person.params.update({"CN": attendee[0] or attendee[1], "ROLE": "REQ-PARTICIPANT",
                          "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})
    vevent.add("ATTENDEE", person)
    if method == "REQUEST":
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", entry.title)
        alarm.add("TRIGGER", timedelta(days=-1))
        vevent.add_component(alarm)
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    calendar.add_component(vevent)
    head, begin, rest = calendar.to_ical().partition(b"BEGIN:VEVENT\r\n")
    return head + _vtimezone_bytes() + begin + rest


@cache
def _vtimezone_bytes() -> bytes:
    """Serialised once: writing the VTIMEZONE was half the cost of each invitation."""
    return amsterdam_vtimezone().to_ical()


def _published(events: Iterable[Event]) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add_component(amsterdam_vtimezone())
    for vevent in events:
        calendar.add_component(vevent)
    return calendar


def feed(events: Iterable[Event], name: str) -> bytes:
    """A calendar to subscribe to (METHOD:PUBLISH; invitations need REQUEST or CANCEL instead)."""
    calendar = _published(events)
    calendar.add("X-WR-CALNAME", name)
    calendar.add("X-WR-TIMEZONE", TIMEZONE)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    return calendar.to_ical()


def download(entries: Iterable[CalendarEntry], url: str) -> bytes:
    """A file to import (METHOD:PUBLISH), with the same UIDs as the invites, so an import and
    an invite never make two events."""
    return _published(event(e, url=url, description=url) for e in entries).to_ical()
