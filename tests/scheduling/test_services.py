"""Booking, rescheduling, changing and cancelling sessions: the rules a coordinator relies on.

The helpers at the top are shared with the other scheduling tests.
"""
from __future__ import annotations

from datetime import time, timedelta
from email.utils import parseaddr

import icalendar
import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import local_to_utc, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import assignments, changes
from ontwikkelbijeenkomsten.meetings import services as meetings_services
from ontwikkelbijeenkomsten.meetings.reminders import send_reminders
from ontwikkelbijeenkomsten.meetings.changes import Details, local_times
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.requests.models import LocationKind, RequestState
from ontwikkelbijeenkomsten.scheduling import candidates, services
from ontwikkelbijeenkomsten.scheduling.candidates import active_meetings
from ontwikkelbijeenkomsten.scheduling.services import NeedsConfirmation
from tests.factories import AVOND, MIDDAG, OCHTEND, applicant, future_day, make_expert, submission

CONTACT = "ilse@example.org"
EXPERT = "expert@example.org"


# ---- helpers -----------------------------------------------------------------------------------
def add_expert(plan, email, name, *, themes=None, regions=(), slots=(), active=True, everywhere=None):
    """An expert (OOGO and Leerplicht unless told) free at `slots`; all regions unless `regions`."""
    expert = make_expert(email, name, plan.themes[:2] if themes is None else themes, regions=regions,
                         serves_all_regions=not regions if everywhere is None else everywhere)
    expert.active = active
    db.session.commit()
    for moment in slots:
        plan.available(expert, *moment)
    return expert


def northern_request(plan, dagdelen=1, **overrides):
    """Another granted request, from Groningen (its own quota), with the same preferred moments."""
    overrides.setdefault("contact_email", "noord@example.org")
    return plan.granted(dagdelen, region=plan.regions[1], **overrides)


def book(plan, moment=None, *, expert=None, request=None, **kwargs) -> services.Booked:
    day, dagdeel = moment or plan.moments[0]
    with unit_of_work():
        return services.book(request or plan.request, (expert or plan.expert).id, day, dagdeel, plan.coordinator,
                             **kwargs)


def set_month_max(expert, limit) -> None:
    db.session.get(ExpertProfile, expert.id).max_dagdelen_per_month = limit
    db.session.commit()


def meeting_mails(since: int = 0) -> list[OutboxMail]:
    """The session mails queued after `since`, rendered as the delivery worker renders them."""
    mails = list(db.session.scalars(
        select(OutboxMail).where(OutboxMail.kind.like("session_%"), OutboxMail.id > since).order_by(OutboxMail.id)))
    render_pending(mails)
    return mails


def last_mail_id() -> int:
    return db.session.scalar(select(func.max(OutboxMail.id))) or 0


def sent(mails) -> list[tuple[str, str]]:
    return [(m.kind, m.recipient) for m in mails]


def event_of(mail: OutboxMail):
    """(METHOD, the VEVENT) of the mail's calendar invite."""
    calendar = icalendar.Calendar.from_ical(mail.calendar)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def check_invite(mail: OutboxMail, meeting: Meeting, method: str, sequence: int) -> icalendar.Event:
    found, event = event_of(mail)
    assert mail.calendar_method == method and found == method
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == sequence
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    assert str(event["ORGANIZER"]) == f"mailto:{sender}"
    assert str(event["ATTENDEE"]) == f"mailto:{mail.recipient}"
    waiting = {a.expert.email for a in meeting.experts if a.state is AssignmentState.ASSIGNED}
    assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else
                                    "TENTATIVE" if mail.recipient in waiting else "CONFIRMED")
    return event


def counts() -> tuple[int, ...]:
    """Rows a refused action must not leave behind."""
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Meeting, MeetingExpert, OutboxMail, AuditEvent))


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def refused(action, field: str, words: str):
    """Run `action`, expect RuleViolation on `field` whose English message contains `words`,
    and check that nothing was written."""
    before = counts()
    with pytest.raises(RuleViolation) as caught, unit_of_work():
        action()
    assert caught.value.field == field, english(caught.value.message)
    assert words in english(caught.value.message)
    db.session.expire_all()
    assert counts() == before, "a refused action wrote rows"


def needs_confirmation(action) -> list[str]:
    before = counts()
    with pytest.raises(NeedsConfirmation) as caught, unit_of_work():
        action()
    db.session.expire_all()
    assert counts() == before, "an unconfirmed booking wrote rows"
    return [english(w) for w in caught.value.warnings]


