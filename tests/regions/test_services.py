from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.models import MeetingState
from ontwikkelbijeenkomsten.regions import quota, services
from ontwikkelbijeenkomsten.regions.models import (
    Organisation,
    OrganisationType,
    ProgrammePeriod,
    QuotaLedger,
    Region,
)
from ontwikkelbijeenkomsten.regions.services import RuleViolation
from ontwikkelbijeenkomsten.reports import regions as report

from .builders import add_request


def _events(action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def _violation(call, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as raised:
        call(*args)
    db.session.rollback()
    return raised.value


# ---- regions and organisations -----------------------------------------------------------------
def test_create_region_normalises_the_code_and_audits(coordinator):
    region = services.create_region(" jz14 ", " Twente ", coordinator)
    assert (region.code, region.name, region.active) == ("JZ14", "Twente", True)
    [event] = _events()
    assert (event.action, event.subject_id, event.actor_id) == ("region.created", region.id, coordinator.id)
    assert event.details == {"code": "JZ14", "name": "Twente"}


@pytest.mark.parametrize("code, name, field", [
    ("JZ41", "Nog een keer", "code"),
    ("jz-1", "Twente", "code"),
    ("JZ14", "   ", "name"),
])
def test_create_region_refuses(coordinator, region, code, name, field):
    assert _violation(services.create_region, code, name, coordinator).field == field
    assert db.session.scalars(select(Region.code)).all() == ["JZ41"]


def test_update_region_records_what_changed(coordinator, region):
    assert services.update_region(region, "Zuid-Limburg en Parkstad", False, coordinator) is True
    [event] = _events()
    assert (event.action, event.from_state, event.to_state) == ("region.updated", "active", "inactive")
    assert event.details == {"name": ["Zuid-Limburg", "Zuid-Limburg en Parkstad"], "active": [True, False]}
    assert services.update_region(region, " Zuid-Limburg en Parkstad ", False, coordinator) is False
    assert len(_events()) == 1
    assert services.inactive_regions() == [region]


def test_organisations_are_added_once_and_removed(coordinator, region):
    with unit_of_work():
        added = services.add_organisation(region, "Gemeente Maastricht", OrganisationType.GEMEENTE, coordinator)
    assert _violation(
        services.add_organisation, region, "gemeente maastricht", OrganisationType.GEMEENTE, coordinator
    ).field == "name"
    other = Region(code="JZ37", name="Noord-Limburg")
    db.session.add(other)
    db.session.commit()
    assert services.find_organisation(other, added.id) is None
    services.remove_organisation(services.find_organisation(region, added.id), coordinator)
    assert db.session.scalars(select(Organisation)).all() == []
    assert [(e.action, e.details["organisation"], e.details["type"]) for e in _events()] == [
        ("region.organisation_added", "Gemeente Maastricht", "gemeente"),
        ("region.organisation_removed", "Gemeente Maastricht", "gemeente"),
    ]


# ---- periods -----------------------------------------------------------------------------------
def test_periods_follow_each_other_and_may_not_overlap(coordinator):
    year = services.create_period("Schooljaar 2030-2031", date(2030, 8, 1), date(2031, 7, 31), 4, coordinator)
    later = services.create_period("Schooljaar 2031-2032", date(2031, 8, 1), date(2032, 7, 31), 2, coordinator)
    assert services.current_period(date(2031, 3, 1)) == year
    assert services.current_period(date(2031, 9, 1)) == later
    assert services.default_period(date(2040, 1, 1)) == later
    assert services.periods() == [later, year]
    assert [e.action for e in _events()] == ["period.created", "period.created"]
    assert _events()[0].details == {
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-07-31", "default_quota": 4,
    }
    with pytest.raises(services.RuleViolation) as raised:
        services.create_period("Extra voorjaar 2031", date(2031, 2, 1), date(2031, 6, 30), 2, coordinator)
    assert raised.value.field == "starts_on"
    with pytest.raises(services.RuleViolation):
        services.update_period(later, "Schooljaar 2031-2032", date(2031, 7, 1), date(2032, 7, 31), 2, coordinator)


@pytest.mark.parametrize("name, starts, ends, default, field", [
    ("Schooljaar 2030-2031", date(2030, 8, 1), date(2030, 7, 31), 4, "ends_on"),
    ("Schooljaar 2030-2031", date(2030, 8, 1), date(2031, 7, 31), 21, "default_quota"),
    ("Schooljaar 2030-2031", date(2030, 8, 1), date(2031, 7, 31), -1, "default_quota"),
    ("SCHOOLJAAR 2029-2030", date(2030, 8, 1), date(2031, 7, 31), 4, "name"),
    ("  ", date(2030, 8, 1), date(2031, 7, 31), 4, "name"),
])
def test_create_period_refuses(coordinator, name, starts, ends, default, field):
    with unit_of_work():
        services.create_period("Schooljaar 2029-2030", date(2029, 8, 1), date(2030, 7, 31), 4, coordinator)
    assert _violation(services.create_period, name, starts, ends, default, coordinator).field == field
    assert len(services.periods()) == 1


def test_a_single_day_period_is_fine(coordinator):
    period = services.create_period("Studiedag", date(2030, 3, 3), date(2030, 3, 3), 0, coordinator)
    assert period.default_quota == 0


def test_a_new_default_quota_reaches_the_regions_on_the_old_default(app, coordinator, period, region):
    own = Region(code="JZ37", name="Noord-Limburg")
    busy = Region(code="JZ42", name="Midden-Limburg Oost")
    db.session.add_all([own, busy])
    db.session.commit()
    services.set_region_quota(own, period, 6, "Grote regio", coordinator)
    add_request(busy, period, granted=3)
    quota.ledger(region, period)
    db.session.commit()

    with unit_of_work():
        assert services.update_period(period, period.name, period.starts_on, period.ends_on, 5, coordinator)

    ledgers = dict(db.session.execute(select(QuotaLedger.region_id, QuotaLedger.quota)).all())
    assert ledgers == {region.id: 5, own.id: 6, busy.id: 5}
    follow = _events(services.QUOTA_CHANGED)[1:]
    assert sorted(e.subject_id for e in follow) == sorted([region.id, busy.id])
    assert all((e.from_state, e.to_state, e.details["via"]) == ("4", "5", "period_default") for e in follow)
    assert _events("period.updated")[0].details == {"default_quota": [4, 5]}

    violation = _violation(
        services.update_period, period, period.name, period.starts_on, period.ends_on, 2, coordinator
    )
    with app.test_request_context():
        assert violation.field == "default_quota" and "3 dagdelen" in str(violation.message)
    assert db.session.get(ProgrammePeriod, period.id).default_quota == 5


def test_update_period_without_changes_records_nothing(coordinator, period):
    assert not services.update_period(period, period.name, period.starts_on, period.ends_on, 4, coordinator)
    assert _events() == []
    old_name, old_end = period.name, period.ends_on
    later = old_end + timedelta(days=31)
    assert services.update_period(period, "Verlengd", period.starts_on, later, 4, coordinator)
    assert _events("period.updated")[0].details == {
        "name": [old_name, "Verlengd"], "ends_on": [old_end.isoformat(), later.isoformat()],
    }


# ---- quota -------------------------------------------------------------------------------------
def test_set_region_quota_records_the_reason(coordinator, period, region):
    assert services.set_region_quota(region, period, 6, "  Twee extra dagdelen voor de pilot.  ", coordinator) == (4, 6)
    assert quota.ledger(region, period).quota == 6
    [event] = services.quota_history(region)
    assert (event.action, event.from_state, event.to_state) == ("region.quota_changed", "4", "6")
    assert event.actor_id == coordinator.id
    assert event.details == {
        "period_id": period.id, "period": period.name, "reason": "Twee extra dagdelen voor de pilot.",
    }
    services.set_region_quota(region, period, 5, "Toch één minder.", coordinator)
    assert [e.to_state for e in services.quota_history(region)] == ["5", "6"]
    assert [(q.period, q.quota, q.granted, q.remaining) for q in services.region_quotas(region)] == [(period, 5, 0, 5)]


@pytest.mark.parametrize("new, reason, field", [
    (1, "Minder", "quota"),
    (4, "Hetzelfde", "quota"),
    (21, "Veel", "quota"),
    (-1, "Negatief", "quota"),
    (6, "   ", "reason"),
])
def test_set_region_quota_refuses(coordinator, period, region, new, reason, field):
    add_request(region, period, granted=2)
    assert _violation(services.set_region_quota, region, period, new, reason, coordinator).field == field
    assert quota.ledger(region, period).quota == 4
    assert services.quota_history(region) == []


def test_region_quotas_show_the_default_where_the_region_has_no_ledger(coordinator, period, region):
    end = period.ends_on
    later = services.create_period("Volgend jaar", end + timedelta(days=1), end + timedelta(days=365), 3, coordinator)
    add_request(region, period, granted=1)
    assert [(q.period, q.quota, q.granted) for q in services.region_quotas(region)] == [(later, 3, 0), (period, 4, 1)]


# ---- the overview ------------------------------------------------------------------------------
@pytest.fixture
def three_regions(coordinator, period, region):
    """JZ41 (4, 3 granted, 2 scheduled), JZ01 (own quota 6, nothing granted), JZ13 (4, 1 granted)."""
    groningen = Region(code="JZ01", name="groningen")
    amsterdam = Region(code="JZ13", name="Amsterdam-Amstelland")
    gone = Region(code="JZ99", name="Opgeheven", active=False)
    db.session.add_all([groningen, amsterdam, gone])
    db.session.commit()
    add_request(region, period, granted=2, meeting_states=[MeetingState.PLANNED, MeetingState.CANCELLED])
    add_request(region, period, granted=1, meeting_states=[MeetingState.HELD])
    add_request(amsterdam, period, granted=1)
    add_request(region, period)  # submitted, nothing granted
    services.set_region_quota(groningen, period, 6, "Extra", coordinator)
    other = services.create_period("Ander jaar", date(2000, 1, 1), date(2000, 12, 31), 4, coordinator)
    add_request(amsterdam, other, granted=2, meeting_states=[MeetingState.PLANNED])
    return period


def test_overview_counts_per_region(three_regions):
    rows = report.overview(three_regions)
    assert [(r.code, r.quota, r.granted, r.scheduled, r.remaining) for r in rows] == [
        ("JZ01", 6, 0, 0, 6),
        ("JZ13", 4, 1, 0, 3),
        ("JZ41", 4, 3, 2, 1),
    ]


@pytest.mark.parametrize("sort, descending, codes", [
    ("name", False, ["JZ13", "JZ01", "JZ41"]),
    ("name", True, ["JZ41", "JZ01", "JZ13"]),
    ("code", True, ["JZ41", "JZ13", "JZ01"]),
    ("quota", True, ["JZ01", "JZ13", "JZ41"]),
    ("granted", True, ["JZ41", "JZ13", "JZ01"]),
    ("scheduled", True, ["JZ41", "JZ01", "JZ13"]),
    ("remaining", False, ["JZ41", "JZ13", "JZ01"]),
])
def test_overview_sorts_on_every_column(three_regions, sort, descending, codes):
    assert [r.code for r in report.overview(three_regions, sort, descending)] == codes


def test_overview_csv_is_for_excel(app, three_regions):
    region = db.session.scalar(select(Region).where(Region.code == "JZ13"))
    region.name = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    with app.test_request_context():
        text = report.overview_csv(report.overview(three_regions, "name"))
        filename = report.csv_filename(three_regions)
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").splitlines()
    assert len(lines[0].split(";")) == 6
    assert lines[1] == "JZ13;\"'=HYPERLINK(\"\"http://evil\"\")\";4;1;0;3"
    assert lines[2:] == ["JZ01;groningen;6;0;0;6", "JZ41;Zuid-Limburg;4;3;2;1"]
    assert filename.endswith(".csv") and " " not in filename


# ---- import ------------------------------------------------------------------------------------
def test_import_adds_updates_and_reports_rejected_rows_by_line(region):
    report = services.import_regions(
        "\ufeffCode;Naam;Provincie\n"
        "JZ41;Zuid-Limburg;Limburg\n"
        "\n"
        "jz37;Noord-Limburg;Limburg\n"
        "JZ37;Noord-Limburg nog eens;Limburg\n"
        "JZ1;Te kort;\n"
        "JZ42;;Limburg\n"
        "JZ42;Midden-Limburg Oost\n"
        '"JZ25";"Naam met ; erin"\n'
    )
    assert report.rejected[0] == (1, "the header must name the columns code and name")
    report = services.import_regions(
        "\ufeffCode;Name;Provincie\n"
        "JZ41;Zuid-Limburg;Limburg\n"
        "\n"
        "jz37;Noord-Limburg;Limburg\n"
        "JZ37;Noord-Limburg nog eens;Limburg\n"
        "JZ1;Te kort;\n"
        "JZ42;;Limburg\n"
        "JZ42;Midden-Limburg Oost\n"
        '"JZ25";"Naam met ; erin"\n'
    )
    assert (report.added, report.updated, report.unchanged) == (3, 0, 1)
    assert [line for line, _reason in report.rejected] == [5, 6, 7]
    assert "twice" in report.rejected[0][1] and "JZ01" in report.rejected[1][1]
    names = dict(db.session.execute(select(Region.code, Region.name)).all())
    assert names == {
        "JZ41": "Zuid-Limburg", "JZ37": "Noord-Limburg", "JZ42": "Midden-Limburg Oost", "JZ25": "Naam met ; erin",
    }
    report = services.import_regions("code,name\nJZ41,Zuid-Limburg (nieuw)\n")
    assert (report.added, report.updated) == (0, 1)


def test_import_stops_at_broken_csv_and_keeps_the_rows_before(app):
    text = "code,name\nJZ01,Groningen\nJZ02," + "x" * 200_000 + "\nJZ03,Drenthe\n"
    report = services.import_regions(text)
    assert report.added == 1
    [(line, reason)] = report.rejected
    assert line == 3 and "not valid CSV" in reason
    assert db.session.scalars(select(Region.code)).all() == ["JZ01"]


def test_import_of_an_empty_text_rejects_the_header(app):
    assert services.import_regions("").rejected == [(1, "the header must name the columns code and name")]
