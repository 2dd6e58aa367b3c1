"""Fixtures for scheduling: a period, regions, themes, a coordinator, experts, granted requests.

``plan`` holds it all (see the attributes below); ``plan.granted(...)`` makes another granted
request and ``plan.available(expert, day, dagdeel)`` gives an expert a free slot. Every user
has the password ``PASSWORD``.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
from ontwikkelbijeenkomsten.regions.services import school_year_containing
from ontwikkelbijeenkomsten.requests import services as requests
from tests.experts.conftest import PASSWORD, login, make_expert
from tests.requests.conftest import future_day, submission

__all__ = ["PASSWORD", "login", "future_day"]

OCHTEND, MIDDAG, AVOND = Dagdeel.OCHTEND, Dagdeel.MIDDAG, Dagdeel.AVOND


def available(expert, day: date, dagdeel: Dagdeel) -> None:
    db.session.add(Availability(expert_id=expert.id, date=day, dagdeel=dagdeel))
    db.session.commit()


@pytest.fixture
def plan(app):
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
    name, starts, ends = school_year_containing(today_local())
    period = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=4)
    regions = [Region(code="JZ41", name="Zuid-Limburg"), Region(code="JZ01", name="Groningen")]
    themes = [
        Theme(slug="oogo", name="OOGO", position=1),
        Theme(slug="leerplicht", name="Leerplicht", position=2),
        Theme(slug="leerlingenvervoer", name="Leerlingenvervoer", position=3),
    ]
    db.session.add_all([period, *regions, *themes])
    coordinator = create_user("coordinator@example.org", "Sanne de Vries", Role.COORDINATOR, PASSWORD)
    expert = make_expert("expert@example.org", "Eva Jansen", themes[:2])
    other = make_expert("ander@example.org", "Omar Bakker", themes[2:], regions=[regions[1]],
                        serves_all_regions=False)
    db.session.commit()
    ns = SimpleNamespace(period=period, regions=regions, region=regions[0], themes=themes,
                         coordinator=coordinator, expert=expert, other_expert=other)

    def granted(dagdelen: int = 2, region=None, **overrides):
        """A request granted `dagdelen` (its wanted number too, unless overridden)."""
        world = SimpleNamespace(region=region or regions[0], themes=themes)
        overrides.setdefault("dagdelen_wanted", dagdelen)
        with unit_of_work():
            saved = requests.submit(submission(world, **overrides))
            requests.take_into_review(saved, coordinator)
            requests.grant(saved, dagdelen, coordinator, "" if dagdelen == saved.dagdelen_wanted else "Minder.")
        return saved

    ns.granted = granted
    ns.available = available
    ns.moments = [(future_day(14), OCHTEND), (future_day(21), MIDDAG)]
    ns.request = granted(2)
    for day, dagdeel in ns.moments:
        available(expert, day, dagdeel)
    return ns


@pytest.fixture
def coordinator_client(app, plan):
    return login(app.test_client(), plan.coordinator)


@pytest.fixture
def expert_client(app, plan):
    return login(app.test_client(), plan.expert)
