"""Held (uitgevoerd), by itself: sessions that ended and requests whose dagdelen all took place.

The bookings are made through the services at future moments; `mark_held(now)` is then run at
a moment after them."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from ontwikkelbijeenkomsten.cli.worker import JOBS
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import run_job
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, MeetingState, RegistrationState
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request, RequestState
from ontwikkelbijeenkomsten.scheduling import held, services
from tests.factories import MIDDAG, applicant, future_day

from ..meetings.test_lists import begin
from ..queries import count_queries


def book_all(plan) -> list[Meeting]:
    with unit_of_work():
        return [services.book(plan.request, plan.expert.id, day, dagdeel, plan.coordinator).meeting
                for day, dagdeel in plan.moments]


def mark_held(now) -> held.Held:
    with unit_of_work():
        return held.mark_held(now)


def after(meeting: Meeting):
    return meeting.ends_at + timedelta(minutes=1)


def state(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id).state


def held_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("%.held")).order_by(AuditEvent.id)))


def test_a_session_becomes_held_once_it_has_ended_and_the_request_once_all_are_held(plan):
    first, second = book_all(plan)
    assert mark_held(first.ends_at - timedelta(minutes=1)) == held.Held(0, 0)

    assert mark_held(after(first)) == held.Held(1, 0)
    assert state(first) is MeetingState.HELD and state(second) is MeetingState.PLANNED
    assert state(plan.request) is RequestState.SCHEDULED  # not all of its dagdelen are held yet

    assert mark_held(after(second)) == held.Held(1, 1)
    assert state(second) is MeetingState.HELD and state(plan.request) is RequestState.HELD
    events = held_events()
    assert [(e.action, e.subject_type, e.subject_id, e.actor_id, e.actor_label, e.from_state, e.to_state)
            for e in events] == [
        ("session.held", "requests", plan.request.id, None, "system", "planned", "held"),
        ("session.held", "requests", plan.request.id, None, "system", "planned", "held"),
        ("request.held", "requests", plan.request.id, None, "system", "scheduled", "held"),
    ]
    assert [e.details["meeting_id"] for e in events[:2]] == [first.id, second.id]


def test_the_timeline_names_the_system_in_words(plan, coordinator_client):
    first, second = book_all(plan)
    mark_held(after(second))
    page = coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}").get_data(as_text=True)
    assert "· Het systeem" in page and "· system" not in page, "BUG: the timeline shows the code 'system'"


def test_running_again_changes_nothing_and_writes_no_second_audit_row(plan):
    first, second = book_all(plan)
    assert mark_held(after(second)) == held.Held(2, 1)
    audit_rows = db.session.scalar(select(func.count(AuditEvent.id)))

    assert mark_held(after(second) + timedelta(days=1)) == held.Held(0, 0)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_rows
    assert state(plan.request) is RequestState.HELD


def test_a_cancelled_session_stays_cancelled_and_its_request_waits_for_the_dagdeel_it_gave_back(plan):
    """One held and one cancelled session: the cancelled one returned its dagdeel (the request is
    granted again), so the request is held only once that dagdeel is booked again and held."""
    first, second = book_all(plan)
    with unit_of_work():
        services.cancel(second, "De zaal is niet beschikbaar.", plan.coordinator)
    assert state(plan.request) is RequestState.GRANTED

    assert mark_held(after(second) + timedelta(days=1)) == held.Held(1, 0)
    assert state(first) is MeetingState.HELD and state(second) is MeetingState.CANCELLED
    assert state(plan.request) is RequestState.GRANTED

    day = future_day(28)
    plan.available(plan.expert, day, MIDDAG)
    with unit_of_work():
        again = services.book(plan.request, plan.expert.id, day, MIDDAG, plan.coordinator, confirmed=True).meeting
    assert state(plan.request) is RequestState.SCHEDULED
    assert mark_held(after(again)) == held.Held(1, 1)
    assert state(plan.request) is RequestState.HELD and state(second) is MeetingState.CANCELLED


def test_a_withdrawn_request_is_never_held(plan):
    first, _second = book_all(plan)
    with unit_of_work():
        requests.withdraw(plan.request)
    assert mark_held(after(first) + timedelta(days=30)) == held.Held(0, 0)
    assert state(plan.request) is RequestState.WITHDRAWN


def test_attendance_can_be_marked_after_the_session_is_held(plan, make_training):
    training = make_training(days_ahead=3)
    with unit_of_work():
        people = [meetings.register(training, applicant(n)) for n in range(2)]
    begin(training)
    assert mark_held(utcnow()) == held.Held(1, 0)
    assert state(training) is MeetingState.HELD

    with unit_of_work():
        meetings.mark_attendance(training, {people[0].id}, plan.coordinator)
    assert [state(p) for p in people] == [RegistrationState.ATTENDED, RegistrationState.CONFIRMED]
    with unit_of_work():
        meetings.mark_attendance(training, {people[1].id}, plan.coordinator)
    assert [state(p) for p in people] == [RegistrationState.CONFIRMED, RegistrationState.ATTENDED]


def test_the_worker_runs_the_held_job(plan, make_training):
    (job,) = [job for job in JOBS if job.name == "held"]
    assert job.interval == timedelta(minutes=15)
    training = make_training(days_ahead=3)
    begin(training)
    assert run_job(job) == 1
    assert state(training) is MeetingState.HELD


def test_the_command_marks_held_and_says_what_it_did(app, plan, make_training):
    begin(make_training(days_ahead=3), make_training(days_ahead=4))
    db.session.commit()  # SQLite: the command writes in its own transaction
    result = app.test_cli_runner().invoke(args=["schedule", "mark-held"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Held: 2 sessions, 0 requests.\n"


def test_the_status_page_says_held_with_the_dates(client, plan):
    first, second = book_all(plan)
    mark_held(after(second))
    html = client.get(f"/aanvraag/{requests.status_token(plan.request)}").get_data(as_text=True)
    assert "Status: Uitgevoerd" in html
    dates = html.split("Uitgevoerd op:")[1].split("</ul>")[0]
    weekdays = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    for meeting in (first, second):
        assert f"{weekdays[meeting.date.weekday()]} {meeting.date.day} " in dates
    assert dates.count("<li") == 2


def _ended_requests(plan, count: int) -> None:
    """`count` scheduled requests of one dagdeel each, whose session ended yesterday (inserted
    straight, without the quota)."""
    day = today_local() - timedelta(days=1)
    for _ in range(count):
        request = Request(
            region=plan.region, period=plan.period, state=RequestState.SCHEDULED, organisation_name="SWV",
            organisation_type=plan.request.organisation_type, contact_name="Ilse", contact_email="ilse@example.org",
            contact_phone="06 12345678", dagdelen_wanted=1, dagdelen_granted=1, goal="Samen.",
            location_kind=LocationKind.ONLINE, consent_at=utcnow())
        starts_at, ends_at = Dagdeel.OCHTEND.bounds(day)
        db.session.add(Meeting(kind=MeetingKind.REGIONAL, request=request, region=plan.region, title="Bijeenkomst",
                               date=day, dagdeel=Dagdeel.OCHTEND, starts_at=starts_at, ends_at=ends_at))
    db.session.commit()


def test_the_job_runs_as_many_statements_for_10_as_for_100_sessions(plan):
    """On PostgreSQL every statement counts. SQLite gets its audit rows one INSERT each: the ORM
    batches an INSERT … RETURNING only where the rows come back in order, which SQLite does not
    promise; the reads and the updates stay constant there too."""
    sqlite = db.engine.dialect.name == "sqlite"

    def statements(count: int) -> int:
        _ended_requests(plan, count)
        db.session.expire_all()
        with count_queries() as run:
            assert mark_held(utcnow()) == held.Held(count, count)
        return len([s for s in run if not (sqlite and s.startswith("INSERT INTO audit_events"))])

    assert statements(10) == statements(100)


def test_the_coordinators_timeline_tells_each_session_and_the_request_apart(plan, coordinator_client):
    """Booking two sessions and holding them reads, per line, which session and what happened to
    the request, in Dutch."""
    first, second = book_all(plan)
    mark_held(after(second))
    html = coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}").get_data(as_text=True)
    history = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split('id="history', 1)[-1]))
    for meeting in (first, second):
        moment = f"{long_date(meeting.date)}, {dagdeel_label(meeting.dagdeel)}"
        assert f"Bijeenkomst ingepland ({moment})" in history
        assert f"Bijeenkomst uitgevoerd ({moment})" in history
    assert "Alle dagdelen ingepland" in history and "Alle bijeenkomsten uitgevoerd" in history
    assert "session.held" not in history
