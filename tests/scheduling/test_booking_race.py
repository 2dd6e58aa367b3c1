"""Coordinators booking at the same moment, with real threads and connections of their own.

An expert slot never holds two sessions, and a request never gets more sessions than its
granted dagdelen; whoever loses the race gets a clear message, never a database error.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Meeting,
    MeetingExpert,
)
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from ontwikkelbijeenkomsten.scheduling import services
from tests.factories import MIDDAG, OCHTEND, future_day
from tests.races import Race


def race(make_app, attempts: list[tuple], coordinator_id: int) -> list[tuple[str, str, str]]:
    """Run services.book(request, expert, day, dagdeel) for every attempt in its own thread, all
    started together (an attempt on a Session instead of a Request reschedules that session);
    returns (outcome, field, English message) per attempt: outcome "booked", "already",
    "refused" or "error"."""
    together = Race(make_app, len(attempts))
    outcomes: list[tuple[str, str, str]] = []

    def attempt(model, row_id: int, expert_id: int, day, dagdeel) -> None:
        row = db.session.get(model, row_id)
        coordinator = db.session.get(User, coordinator_id)
        together.go()
        try:
            if model is Meeting:
                with unit_of_work():
                    services.reschedule(row, day, dagdeel, expert_id, coordinator, confirmed=True)
                outcomes.append(("booked", "", str(row_id)))
            else:
                with unit_of_work():
                    booked = services.book(row, expert_id, day, dagdeel, coordinator, confirmed=True)
                outcomes.append(("already" if booked.already else "booked", "", str(booked.meeting.id)))
        except RuleViolation as exc:
            with force_locale("en"):
                outcomes.append(("refused", exc.field, str(exc.message)))
        except Exception as exc:  # noqa: BLE001 -- an IntegrityError, a deadlock: a bug the test must show
            outcomes.append(("error", type(exc).__name__, repr(exc)))

    together.run(attempt, attempts, timeout=120)
    return outcomes


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("coordinators", [2, 10])
def test_one_expert_slot_booked_for_many_requests_at_once_gives_one_meeting(plan, make_app, coordinators):
    plan.period.default_quota = coordinators  # Groningen's ledger is made with it on the first grant
    day, dagdeel = plan.moments[0]
    request_ids = [plan.request.id] + [
        plan.granted(1, region=plan.regions[1], contact_email=f"regio{i}@example.org").id
        for i in range(coordinators - 1)
    ]
    mails_before = count(OutboxMail)

    outcomes = race(make_app, [(Request, rid, plan.expert.id, day, dagdeel) for rid in request_ids], plan.coordinator.id)

    assert [o for o in outcomes if o[0] == "error"] == [], "a database error leaked out of book()"
    assert len(outcomes) == coordinators
    assert [o[0] for o in outcomes].count("booked") == 1, outcomes
    for outcome, field, message in (o for o in outcomes if o[0] == "refused"):
        assert field == "expert_id", message
        assert "Eva Jansen" in message and "booked" in message and "dagdeel" in message, message
    assert count(Meeting) == 1, "orphan sessions"
    assert count(MeetingExpert) == 1
    assert count(AuditEvent, AuditEvent.action == "session.booked") == 1
    assert count(OutboxMail) - mails_before == 2, "one mail to the contact and one to the expert"
    booked_request = db.session.scalar(select(Meeting.request_id))
    states = dict(db.session.execute(select(Request.id, Request.state).where(Request.id.in_(request_ids))).all())
    assert all(state is RequestState.GRANTED for rid, state in states.items() if rid != booked_request
               ), "the requests that lost the race stay granted"


def test_many_slots_for_one_request_with_one_dagdeel_left_give_one_booking(plan, make_app):
    threads = 10
    start = future_day(30)
    request = plan.granted(2, region=plan.regions[1], contact_email="noord@example.org", moments=[],
                           period_start=start, period_end=start + timedelta(days=5),
                           period_dagdelen=[OCHTEND, MIDDAG])
    slots = [(start + timedelta(days=i // 2), (OCHTEND, MIDDAG)[i % 2]) for i in range(threads + 1)]
    for moment in slots:
        plan.available(plan.expert, *moment)
    with unit_of_work():
        services.book(request, plan.expert.id, *slots[-1], plan.coordinator)  # one booked, one dagdeel left
    assert request.state is RequestState.GRANTED

    outcomes = race(make_app, [(Request, request.id, plan.expert.id, *m) for m in slots[:-1]], plan.coordinator.id)

    assert [o for o in outcomes if o[0] == "error"] == [], "a database error leaked out of book()"
    assert [o[0] for o in outcomes].count("booked") == 1, outcomes
    assert {(o[1], o[2]) for o in outcomes if o[0] == "refused"} == {
        ("request", "All granted dagdelen of this request have been booked.")}
    assert count(Meeting, Meeting.request_id == request.id) == 2
    db.session.refresh(request)
    assert request.state is RequestState.SCHEDULED


def test_a_double_click_at_the_same_moment_books_once(plan, make_app):
    day, dagdeel = plan.moments[0]
    outcomes = race(make_app, [(Request, plan.request.id, plan.expert.id, day, dagdeel)] * 2, plan.coordinator.id)
    assert sorted(o[0] for o in outcomes) == ["already", "booked"], outcomes
    assert len({o[2] for o in outcomes}) == 1, "both clicks see the same session"
    assert count(Meeting) == 1 and count(MeetingExpert) == 1


def test_a_move_and_a_booking_into_the_same_expert_slot_at_once_give_one(plan, make_app):
    m1, m2 = plan.moments
    with unit_of_work():
        moving = services.book(plan.request, plan.expert.id, *m1, plan.coordinator).meeting
    other = plan.granted(1, region=plan.regions[1], contact_email="noord@example.org")

    outcomes = race(make_app, [(Meeting, moving.id, plan.expert.id, *m2), (Request, other.id, plan.expert.id, *m2)],
                    plan.coordinator.id)

    assert [o for o in outcomes if o[0] == "error"] == [], "a database error leaked out"
    assert sorted(o[0] for o in outcomes) == ["booked", "refused"], outcomes
    assert [o[1] for o in outcomes if o[0] == "refused"] == ["expert_id"]
    live = count(MeetingExpert, MeetingExpert.expert_id == plan.expert.id, MeetingExpert.date == m2[0],
                 MeetingExpert.dagdeel == m2[1], MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES))
    assert live == 1
