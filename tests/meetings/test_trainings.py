"""Open trainings: creating one (a single dagdeel or a series), the rules of a draft, changing
one (quietly, or with mails and a higher SEQUENCE), the coordinators' pages, and the region's
registration link on its status page."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import Dagdeel, local_to_utc, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import services, trainings
from ontwikkelbijeenkomsten.meetings.links import meeting_for_token
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
from ontwikkelbijeenkomsten.meetings.models import (
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    RegistrationState,
)
from ontwikkelbijeenkomsten.meetings.trainings import InvalidDraft, Part, TrainingDraft
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests.factories import AVOND, MIDDAG, OCHTEND, PASSWORD, applicant, future_day
from tests.queries import count_queries, queries_for
from tests.scheduling.test_services import add_expert, book, counts

LIST = "/coordinatie/trainingen"
NEW = "/coordinatie/trainingen/nieuw"


# ---- helpers -----------------------------------------------------------------------------------
def part(days: int, dagdeel: Dagdeel = MIDDAG, starts: time | None = None, ends: time | None = None) -> Part:
    return Part(future_day(days), dagdeel, starts or dagdeel.start, ends or dagdeel.end)


def draft(plan, **overrides) -> TrainingDraft:
    values = {
        "title": "Samen signaleren", "description": "Onderwijs en jeugdhulp leren samen.",
        "target_groups": "Intern begeleiders en jeugdprofessionals", "theme_ids": [plan.themes[0].id],
        "region_id": plan.region.id, "location": "Stadhuis, Markt 1, Maastricht", "capacity": 20,
        "expert_ids": [plan.expert.id], "parts": [part(40)],
    }
    values.update(overrides)
    return TrainingDraft(**values)


def create(plan, **overrides) -> Meeting:
    with unit_of_work():
        return trainings.create_training(draft(plan, **overrides), plan.coordinator)


def edit_url(meeting) -> str:
    return f"{LIST}/{meeting.id}"


def mails_of(kind: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)))


def open_trainings() -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Meeting).where(Meeting.kind == MeetingKind.OPEN_TRAINING).order_by(Meeting.starts_at)))


def html_of(response) -> str:
    return response.get_data(as_text=True)


def has_field_error(html: str, field: str) -> bool:
    """The macro's error message is at the field, and the field (or its first option) is invalid."""
    control = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field}(?:-0)?"[^>]*>', html)
    return f'id="{field}-error"' in html and control is not None and 'aria-invalid="true"' in control.group(0)


def form_data(plan, rows=((40, "middag", "", ""),), **overrides) -> dict:
    """The new-training form as a browser sends it: `rows` of (days ahead, dagdeel, start, end)."""
    data = {
        "title": "Samen signaleren", "description": "Onderwijs en jeugdhulp leren samen.",
        "target_groups": "Intern begeleiders", "theme_ids": [str(plan.themes[0].id)],
        "region_id": str(plan.region.id), "location": "Stadhuis Maastricht", "online_url": "",
        "capacity": "20", "waiting_list": "y", "expert_ids": [str(plan.expert.id)],
    }
    for index, (days, dagdeel, starts, ends) in enumerate(rows):
        day = future_day(days).isoformat() if isinstance(days, int) else days
        data.update({f"parts-{index}-date": day, f"parts-{index}-dagdeel": dagdeel,
                     f"parts-{index}-starts": starts, f"parts-{index}-ends": ends})
    data.update(overrides)
    return data


def edit_data(lead, **overrides) -> dict:
    """The edit form as the page fills it in."""
    data = {
        "title": lead.title, "description": lead.description, "target_groups": lead.target_groups,
        "theme_ids": [str(t.id) for t in lead.themes], "region_id": str(lead.region_id or ""),
        "location": lead.location, "online_url": lead.online_url,
        "capacity": "" if lead.capacity is None else str(lead.capacity), "waiting_list": "y",
    }
    for index, meeting in enumerate(lead.all_parts):
        data.update({f"parts-{index}-date": meeting.date.isoformat(), f"parts-{index}-dagdeel": meeting.dagdeel.value,
                     f"parts-{index}-starts": "13:00", f"parts-{index}-ends": "16:30"})
    data.update(overrides)
    return data