def audit_actions(subject) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == subject.__tablename__,
                                        AuditEvent.subject_id == subject.id).order_by(AuditEvent.id)))


def experts_of(meeting) -> list[tuple[str, AssignmentState]]:
    db.session.refresh(meeting)
    return [(a.expert.name, a.state) for a in sorted(meeting.experts, key=lambda a: a.id)]


def register(meeting, email, state, locale="nl") -> Registration:
    row = Registration(meeting=meeting, state=state, name=email.split("@")[0].title(), email=email,
                       sector=Sector.ONDERWIJS, locale=locale)
    db.session.add(row)
    db.session.commit()
    return row


# ---- book --------------------------------------------------------------------------------------
def test_booking_a_proposal_creates_the_meeting_and_tells_contact_and_expert(plan):
    m1, _ = plan.moments
    since = last_mail_id()
    booked = book(plan, m1, title="  Samen aan de slag  ")

    meeting = booked.meeting
    assert not booked.already
    assert (meeting.kind, meeting.state, meeting.date, meeting.dagdeel) == (
        MeetingKind.REGIONAL, MeetingState.PLANNED, *m1)
    assert (meeting.starts_at, meeting.ends_at) == OCHTEND.bounds(m1[0])
    assert (meeting.title, meeting.description) == ("Samen aan de slag", "Samen signaleren.")
    assert meeting.location == "Stadhuis Maastricht" and meeting.region_id == plan.region.id
    assert [t.name for t in meeting.themes] == ["OOGO"]
    assert experts_of(meeting) == [("Eva Jansen", AssignmentState.ASSIGNED)]
    assert (meeting.experts[0].date, meeting.experts[0].dagdeel) == m1
    assert "session.booked" in audit_actions(plan.request)

    mails = meeting_mails(since)
    assert sent(mails) == [("session_booked", CONTACT), ("session_assigned", EXPERT)]
    for mail in mails:
        raw = mail.calendar
        assert "METHOD:REQUEST" in raw and f"UID:{meeting.uid}" in raw
        check_invite(mail, meeting, "REQUEST", 0)
    assert plan.request.state is RequestState.GRANTED, "one of two dagdelen booked: not scheduled yet"


def test_the_default_title_and_an_online_request_without_location(plan):
    request = northern_request(plan, location_kind=LocationKind.ONLINE, location="")
    meeting = book(plan, request=request, title="   ").meeting
    assert meeting.location == ""
    assert meeting.title == services.default_title(request)
    assert "Groningen" in meeting.title


def test_the_request_is_scheduled_when_all_granted_dagdelen_are_booked(plan):
    m1, m2 = plan.moments
    book(plan, m1)
    assert plan.request.state is RequestState.GRANTED
    book(plan, m2)
    assert plan.request.state is RequestState.SCHEDULED
    assert "request.scheduled" in audit_actions(plan.request)
    assert len(active_meetings([plan.request.id])[plan.request.id]) == 2


def test_a_slot_in_the_past_is_refused(plan):
    yesterday = (today_local() - timedelta(days=1), OCHTEND)
    plan.available(plan.expert, *yesterday)
    refused(lambda: book(plan, yesterday, confirmed=True), "day", "future")


def test_a_dagdeel_that_began_today_is_refused(plan, monkeypatch):
    today = today_local()
    plan.available(plan.expert, today, OCHTEND)
    for module in (candidates, changes):
        monkeypatch.setattr(module, "utcnow", lambda: local_to_utc(today, time(10, 0)))
    refused(lambda: book(plan, (today, OCHTEND), confirmed=True), "day", "has begun")


def test_an_expert_who_is_not_available_is_refused(plan):
    refused(lambda: book(plan, (future_day(30), OCHTEND), confirmed=True), "expert_id", "available")


def test_an_expert_booked_for_another_request_in_that_slot_is_refused(plan):
    book(plan, request=northern_request(plan))
    refused(lambda: book(plan, confirmed=True), "expert_id", "already booked")


@pytest.mark.parametrize("who", ["inactive", "coordinator", "unknown", "none"])
def test_only_an_active_expert_can_be_booked(plan, who):
    if who == "inactive":
        plan.expert.active = False
        db.session.commit()
    expert_id = {"coordinator": plan.coordinator.id, "unknown": 2_000_000, "none": None}.get(who, plan.expert.id)
    day, dagdeel = plan.moments[0]
    refused(lambda: services.book(plan.request, expert_id, day, dagdeel, plan.coordinator, confirmed=True),
            "expert_id", "active expert")


