"""The monitoring report against a small world counted by hand, its CSV and workbook read back,
the choice of period or range (with errors at the fields), who may open it, and its query count."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone

import pytest
from openpyxl import load_workbook

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Attendance,
    Evaluation,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.regions.models import OrganisationType, ProgrammePeriod
from ontwikkelbijeenkomsten.reports.monitoring import Dagdelen, monitoring_report
from ontwikkelbijeenkomsten.reports.start import Attention
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request, RequestState
from tests.queries import queries_for

START, END = date(2024, 1, 1), date(2024, 3, 31)
E, J, G, A = Sector.ONDERWIJS, Sector.JEUGDHULP, Sector.GEMEENTE, Sector.OTHER
PRESENT, PLACE = RegistrationState.ATTENDED, RegistrationState.CONFIRMED


def _request(region, period, themes, sent: date, wanted: int, granted: int, state: RequestState) -> Request:
    request = Request(
        region=region, period=period, state=state, organisation_name="SWV", organisation_type=OrganisationType.SWV_VO,
        contact_name="Ilse Claessens", contact_email="ilse@example.org", contact_phone="06 12345678",
        dagdelen_wanted=wanted, dagdelen_granted=granted, goal="Samen.", location_kind=LocationKind.ONLINE,
        consent_at=datetime.combine(sent, time(10), timezone.utc), themes=themes,
        created_at=datetime.combine(sent, time(10), timezone.utc))
    db.session.add(request)
    return request


def _meeting(day: date, state: MeetingState, themes, *, request=None, series=None, experts=()) -> Meeting:
    starts, ends = Dagdeel.OCHTEND.bounds(day)
    meeting = Meeting(kind=MeetingKind.REGIONAL if request else MeetingKind.OPEN_TRAINING, state=state,
                      request=request, region=request.region if request else None, series=series,
                      title=f"Bijeenkomst {day:%d-%m}", date=day, dagdeel=Dagdeel.OCHTEND, starts_at=starts,
                      ends_at=ends, themes=themes)
    for expert, assignment in experts:
        meeting.experts.append(MeetingExpert(expert=expert, date=day, dagdeel=Dagdeel.OCHTEND, state=assignment))
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _people(meeting: Meeting, people, scores=()) -> None:
    """`people`: (sector, state); the first ones present give the `scores`."""
    scores = list(scores)
    for n, (sector, state) in enumerate(people):
        registration = Registration(meeting_id=meeting.id, state=state, name=f"Deelnemer {n}",
                                    email=f"d{meeting.id}-{n}@example.org", sector=sector)
        db.session.add(registration)
        db.session.flush()
        if state is PRESENT:
            db.session.add(Attendance(registration_id=registration.id, meeting_id=meeting.id))
            if scores:
                db.session.add(Evaluation(registration_id=registration.id, meeting_id=meeting.id,
                                          score=scores.pop(0), went_well="Goed."))


@pytest.fixture
def world(period, regions, themes, expert, coordinator):
    """Zuid-Limburg and Groningen in the first quarter of 2024, counted by hand in the tests."""
    zuid, groningen = regions
    oogo, leerplicht, vervoer = themes
    from tests.factories import make_expert

    omar = make_expert("omar@example.org", "Omar Bakker", themes)
    asked = _request(zuid, period, [oogo, leerplicht], date(2024, 1, 10), 3, 2, RequestState.SCHEDULED)
    _request(groningen, period, [leerplicht], date(2024, 2, 5), 2, 0, RequestState.REJECTED)
    _request(groningen, period, [vervoer], date(2024, 2, 20), 1, 1, RequestState.WITHDRAWN)  # gave them back
    _request(zuid, period, [oogo], date(2023, 12, 31), 4, 0, RequestState.SUBMITTED)  # before the range
    held = _meeting(date(2024, 1, 20), MeetingState.HELD, [oogo], request=asked,
                    experts=[(expert, AssignmentState.ACCEPTED)])
    _people(held, [(E, PRESENT), (E, PRESENT), (J, PRESENT), (G, PLACE), (J, RegistrationState.WAITING),
                   (A, RegistrationState.CANCELLED)], scores=[4, 5])
    _meeting(date(2024, 2, 15), MeetingState.CANCELLED, [oogo], request=asked,
             experts=[(expert, AssignmentState.RELEASED)])
    booked = _meeting(date(2024, 3, 5), MeetingState.PLANNED, [oogo, leerplicht], request=asked,
                      experts=[(expert, AssignmentState.ASSIGNED), (omar, AssignmentState.DECLINED)])
    _people(booked, [(E, PLACE), (E, PLACE)])
    _meeting(date(2024, 4, 2), MeetingState.HELD, [oogo], request=asked)  # after the range
    training = _meeting(date(2024, 2, 10), MeetingState.HELD, [leerplicht], experts=[(expert, AssignmentState.ACCEPTED)])
    _meeting(date(2024, 2, 17), MeetingState.HELD, [leerplicht], series=training,
             experts=[(expert, AssignmentState.ACCEPTED)])
    _people(training, [(J, PRESENT), (A, PRESENT), (E, PLACE)], scores=[3])
    db.session.commit()


def test_dagdelen_per_region_theme_and_month(world):
    report = monitoring_report(START, END)
    assert report.total == Dagdelen(requested=6, granted=2, booked=2, held=1)
    assert [(r.rank, r.name, r.dagdelen) for r in report.regions] == [
        (1, "Zuid-Limburg", Dagdelen(3, 2, 2, 1)), (2, "Groningen", Dagdelen(3, 0, 0, 0))]
    assert [(t.theme, t.dagdelen) for t in report.themes] == [
        ("OOGO", Dagdelen(3, 2, 2, 1)), ("Leerplicht", Dagdelen(5, 2, 1, 0)), ("Leerlingenvervoer", Dagdelen(1, 0, 0, 0))]
    assert [(m.month, m.dagdelen) for m in report.months] == [
        (date(2024, 1, 1), Dagdelen(3, 2, 1, 1)), (date(2024, 2, 1), Dagdelen(3, 0, 0, 0)),
        (date(2024, 3, 1), Dagdelen(0, 0, 1, 0))]


def test_a_request_sent_just_after_midnight_counts_in_the_new_month(period, regions, themes):
    """00:30 on 1 February in Amsterdam is still 31 January in UTC."""
    request = _request(regions[0], period, [themes[0]], date(2024, 1, 31), 2, 0, RequestState.SUBMITTED)
    request.created_at = datetime(2024, 1, 31, 23, 30, tzinfo=timezone.utc)
    db.session.flush()
    assert [(m.month, m.dagdelen.requested) for m in monitoring_report(START, END).months] == [
        (date(2024, 1, 1), 0), (date(2024, 2, 1), 2), (date(2024, 3, 1), 0)]


def test_reach_per_sector_and_the_joint_sessions(world):
    reach = monitoring_report(START, END).reach
    assert [(s.date, s.kind, s.region, s.per_sector, s.joint) for s in reach.sessions] == [
        (date(2024, 1, 20), MeetingKind.REGIONAL, "Zuid-Limburg", (2, 1, 1, 0), True),
        (date(2024, 2, 10), MeetingKind.OPEN_TRAINING, "", (1, 1, 0, 1), True),  # a series: once
        (date(2024, 3, 5), MeetingKind.REGIONAL, "Zuid-Limburg", (2, 0, 0, 0), False),
    ]
    assert (reach.per_sector, reach.total, reach.qualifying, reach.joint) == ((5, 2, 1, 1), 9, 3, 2)


def test_attendance_and_scores_per_theme(world):
    quality = {q.theme: q for q in monitoring_report(START, END).quality}
    assert list(quality) == ["OOGO", "Leerplicht", None]
    oogo, leerplicht, total = quality.values()
    assert (oogo.sessions, oogo.places, oogo.present, oogo.scores, oogo.average_score) == (1, 4, 3, (0, 0, 0, 1, 1), 4.5)
    assert (leerplicht.places, leerplicht.present, leerplicht.scores) == (3, 2, (0, 0, 1, 0, 0))
    assert (total.sessions, total.places, total.present, total.answers, total.average_score) == (2, 7, 5, 3, 4.0)
    assert round(total.attendance_percentage, 1) == 71.4


def test_a_series_whose_first_dagdeel_was_cancelled_still_counts(period, regions, themes):
    """A training of two dagdelen whose first was cancelled went on with the second: its
    participants and their attendance count, on the date of that second dagdeel, once."""
    first = _meeting(date(2024, 2, 6), MeetingState.CANCELLED, [themes[1]])
    _meeting(date(2024, 2, 13), MeetingState.HELD, [themes[1]], series=first)
    _people(first, [(J, PRESENT), (E, PRESENT), (E, PLACE)], scores=[5])
    report = monitoring_report(START, END)
    assert [(s.date, s.per_sector, s.joint) for s in report.reach.sessions] == [(date(2024, 2, 13), (2, 1, 0, 0), True)]
    assert (report.reach.total, report.reach.qualifying, report.reach.joint) == (3, 1, 1)
    total = report.quality[-1]
    assert (total.sessions, total.places, total.present, total.answers) == (1, 3, 2, 1)
    # a series counts in the range of its first dagdeel that is not cancelled, not in the one before
    assert monitoring_report(START, date(2024, 2, 10)).reach.sessions == []


def test_experts_and_their_spread_over_regions(world):
    (eva,) = monitoring_report(START, END).experts  # Omar declined
    assert (eva.expert, eva.dagdelen, eva.per_region, eva.regions) == (
        "Eva Jansen", 4, (("", 2), ("Zuid-Limburg", 2)), 1)


def _csv(client, key: str, query: str) -> list[list[str]]:
    response = client.get(f"/coordinatie/rapportage/{key}.csv?{query}")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


RANGE = "start=2024-01-01&end=31-03-2024"


def test_each_table_as_csv(world, coordinator_client):
    assert _csv(coordinator_client, "regios", RANGE) == [
        ["Plaats", "Code", "Regio", "Aangevraagd", "Toegekend", "Ingepland", "Uitgevoerd"],
        ["1", "JZ41", "Zuid-Limburg", "3", "2", "2", "1"], ["2", "JZ01", "Groningen", "3", "0", "0", "0"],
        ["", "", "Totaal", "6", "2", "2", "1"]]
    reach = _csv(coordinator_client, "bereik", RANGE)
    assert reach[1:3] == [["Onderwijs", "5", "55,6"], ["Jeugdhulp", "2", "22,2"]]
    assert reach[-1][1:] == ["2", "66,7"]
    scores = _csv(coordinator_client, "opkomst-en-scores", RANGE)
    assert scores[-1] == ["Alle thema’s", "2", "7", "5", "71,4", "3", "4,0", "0", "0", "1", "1", "1"]


def test_the_workbook_has_a_sheet_per_table(world, coordinator_client):
    response = coordinator_client.get(f"/coordinatie/rapportage.xlsx?{RANGE}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["rapportage", "regios", "themas", "maanden", "bereik", "bijeenkomsten",
                               "opkomst-en-scores", "experts", "experts-per-regio"]
    about = [list(row) for row in book["rapportage"].iter_rows(values_only=True)]
    # the range's end is "tot en met", as on the page; "Aan" is the word for a mail's recipient
    assert [about[1][0], about[2][0]] == ["Van", "Tot en met"]
    regions = [list(row) for row in book["regios"].iter_rows(values_only=True)]
    assert regions[1] == [1, "JZ41", "Zuid-Limburg", 3, 2, 2, 1]
    assert regions[-1] == [None, None, "Totaal", 6, 2, 2, 1]
    sessions = [list(row) for row in book["bijeenkomsten"].iter_rows(values_only=True)]
    assert sessions[1][0].date() == date(2024, 1, 20) and sessions[1][4:] == [2, 1, 1, 0, 4, "ja"]
    assert [list(row) for row in book["experts-per-regio"].iter_rows(values_only=True)][1:] == [
        ["Eva Jansen", "Open training", 2], ["Eva Jansen", "Zuid-Limburg", 2]]


def test_the_dagdelen_chart_names_the_requested_dagdelen(world, coordinator_client):
    """The legend said "hele balk: 6" for the dagdelen requested, a number without its meaning."""
    page = coordinator_client.get(f"/coordinatie/rapportage?{RANGE}").get_data(as_text=True)
    legend = page.split('id="dagdelen-chart-title"')[1].split("</figure>")[0]
    assert "aangevraagd (hele balk): 6" in legend and "toegekend (omlijning): 2" in legend


def test_a_range_without_requests_does_not_show_one_requested_dagdeel(coordinator_client, period):
    """A period nothing was requested in: the legend said "aangevraagd (hele balk): 1"."""
    page = coordinator_client.get("/coordinatie/rapportage?start=01-01-2030&end=31-12-2030").get_data(as_text=True)
    legend = page.split('id="dagdelen-chart-title"')[1].split("</figure>")[0]
    assert "aangevraagd (hele balk): 0" in legend and ": 1<" not in legend and ": 1\n" not in legend


def test_a_period_is_its_dates(world, coordinator_client, period):
    quarter = ProgrammePeriod(name="Eerste kwartaal 2024", starts_on=START, ends_on=END)
    db.session.add(quarter)
    db.session.commit()
    page = coordinator_client.get(f"/coordinatie/rapportage?period={quarter.id}").get_data(as_text=True)
    assert "Programmaperiode Eerste kwartaal 2024" in page and 'id="table-regios"' in page
    assert _csv(coordinator_client, "regios", f"period={quarter.id}")[-1][3:] == ["6", "2", "2", "1"]
    assert coordinator_client.get("/coordinatie/rapportage?period=99999").status_code == 404


@pytest.mark.parametrize("query, errors", [
    ("start=2024-03-01&end=2024-01-01", {"end": "De einddatum moet op of na de begindatum liggen."}),
    ("start=2024-03-01", {"end": "Vul de laatste dag van de periode in."}),
    ("end=2024-03-01", {"start": "Vul de eerste dag van de periode in."}),
    ("start=gisteren&end=2024-03-01", {"start": "Vul een datum in zoals 17-03-2026."}),
    ("start=2014-01-01&end=2024-03-01", {"end": "Kies een periode van hoogstens vijf jaar."}),
])
def test_a_wrong_range_is_told_at_its_field(coordinator_client, period, query, errors):
    response = coordinator_client.get(f"/coordinatie/rapportage?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="table-regios"' not in page
    for name, message in errors.items():
        assert f'id="{name}-error"' in page and message in page
    assert coordinator_client.get(f"/coordinatie/rapportage.xlsx?{query}").status_code == 404


def test_only_coordinators_open_it(client, expert_client):
    for path in ("/coordinatie/rapportage", "/coordinatie/rapportage/regios.csv", "/coordinatie/rapportage.xlsx"):
        assert client.get(path).status_code == 302
        assert expert_client.get(path).status_code == 403


def _grow(first: int, count: int, period, regions, themes, expert) -> None:
    """`count` more registrations and evaluations after the first `first`, ten per held session
    of a request of their own, spread over the regions, themes and sectors."""
    sectors = list(Sector)
    for n in range(first // 10, (first + count) // 10):
        day = START + timedelta(days=n % 90)
        request = _request(regions[n % 2], period, [themes[n % 3]], day, 2, 2, RequestState.SCHEDULED)
        meeting = _meeting(day, MeetingState.HELD, [themes[n % 3]], request=request)
        meeting.experts.append(MeetingExpert(expert=expert, date=day, dagdeel=(Dagdeel.MIDDAG, Dagdeel.AVOND)[n // 90],
                                             state=AssignmentState.ACCEPTED))
        registrations = [Registration(meeting_id=meeting.id, state=PRESENT, name="Deelnemer", sector=sectors[i % 4],
                                      email=f"g{meeting.id}-{i}@example.org") for i in range(10)]
        db.session.add_all(registrations)
        db.session.flush()
        db.session.add_all(Evaluation(registration_id=r.id, meeting_id=meeting.id, score=1 + i % 5)
                           for i, r in enumerate(registrations))
    db.session.commit()


def test_the_queries_do_not_grow_with_the_rows(world, coordinator_client, period, regions, themes, expert):
    """Every page of issue 14, the report and the start page with its lists, at 10 and 1,010 rows."""
    paths = [f"/coordinatie/rapportage?{RANGE}", f"/coordinatie/rapportage/regios.csv?{RANGE}",
             f"/coordinatie/rapportage.xlsx?{RANGE}", "/coordinatie/rapportage", "/coordinatie",
             *(f"/coordinatie/aandacht/{kind.value}" for kind in Attention)]
    _grow(0, 10, period, regions, themes, expert)
    small = [queries_for(coordinator_client, path) for path in paths]
    _grow(10, 1000, period, regions, themes, expert)
    assert monitoring_report(START, END).reach.total == 9 + 10 + 1000
    assert [queries_for(coordinator_client, path) for path in paths] == small
    assert max(small) <= 10