# ---- creating ----------------------------------------------------------------------------------
def test_a_training_of_one_dagdeel(plan):
    opens = local_to_utc(today_local(), time(9))
    closes = local_to_utc(future_day(39), time(17))
    lead = create(plan, registration_opens_at=opens, registration_closes_at=closes,
                  parts=[part(40, MIDDAG, time(13, 30), time(16))], online_url="https://meet.example.org/x")
    (found,) = open_trainings()
    assert found.id == lead.id and found.series_id is None and found.parts == []
    assert (found.title, found.capacity, found.waiting_list_enabled) == ("Samen signaleren", 20, True)
    assert (found.registration_opens_at, found.registration_closes_at) == (opens, closes)
    assert found.starts_at == local_to_utc(future_day(40), time(13, 30))
    assert found.ends_at == local_to_utc(future_day(40), time(16))
    assert found.region_id == plan.region.id and [t.id for t in found.themes] == [plan.themes[0].id]
    assert found.online_url == "https://meet.example.org/x" and found.state is MeetingState.PLANNED
    assert [(a.expert_id, a.date, a.dagdeel) for a in found.experts] == [(plan.expert.id, future_day(40), MIDDAG)]
    (mail,) = mails_of("session_assigned")
    assert mail.recipient == plan.expert.email and mail.calendar_method == "REQUEST"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training.created")).one()
    assert event.subject_id == lead.id and event.actor_id == plan.coordinator.id


def test_a_training_of_three_dagdelen_is_a_series_led_by_the_first(plan):
    other = add_expert(plan, "kim@example.org", "Kim de Groot")
    lead = create(plan, parts=[part(47, OCHTEND), part(40, AVOND), part(54)], expert_ids=[plan.expert.id, other.id],
                  capacity=None, waiting_list=False)
    first, second, third = open_trainings()
    assert lead.id == first.id and first.date == future_day(40) and first.dagdeel is AVOND
    assert first.series_id is None and second.series_id == third.series_id == first.id
    assert [p.id for p in first.all_parts] == [first.id, second.id, third.id]
    assert first.capacity is None and first.waiting_list_enabled is False
    for meeting in (first, second, third):
        assert sorted(a.expert_id for a in meeting.experts) == sorted([plan.expert.id, other.id])
        assert {(a.date, a.dagdeel) for a in meeting.experts} == {(meeting.date, meeting.dagdeel)}
        assert meeting.title == "Samen signaleren" and meeting.region_id == plan.region.id
    # each expert gets one "Nieuwe opdracht" (with the first dagdeel's invite) and an invite per other dagdeel
    assert sorted(m.recipient for m in mails_of("session_assigned")) == sorted([plan.expert.email, other.email])
    invites = mails_of("session_invite")
    assert sorted((m.recipient, m.context["session"]["uid"]) for m in invites) == sorted(
        (e.email, p.uid) for e in (plan.expert, other) for p in (second, third))
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "training.created")) == 1


def test_a_training_without_experts_region_or_limit(plan):
    lead = create(plan, expert_ids=[], region_id=None, capacity=None, theme_ids=[], location="")
    assert lead.experts == [] and lead.region_id is None and lead.capacity is None
    assert mails_of("session_assigned") == []


@pytest.mark.parametrize("overrides, field", [
    ({"title": "   "}, "title"),
    ({"parts": []}, "parts"),
    ({"parts": [part(40 + i) for i in range(7)]}, "parts"),
    ({"parts": [part(40), part(47), part(40, MIDDAG, time(14))]}, "parts-2-dagdeel"),
    ({"parts": [Part(today_local() - timedelta(days=1), MIDDAG, time(13), time(16, 30))]}, "parts-0-date"),
    ({"parts": [part(40, MIDDAG, time(15), time(14))]}, "parts-0-starts"),
    ({"parts": [part(40, MIDDAG, time(12), time(14))]}, "parts-0-starts"),
    ({"parts": [part(40, MIDDAG, time(13), time(17))]}, "parts-0-starts"),
    # made when the test runs, as the draft's dagdeel is: a run that crosses midnight keeps them apart
    (lambda: {"registration_closes_at": local_to_utc(future_day(40), time(13, 1))}, "registration_closes_at"),
    (lambda: {"registration_opens_at": local_to_utc(future_day(20), time(9)),
              "registration_closes_at": local_to_utc(future_day(10), time(9))}, "registration_closes_at"),
    (lambda: {"registration_opens_at": local_to_utc(future_day(41), time(9))}, "registration_opens_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 1001}, "capacity"),
    ({"capacity": -5}, "capacity"),
    ({"online_url": "ftp://example.org"}, "online_url"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"theme_ids": [999999]}, "theme_ids"),
    ({"region_id": 999999}, "region_id"),
    ({"expert_ids": [999999]}, "expert_ids"),
    ({"expert_ids": ["coordinator"]}, "expert_ids"),
    ({"expert_ids": ["inactive"]}, "expert_ids"),
])
def test_each_rule_of_a_draft_is_named_at_its_field(plan, overrides, field):
    overrides = overrides() if callable(overrides) else overrides
    if overrides.get("expert_ids") == ["coordinator"]:
        overrides = {"expert_ids": [plan.coordinator.id]}
    elif overrides.get("expert_ids") == ["inactive"]:
        overrides = {"expert_ids": [add_expert(plan, "weg@example.org", "Weg", active=False).id]}
    before = counts()
    with pytest.raises(InvalidDraft) as caught:
        create(plan, **overrides)
    assert field in [p.field for p in caught.value.problems]
    assert counts() == before


