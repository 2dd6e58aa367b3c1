"""The test data the packages share, built by tests/factories.py (rows inserted directly).

Fixtures
--------
coordinator       Sanne de Vries, coordinator@example.org
themes            [OOGO, Leerplicht, Leerlingenvervoer]
regions           [Zuid-Limburg (JZ41), Groningen (JZ01)]
region            Zuid-Limburg alone
period            the programme period of the current school year, default quota 4
expert            Eva Jansen, expert@example.org: OOGO and Leerplicht, all regions
other_expert      Omar Bakker, ander@example.org: Leerplicht and Leerlingenvervoer, all regions
coordinator_client, expert_client
                  test clients logged in as ``coordinator`` and ``expert``
world             a region, the period, two themes and a coordinator "Sanne" (the requests tests)
plan              everything scheduling needs (see its docstring); ``plan.granted(...)`` and
                  ``plan.available(...)`` add more; with ``plan_through_services`` (True in
                  tests/mail) its requests are granted through the services, mails included
make_training(...), training
                  open trainings assigned to Eva Jansen, on top of the ``plan``

Every user has the password ``PASSWORD`` (tests/factories.py).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel
from tests import factories
from tests.factories import future_day, submission
from tests.helpers import login


@pytest.fixture
def coordinator(app):
    row = factories.coordinator()
    db.session.commit()
    return row


@pytest.fixture
def themes(app):
    rows = factories.themes()
    db.session.commit()
    return rows


@pytest.fixture
def regions(app):
    rows = factories.regions()
    db.session.commit()
    return rows


@pytest.fixture
def region(app):
    (row,) = factories.regions(1)
    db.session.commit()
    return row


@pytest.fixture
def period(app):
    row = factories.period()
    db.session.commit()
    return row


@pytest.fixture
def expert(app, themes):
    row = factories.make_expert("expert@example.org", "Eva Jansen", themes[:2])
    db.session.commit()
    return row


@pytest.fixture
def other_expert(app, themes):
    row = factories.make_expert("ander@example.org", "Omar Bakker", themes[1:])
    db.session.commit()
    return row


@pytest.fixture
def coordinator_client(app, coordinator):
    return login(app.test_client(), coordinator)


@pytest.fixture
def expert_client(app, expert):
    return login(app.test_client(), expert)


@pytest.fixture
def world(app):
    """A region, the current programme period, two themes and a coordinator."""
    period = factories.period()
    (region,) = factories.regions(1)
    themes = factories.themes(2)
    coordinator = factories.coordinator(name="Sanne")
    db.session.commit()
    return type("World", (), {"period": period, "region": region, "themes": themes, "coordinator": coordinator})


@pytest.fixture
def plan_through_services() -> bool:
    """Whether ``plan.granted`` submits, reviews and grants through the request services (with
    their mails) instead of inserting the granted request. tests/mail sets it: the mail tests
    expect the mails of a grant among those they check."""
    return False


@pytest.fixture
def plan(app, period, regions, themes, coordinator, expert, plan_through_services):
    """
    period       the current programme period (quota 4)
    regions      [Zuid-Limburg, Groningen]
    themes       [OOGO, Leerplicht, Leerlingenvervoer]
    coordinator  Sanne de Vries
    expert       Eva Jansen: OOGO and Leerplicht, all regions; free at both moments of `request`
    other_expert Omar Bakker: Leerlingenvervoer, Groningen only; no free slots
    request      granted, 2 dagdelen, Zuid-Limburg, theme OOGO,
                 preferred (future_day(14), ochtend) rank 1 and (future_day(21), middag) rank 2
    moments      those two moments
    """
    other = factories.make_expert("ander@example.org", "Omar Bakker", themes[2:], regions=[regions[1]],
                                  serves_all_regions=False)
    ns = SimpleNamespace(period=period, regions=regions, region=regions[0], themes=themes,
                         coordinator=coordinator, expert=expert, other_expert=other)

    def granted(dagdelen: int = 2, region=None, **overrides):
        """A request granted `dagdelen` (its wanted number too, unless overridden)."""
        world = SimpleNamespace(region=region or regions[0], themes=themes)
        overrides.setdefault("dagdelen_wanted", dagdelen)
        s = submission(world, **overrides)
        explanation = "" if dagdelen == s.dagdelen_wanted else "Minder."
        if plan_through_services:
            from ontwikkelbijeenkomsten.requests import services as requests

            request = requests.submit(s)
            requests.take_into_review(request, coordinator)
            requests.grant(request, dagdelen, coordinator, explanation)
        else:
            request = factories.granted_request(s, period, coordinator, dagdelen, explanation)
        db.session.commit()
        return request

    def available(expert, day, dagdeel: Dagdeel) -> None:
        factories.available(expert, day, dagdeel)
        db.session.commit()

    ns.granted = granted
    ns.available = available
    ns.moments = [(future_day(14), Dagdeel.OCHTEND), (future_day(21), Dagdeel.MIDDAG)]
    ns.request = granted(2)
    for day, dagdeel in ns.moments:
        factories.available(expert, day, dagdeel)
    db.session.commit()
    return ns


@pytest.fixture
def make_training(plan):
    """make_training(capacity=20, parts=1, days_ahead=30, waiting_list=True, title=...,
    dagdeel=MIDDAG, **fields): an open training (a series with `parts` > 1, a week apart),
    assigned to Eva Jansen, `days_ahead` days from today."""
    from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert, MeetingKind

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
