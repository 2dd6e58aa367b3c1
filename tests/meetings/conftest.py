"""Fixtures for sessions and registration, on top of the scheduling ``plan``.

``make_training(...)`` builds an open training (one session, or a series with ``parts``),
assigned to Eva Jansen, ``days_ahead`` days from today; ``applicant(n)`` a distinct participant.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert, MeetingKind
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.meetings.services import Applicant
from tests.scheduling.conftest import coordinator_client, expert_client, future_day, plan  # noqa: F401  (fixtures)

SECTORS = [Sector.ONDERWIJS, Sector.JEUGDHULP, Sector.GEMEENTE, Sector.OTHER]


def applicant(n: int, **overrides) -> Applicant:
    values = dict(name=f"Deelnemer {n}", email=f"deelnemer{n}@example.org", sector=SECTORS[n % 4],
                  organisation="SWV Zuid", function="Intern begeleider")
    values.update(overrides)
    return Applicant(**values)


@pytest.fixture
def make_training(plan):
    def make(capacity: int | None = 20, parts: int = 1, days_ahead: int = 30, waiting_list: bool = True,
             title: str = "Samen signaleren", dagdeel: Dagdeel = Dagdeel.MIDDAG, **fields) -> Meeting:
        lead = None
        for index in range(parts):
            day = future_day(days_ahead + 7 * index)
            starts, ends = dagdeel.bounds(day)
            meeting = Meeting(
                kind=MeetingKind.OPEN_TRAINING, title=title, description="Onderwijs en jeugdhulp leren samen.",
                target_groups="Intern begeleiders en jeugdprofessionals", date=day, dagdeel=dagdeel,
                starts_at=starts, ends_at=ends, location="Stadhuis, Markt 1, Maastricht",
                capacity=capacity if lead is None else None, waiting_list_enabled=waiting_list,
                themes=plan.themes[:1], series=lead, **(fields if lead is None else {}),
            )
            meeting.experts.append(MeetingExpert(expert=plan.expert, date=day, dagdeel=dagdeel))
            db.session.add(meeting)
            lead = lead or meeting
        db.session.commit()
        return lead
    return make


@pytest.fixture
def training(make_training):
    """An open training with 20 places and a waiting list, 30 days ahead."""
    return make_training()