def test_every_problem_is_reported_at_once(plan):
    with pytest.raises(InvalidDraft) as caught:
        create(plan, title="", capacity=0, online_url="nee", parts=[part(40, MIDDAG, time(17), time(18))])
    assert [p.field for p in caught.value.problems] == ["title", "online_url", "capacity", "parts-0-starts"]
    assert isinstance(caught.value, RuleViolation) and caught.value.field == "title"


def test_an_expert_cannot_be_booked_twice(plan):
    book(plan)  # Eva Jansen, regional session at plan.moments[0]
    day, dagdeel = plan.moments[0]
    before = counts()
    with pytest.raises(InvalidDraft) as caught:
        create(plan, parts=[part(40), Part(day, dagdeel, dagdeel.start, dagdeel.end)])
    (problem,) = caught.value.problems
    assert problem.field == "expert_ids"
    message = str(problem.message)
    assert "Eva Jansen" in message and str(day.day) in message and str(day.year) in message
    assert counts() == before


def test_a_slot_taken_at_the_same_moment_is_a_clear_error(plan, monkeypatch):
    """The check before writing found the slot free; the unique index finds it taken."""
    real, calls = trainings._taken, []

    def taken_after_the_check(experts, parts):
        calls.append(1)
        return [] if len(calls) == 1 else real(experts, parts)

    monkeypatch.setattr(trainings, "_taken", taken_after_the_check)
    book(plan)
    day, dagdeel = plan.moments[0]
    before = counts()
    with pytest.raises(InvalidDraft) as caught:
        create(plan, parts=[Part(day, dagdeel, dagdeel.start, dagdeel.end)])
    assert caught.value.field == "expert_ids" and "Eva Jansen" in str(caught.value.message)
    assert counts() == before


def test_missing_availability_is_a_warning_not_a_refusal(plan):
    day, dagdeel = plan.moments[1]  # Eva Jansen gave this one
    lead = create(plan, parts=[Part(day, dagdeel, dagdeel.start, dagdeel.end), part(40, AVOND)])
    (warning,) = trainings.missing_availability(lead)
    assert "Eva Jansen" in str(warning) and str(future_day(40).day) in str(warning)


# ---- changing ----------------------------------------------------------------------------------
def _registered(lead, count: int) -> None:
    for n in range(count):
        with unit_of_work():
            services.register(lead, applicant(n))


def test_a_change_without_a_new_time_or_place_is_quiet(plan):
    lead = create(plan, parts=[part(40), part(47)])
    _registered(lead, 2)
    mails_before = db.session.scalar(select(func.count()).select_from(OutboxMail))
    with unit_of_work():
        told = trainings.update_training(lead, draft(plan, title="Samen signaleren en arrangeren", description="Nieuw.",
                                                     capacity=30, target_groups="Iedereen", theme_ids=[plan.themes[1].id],
                                                     region_id=None), plan.coordinator)
    assert told is False
    for meeting in open_trainings():
        assert meeting.title == "Samen signaleren en arrangeren" and meeting.description == "Nieuw."
        assert meeting.sequence == 0 and meeting.state is MeetingState.PLANNED
        assert meeting.region_id is None and [t.id for t in meeting.themes] == [plan.themes[1].id]
    assert open_trainings()[0].capacity == 30
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == mails_before
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "training.changed")) == 1