@pytest.mark.parametrize("state", ["submitted", "in_review", "rejected", "withdrawn"])
def test_a_request_that_is_not_granted_cannot_be_booked(plan, state):
    with unit_of_work():
        request = requests.submit(submission(plan, region_id=plan.regions[1].id, dagdelen_wanted=1))
    if state != "submitted":
        with unit_of_work():
            requests.take_into_review(request, plan.coordinator)
    if state == "rejected":
        with unit_of_work():
            requests.reject(request, "Past niet.", plan.coordinator)
    if state == "withdrawn":
        with unit_of_work():
            requests.withdraw(request)
    refused(lambda: book(plan, request=request, confirmed=True), "request", "granted")


def test_a_request_with_all_dagdelen_booked_is_refused(plan):
    m1, m2 = plan.moments
    request = northern_request(plan)
    book(plan, m1, request=request)
    assert request.state is RequestState.SCHEDULED
    refused(lambda: book(plan, m2, request=request, confirmed=True), "request", "All granted dagdelen")


def test_a_second_expert_in_a_moment_the_request_has_a_meeting_in_is_refused(plan):
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    book(plan, m1)
    refused(lambda: book(plan, m1, expert=piet, confirmed=True), "day", "already has a session")


def test_a_double_click_books_once(plan):
    first = book(plan)
    since = last_mail_id()
    again = book(plan)
    assert again.already and again.meeting.id == first.meeting.id
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    assert meeting_mails(since) == []


def test_a_moment_outside_the_preferences_needs_confirmation(plan):
    elsewhere = (future_day(30), AVOND)
    plan.available(plan.expert, *elsewhere)
    warnings = needs_confirmation(lambda: book(plan, elsewhere))
    assert warnings == ["This moment is not one of the region's preferred moments or its preferred period."]
    meeting = book(plan, elsewhere, confirmed=True).meeting
    assert (meeting.date, meeting.dagdeel) == elsewhere
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.booked"))
    assert event.details["outside_proposals"] is True


def test_an_expert_without_the_themes_or_the_region_needs_confirmation(plan):
    m1, _ = plan.moments
    plan.available(plan.other_expert, *m1)  # Leerlingenvervoer, Groningen only
    warnings = needs_confirmation(lambda: book(plan, m1, expert=plan.other_expert))
    assert warnings == [
        "Omar Bakker does not cover any of the themes of this request.",
        "Omar Bakker does not work in Zuid-Limburg.",
    ]
    meeting = book(plan, m1, expert=plan.other_expert, confirmed=True).meeting
    assert experts_of(meeting) == [("Omar Bakker", AssignmentState.ASSIGNED)]
    assert [t.name for t in meeting.themes] == ["OOGO"], "the request's themes when the expert shares none"


def test_an_expert_outside_the_region_needs_confirmation(plan):
    m1, _ = plan.moments
    gerrit = add_expert(plan, "noord-expert@example.org", "Gerrit Noord", regions=[plan.regions[1]], slots=[m1])
    assert needs_confirmation(lambda: book(plan, m1, expert=gerrit)) == [
        "Gerrit Noord does not work in Zuid-Limburg."]
    assert book(plan, m1, expert=gerrit, confirmed=True).meeting.id


def test_an_expert_at_their_monthly_maximum_needs_confirmation(plan):
    m1, _ = plan.moments
    same_month = (m1[0], AVOND)
    plan.available(plan.expert, *same_month)
    book(plan, same_month, request=northern_request(plan, moments=[same_month]))
    set_month_max(plan.expert, 1)
    (warning,) = needs_confirmation(lambda: book(plan, m1))
    assert warning.startswith("Eva Jansen has reached their maximum of 1 dagdeel in ")
    assert book(plan, m1, confirmed=True).meeting.id


