"""`calendar.invitation()` writes its text line by line; the text is the one icalendar writes for
the same calendar (property and parameter order, TEXT and RFC 6868 escaping, folding at 75
octets without parting a character or an escape), for titles, places, names and descriptions
full of what needs escaping."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
from icalendar import Alarm, Calendar, vCalAddress

from ontwikkelbijeenkomsten.mail import calendar
from ontwikkelbijeenkomsten.mail.calendar import CalendarEntry

NOW = datetime(2026, 12, 5, 14, 49, 49, 123456, tzinfo=UTC)
#: What a title or a name may hold that a calendar writer must take care of.
CHARACTERS = list("abcdefghij KLMNOP   ,;:\\^\"'’\n\r\tëïÇ–😀€N=?")


def through_icalendar(entry: CalendarEntry, method: str, attendee: tuple[str, str], sender: str, *,
                      url: str | None, description: str) -> bytes:
    """The same invitation built with icalendar's objects and written by icalendar."""
    vevent = calendar.event(entry, url=url, description=description, cancelled=method == "CANCEL")
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
    whole = Calendar()
    for name, value in [("PRODID", calendar.PRODID), ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", method)]:
        whole.add(name, value)
    whole.add_component(calendar.amsterdam_vtimezone())
    whole.add_component(vevent)
    return whole.to_ical()


def cases(count: int, characters: list[str], seed: int):
    rnd = random.Random(seed)

    def text(longest: int) -> str:
        return "".join(rnd.choice(characters) for _ in range(rnd.randint(0, longest)))

    for number in range(count):
        starts = NOW + timedelta(days=rnd.randint(-400, 400), minutes=rnd.randint(0, 1440))
        entry = CalendarEntry(text(40) or "uid", rnd.randint(0, 20), starts, starts + timedelta(hours=3),
                              text(200) or "titel", text(100), rnd.random() < 0.2)
        sender = rnd.choice(["Ontwikkelbijeenkomsten <o@example.org>", "o@example.org", '"Zoë, Ç" <z@example.org>'])
        yield (entry, rnd.choice(["REQUEST", "CANCEL"]), (text(60), f"p{number}@example.org"), sender,
               {"url": rnd.choice([None, "", "https://example.org/a?b=c,d;e"]), "description": text(300)})


@pytest.mark.parametrize("characters", [CHARACTERS, list("ab \\^;,"), list("\\^")], ids=["mixed", "ascii", "escapes"])
def test_the_invitation_is_the_text_icalendar_writes(monkeypatch, characters):
    monkeypatch.setattr(calendar, "utcnow", lambda: NOW)
    for entry, method, attendee, sender, options in cases(300, characters, seed=17):
        written = calendar.invitation(entry, method, attendee, sender, **options)
        assert written == through_icalendar(entry, method, attendee, sender, **options), (entry, attendee, options)
        assert all(len(line) <= 75 for line in written.split(b"\r\n"))