def test_a_new_time_raises_the_sequence_and_tells_everyone_of_that_dagdeel(plan):
    lead = create(plan, parts=[part(40), part(47)])
    _registered(lead, 2)
    since = db.session.scalar(select(func.max(OutboxMail.id)))
    with unit_of_work():
        told = trainings.update_training(
            lead, draft(plan, parts=[part(47, MIDDAG, time(14), time(16))]), plan.coordinator)
    assert told is True
    first, second = open_trainings()
    assert (first.sequence, first.state) == (0, MeetingState.PLANNED)
    assert (second.sequence, second.state) == (1, MeetingState.CHANGED)
    assert second.starts_at == local_to_utc(future_day(47), time(14))
    changed = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id > since)))
    assert sorted(m.recipient for m in changed) == sorted(
        [plan.expert.email, "deelnemer0@example.org", "deelnemer1@example.org"])
    assert {m.kind for m in changed} == {"session_changed"} and all(m.calendar_method == "REQUEST" for m in changed)


def test_a_new_place_is_told_for_every_dagdeel(plan):
    lead = create(plan, parts=[part(40), part(47)])
    _registered(lead, 1)
    with unit_of_work():
        assert trainings.update_training(lead, draft(plan, location="Online", online_url="https://meet.example.org/a"),
                                         plan.coordinator)
    assert [s.sequence for s in open_trainings()] == [1, 1]
    assert len(mails_of("session_changed")) == 4  # expert and participant, for each dagdeel


def test_the_capacity_cannot_go_below_the_confirmed_participants(plan):
    lead = create(plan, capacity=5)
    _registered(lead, 3)
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        with unit_of_work():
            trainings.update_training(lead, draft(plan, capacity=2, title="Andere titel"), plan.coordinator)
    assert caught.value.field == "capacity"
    (found,) = open_trainings()
    assert (found.capacity, found.title) == (5, "Samen signaleren") and counts() == before


def test_raising_the_capacity_gives_places_to_the_waiting_list(plan):
    lead = create(plan, capacity=1)
    _registered(lead, 3)
    with unit_of_work():
        trainings.update_training(lead, draft(plan, capacity=2), plan.coordinator)
    states = [r.state for r in sorted(open_trainings()[0].registrations, key=lambda r: r.id)]
    assert states == [RegistrationState.CONFIRMED, RegistrationState.CONFIRMED, RegistrationState.WAITING]


def test_an_unknown_dagdeel_in_a_change_is_refused(plan):
    lead = create(plan)
    with pytest.raises(InvalidDraft) as caught:
        with unit_of_work():
            trainings.update_training(lead, draft(plan, parts=[part(41)]), plan.coordinator)
    assert caught.value.field == "parts-0-date"


def test_a_training_that_has_begun_cannot_be_changed(plan):
    lead = create(plan)
    lead.date, lead.starts_at = today_local() - timedelta(days=1), local_to_utc(today_local() - timedelta(days=1), time(13))
    lead.ends_at = lead.starts_at + timedelta(hours=3)
    db.session.commit()
    with pytest.raises(RuleViolation) as caught:
        with unit_of_work():
            trainings.update_training(lead, draft(plan, parts=[]), plan.coordinator)
    assert caught.value.field == "meeting"


def test_the_overview_splits_upcoming_and_past(plan, make_training):
    soon, later = create(plan, parts=[part(40)], title="Later"), create(plan, parts=[part(20)], title="Eerst")
    past = make_training(title="Voorbij")
    past.date = today_local() - timedelta(days=3)
    past.starts_at, past.ends_at = MIDDAG.bounds(past.date)
    db.session.commit()
    with unit_of_work():
        services.register(soon, applicant(1))
    upcoming, done = trainings.overview()
    assert [r.lead.title for r in upcoming] == ["Eerst", "Later"] and [r.lead.title for r in done] == ["Voorbij"]
    assert later.id == upcoming[0].lead.id


# ---- the pages: access -------------------------------------------------------------------------
def _urls(plan) -> list[tuple[str, str]]:
    lead = create(plan)
    return [("get", LIST), ("get", NEW), ("post", NEW), ("get", edit_url(lead)), ("post", edit_url(lead)),
            ("post", edit_url(lead) + "/annuleren")]


def test_anonymous_visitors_are_sent_to_log_in(app, plan):
    client = app.test_client()
    for method, url in _urls(plan):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen"), url


def test_experts_may_not_open_the_training_pages(expert_client, plan):
    urls = _urls(plan)
    before = counts()
    for method, url in urls:
        assert getattr(expert_client, method)(url, data=form_data(plan)).status_code == 403, url
    assert counts() == before