# ---- reschedule --------------------------------------------------------------------------------
def test_rescheduling_to_another_moment_moves_the_meeting_and_frees_the_old_slot(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    since = last_mail_id()
    with unit_of_work():
        services.reschedule(meeting, *m2, plan.expert.id, plan.coordinator)

    db.session.refresh(meeting)
    assert (meeting.date, meeting.dagdeel, meeting.state, meeting.sequence) == (*m2, MeetingState.CHANGED, 1)
    assert (meeting.starts_at, meeting.ends_at) == MIDDAG.bounds(m2[0])
    (assignment,) = meeting.experts
    assert (assignment.date, assignment.dagdeel, assignment.state) == (*m2, AssignmentState.ASSIGNED)
    mails = meeting_mails(since)
    assert sorted(sent(mails)) == [("session_changed", EXPERT), ("session_changed", CONTACT)]
    for mail in mails:
        check_invite(mail, meeting, "REQUEST", 1)
    assert "session.rescheduled" in audit_actions(plan.request)

    # the old slot is free again: another region can have Eva there without any warning
    other = book(plan, m1, request=northern_request(plan)).meeting
    assert experts_of(other) == [("Eva Jansen", AssignmentState.ASSIGNED)]


def test_rescheduling_to_another_expert_releases_the_first(plan):
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    meeting = book(plan, m1).meeting
    since = last_mail_id()
    with unit_of_work():
        services.reschedule(meeting, *m1, piet.id, plan.coordinator)

    assert experts_of(meeting) == [("Eva Jansen", AssignmentState.RELEASED), ("Piet Tweede", AssignmentState.ASSIGNED)]
    mails = meeting_mails(since)
    assert sent(mails) == [("session_released", EXPERT), ("session_assigned", "piet@example.org"),
                           ("session_changed", CONTACT)]
    check_invite(mails[0], meeting, "CANCEL", meeting.sequence)
    check_invite(mails[1], meeting, "REQUEST", meeting.sequence)
    check_invite(mails[2], meeting, "REQUEST", meeting.sequence)
    assert "Piet Tweede" in mails[2].text_body
    # Eva's slot is free again
    assert book(plan, m1, request=northern_request(plan)).meeting.id != meeting.id


def test_participants_hear_when_only_the_expert_changes(plan):
    """Their confirmation named the expert: the contact and every registered participant (a
    place: with an invite; waiting: without) get the new name, the new expert an assignment."""
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    meeting = book(plan, m1).meeting
    meeting.capacity = 1
    db.session.commit()
    with unit_of_work():
        placed = meetings_services.register(meeting, applicant(1))
        waiting = meetings_services.register(meeting, applicant(2))
    since = last_mail_id()
    with unit_of_work():
        services.reschedule(meeting, *m1, piet.id, plan.coordinator)

    mails = meeting_mails(since)
    assert sorted(sent(mails)) == sorted([
        ("session_released", EXPERT), ("session_assigned", "piet@example.org"), ("session_changed", CONTACT),
        ("session_changed", placed.email), ("session_changed", waiting.email)])
    for mail in mails[2:]:
        assert "Piet Tweede" in mail.text_body and "Eva Jansen" not in mail.text_body, mail.recipient
    by_recipient = {m.recipient: m for m in mails}
    check_invite(by_recipient[placed.email], meeting, "REQUEST", meeting.sequence)
    assert by_recipient[waiting.email].calendar_method is None


def test_reschedule_refusals(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    refused(lambda: services.reschedule(meeting, *m1, plan.expert.id, plan.coordinator, confirmed=True),
            "day", "another moment or another expert")
    refused(lambda: services.reschedule(meeting, future_day(30), OCHTEND, plan.expert.id, plan.coordinator,
                                        confirmed=True), "expert_id", "available")
    book(plan, m2, request=northern_request(plan))
    refused(lambda: services.reschedule(meeting, *m2, plan.expert.id, plan.coordinator, confirmed=True),
            "expert_id", "already booked")
    yesterday = (today_local() - timedelta(days=1), OCHTEND)
    plan.available(plan.expert, *yesterday)
    refused(lambda: services.reschedule(meeting, *yesterday, plan.expert.id, plan.coordinator, confirmed=True),
            "day", "future")
    refused(lambda: services.reschedule(meeting, *m1, None, plan.coordinator, confirmed=True),
            "expert_id", "active expert")
    db.session.refresh(meeting)
    assert (meeting.date, meeting.dagdeel, meeting.sequence, meeting.state) == (*m1, 0, MeetingState.PLANNED)


def test_a_cancelled_meeting_cannot_be_rescheduled(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    with unit_of_work():
        services.cancel(meeting, "Zieke expert.", plan.coordinator)
    refused(lambda: services.reschedule(meeting, *m2, plan.expert.id, plan.coordinator, confirmed=True),
            "meeting", "cancelled")


def test_rescheduling_into_a_moment_the_request_already_has_is_refused(plan):
    m1, m2 = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m2])
    first = book(plan, m1).meeting
    book(plan, m2)
    refused(lambda: services.reschedule(first, *m2, piet.id, plan.coordinator, confirmed=True),
            "day", "already has a session")


def test_rescheduling_outside_the_preferences_needs_confirmation(plan):
    m1, _ = plan.moments
    elsewhere = (future_day(30), OCHTEND)
    plan.available(plan.expert, *elsewhere)
    meeting = book(plan, m1).meeting
    warnings = needs_confirmation(lambda: services.reschedule(meeting, *elsewhere, plan.expert.id, plan.coordinator))
    assert warnings == ["This moment is not one of the region's preferred moments or its preferred period."]
    db.session.refresh(meeting)
    assert (meeting.date, meeting.dagdeel, meeting.sequence) == (*m1, 0)
    with unit_of_work():
        services.reschedule(meeting, *elsewhere, plan.expert.id, plan.coordinator, confirmed=True)
    db.session.refresh(meeting)
    assert (meeting.date, meeting.dagdeel, meeting.sequence) == (*elsewhere, 1)


# ---- change_details ----------------------------------------------------------------------------
def details(meeting, **changes) -> Details:
    starts, ends = local_times(meeting)
    values = {"title": meeting.title, "description": meeting.description, "location": meeting.location,
              "online_url": meeting.online_url, "starts": starts, "ends": ends}
    values.update(changes)
    return Details(**values)


def test_a_new_title_alone_is_saved_quietly(plan):
    meeting = book(plan).meeting
    since = last_mail_id()
    with unit_of_work():
        assert changes.change_details(meeting, details(meeting, title="Nieuwe titel", description="Meer uitleg."),
                                       plan.coordinator) is False
    db.session.refresh(meeting)
    assert (meeting.title, meeting.description, meeting.sequence, meeting.state) == (
        "Nieuwe titel", "Meer uitleg.", 0, MeetingState.PLANNED)
    assert meeting_mails(since) == []


@pytest.mark.parametrize("change", [
    {"starts": time(9, 30), "ends": time(12, 0)},
    {"location": "Gemeentehuis Heerlen"},
])
def test_a_new_time_or_place_tells_everyone(plan, change):
    meeting = book(plan).meeting
    register(meeting, "deelnemer@example.org", RegistrationState.CONFIRMED)
    since = last_mail_id()
    with unit_of_work():
        assert changes.change_details(meeting, details(meeting, **change), plan.coordinator) is True
    db.session.refresh(meeting)
    assert (meeting.sequence, meeting.state) == (1, MeetingState.CHANGED)
    assert local_times(meeting) == (change.get("starts", time(9, 0)), change.get("ends", time(12, 30)))
    mails = meeting_mails(since)
    assert sorted(sent(mails)) == [("session_changed", "deelnemer@example.org"), ("session_changed", EXPERT),
                                   ("session_changed", CONTACT)]
    for mail in mails:
        event = check_invite(mail, meeting, "REQUEST", 1)
        assert event.decoded("DTSTART").strftime("%H:%M") == change.get("starts", time(9, 0)).strftime("%H:%M")
        assert str(event["LOCATION"]) == change.get("location", "Stadhuis Maastricht")


@pytest.mark.parametrize("starts, ends", [
    (time(8, 30), time(12, 0)),   # before the ochtend
    (time(9, 0), time(13, 0)),    # after it
    (time(11, 0), time(10, 0)),   # end before start
    (time(10, 0), time(10, 0)),   # no time at all
])
def test_times_outside_the_dagdeel_are_refused(plan, starts, ends):
    meeting = book(plan).meeting
    refused(lambda: changes.change_details(meeting, details(meeting, starts=starts, ends=ends), plan.coordinator),
            "starts", "within the")
    db.session.refresh(meeting)
    assert local_times(meeting) == (time(9, 0), time(12, 30))


# ---- cancel ------------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(plan, reason):
    meeting = book(plan).meeting
    refused(lambda: services.cancel(meeting, reason, plan.coordinator), "reason", "reason")
    assert meeting.state is MeetingState.PLANNED


def test_cancelling_frees_the_slot_tells_everyone_and_gives_the_dagdeel_back(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    book(plan, m2)
    assert plan.request.state is RequestState.SCHEDULED
    register(meeting, "zeker@example.org", RegistrationState.CONFIRMED)
    register(meeting, "wachtend@example.org", RegistrationState.WAITING)
    register(meeting, "afgemeld@example.org", RegistrationState.CANCELLED)
    left = quota.remaining(plan.region, plan.period)
    since = last_mail_id()

    with unit_of_work():
        services.cancel(meeting, "  De expert is ziek.  ", plan.coordinator)

    db.session.refresh(meeting)
    assert (meeting.state, meeting.cancel_reason, meeting.sequence) == (MeetingState.CANCELLED, "De expert is ziek.", 1)
    assert experts_of(meeting) == [("Eva Jansen", AssignmentState.RELEASED)]
    mails = meeting_mails(since)
    assert sent(mails) == [("session_cancelled", CONTACT), ("session_cancelled", EXPERT),
                           ("session_cancelled", "zeker@example.org"), ("session_cancelled", "wachtend@example.org")]
    for mail in mails[:3]:
        event = check_invite(mail, meeting, "CANCEL", 1)
        assert "STATUS:CANCELLED" in mail.calendar and "METHOD:CANCEL" in mail.calendar
        assert event["UID"] == meeting.uid
        assert "De expert is ziek." in mail.text_body
    assert mails[3].calendar is None and mails[3].calendar_method is None, "no place: no calendar"
    assert "De expert is ziek." in mails[3].text_body

    db.session.refresh(plan.request)
    assert plan.request.state is RequestState.GRANTED
    assert len(active_meetings([plan.request.id])[plan.request.id]) == 1
    assert quota.remaining(plan.region, plan.period) == left, "cancelling does not touch the quota"
    assert audit_actions(plan.request)[-2:] == ["session.cancelled", "request.unscheduled"]

    # the dagdeel can be booked again, in the same slot of the same expert
    again = book(plan, m1).meeting
    assert again.id != meeting.id
    assert plan.request.state is RequestState.SCHEDULED


def test_cancelling_twice_is_refused(plan):
    meeting = book(plan).meeting
    with unit_of_work():
        services.cancel(meeting, "Geen zaal.", plan.coordinator)
    refused(lambda: services.cancel(meeting, "Nog eens.", plan.coordinator), "meeting", "cancelled")


# ---- withdraw and reject -----------------------------------------------------------------------
def test_withdrawing_a_scheduled_request_cancels_its_meetings_and_returns_the_quota(plan):
    m1, m2 = plan.moments
    first, second = book(plan, m1).meeting, book(plan, m2).meeting
    assert plan.request.state is RequestState.SCHEDULED
    assert quota.remaining(plan.region, plan.period) == 2
    since = last_mail_id()

    try:
        with unit_of_work():
            requests.withdraw(plan.request)
    except StatementError as exc:
        db.session.rollback()
        pytest.fail("BUG: withdrawing a request with booked sessions fails (a 500 for the region): "
                    "scheduling.services.cancel_without_commit puts the lazy reason of withdraw() into the "
                    f"audit event's JSON details; record reason=str(reason) instead. {exc.orig!r}")

    db.session.expire_all()
    assert plan.request.state is RequestState.WITHDRAWN
    assert [first.state, second.state] == [MeetingState.CANCELLED, MeetingState.CANCELLED]
    assert first.cancel_reason and second.cancel_reason
    assert quota.remaining(plan.region, plan.period) == 4
    assert sorted(sent(meeting_mails(since))) == [("session_cancelled", EXPERT)] * 2 + [
        ("session_cancelled", CONTACT)] * 2
    assert all(m.calendar_method == "CANCEL" for m in meeting_mails(since))
    # Eva's slots are free again
    assert book(plan, m1, request=northern_request(plan)).meeting.id


def test_rejecting_a_granted_request_cancels_its_booked_meeting(plan):
    m1, _ = plan.moments
    meeting = book(plan, m1).meeting
    with unit_of_work():
        requests.reject(plan.request, "Het budget is op.", plan.coordinator)
    db.session.expire_all()
    assert plan.request.state is RequestState.REJECTED
    assert meeting.state is MeetingState.CANCELLED and meeting.cancel_reason == "Het budget is op."
    assert experts_of(meeting) == [("Eva Jansen", AssignmentState.RELEASED)]
    assert quota.remaining(plan.region, plan.period) == 4


def test_a_meeting_that_starts_before_its_dagdeel_has_begun_at_its_own_start(plan, monkeypatch):
    m1, _ = plan.moments
    meeting = book(plan, m1).meeting
    meeting.starts_at = local_to_utc(m1[0], time(8, 30))
    db.session.commit()
    for module in (services, changes):
        monkeypatch.setattr(module, "utcnow", lambda: local_to_utc(m1[0], time(8, 45)))
    assert services.upcoming_meetings(plan.request) == []
    assert services.meetings_kept(plan.request) == 1
    with unit_of_work():
        requests.withdraw(plan.request)
    db.session.expire_all()
    assert meeting.state is MeetingState.PLANNED
    assert quota.remaining(plan.region, plan.period) == 3


# ---- the expert's calendar feed ----------------------------------------------------------------
def feed_events(expert) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(assignments.feed_for(expert))
    return {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}


def test_the_feed_keeps_cancelled_and_released_meetings_as_cancelled(plan):
    m1, m2 = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m2])
    cancelled, released = book(plan, m1).meeting, book(plan, m2).meeting
    assert feed_events(plan.expert) == {cancelled.uid: "TENTATIVE", released.uid: "TENTATIVE"}  # not answered yet
    with unit_of_work():
        services.cancel(cancelled, "Geen zaal.", plan.coordinator)
    with unit_of_work():
        services.reschedule(released, *m2, piet.id, plan.coordinator)
    assert feed_events(plan.expert) == {cancelled.uid: "CANCELLED", released.uid: "CANCELLED"}
    assert feed_events(piet) == {released.uid: "TENTATIVE"}



