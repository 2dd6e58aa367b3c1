"""The coordinator pages run the same number of queries for 3 and for 30 rows."""
from datetime import date, timedelta

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import MeetingState
from ontwikkelbijeenkomsten.regions import services
from ontwikkelbijeenkomsten.regions.models import (
    Organisation,
    OrganisationType,
    ProgrammePeriod,
    Region,
)
from ontwikkelbijeenkomsten.reports import regions as report

from ..queries import queries_for
from .builders import add_request


def _queries(client, path: str) -> int:
    """Statements for one request, starting with every loaded object expired."""
    db.session.commit()
    return queries_for(client, path)


def _add_regions(period_id: int, start: int, stop: int) -> None:
    period = db.session.get(ProgrammePeriod, period_id)
    for number in range(start, stop):
        region = Region(code=f"JZ{number:02d}", name=f"Regio {number}")
        db.session.add(region)
        db.session.flush()
        add_request(region, period, granted=2, meeting_states=[MeetingState.PLANNED])


def test_overview_and_csv_do_not_grow_with_the_regions(coordinator_client, period):
    paths, period_id = ("/coordinatie/regios", "/coordinatie/regios.csv"), period.id
    _add_regions(period_id, 1, 4)
    small = [_queries(coordinator_client, path) for path in paths]
    _add_regions(period_id, 4, 31)
    large = [_queries(coordinator_client, path) for path in paths]
    assert len(report.overview(db.session.get(ProgrammePeriod, period_id))) == 30
    assert small == large


def test_region_page_does_not_grow_with_organisations_periods_or_changes(coordinator_client, coordinator, region):
    ids = (region.id, coordinator.id)

    def grow(start: int, stop: int) -> None:
        member, actor = db.session.get(Region, ids[0]), db.session.get(type(coordinator), ids[1])
        for number in range(start, stop):
            member.organisations.append(Organisation(name=f"Gemeente {number}", type=OrganisationType.GEMEENTE))
            period = ProgrammePeriod(
                name=f"Periode {number}", starts_on=date(1900 + number, 1, 1), ends_on=date(1900 + number, 12, 31)
            )
            db.session.add(period)
            db.session.flush()
            services.set_region_quota(member, period, 5, f"Reden {number}", actor)

    path = f"/coordinatie/regios/{region.id}"
    grow(0, 3)
    small = _queries(coordinator_client, path)
    grow(3, 30)
    assert _queries(coordinator_client, path) == small


def test_periods_page_does_not_grow_with_the_periods(coordinator_client):
    def grow(start: int, stop: int) -> None:
        first = date(2000, 1, 1)
        db.session.add_all(
            ProgrammePeriod(
                name=f"Periode {n}", starts_on=first + timedelta(days=n), ends_on=first + timedelta(days=n + 30)
            )
            for n in range(start, stop)
        )
        db.session.commit()

    grow(0, 3)
    small = _queries(coordinator_client, "/coordinatie/periodes")
    grow(3, 30)
    assert _queries(coordinator_client, "/coordinatie/periodes") == small