@pytest.mark.parametrize("url", [f"{LIST}/999999", f"{LIST}/2147483648", f"{LIST}/-1", f"{LIST}/abc",
                                 f"{LIST}/99999999999999999999"])
def test_unknown_ids_are_not_found(coordinator_client, url):
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url).status_code == 404


def test_a_regional_meeting_is_not_a_training(coordinator_client, plan):
    meeting = book(plan).meeting
    assert coordinator_client.get(edit_url(meeting)).status_code == 404
    assert coordinator_client.post(edit_url(meeting), data={"title": "x"}).status_code == 404


def test_a_later_dagdeel_leads_to_its_training(coordinator_client, plan):
    lead = create(plan, parts=[part(40), part(47)])
    other = lead.parts[0]
    response = coordinator_client.get(edit_url(other))
    assert response.status_code == 302 and response.headers["Location"] == edit_url(lead)


def test_posting_needs_the_csrf_token(make_app, plan):
    email, data = plan.coordinator.email, form_data(plan)
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html_of(client.get("/inloggen"))).group(1)
        login = {"email": email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/inloggen", data=login).status_code == 302
        assert client.post(NEW, data=data).status_code == 400
        page = html_of(client.get(NEW))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(NEW, data={**data, "csrf_token": token}).status_code == 302
        db.session.remove()
    assert len(open_trainings()) == 1


# ---- the pages: a new training -----------------------------------------------------------------
def test_the_new_training_form(coordinator_client, plan):
    html = html_of(coordinator_client.get(NEW))
    assert 'action="/coordinatie/trainingen/nieuw"' in html and 'name="csrf_token"' in html
    for name in ("title", "description", "target_groups", "location", "online_url", "capacity", "waiting_list",
                 "opens_day", "opens_time", "closes_day", "closes_time"):
        assert f'name="{name}"' in html, name
    assert all(f'name="parts-{i}-date"' in html and f'name="parts-{i}-dagdeel"' in html for i in range(6))
    assert 'name="parts-6-date"' not in html
    assert f'name="expert_ids" value="{plan.expert.id}"' in html and "Eva Jansen" in html
    assert f'name="theme_ids" value="{plan.themes[0].id}"' in html
    assert '<option value="">' in html and f'<option value="{plan.region.id}">Zuid-Limburg</option>' in html
    assert re.search(r'<input[^>]*checked[^>]*name="waiting_list"|<input[^>]*name="waiting_list"[^>]*checked', html)


def test_creating_a_training_of_two_dagdelen_through_the_form(coordinator_client, plan):
    rows = ((47, "ochtend", "09:30", "12:00"), ("", "", "", ""), (40, "avond", "", ""))
    response = coordinator_client.post(NEW, data=form_data(plan, rows=rows, opens_day=today_local().isoformat(),
                                                           opens_time="09:00", closes_day=future_day(39).isoformat(),
                                                           closes_time="17:00"))
    assert response.status_code == 302 and response.headers["Location"] == LIST
    first, second = open_trainings()
    assert (first.date, first.dagdeel, second.series_id) == (future_day(40), AVOND, first.id)
    assert (first.starts_at, first.ends_at) == AVOND.bounds(future_day(40))  # empty times: the dagdeel's
    assert second.starts_at == local_to_utc(future_day(47), time(9, 30))
    assert first.registration_closes_at == local_to_utc(future_day(39), time(17))
    assert first.capacity == 20 and first.waiting_list_enabled
    html = html_of(coordinator_client.get(LIST))
    row = re.search(rf'<tr[^>]*id="training-{first.id}".*?</tr>', html, re.DOTALL).group(0)
    assert "Samen signaleren" in row and f'href="{edit_url(first)}"' in row
    assert f'href="/coordinatie/bijeenkomsten/{first.id}"' in row and f'href="/coordinatie/bijeenkomsten/{second.id}"' in row
    assert f'href="/bijeenkomsten/{first.id}/deelnemers"' in row
    assert "0 van de 20 plaatsen bezet" in row


def test_a_warning_when_an_expert_has_not_given_the_dagdeel(coordinator_client, plan):
    response = coordinator_client.post(NEW, data=form_data(plan), follow_redirects=True)
    assert response.status_code == 200 and "Eva Jansen" in html_of(response)
    assert 'utrecht-alert--warning' in html_of(response)


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 10_000}, "title"),
    ({"description": "x" * 10_000}, "description"),
    ({"location": "x" * 10_000}, "location"),
    ({"online_url": "www.example.org"}, "online_url"),
    ({"capacity": "veel"}, "capacity"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "99999999999999999999"}, "capacity"),
    ({"theme_ids": ["999999"]}, "theme_ids"),
    ({"theme_ids": ["abc"]}, "theme_ids"),
    ({"region_id": "999999"}, "region_id"),
    ({"region_id": "<script>"}, "region_id"),
    ({"expert_ids": ["999999"]}, "expert_ids"),
    ({"parts-0-date": "2026-02-30"}, "parts-0-date"),
    ({"parts-0-date": "morgen"}, "parts-0-date"),
    ({"parts-0-date": ""}, "parts-0-date"),
    ({"parts-0-dagdeel": "nacht"}, "parts-0-dagdeel"),
    ({"parts-0-dagdeel": ""}, "parts-0-dagdeel"),
    ({"parts-0-starts": "25:00"}, "parts-0-starts"),
    ({"parts-0-starts": "17:00"}, "parts-0-starts"),
    ({"parts-0-date": "2020-03-03"}, "parts-0-date"),
    ({"opens_day": future_day(10).isoformat()}, "opens_time"),
    ({"closes_time": "12:00"}, "closes_day"),
    ({"closes_day": future_day(45).isoformat(), "closes_time": "12:00"}, "closes_day"),
])
def test_bad_input_is_shown_at_its_field_and_kept(coordinator_client, plan, data, field):
    before = counts()
    response = coordinator_client.post(NEW, data=form_data(plan, **data))
    html = html_of(response)
    assert response.status_code == 200
    assert has_field_error(html, field), field
    assert 'id="error-summary"' in html and re.search(rf'href="#{field}(-0)?"', html)
    assert 'value="Stadhuis Maastricht"' in html or field == "location"
    assert counts() == before


