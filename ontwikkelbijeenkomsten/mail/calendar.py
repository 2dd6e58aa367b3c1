"""iCalendar: the Europe/Amsterdam time zone, invitations, feeds and downloads.

It knows nothing of meetings: callers describe each event as a `CalendarEntry`.

The VTIMEZONE is written by hand with one STANDARD and one DAYLIGHT part, each with a yearly
rule: icalendar's `add_missing_timezones()` writes lists of RDATEs instead, which ical.js and
vobject misread. icalendar (7.3 and later) folds long lines at 75 octets.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import cache, lru_cache

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
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
    #: The online link of an event whose `place` is an address: it goes in the description.
    online: str = ""


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
          cancelled: bool = False, tentative: bool = False) -> Event:
    """The entry as a VEVENT with its stable UID and SEQUENCE; times local with a TZID.

    `cancelled` marks it CANCELLED for this person even when the event itself goes on;
    `tentative` marks it TENTATIVE while this person has not accepted it yet.
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
    description = full_description(entry, description)
    if description:
        vevent.add("DESCRIPTION", description)
    if url:
        vevent.add("URL", url)
    vevent.add("STATUS", _status(cancelled or entry.cancelled, tentative))
    return vevent


def invitation(
    entry: CalendarEntry, method: str, attendee: tuple[str, str], sender: str,
    *, url: str | None = None, description: str = "", tentative: bool = False,
) -> bytes:
    """An iTIP message for one person: METHOD:REQUEST for a booking, registration or change,
    METHOD:CANCEL (with STATUS:CANCELLED) when the event is off for them; a REQUEST is
    TENTATIVE when `tentative` (the person has not accepted it yet).

    `attendee` is (name, e-mail); `sender` the From address ("Name <address>"), which is the
    ORGANIZER, so that calendars accept updates from it. A day-before alarm comes with REQUEST.

    Written line by line, as icalendar writes the same calendar (its order of properties and
    parameters, its escaping and folding): building it with icalendar took a large part of
    the time of each mail.
    """
    cancelled = method == "CANCEL" or entry.cancelled
    description = full_description(entry, description)
    attendee_name = attendee[0] or attendee[1]
    event_lines = [
        f"SUMMARY:{_text(entry.title)}",
        f"DTSTART;TZID={TIMEZONE}:{to_local(entry.starts_at):%Y%m%dT%H%M%S}",
        f"DTEND;TZID={TIMEZONE}:{to_local(entry.ends_at):%Y%m%dT%H%M%S}",
        f"DTSTAMP:{utcnow().astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"UID:{_text(entry.uid)}",
        f"SEQUENCE:{entry.sequence}",
        f"ATTENDEE;CN={_cn(attendee_name)};PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=FALSE"
        f":mailto:{attendee[1]}",
        *([f"DESCRIPTION:{_text(description)}"] if description else []),
        *([f"LOCATION:{_text(entry.place)}"] if entry.place else []),
        _organizer(sender),
        f"STATUS:{_status(cancelled, tentative)}",
        *([f"URL:{url}"] if url else []),
        *(["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(entry.title)}", "TRIGGER:-P1D", "END:VALARM"]
          if method == "REQUEST" else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    return (_lines(head) + _vtimezone_bytes().decode() + _lines(["BEGIN:VEVENT", *event_lines])).encode()


def _status(cancelled: bool, tentative: bool) -> str:
    return "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED"


def full_description(entry: CalendarEntry, description: str) -> str:
    """`description` with the entry's online link above it (a session with an address)."""
    return "\n\n".join(part for part in (entry.online, description) if part)


@lru_cache(maxsize=16)
def _organizer(sender: str) -> str:
    name, address = parseaddr(sender)
    return f"ORGANIZER;CN={_cn(name or address)}:mailto:{address}"


def _text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11)."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


_RFC6868 = re.compile(r'\^|\r\n|\r|\n|"')
_RFC6868_ESCAPES = {"^": "^^", "\r\n": "^n", "\r": "^n", "\n": "^n", '"': "^'"}
#: Parameter values holding one of these are quoted (icalendar's rule; ’ is U+2019).
_QUOTABLE = re.compile("[,;:\u2019]")


def _cn(value: str) -> str:
    """A CN parameter value, escaped (RFC 6868) and quoted as icalendar does it."""
    escaped = _RFC6868.sub(lambda found: _RFC6868_ESCAPES[found.group(0)], value)
    if " " in value or "'" in value or _QUOTABLE.search(escaped):
        return f'"{escaped}"'
    return escaped


def _lines(lines: list[str]) -> str:
    return "".join(_fold(line) + "\r\n" for line in lines)


def _fold(line: str, limit: int = 75) -> str:
    """Lines of fewer than `limit` octets joined by CRLF and a space (RFC 5545 3.1), never
    inside a character, and never right after a backslash or caret, so that no fold parts an
    escape (Google dropped events with a fold between backslash and n: icalendar 1501)."""
    if len(line) < limit // 4 or len(line.encode()) < limit:
        return line
    if line.isascii():  # an octet a character: cut by position
        folded, start = [], 0
        while len(line) - start >= limit:
            end = start + limit - 1
            if line[end - 1] in "\\^":
                end -= 1
            folded.append(line[start:end])
            start = end
        return "\r\n ".join([*folded, line[start:]])
    folded, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        if current and size + octets >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, size = [carried], len(carried.encode())
            else:
                folded.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += octets
    folded.append("".join(current))
    return "\r\n ".join(folded)


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


def download(entries: Iterable[CalendarEntry], url: str, *, cancelled: bool = False) -> bytes:
    """A file to import (METHOD:PUBLISH), with the same UIDs as the invites, so an import and
    an invite never make two events. A cancelled entry, or every entry when `cancelled` (the
    place is off for this person), has STATUS:CANCELLED, so an import or a subscription drops it,
    as the expert's feed does."""
    return _published(event(e, url=url, description=url, cancelled=cancelled) for e in entries).to_ical()
