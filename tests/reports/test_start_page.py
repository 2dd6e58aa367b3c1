"""The coordinators' start page: every count against a seeded world, each count's link to a list
of exactly those items, landing there after login, who may open it, and its query count."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Attendance,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, QuotaLedger, Region
from ontwikkelbijeenkomsten.reports import start
from ontwikkelbijeenkomsten.requests.models import RequestState
from ontwikkelbijeenkomsten.requests.waiting import working_days_before
from tests.factories import future_day
from tests.helpers import login, post_login
from tests.queries import queries_for
from tests.regions.builders import add_request

LONG_AGO = timedelta(days=20)  # at least 14 working days


def _regional(plan, request, title, *, days=14, state=MeetingState.PLANNED, assignments=()):
    day = future_day(days) if days > 0 else date.today() + timedelta(days=days)
    starts, ends = Dagdeel.OCHTEND.bounds(day)
    meeting = Meeting(kind=MeetingKind.REGIONAL, state=state, request=request, region=request.region, title=title,
                      date=day, dagdeel=Dagdeel.OCHTEND, starts_at=starts, ends_at=ends)
    for assignment_state in assignments:
        meeting.experts.append(MeetingExpert(expert=plan.expert, date=day, dagdeel=Dagdeel.OCHTEND,
                                             state=assignment_state))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _register(meeting, count, *, attended=False):
    for n in range(count):
        registration = Registration(meeting_id=meeting.id, state=RegistrationState.CONFIRMED, name=f"Deelnemer {n}",
                                    email=f"d{meeting.id}-{n}@example.org", sector=Sector.ONDERWIJS)
        db.session.add(registration)
        db.session.flush()
        if attended:
            db.session.add(Attendance(registration_id=registration.id, meeting_id=meeting.id))
    db.session.commit()


def _request(region, period, state, age=timedelta(0)):
    request = add_request(region, period)
    request.state, request.created_at = state, utcnow() - age
    db.session.commit()
    return request


@pytest.fixture
def seeded(plan, make_training):
    """A world with something of every kind the start page counts, and look-alikes that must not count."""
    zuid, groningen = plan.regions
    period = plan.period
    twente = Region(code="JZ20", name="Twente")
    db.session.add_all([twente, Region(code="JZ99", name="Opgeheven", active=False)])
    db.session.commit()
    ids = {}
    # requests: 2 new (one old), 2 waiting too long (one in review), 1 in review of today
    ids["new"] = {_request(groningen, period, RequestState.SUBMITTED).id,
                  _request(groningen, period, RequestState.SUBMITTED, LONG_AGO).id}
    ids["waiting"] = {max(ids["new"]), _request(groningen, period, RequestState.IN_REVIEW, LONG_AGO).id}
    _request(groningen, period, RequestState.IN_REVIEW)
    # granted: plan.request (2) fully booked; one of 1 with only a cancelled session; one of 1 held
    unbooked = plan.granted(1, region=groningen)
    held = plan.granted(1, region=groningen)
    ids["granted"] = {unbooked.id}
    plan.request.state, held.state = RequestState.SCHEDULED, RequestState.HELD  # what booking and holding leave
    unaccepted = _regional(plan, plan.request, "Niet geaccepteerd", assignments=[AssignmentState.ASSIGNED])
    _regional(plan, plan.request, "Afgewezen", days=15, state=MeetingState.EXPERT_NEEDED,
              assignments=[AssignmentState.DECLINED])
    _regional(plan, unbooked, "Geannuleerd", days=16, state=MeetingState.CANCELLED,
              assignments=[AssignmentState.RELEASED])
    _regional(plan, held, "Gehouden", days=-3, state=MeetingState.HELD, assignments=[AssignmentState.ACCEPTED])
    # a declined session that another expert took over does not count
    taken_over = make_training(title="Overgenomen", days_ahead=40)
    taken_over.experts[0].state = AssignmentState.DECLINED
    taken_over.experts.append(MeetingExpert(expert=plan.other_expert, date=taken_over.date,
                                            dagdeel=taken_over.dagdeel, state=AssignmentState.ACCEPTED))
    # open trainings: few places taken within 14 days, and look-alikes
    trainings = {
        "Derde niet gehaald": dict(capacity=30, confirmed_count=9, days_ahead=5),
        "Derde gehaald": dict(capacity=30, confirmed_count=10, days_ahead=4),
        "Zonder limiet, weinig": dict(capacity=None, confirmed_count=4, days_ahead=6),
        "Zonder limiet, genoeg": dict(capacity=None, confirmed_count=5, days_ahead=7),
        "Later": dict(capacity=30, confirmed_count=0, days_ahead=20),
        "Geannuleerd, leeg": dict(capacity=30, confirmed_count=0, days_ahead=8, state=MeetingState.CANCELLED),
    }
    for title, fields in trainings.items():
        training = make_training(title=title, **fields)
        training.experts[0].state = AssignmentState.ACCEPTED
    # ended sessions: without attendance (counts), with attendance, without people, cancelled
    for days, (title, people, attended, state) in enumerate((("Niet afgevinkt", 2, False, MeetingState.HELD),
                                                             ("Afgevinkt", 2, True, MeetingState.HELD),
                                                             ("Niemand", 0, False, MeetingState.HELD),
                                                             ("Geannuleerd verleden", 2, False, MeetingState.CANCELLED)),
                                                            start=2):
        past = make_training(title=title, days_ahead=-days, state=state)
        past.experts[0].state = AssignmentState.ACCEPTED
        db.session.commit()
        _register(past, people, attended=attended)
    for state in (MailState.FAILED, MailState.FAILED, MailState.SENT):
        db.session.add(OutboxMail(recipient="a@example.org", subject="Onderwerp", text_body="", html_body="",
                                  kind="test", state=state))
    db.session.commit()
    ids["unaccepted"] = unaccepted.id
    return ids


def test_every_count_against_the_seeded_world(seeded):
    todo = start.todo()
    assert (todo.new_requests, todo.waiting_requests, todo.unbooked_dagdelen, todo.failed_mails) == (2, 2, 1, 2)
    assert todo.sessions == {start.Attention.UNACCEPTED: 1, start.Attention.DECLINED: 1,
                             start.Attention.FEW_REGISTRATIONS: 2, start.Attention.NO_ATTENDANCE: 1}
    titles = {kind: [m.title for m in start.attention_meetings(kind)] for kind in start.Attention}
    assert titles == {start.Attention.UNACCEPTED: ["Niet geaccepteerd"], start.Attention.DECLINED: ["Afgewezen"],
                      start.Attention.FEW_REGISTRATIONS: ["Derde niet gehaald", "Zonder limiet, weinig"],
                      start.Attention.NO_ATTENDANCE: ["Niet afgevinkt"]}


def test_national_picture_and_regions_without_requests(seeded, plan):
    national = start.national(plan.period)
    # 3 active regions of 4; granted 2 (Zuid-Limburg) + 2 (Groningen); booked: 2 planned and 1 held
    assert (national.available, national.granted, national.booked, national.held) == (12, 4, 3, 1)
    assert national.parts == {"held": 1, "booked": 2, "granted": 1, "free": 8}
    assert [r.name for r in start.regions_without_requests(plan.period)] == ["Twente"]
    assert national.regions == 3


def test_a_new_installation_without_regions_is_not_told_that_every_region_requested(app, coordinator, period):
    client = login(app.test_client(), coordinator)
    page = client.get("/coordinatie").get_data(as_text=True)
    assert "Elke regio heeft in deze periode een aanvraag gedaan." not in page
    assert "Elke regio met dagdelen over heeft een contactpersoon." not in page
    assert "Er zijn nog geen actieve regio’s. Daarom kan nog geen regio dagdelen aanvragen." in page
    assert 'href="/coordinatie/regios">Regio’s toevoegen</a>' in page


def test_regions_with_dagdelen_left_that_no_nudge_reaches(seeded, plan):
    """Twente never asked: no contact. Achterhoek asked in an earlier period: its contact gets the
    nudge. Vol has no dagdelen left. Neither of the last two is listed."""
    earlier = ProgrammePeriod(name="Eerder", starts_on=plan.period.starts_on - timedelta(days=400),
                              ends_on=plan.period.starts_on - timedelta(days=1))
    achterhoek, full = Region(code="JZ30", name="Achterhoek"), Region(code="JZ31", name="Vol")
    db.session.add_all([earlier, achterhoek, full])
    db.session.flush()
    db.session.add(QuotaLedger(region_id=full.id, period_id=plan.period.id, quota=0, granted=0))
    db.session.commit()
    add_request(achterhoek, earlier)
    assert [r.name for r in start.regions_without_requests(plan.period)] == ["Achterhoek", "Twente", "Vol"]
    assert [(r.region, r.remaining) for r in start.regions_without_contact(plan.period)] == [("Twente", 4)]


def _request_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/coordinatie/aanvragen/(\d+)"', html)}


def test_each_count_links_to_a_list_of_exactly_those_items(seeded, coordinator_client):
    page = coordinator_client.get("/coordinatie").get_data(as_text=True)
    links = dict((text.split("</span>")[-1].strip(), href.replace("&amp;", "&")) for href, text in re.findall(
        r'<li class="ob-todo__item"><a [^>]*href="([^"]+)">(.*?)</a>', page))
    queue = {text: href for text, href in links.items() if href.startswith("/coordinatie/aanvragen")}
    assert {text: _request_ids(coordinator_client.get(href).get_data(as_text=True))
            for text, href in queue.items()} == {
        "nieuwe aanvragen": seeded["new"],
        "aanvragen wachten langer dan 10 werkdagen": seeded["waiting"],
        "toegekend dagdeel nog niet ingepland": seeded["granted"],
    }
    unaccepted = coordinator_client.get(links["bijeenkomst in de toekomst die de expert nog niet heeft geaccepteerd"])
    assert f'/coordinatie/bijeenkomsten/{seeded["unaccepted"]}"' in unaccepted.get_data(as_text=True)
    few = coordinator_client.get(links["open trainingen in de komende 14 dagen met weinig aanmeldingen"])
    assert "Derde niet gehaald" in few.get_data(as_text=True) and "Derde gehaald<" not in few.get_data(as_text=True)
    mail = coordinator_client.get(links["mails die niet verstuurd konden worden"])
    assert links["mails die niet verstuurd konden worden"] == "/coordinatie/mail?state=failed"
    assert mail.status_code == 200


def test_the_chart_is_an_accessible_svg_with_its_numbers_in_a_table(seeded, coordinator_client):
    page = coordinator_client.get("/coordinatie").get_data(as_text=True)
    assert 'role="img" aria-labelledby="national-chart-title national-chart-desc"' in page
    assert "Van de 12 dagdelen zijn er 4 toegekend, 3 ingepland en 1 uitgevoerd." in page
    assert 'style=' not in page
    assert 'href="/coordinatie/regios/' in page and ">Twente</a>" in page
    uncontacted = page.split('id="uncontacted"')[1].split("</section>")[0]
    assert re.findall(r'href="/coordinatie/regios/\d+">([^<]+)</a>: ([^<]+)</li>', uncontacted) == [
        ("Twente", "nog 4 dagdelen over")]


def test_working_days_skip_the_weekend():
    assert working_days_before(date(2026, 3, 16), 10) == date(2026, 3, 2)  # Monday to Monday, two weeks
    assert working_days_before(date(2026, 3, 14), 1) == date(2026, 3, 13)  # Saturday: Friday


def test_the_expert_lists_name_the_expert_to_ask_or_to_replace(seeded, plan, coordinator_client):
    """Whom to chase: the list named the sessions only ("open the session to see who")."""
    for kind in (start.Attention.UNACCEPTED, start.Attention.DECLINED):
        page = coordinator_client.get(f"/coordinatie/aandacht/{kind.value}").get_data(as_text=True)
        assert "<th scope=\"col\" class=\"utrecht-table__header-cell\">Expert</th>" in page
        assert f'href="/coordinatie/experts/{plan.expert.id}">Eva Jansen</a>' in page
    few = coordinator_client.get("/coordinatie/aandacht/weinig-aanmeldingen").get_data(as_text=True)
    assert ">Expert</th>" not in few


def test_a_coordinator_lands_on_the_start_page(client, coordinator):
    assert post_login(client, coordinator.email).headers["Location"] == "/coordinatie"


def test_only_coordinators_open_it(client, expert_client):
    assert client.get("/coordinatie").status_code == 302
    assert expert_client.get("/coordinatie").status_code == 403
    assert expert_client.get("/coordinatie/aandacht/weinig-aanmeldingen").status_code == 403


def test_an_unknown_list_is_404(coordinator_client):
    assert coordinator_client.get("/coordinatie/aandacht/iets").status_code == 404


def test_the_queries_do_not_grow_with_the_rows(plan, coordinator_client, make_training):
    def grow(count: int) -> None:
        for n in range(count):
            region = Region(code=f"JX{plan.period.id}{n:03d}{count}", name=f"Regio {count}-{n}")
            silent = Region(code=f"JS{plan.period.id}{n:03d}{count}", name=f"Stil {count}-{n}")  # no contact
            db.session.add_all([region, silent])
            db.session.commit()
            _request(region, plan.period, RequestState.SUBMITTED, LONG_AGO)
            make_training(title=f"Training {count}-{n}", days_ahead=1 + n + (count != 2) * 2, capacity=30)

    paths = ["/coordinatie", *(f"/coordinatie/aandacht/{kind.value}" for kind in start.Attention)]
    grow(2)
    db.session.commit()
    small = [queries_for(coordinator_client, path) for path in paths]
    grow(20)
    db.session.commit()
    assert [queries_for(coordinator_client, path) for path in paths] == small
    assert small[0] <= 10
    page = coordinator_client.get("/coordinatie").get_data(as_text=True)
    assert page.split('id="uncontacted"')[1].count(">Stil ") == 22