def test_a_title_of_two_lines_is_refused_at_the_field_and_kept(coordinator_client, plan):
    """A line break in a title would end up in the subject of every mail about the training."""
    before = counts()
    html = html_of(coordinator_client.post(NEW, data=form_data(plan, title="Samen\nsignaleren")))
    assert has_field_error(html, "title")
    assert "Typ dit op één regel, zonder regeleinden, tabs of andere onzichtbare tekens." in html
    assert re.search(r'<input[^>]*id="title"[^>]*value="Samen\nsignaleren"', html)
    assert counts() == before and not open_trainings()


def test_no_dagdelen_is_an_error_at_the_dagdelen(coordinator_client, plan):
    html = html_of(coordinator_client.post(NEW, data=form_data(plan, rows=())))
    assert 'id="parts-error"' in html and 'href="#parts"' in html and not open_trainings()


def test_a_double_booking_through_the_form_names_the_expert(coordinator_client, plan):
    book(plan)
    day, dagdeel = plan.moments[0]
    html = html_of(coordinator_client.post(NEW, data=form_data(plan, rows=((day.isoformat(), dagdeel.value, "", ""),))))
    assert has_field_error(html, "expert_ids") and "Eva Jansen" in html and not open_trainings()


def test_a_title_with_a_script_is_escaped(coordinator_client, plan):
    coordinator_client.post(NEW, data=form_data(plan, title="<script>alert(1)</script> leren"))
    (lead,) = open_trainings()
    assert lead.title == "<script>alert(1)</script> leren"
    for url in (LIST, edit_url(lead)):
        html = html_of(coordinator_client.get(url))
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; leren" in html


# ---- the pages: changing a training ------------------------------------------------------------
def test_the_edit_page_is_filled_in(coordinator_client, plan):
    lead = create(plan, parts=[part(40), part(47)], registration_closes_at=local_to_utc(future_day(39), time(17)))
    html = html_of(coordinator_client.get(edit_url(lead)))
    assert 'value="Samen signaleren"' in html and 'value="20"' in html and 'value="17:00"' in html
    assert f'value="{future_day(39).isoformat()}"' in html
    assert f'name="parts-0-date" type="hidden" value="{future_day(40).isoformat()}"' in html
    assert 'required' not in re.search(r'<input[^>]*name="parts-0-date"[^>]*>', html).group(0)
    assert 'name="parts-1-dagdeel" value="middag"' in html and 'name="parts-2-date"' not in html
    assert 'name="expert_ids"' not in html
    for meeting in lead.all_parts:
        assert f'href="/coordinatie/bijeenkomsten/{meeting.id}"' in html


