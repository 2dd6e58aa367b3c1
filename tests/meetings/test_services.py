"""The registration rules, called directly: places, waiting list, cancelling and promoting,
capacity, moving, the registration window, attendance and evaluations, and the mails each
change queues in its own transaction."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import mails, services
from ontwikkelbijeenkomsten.meetings.services import WaitingPosition
from ontwikkelbijeenkomsten.meetings.links import registration_for_token, registration_token
from ontwikkelbijeenkomsten.meetings.models import (
    Attendance,
    MeetingState,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.scheduling.services import cancel
from tests.factories import applicant

CONFIRMED, WAITING = RegistrationState.CONFIRMED, RegistrationState.WAITING


@pytest.fixture(autouse=True)
def english(app):
    """Refusals are read in English here, whatever the Dutch catalogue says."""
    with force_locale("en"):
        yield


def outbox(email: str | None = None) -> list[OutboxMail]:
    query = select(OutboxMail).order_by(OutboxMail.id)
    if email:
        query = query.where(OutboxMail.recipient == email)
    rows = list(db.session.scalars(query))
    render_pending(rows)
    return rows


def invite(row: OutboxMail):
    return Calendar.from_ical(row.calendar).walk("VEVENT")[0]


def fill(meeting, count: int, start: int = 0) -> list[Registration]:
    with unit_of_work():
        return [services.register(meeting, applicant(n)) for n in range(start, start + count)]


def test_places_then_waiting_list_in_order(training):
    training.capacity = 3
    db.session.commit()
    people = fill(training, 5)
    assert [p.state for p in people] == [CONFIRMED] * 3 + [WAITING] * 2
    assert training.confirmed_count == 3 and services.places_left(training) == 0
    assert [services.waiting_position(p) for p in people] == [None, None, None, WaitingPosition(1), WaitingPosition(2)]
    assert services.is_full(training)


def test_full_without_waiting_list_is_refused_and_writes_nothing(make_training):
    meeting = make_training(capacity=1, waiting_list=False)
    fill(meeting, 1)
    with pytest.raises(RuleViolation) as refused:
        with unit_of_work():
            services.register(meeting, applicant(9))
    assert refused.value.field == "meeting"
    assert db.session.scalar(select(Registration).where(Registration.email == "deelnemer9@example.org")) is None
    assert len(outbox("deelnemer9@example.org")) == 0


def test_the_same_address_twice_gets_no_second_place(training):
    with unit_of_work():
        first = services.register(training, applicant(1))
    with pytest.raises(services.AlreadyRegistered) as again:
        with unit_of_work():
            services.register(training, applicant(1, email="  Deelnemer1@Example.org "))
    assert again.value.registration.id == first.id
    assert training.confirmed_count == 1
    with unit_of_work():
        services.resend_confirmation(first)
    assert [m.kind for m in outbox(first.email)] == ["registration_confirmed"] * 2


def test_no_consent_no_registration(training):
    with pytest.raises(RuleViolation) as refused:
        with unit_of_work():
            services.register(training, applicant(1, consent=False))
    assert refused.value.field == "consent" and training.confirmed_count == 0


@pytest.mark.parametrize("window, message", [
    ({"registration_opens_at": timedelta(days=2)}, "Registration opens on"),
    ({"registration_closes_at": timedelta(minutes=-1)}, "has closed"),
])
def test_the_registration_window_is_enforced(make_training, plan, window, message):
    field, offset = next(iter(window.items()))
    meeting = make_training(**{field: utcnow() + offset})
    with pytest.raises(RuleViolation) as refused:
        with unit_of_work():
            services.register(meeting, applicant(1))
    assert message in str(refused.value.message)
    with unit_of_work():
        coordinator_add = services.register(meeting, applicant(2), actor=plan.coordinator)
    assert coordinator_add.state is CONFIRMED  # by hand: outside the window, until it begins
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.added")) is not None


def test_no_registration_once_begun_or_cancelled(make_training, plan):
    begun = make_training(days_ahead=-1)
    with pytest.raises(RuleViolation, match="begun"):
        with unit_of_work():
            services.register(begun, applicant(1), actor=plan.coordinator)
    cancelled = make_training(title="Afgelast")
    cancelled.state = MeetingState.CANCELLED
    db.session.commit()
    with pytest.raises(RuleViolation, match="cancelled"):
        with unit_of_work():
            services.register(cancelled, applicant(1))


def test_a_confirmation_carries_an_invite_and_the_private_link(training):
    with unit_of_work():
        registration = services.register(training, applicant(1, locale="en"))
    [row] = outbox(registration.email)
    assert row.kind == "registration_confirmed" and row.calendar_method == "REQUEST"
    event = invite(row)
    assert str(event["UID"]) == training.uid and "deelnemer1@example.org" in str(event["ATTENDEE"])
    token = row.text_body.split("/aanmelding/")[1].split()[0]
    assert registration_for_token(token).id == registration.id
    assert "Registration confirmed: Samen signaleren" == row.subject


def test_a_waiting_list_mail_has_no_invite(training):
    training.capacity = 0
    db.session.commit()
    with unit_of_work():
        registration = services.register(training, applicant(1))
    [row] = outbox(registration.email)
    assert row.kind == "registration_waiting" and row.calendar is None and row.calendar_method is None


def test_a_series_is_one_registration_with_an_invite_per_part(make_training):
    lead = make_training(parts=3)
    second = lead.all_parts[1]
    with unit_of_work():
        registration = services.register(second, applicant(1))  # through any part: held by the lead
    assert registration.meeting_id == lead.id and lead.confirmed_count == 1
    rows = outbox(registration.email)
    assert [str(invite(r)["UID"]) for r in rows] == [p.uid for p in lead.all_parts]  # one UID per message
    # one mail that says what happened and lists every dagdeel, then a short invite per other dagdeel
    confirmation, *invites = rows
    assert confirmation.kind == "registration_confirmed" and confirmation.subject == "Aanmelding bevestigd: Samen signaleren"
    assert confirmation.text_body.count("2026") + confirmation.text_body.count("2027") >= 3
    assert [(r.kind, r.subject) for r in invites] == [
        ("session_invite", "Agenda-uitnodiging 2 van 3: Samen signaleren"),
        ("session_invite", "Agenda-uitnodiging 3 van 3: Samen signaleren")]
    assert all(len(r.text_body) < len(confirmation.text_body) / 2 for r in invites)
    for body in (confirmation.text_body, confirmation.html_body):  # one sentence on the invites, not two that disagree
        assert ("De agenda-uitnodiging bij deze e-mail is voor het eerste dagdeel: accepteer die om dat dagdeel in "
                "uw agenda te zetten. Voor elk ander dagdeel krijgt u een korte e-mail met een eigen uitnodiging.") in body
        assert "om de bijeenkomst in uw agenda te zetten" not in body
    assert {p.email for p in mails.people(second) if p.role == "participant"} == {registration.email}
    with unit_of_work():
        services.cancel_registration(registration)
    cancelled = outbox(registration.email)[3:]
    assert [r.kind for r in cancelled] == ["registration_cancelled", "session_invite", "session_invite"]
    assert [r.calendar_method for r in cancelled] == ["CANCEL"] * 3
    assert cancelled[1].subject == "Agenda-afmelding 2 van 3: Samen signaleren"


def test_the_mail_of_a_cancelled_place_says_afgemeld_and_not_that_the_registration_holds(make_training):
    """The word list: a participant is afgemeld (not geannuleerd); a series' cancellation no
    longer says "uw aanmelding geldt voor alle dagdelen", and speaks once of its calendar message."""
    lead = make_training(parts=2)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    with unit_of_work():
        services.cancel_registration(registration)
    cancelled = outbox(registration.email)[2]
    assert cancelled.kind == "registration_cancelled"
    assert cancelled.subject == "Afgemeld: Samen signaleren"
    for body in (cancelled.text_body, cancelled.html_body):
        assert "U bent afgemeld voor de bijeenkomst hieronder." in body
        assert "geannuleerd" not in body
        assert "Deze training bestaat uit 2 dagdelen; u bent voor alle dagdelen afgemeld:" in body
        assert "uw aanmelding geldt" not in body
        assert body.count("Het agendabericht bij deze e-mail") == 1
        assert "Het agendabericht bij deze e-mail haalt het eerste dagdeel uit uw agenda." in body


def test_a_confirmation_speaks_of_no_waiting_list_where_there_is_none(make_training):
    """Before, every confirmation said "zodat iemand van de wachtlijst uw plaats krijgt", also
    for a session without a limit or without a waiting list."""
    for n, training in enumerate((make_training(capacity=None), make_training(waiting_list=False, days_ahead=40))):
        with unit_of_work():
            registration = services.register(training, applicant(n))
        (confirmation,) = outbox(registration.email)
        for body in (confirmation.text_body, confirmation.html_body):
            assert "wachtlijst" not in body
            assert "Kunt u toch niet komen? Meld u dan af via de link hieronder, zodat iemand anders uw plaats kan krijgen." in body


def test_cancelling_gives_the_place_to_the_first_waiting(training):
    training.capacity = 2
    db.session.commit()
    first, second, waiting1, waiting2 = fill(training, 4)
    with unit_of_work():
        promoted = services.cancel_registration(second)
    assert [p.id for p in promoted] == [waiting1.id]
    db.session.refresh(waiting2)
    assert waiting1.state is CONFIRMED and waiting2.state is WAITING and training.confirmed_count == 2
    assert services.waiting_position(waiting2) == WaitingPosition(1)
    cancel_mail = outbox(second.email)[-1]
    assert cancel_mail.kind == "registration_cancelled" and cancel_mail.calendar_method == "CANCEL"
    assert invite(cancel_mail)["STATUS"] == "CANCELLED"
    promoted_mail = outbox(waiting1.email)[-1]
    assert promoted_mail.kind == "registration_promoted" and promoted_mail.calendar_method == "REQUEST"
    with unit_of_work():
        assert services.cancel_registration(second) == []  # twice: nothing happens
    assert training.confirmed_count == 2


def test_leaving_the_waiting_list_frees_no_place(training):
    training.capacity = 1
    db.session.commit()
    _, waiting = fill(training, 2)
    with unit_of_work():
        assert services.cancel_registration(waiting) == []
    assert training.confirmed_count == 1
    assert outbox(waiting.email)[-1].calendar is None


def test_no_cancelling_once_begun(make_training):
    meeting = make_training(days_ahead=2)
    with unit_of_work():
        registration = services.register(meeting, applicant(1))
    meeting.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(RuleViolation, match="begun"):
        with unit_of_work():
            services.cancel_registration(registration)
    assert registration.state is CONFIRMED


def test_promote_by_hand_raises_the_capacity_when_full(training, plan):
    training.capacity = 1
    db.session.commit()
    _, waiting = fill(training, 2)
    with unit_of_work():
        assert services.promote(waiting, plan.coordinator) is True
    assert training.capacity == 2 and training.confirmed_count == 2 and waiting.state is CONFIRMED
    with pytest.raises(RuleViolation):
        with unit_of_work():
            services.promote(waiting, plan.coordinator)


def test_capacity_never_drops_confirmed_people(training, plan):
    fill(training, 5)
    with pytest.raises(RuleViolation) as refused:
        with unit_of_work():
            services.set_capacity(training, 4, True, plan.coordinator)
    assert refused.value.field == "capacity" and training.capacity == 20
    with unit_of_work():
        services.set_capacity(training, 5, True, plan.coordinator)
    waiting = fill(training, 3, start=10)
    assert all(p.state is WAITING for p in waiting)
    with unit_of_work():
        promoted = services.set_capacity(training, 7, True, plan.coordinator)
    assert [p.id for p in promoted] == [p.id for p in waiting[:2]]
    with unit_of_work():
        assert [p.id for p in services.set_capacity(training, None, False, plan.coordinator)] == [waiting[2].id]
    assert training.confirmed_count == 8 and not training.waiting_list_enabled


def test_moving_to_a_full_training_puts_someone_on_its_waiting_list(training, make_training, plan):
    other = make_training(capacity=1, title="Tweede ronde", days_ahead=40)
    fill(other, 1, start=50)
    training.capacity = 1
    db.session.commit()
    mover, waiting = fill(training, 2)
    with unit_of_work():
        moved = services.move(mover, other, plan.coordinator)
    assert moved.meeting_id == other.id and moved.state is WAITING
    assert mover.state is RegistrationState.CANCELLED
    db.session.refresh(waiting)
    assert waiting.state is CONFIRMED  # the freed place here went to the waiting list
    with pytest.raises(RuleViolation):
        with unit_of_work():
            services.move(moved, other, plan.coordinator)


def test_attendance_after_the_meeting_and_one_evaluation_each(make_training, plan):
    meeting = make_training(days_ahead=3)
    present, absent = fill(meeting, 2)
    with pytest.raises(RuleViolation, match="begun"):
        with unit_of_work():
            services.mark_attendance(meeting, {present.id}, plan.coordinator)
    meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    with unit_of_work():
        assert services.mark_attendance(meeting, {present.id, 999_999}, plan.coordinator) == 1
    assert present.state is RegistrationState.ATTENDED and absent.state is CONFIRMED
    with unit_of_work():
        assert services.mark_attendance(meeting, {present.id, absent.id}, plan.coordinator) == 1  # only the new one
    with unit_of_work():
        assert services.mark_attendance(meeting, {present.id}, plan.coordinator) == 0
    assert absent.state is CONFIRMED and len(db.session.scalars(select(Attendance)).all()) == 1
    [mail] = [m for m in outbox(present.email) if m.kind == "registration_evaluation"]
    assert mail.calendar is None and "/evaluatie" in mail.text_body

    with pytest.raises(RuleViolation):
        with unit_of_work():
            services.evaluate(absent, services.Answers(4))
    with pytest.raises(RuleViolation):
        with unit_of_work():
            services.evaluate(present, services.Answers(6))
    with unit_of_work():
        evaluation = services.evaluate(present, services.Answers(5, " Veel geleerd ", ""))
    assert evaluation.went_well == "Veel geleerd" and evaluation.meeting_id == meeting.id
    with pytest.raises(RuleViolation, match="already"):
        with unit_of_work():
            services.evaluate(present, services.Answers(3))


def test_sector_mix_counts_places_only(training):
    training.capacity = 3
    db.session.commit()
    fill(training, 5)  # sectors cycle: onderwijs is 0 and 4; 4 waits
    mix = services.sector_mix(training)
    assert mix == {Sector.ONDERWIJS: 1, Sector.JEUGDHULP: 1, Sector.GEMEENTE: 1, Sector.OTHER: 0}


def test_tokens_are_signed(training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    token = registration_token(registration)
    assert registration_for_token(token).id == registration.id
    assert registration_for_token(token[:-2] + "xx") is None
    assert registration_for_token("1") is None


def test_a_cancelled_first_part_leaves_the_rest_of_the_series_open(make_training, plan):
    lead = make_training(parts=3)
    with unit_of_work():
        early = services.register(lead, applicant(1))
    with unit_of_work():
        cancel(lead, "De zaal is die dag dicht.", plan.coordinator)
    assert services.closed_reason(lead) is None
    with unit_of_work():
        late = services.register(lead.all_parts[2], applicant(2))
    assert late.state is CONFIRMED
    assert [str(invite(r)["UID"]) for r in outbox(late.email)] == [p.uid for p in lead.all_parts[1:]]
    with unit_of_work():
        services.cancel_registration(early)  # still possible: the other parts go ahead
    for part in lead.all_parts[1:]:
        with unit_of_work():
            cancel(part, "Afgelast.", plan.coordinator)
    with pytest.raises(RuleViolation, match="cancelled"):
        with unit_of_work():
            services.register(lead, applicant(3))


def test_an_attendee_evaluates_only_once_the_series_is_over(make_training, plan):
    lead = make_training(parts=2, days_ahead=3)
    with unit_of_work():
        present = services.register(lead, applicant(1))
    first = lead.all_parts[0]
    first.starts_at, first.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(first, {present.id}, plan.coordinator)
    with pytest.raises(RuleViolation, match="last dagdeel"):
        with unit_of_work():
            services.evaluate(present, services.Answers(4))
    assert present.evaluation is None


def test_evaluation_links_go_out_when_the_series_is_over_also_if_marked_during_it(make_training, plan):
    meeting = make_training(days_ahead=3)
    with unit_of_work():
        present = services.register(meeting, applicant(1))
    meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=2)
    db.session.commit()
    with unit_of_work():
        assert services.mark_attendance(meeting, {present.id}, plan.coordinator) == 0  # still going on
    with unit_of_work():
        assert services.request_due_evaluations() == 0
    with unit_of_work():
        assert services.request_due_evaluations(now=utcnow() + timedelta(hours=3)) == 1
    with unit_of_work():
        assert services.request_due_evaluations(now=utcnow() + timedelta(hours=3)) == 0  # once
    assert [m.kind for m in outbox(present.email)][-1] == "registration_evaluation"


def test_a_personal_cancel_and_a_new_invite_each_outrank_the_last(training):
    def sequences(email):
        return [(r.calendar_method, int(invite(r)["SEQUENCE"])) for r in outbox(email) if r.calendar]

    with unit_of_work():
        first = services.register(training, applicant(1))
    with unit_of_work():
        services.cancel_registration(first)
    with unit_of_work():
        services.register(training, applicant(1))
    [(m1, s1), (m2, s2), (m3, s3)] = sequences(first.email)
    assert (m1, m2, m3) == ("REQUEST", "CANCEL", "REQUEST") and s1 < s2 < s3


def test_a_regional_cancel_mail_points_to_the_sessions_private_page(plan, training):
    """Regional sessions are not in the agenda: registering again happens on the page the region
    shared. An open training's mail points to its page in the agenda."""
    from ontwikkelbijeenkomsten.meetings.links import meeting_for_token
    from ontwikkelbijeenkomsten.scheduling.services import book

    day, dagdeel = plan.moments[0]
    with unit_of_work():
        regional = book(plan.request, plan.expert.id, day, dagdeel, plan.coordinator).meeting
    for meeting, number in ((regional, 1), (training, 2)):
        with unit_of_work():
            registration = services.register(meeting, applicant(number))
        with unit_of_work():
            services.cancel_registration(registration)
        mail = outbox(registration.email)[-1]
        assert mail.kind == "registration_cancelled"
        if meeting is regional:
            (link,) = re.findall(r"https?://\S+/bijeenkomst/(\S+)", mail.text_body)
            assert meeting_for_token(link) == regional
            assert "/agenda" not in mail.text_body and "/bijeenkomst/" in mail.html_body
        else:
            assert f"/agenda/{training.id}\n" in mail.text_body
