"""iCalendar for sessions: the Europe/Amsterdam time zone, one event per session, a feed.

The VTIMEZONE is written by hand with one STANDARD and one DAYLIGHT part, each with a yearly
rule: icalendar's `add_missing_timezones()` writes lists of RDATEs instead, which ical.js and
vobject misread. icalendar (7.3 and later) folds long lines at 75 octets.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)

from ..config import TIMEZONE
from ..core.db import utcnow
from ..core.time import to_local
from ..sessions.models import Session, SessionState

PRODID = "-//Ontwikkelbijeenkomsten onderwijs-jeugd//NL"
#: How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=1)


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


def session_event(session: Session, *, url: str | None = None, description: str = "") -> Event:
    """The session as a VEVENT with its stable UID and SEQUENCE; times local with a TZID."""
    event = Event()
    event.add("UID", session.uid)
    event.add("SEQUENCE", session.sequence)
    event.add("DTSTAMP", utcnow())
    event.add("DTSTART", to_local(session.starts_at))
    event.add("DTEND", to_local(session.ends_at))
    event.add("SUMMARY", session.title)
    place = session.location or session.online_url
    if place:
        event.add("LOCATION", place)
    if description:
        event.add("DESCRIPTION", description)
    if url:
        event.add("URL", url)
    event.add("STATUS", "CANCELLED" if session.state is SessionState.CANCELLED else "CONFIRMED")
    return event


def feed(events: Iterable[Event], name: str) -> bytes:
    """A calendar to subscribe to (METHOD:PUBLISH; invitations need REQUEST or CANCEL instead)."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", name)
    calendar.add("X-WR-TIMEZONE", TIMEZONE)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add_component(amsterdam_vtimezone())
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