def test_moving_a_meeting_within_the_month_does_not_count_it_twice(plan):
    m1, _ = plan.moments
    same_month = (m1[0], AVOND)
    plan.available(plan.expert, *same_month)
    meeting = book(plan, m1).meeting
    set_month_max(plan.expert, 1)
    warnings = needs_confirmation(
        lambda: services.reschedule(meeting, *same_month, plan.expert.id, plan.coordinator))
    assert warnings == ["This moment is not one of the region's preferred moments or its preferred period."], (
        "BUG: moving Eva's only session of the month to another dagdeel of that month warns that she reached "
        "her monthly maximum: fit_warnings counts the session being moved in her month load")


def test_a_meeting_that_has_begun_can_no_longer_be_changed(plan, monkeypatch):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    for module in (candidates, changes):
        monkeypatch.setattr(module, "utcnow", lambda: OCHTEND.bounds(m1[0])[0] + timedelta(minutes=5))
    refused(lambda: services.reschedule(meeting, *m2, plan.expert.id, plan.coordinator, confirmed=True),
            "meeting", "has begun")
    refused(lambda: changes.change_details(meeting, details(meeting, title="Later"), plan.coordinator),
            "meeting", "has begun")
    refused(lambda: services.cancel(meeting, "Te laat.", plan.coordinator), "meeting", "has begun")