def test_changing_a_time_through_the_page(coordinator_client, plan):
    lead = create(plan, parts=[part(40), part(47)])
    _registered(lead, 1)
    response = coordinator_client.post(edit_url(lead), data=edit_data(lead, **{"parts-1-starts": "13:30"}))
    assert response.status_code == 302 and response.headers["Location"] == LIST
    first, second = open_trainings()
    assert (first.sequence, second.sequence) == (0, 1)
    assert len(mails_of("session_changed")) == 2


def test_a_capacity_below_the_confirmed_is_an_error_at_the_capacity(coordinator_client, plan):
    lead = create(plan, capacity=5)
    _registered(lead, 3)
    html = html_of(coordinator_client.post(edit_url(lead), data=edit_data(lead, capacity="2", title="Nieuw")))
    assert has_field_error(html, "capacity") and 'value="Nieuw"' in html and 'value="2"' in html
    assert open_trainings()[0].capacity == 5


def test_a_forged_dagdeel_in_the_edit_form_is_an_error(coordinator_client, plan):
    lead = create(plan)
    html = html_of(coordinator_client.post(edit_url(lead), data=edit_data(
        lead, **{"parts-0-date": future_day(41).isoformat()})))
    assert 'id="error-summary"' in html and 'href="#parts-0-starts"' in html
    assert open_trainings()[0].date == future_day(40)


def test_a_training_that_has_begun_shows_why_it_cannot_change(coordinator_client, plan, make_training):
    lead = make_training()
    lead.date = today_local() - timedelta(days=1)
    lead.starts_at, lead.ends_at = MIDDAG.bounds(lead.date)
    db.session.commit()
    html = html_of(coordinator_client.get(edit_url(lead)))
    assert 'id="closed"' in html and "<form method=\"post\" action=\"/coordinatie" not in html
    response = coordinator_client.post(edit_url(lead), data=edit_data(lead))
    assert response.status_code == 302 and response.headers["Location"] == edit_url(lead)


# ---- query counts ------------------------------------------------------------------------------
def _bulk_trainings(plan, count: int) -> None:
    for index in range(count):
        lead = Meeting(kind=MeetingKind.OPEN_TRAINING, title=f"Training {index}", date=future_day(30 + index),
                       dagdeel=MIDDAG, capacity=20 if index % 2 else None)
        lead.starts_at, lead.ends_at = MIDDAG.bounds(lead.date)
        later = Meeting(kind=MeetingKind.OPEN_TRAINING, title=lead.title, date=future_day(30 + index), dagdeel=AVOND,
                        series=lead)
        later.starts_at, later.ends_at = AVOND.bounds(later.date)
        lead.experts.append(MeetingExpert(expert=plan.other_expert, date=lead.date, dagdeel=MIDDAG))
        db.session.add_all([lead, later])
    db.session.commit()


def test_the_list_runs_as_many_queries_for_25_trainings_as_for_5(coordinator_client, plan):
    found = []
    for size in (5, 25):
        db.session.execute(MeetingExpert.__table__.delete())
        db.session.execute(Meeting.__table__.delete().where(Meeting.series_id.is_not(None)))
        db.session.execute(Meeting.__table__.delete().where(Meeting.kind == MeetingKind.OPEN_TRAINING))
        db.session.commit()
        _bulk_trainings(plan, size)
        for lead in open_trainings()[:3]:
            if lead.series_id is None:
                with unit_of_work():
                    services.register(lead, applicant(lead.id))
        found.append(queries_for(coordinator_client, LIST))
        assert html_of(coordinator_client.get(LIST)).count('id="training-') == size
    assert found[0] == found[1], found



def _past_trainings(count: int, first_day) -> None:
    for index in range(count):
        lead = Meeting(kind=MeetingKind.OPEN_TRAINING, title=f"Vorig jaar {index}",
                       date=first_day + timedelta(days=index), dagdeel=MIDDAG, capacity=20)
        lead.starts_at, lead.ends_at = MIDDAG.bounds(lead.date)
        db.session.add(lead)
    db.session.commit()


