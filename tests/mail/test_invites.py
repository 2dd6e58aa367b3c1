"""Invites as they arrive over SMTP, read by two independent parsers: vobject and Mozilla's
ical.js (through node). Both must give the right UTC start and end in winter (CET, UTC+1) and
summer (CEST, UTC+2), also on the days the clocks change, for REQUEST and for CANCEL.

The expected UTC times are written out here from the offsets, not computed with the code's
own time zone conversion.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import vobject

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert, MeetingKind
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests.experts.test_feed import icaljs_times, vobject_times
from tests.factories import applicant

from .smtp import deliver_all, invite_of, received_rows

CET, CEST = 1, 2  # hours ahead of UTC


@pytest.fixture
def app(smtp_app):
    return smtp_app


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def moments(year: int) -> list[tuple[str, date, Dagdeel, int]]:
    """(name, day, dagdeel, hours ahead of UTC) for January, July and around both switches."""
    march, october = last_sunday(year, 3), last_sunday(year, 10)
    return [
        ("january", date(year, 1, 12), Dagdeel.MIDDAG, CET),
        ("july", date(year, 7, 14), Dagdeel.OCHTEND, CEST),
        ("before summer time", march - timedelta(days=1), Dagdeel.AVOND, CET),
        ("first day of summer time", march, Dagdeel.OCHTEND, CEST),
        ("before winter time", october - timedelta(days=1), Dagdeel.AVOND, CEST),
        ("first day of winter time", october, Dagdeel.OCHTEND, CET),
    ]


def utc(day: date, at, hours_ahead: int) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC) - timedelta(hours=hours_ahead)


def open_training(plan, name: str, day: date, dagdeel: Dagdeel) -> Meeting:
    starts, ends = dagdeel.bounds(day)
    meeting = Meeting(kind=MeetingKind.OPEN_TRAINING, title=f"Training ({name})", description="Samen leren.",
                      date=day, dagdeel=dagdeel, starts_at=starts, ends_at=ends, location="Stadhuis Maastricht",
                      capacity=None, themes=plan.themes[:1])
    meeting.experts.append(MeetingExpert(expert=plan.expert, date=day, dagdeel=dagdeel))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_two_parsers_read_the_right_utc_times_in_winter_and_summer(plan, smtp, outbox_ids):
    year = today_local().year + 1
    expected = {}
    for name, day, dagdeel, hours_ahead in moments(year):
        meeting = open_training(plan, name, day, dagdeel)
        expected[meeting.uid] = (utc(day, dagdeel.start, hours_ahead), utc(day, dagdeel.end, hours_ahead))
        meetings.register(meeting, applicant(1))  # REQUEST to the participant
        scheduling.cancel(meeting, "Gaat niet door.", plan.coordinator)  # CANCEL to them and the expert
    deliver_all()

    invites = [(row, invite_of(mail)) for mail, row in received_rows(smtp, outbox_ids) if row.calendar_method]
    assert sorted(row.calendar_method for row, _ in invites) == ["CANCEL"] * 12 + ["REQUEST"] * 6
    for row, text in invites:
        uid = row.context["session"]["uid"]
        where = f"{row.kind} to {row.recipient}"
        assert vobject_times(text) == {uid: expected[uid]}, where
        calendar = vobject.readOne(text, validate=True)
        assert calendar.method.value == row.calendar_method, where

        parsed = icaljs_times(text)
        start, end = expected[uid]
        assert parsed == {uid: {
            "start": start.isoformat().replace("+00:00", ".000Z"),
            "end": end.isoformat().replace("+00:00", ".000Z"),
            "status": "CANCELLED" if row.calendar_method == "CANCEL" else "CONFIRMED",
        }}, where