def test_an_expert_taken_off_and_put_back_has_the_meeting_once_in_the_feed(plan):
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    meeting = book(plan, m1).meeting
    with unit_of_work():
        services.reschedule(meeting, *m1, piet.id, plan.coordinator)
    with unit_of_work():
        services.reschedule(meeting, *m1, plan.expert.id, plan.coordinator)
    assert experts_of(meeting) == [("Eva Jansen", AssignmentState.RELEASED), ("Piet Tweede", AssignmentState.RELEASED),
                                   ("Eva Jansen", AssignmentState.ASSIGNED)]
    calendar = icalendar.Calendar.from_ical(assignments.feed_for(plan.expert))
    statuses = [str(e["STATUS"]) for e in calendar.walk("VEVENT") if str(e["UID"]) == meeting.uid]
    assert statuses == ["TENTATIVE"], (
        f"BUG: the feed has the session {len(statuses)} times ({statuses}) with one UID: feed_for lists every "
        "assignment row, also the released one of an expert who has the session again")


def test_an_experts_invites_are_tentative_until_they_accept_as_in_the_feed(plan):
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    meeting = book(plan, m1).meeting
    ((_, first),) = [event_of(m) for m in meeting_mails() if m.recipient == EXPERT]
    assert (str(first["STATUS"]), feed_events(plan.expert)) == ("TENTATIVE", {meeting.uid: "TENTATIVE"}), (
        "BUG: the invite of a new assignment says CONFIRMED while the feed says TENTATIVE")
    other = book(plan, plan.moments[1], request=northern_request(plan)).meeting
    since = last_mail_id()
    with unit_of_work():
        services.reschedule(other, *m1, piet.id, plan.coordinator, confirmed=True)
    (assigned,) = [m for m in meeting_mails(since) if m.recipient == "piet@example.org"]
    assert (assigned.kind, str(event_of(assigned)[1]["STATUS"])) == ("session_assigned", "TENTATIVE")

    with unit_of_work():
        assignments.accept(meeting.experts[0], plan.expert)
    assert feed_events(plan.expert)[meeting.uid] == "CONFIRMED"
    since = last_mail_id()
    with unit_of_work():
        changes.change_details(meeting, details(meeting, location="Gemeentehuis"), plan.coordinator)
    (changed,) = [m for m in meeting_mails(since) if m.recipient == EXPERT]
    event = check_invite(changed, meeting, "REQUEST", meeting.sequence)
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) > int(first["SEQUENCE"])


