"""Issue 6, lists: a coordinator opens a training's participant list, sees an error in the
capacity form, gives the first on the waiting list a place by keyboard (from that person's own
page, issue 17), opens the presence list (also as printed) and the evaluation pages. axe on
each page, also with errors showing."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import (
    Meeting,
    MeetingExpert,
    MeetingKind,
    Registration,
    RegistrationState,
)
from tests import factories
from tests.factories import applicant, future_day, make_expert

from .keyboard import tab_to, type_into, unfold
from .test_scheduling import log_in, press

COORDINATOR, EXPERT = "coordinator@example.org", "expert@example.org"


def _training(title: str, days: int, capacity: int, expert) -> Meeting:
    day = future_day(days)
    starts, ends = Dagdeel.MIDDAG.bounds(day)
    meeting = Meeting(kind=MeetingKind.OPEN_TRAINING, title=title, date=day, dagdeel=Dagdeel.MIDDAG,
                      starts_at=starts, ends_at=ends, location="Stadhuis, Markt 1, Maastricht", capacity=capacity)
    meeting.experts.append(MeetingExpert(expert=expert, date=day, dagdeel=Dagdeel.MIDDAG))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def seed(live_server) -> SimpleNamespace:
    """A coordinator, an expert, a training with two places taken and one person waiting, and a
    training that took place, with three attendees of whom two answered the evaluation."""
    with live_server.app.app_context():
        factories.period()
        (theme,) = factories.themes(1)
        factories.coordinator(COORDINATOR)
        expert = make_expert(EXPERT, "Eva Jansen", [theme])
        db.session.commit()
        training = _training("Samen signaleren", 30, 2, expert)
        with unit_of_work():
            people = [services.register(training, applicant(n)) for n in range(3)]
        past = _training("Samen leren", 2, 10, expert)
        with unit_of_work():
            attendees = [services.register(past, applicant(n, name=f"Oud {n}")) for n in range(10, 13)]
        past.starts_at, past.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
        db.session.commit()
        with unit_of_work():
            services.mark_attendance(past, {a.id for a in attendees}, expert)
        with unit_of_work():
            services.evaluate(attendees[0], services.Answers(5, "Veel geleerd van elkaar.", ""))
        with unit_of_work():
            services.evaluate(attendees[1], services.Answers(3, "", "Meer tijd voor casussen."))
        found = SimpleNamespace(training_id=training.id, waiting_id=people[2].id, past_id=past.id)
        db.session.remove()
    return found


def state(live_server, registration_id: int) -> tuple[RegistrationState, int]:
    with live_server.app.app_context():
        registration = db.session.get(Registration, registration_id)
        found = registration.state, registration.meeting.capacity
        db.session.remove()
    return found


def test_coordinator_manages_the_list_by_keyboard(page, live_server, axe_check):
    data = seed(live_server)
    participants = f"/bijeenkomsten/{data.training_id}/deelnemers"
    log_in(page, COORDINATOR)

    # from the session page to the list
    page.goto(f"/coordinatie/bijeenkomsten/{data.training_id}")
    press(page, "#participants-link")
    page.wait_for_url(f"**{participants}")
    expect(page.locator("#confirmed tbody tr")).to_have_count(2)
    expect(page.locator("#waiting tbody tr")).to_have_count(1)
    expect(page.locator("#sectors tbody tr")).to_have_count(4)
    axe_check(page)

    # fewer places than people with a place: an error at the field, the number kept
    unfold(page, "#capacity-form")
    type_into(page, "#capacity-capacity", "1")
    press(page, 'form[action$="/plaatsen"] button[type="submit"]')
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#capacity-capacity-error")).to_be_visible()
    expect(page.locator("#capacity-capacity")).to_have_value("1")
    axe_check(page)

    # give the waiting person a place with the keyboard, from their own page: the session was
    # full, so it grows by one
    page.goto(participants)
    tab_to(page, f'#registration-{data.waiting_id} a[href$="/deelnemers/{data.waiting_id}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/deelnemers/{data.waiting_id}")
    expect(page.locator("#promote-note")).to_be_visible()
    axe_check(page)
    tab_to(page, "#promote")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{participants}")
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("#waiting tbody tr")).to_have_count(0)
    expect(page.locator("#confirmed tbody tr")).to_have_count(3)
    assert state(live_server, data.waiting_id) == (RegistrationState.CONFIRMED, 3)
    axe_check(page)

    # the presence list: on screen with a print button; printed without the site around it
    press(page, "#presence-link")
    expect(page.locator("#presence tbody tr")).to_have_count(3 + 3)  # three names, three empty lines
    expect(page.locator("#print-button")).to_be_visible()
    axe_check(page)
    page.emulate_media(media="print")
    expect(page.locator(".ob-nav")).to_be_hidden()
    expect(page.locator("#print-button")).to_be_hidden()
    expect(page.locator("#presence")).to_be_visible()
    page.emulate_media(media="screen")

    # the evaluations: the overview and the results of the training that took place
    page.goto("/coordinatie/evaluaties")
    expect(page.locator(f"#evaluation-{data.past_id}")).to_contain_text("2")
    axe_check(page)
    press(page, f"#evaluation-{data.past_id} a")
    expect(page.locator("#scores tbody tr")).to_have_count(5)
    expect(page.locator("#went-well")).to_contain_text("Veel geleerd van elkaar.")
    expect(page.locator("#to-improve")).to_contain_text("Meer tijd voor casussen.")
    axe_check(page)

    # the list of the past training: attendance, no changes any more
    page.goto(f"/bijeenkomsten/{data.past_id}/deelnemers")
    expect(page.locator('input[name="attendance-present"]:checked')).to_have_count(3)
    expect(page.locator('form[action$="/toevoegen"]')).to_have_count(0)
    axe_check(page)


def test_the_expert_sees_the_list_without_changes(page, live_server, axe_check):
    data = seed(live_server)
    log_in(page, EXPERT)
    with live_server.app.app_context():
        expert_id = db.session.scalar(select(MeetingExpert.expert_id).where(
            MeetingExpert.meeting_id == data.training_id))
        db.session.remove()
    page.goto(f"/experts/{expert_id}/opdrachten")
    press(page, f'a[href="/bijeenkomsten/{data.training_id}/deelnemers"]')
    expect(page.locator("#confirmed tbody tr")).to_have_count(2)
    expect(page.locator("main form")).to_have_count(0)
    axe_check(page)