def test_the_list_shows_the_past_of_the_chosen_period_only(coordinator_client, plan, make_training):
    """The past of every year was on one page, growing each year: now the current period's by
    default, another period's when chosen, in as many queries for 20 trainings as for 2."""
    current = plan.period
    old = ProgrammePeriod(name="Vorig schooljaar", starts_on=current.starts_on - timedelta(days=365),
                          ends_on=current.starts_on - timedelta(days=1), default_quota=4)
    db.session.add(old)
    recent = make_training(title="Onlangs")
    recent.date = max(today_local() - timedelta(days=3), current.starts_on)
    recent.starts_at, recent.ends_at = MIDDAG.bounds(recent.date)
    db.session.commit()
    _past_trainings(2, old.starts_on + timedelta(days=30))
    html = html_of(coordinator_client.get(LIST))
    assert "Onlangs" in html and "Vorig jaar" not in html
    assert f'<option selected value="{current.id}">' in html or f'value="{current.id}" selected' in html
    chosen = f"{LIST}?period={old.id}"
    html = html_of(coordinator_client.get(chosen))
    assert html.count(">Vorig jaar ") == 2 and "Onlangs" not in html
    assert coordinator_client.get(f"{LIST}?period=99999").status_code == 404
    few = (queries_for(coordinator_client, LIST), queries_for(coordinator_client, chosen))
    _past_trainings(18, old.starts_on + timedelta(days=60))
    assert html_of(coordinator_client.get(chosen)).count(">Vorig jaar ") == 20
    assert (queries_for(coordinator_client, LIST), queries_for(coordinator_client, chosen)) == few

# ---- the region's status page ------------------------------------------------------------------
def test_the_status_page_shows_the_registration_link_of_each_meeting_to_come(app, plan):
    client = app.test_client()
    status = f"/aanvraag/{requests.status_token(plan.request)}"
    assert "share-" not in html_of(client.get(status))

    meeting = book(plan).meeting
    meeting.capacity = 20
    db.session.commit()
    with unit_of_work():
        services.register(meeting, applicant(1))
    html = html_of(client.get(status))
    link = re.search(rf'<input[^>]*id="share-{meeting.id}"[^>]*>', html).group(0)
    assert "readonly" in link and f'aria-describedby="share-{meeting.id}-hint"' in link
    assert f'<label class="utrecht-form-label" for="share-{meeting.id}">' in html
    url = re.search(r'value="([^"]+)"', link).group(1)
    assert url.startswith("http://localhost/bijeenkomst/")
    assert meeting_for_token(url.rsplit("/", 1)[1]).id == meeting.id
    assert "1 van de 20 plaatsen bezet" in html

    db.session.commit()  # a fresh start for each count
    with count_queries() as one:
        client.get(status)
    book(plan, plan.moments[1])
    db.session.commit()
    with count_queries() as two:
        html = html_of(client.get(status))
    assert len(re.findall(r'id="share-\d+"', html)) == 2 and len(one) == len(two)


def test_a_cancelled_meeting_has_no_registration_link(app, plan):
    meeting = book(plan).meeting
    with unit_of_work():
        scheduling.cancel(meeting, "Zieke expert.", plan.coordinator)
    html = html_of(app.test_client().get(f"/aanvraag/{requests.status_token(plan.request)}"))
    assert f'id="share-{meeting.id}"' not in html



def test_cancelling_one_dagdeel_of_a_series_says_the_others_go_ahead(make_training, plan):
    """Before, the mail said "Geannuleerd: Reeks … De bijeenkomst hieronder is geannuleerd. Ze
    gaat niet door.", and a participant read that the whole training was off."""
    from ontwikkelbijeenkomsten.mail.services import render_pending

    lead = make_training(parts=2, title="Reeks")
    with unit_of_work():
        services.register(lead, applicant(1))
    second = lead.all_parts[1]
    with unit_of_work():
        scheduling.cancel(second, "Te weinig aanmeldingen voor dit dagdeel.", plan.coordinator)
    cancelled = mails_of("session_cancelled")
    render_pending(cancelled)
    assert sorted(m.recipient for m in cancelled) == sorted([applicant(1).email, plan.expert.email])
    for mail in cancelled:
        assert mail.subject == "Eén dagdeel geannuleerd: Reeks"
        for body in (mail.text_body, mail.html_body):
            assert ("Eén dagdeel van deze training is geannuleerd: het dagdeel hieronder. "
                    "De andere dagdelen gaan door.") in body
            assert "Ze gaat niet door" not in body

    with unit_of_work():  # the last one left: now the training is off
        scheduling.cancel(lead, "De trainer is ziek.", plan.coordinator)
    last = mails_of("session_cancelled")[len(cancelled):]
    render_pending(last)
    assert last and all(m.subject == "Geannuleerd: Reeks" for m in last)
    assert all("De bijeenkomst hieronder is geannuleerd. Ze gaat niet door." in m.text_body for m in last)
