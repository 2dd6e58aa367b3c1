"""Calendars end up matching reality (issue 18, item 18): every message the application queued
is played into each recipient's calendar as RFC 5546 describes (tests/mail/calendar_model.py),
and what each address then holds must be what the pages say it has."""
from __future__ import annotations

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import assignments, changes
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.links import registration_token
from ontwikkelbijeenkomsten.meetings.models import AssignmentState
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests.factories import applicant
from tests.meetings.test_trainings import create, part
from tests.scheduling.test_services import EXPERT, add_expert, book, last_mail_id, meeting_mails

from .calendar_model import calendars, reality


def decline(meeting, expert):
    (assignment,) = [a for a in meeting.experts if a.expert_id == expert.id and a.state is AssignmentState.ASSIGNED]
    assignments.decline(assignment, "Ik kan toch niet.", expert)


def test_an_expert_who_declines_loses_the_event_and_later_changes_leave_them_alone(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m2])
    with unit_of_work():
        decline(meeting, plan.expert)
    assert meeting.uid not in calendars().get(EXPERT, {})
    with unit_of_work():
        scheduling.reschedule(meeting, *m2, piet.id, plan.coordinator, confirmed=True)
    held = calendars()
    assert held == reality()
    assert meeting.uid in held["piet@example.org"] and meeting.uid not in held.get(EXPERT, {})


def test_a_contact_who_registers_for_their_own_session_keeps_it(plan):
    """request and grant; book one session; the contact registers through the session's link;
    the contact cancels that registration: the contact still holds the session."""
    meeting = book(plan).meeting
    contact = plan.request.contact_email
    with unit_of_work():
        registration = meetings.register(meeting, applicant(1, email=contact, name=plan.request.contact_name))
    since = last_mail_id()
    starts, ends = changes.local_times(meeting)
    with unit_of_work():
        changes.change_details(meeting, changes.Details(meeting.title, "", "Elders 1, Sittard", "", starts, ends),
                               plan.coordinator)
    assert [m.recipient for m in meeting_mails(since)].count(contact) == 1  # one update, not two
    with unit_of_work():
        meetings.cancel_registration(registration)
    held = calendars()
    assert held == reality() and meeting.uid in held[contact]
    with unit_of_work():
        scheduling.cancel(meeting, "De zaal is niet beschikbaar.", plan.coordinator)
    assert meeting.uid not in calendars().get(contact, {})  # now no role remains


def series(plan, capacity=20):
    """A training of three dagdelen made as coordinators make it, so its expert has the invites."""
    return create(plan, parts=[part(40), part(47), part(54)], capacity=capacity)


def test_a_series_whose_first_dagdeel_is_cancelled_goes_on_for_its_participant(plan, client):
    lead = series(plan)
    with unit_of_work():
        registration = meetings.register(lead, applicant(1))
    with unit_of_work():
        scheduling.cancel(lead, "De zaal is niet beschikbaar.", plan.coordinator)
    held = calendars()
    assert held == reality()
    assert set(held[registration.email]) == {part.uid for part in lead.all_parts[1:]}
    page = client.get(f"/aanmelding/{registration_token(registration)}").get_data(as_text=True)
    assert "Deze bijeenkomst is geannuleerd." not in page and "geannuleerd" in page  # only the first part
    for part in lead.all_parts[1:]:
        with unit_of_work():
            scheduling.cancel(part, "Het programma stopt.", plan.coordinator)
    page = client.get(f"/aanmelding/{registration_token(registration)}").get_data(as_text=True)
    assert "Deze bijeenkomst is geannuleerd." in page


def test_a_day_of_changes_leaves_every_calendar_matching_the_pages(plan):
    """Registering, moving, swapping, declining, cancelling and promoting, over a regional session
    (whose contact also registers) and a series; after each step every calendar is compared."""
    m1, m2 = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1, m2])
    contact = plan.request.contact_email
    meeting = book(plan, m1).meeting
    training = series(plan, capacity=1)

    def step(action):
        with unit_of_work():
            result = action()
        assert calendars() == reality()
        return result

    step(lambda: meetings.register(meeting, applicant(1)))
    own = step(lambda: meetings.register(meeting, applicant(2, email=contact)))
    first = step(lambda: meetings.register(training, applicant(3)))
    waiting = step(lambda: meetings.register(training, applicant(4)))
    step(lambda: scheduling.reschedule(meeting, *m1, piet.id, plan.coordinator, confirmed=True))  # swap
    step(lambda: scheduling.reschedule(meeting, *m2, piet.id, plan.coordinator, confirmed=True))  # move
    step(lambda: decline(meeting, piet))
    step(lambda: meetings.cancel_registration(own))
    step(lambda: meetings.cancel_registration(first))  # the waiting one gets the place
    step(lambda: scheduling.cancel(training.all_parts[1], "Zaal bezet.", plan.coordinator))
    step(lambda: meetings.cancel_registration(waiting))
    step(lambda: scheduling.cancel(meeting, "Gaat niet door.", plan.coordinator))