def test_accepting_mails_the_expert_an_invite_that_confirms_the_tentative_one(plan):
    """The expert's calendar holds a mailed assignment as TENTATIVE: accepting sends the invite
    that makes it CONFIRMED, with a higher SEQUENCE, or the calendar keeps it tentative."""
    meeting = book(plan).meeting
    ((_, first),) = [event_of(m) for m in meeting_mails() if m.recipient == EXPERT]
    since = last_mail_id()
    with unit_of_work():
        assignments.accept(meeting.experts[0], plan.expert)
    sent = meeting_mails(since)
    assert [(m.recipient, m.kind) for m in sent] == [(EXPERT, "session_accepted")], (
        "BUG: accepting sends the expert no invite, so their calendar keeps the session as tentative")
    event = check_invite(sent[0], meeting, "REQUEST", meeting.sequence)
    assert (str(event["STATUS"]), int(event["SEQUENCE"]) > int(first["SEQUENCE"])) == ("CONFIRMED", True)
    assert "U hebt de bijeenkomst hieronder geaccepteerd" in sent[0].text_body
    assert "onder voorbehoud" in sent[0].text_body


def test_the_reminder_after_accepting_outranks_the_tentative_invite(plan):
    """RFC 5545: the change of STATUS from TENTATIVE to CONFIRMED must raise the SEQUENCE."""
    meeting = book(plan).meeting
    ((_, first),) = [event_of(m) for m in meeting_mails() if m.recipient == EXPERT]
    with unit_of_work():
        assignments.accept(meeting.experts[0], plan.expert)
    since = last_mail_id()
    with unit_of_work():
        send_reminders(now=meeting.starts_at - timedelta(days=1))
    ((_, reminder),) = [event_of(m) for m in meeting_mails(since) if m.recipient == EXPERT]
    seen = [(str(e["STATUS"]), int(e["SEQUENCE"])) for e in (first, reminder)]
    assert seen == [("TENTATIVE", 0), ("CONFIRMED", 1)], (
        "BUG: accepting does not raise the SEQUENCE, so the reminder's CONFIRMED repeats the TENTATIVE invite's")


def test_each_invite_an_expert_gets_has_a_higher_sequence(plan):
    """RFC 5545: a change of STATUS (CONFIRMED → CANCELLED and back) must raise the SEQUENCE,
    or calendars may ignore the later message for the same UID."""
    m1, _ = plan.moments
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    meeting = book(plan, m1).meeting
    with unit_of_work():
        services.reschedule(meeting, *m1, piet.id, plan.coordinator)
    with unit_of_work():
        services.reschedule(meeting, *m1, plan.expert.id, plan.coordinator)
    eva = [m for m in meeting_mails() if m.recipient == EXPERT]
    seen = [(m.kind, m.calendar_method, int(event_of(m)[1]["SEQUENCE"])) for m in eva]
    assert [s[:2] for s in seen] == [("session_assigned", "REQUEST"), ("session_released", "CANCEL"),
                                     ("session_assigned", "REQUEST")]
    sequences = [s[2] for s in seen]
    assert sequences == sorted(set(sequences)), (
        f"BUG: Eva's invites carry SEQUENCE {sequences}: reschedule() to another expert at the same moment "
        "does not raise the session's SEQUENCE, so her CANCEL and the later REQUEST repeat it")
