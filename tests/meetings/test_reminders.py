"""Reminders shortly before a session: to confirmed participants and the experts, once per session."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import long_date
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.changes import Details, change_details, local_times
from ontwikkelbijeenkomsten.meetings.reminders import send_reminders
from ontwikkelbijeenkomsten.scheduling.services import cancel
from tests.factories import applicant


def reminders() -> list[OutboxMail]:
    rows = list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "session_reminder")
                                   .order_by(OutboxMail.id)))
    render_pending(rows)
    return rows


def test_confirmed_participants_and_the_expert_are_reminded_once(make_training, plan):
    soon = make_training(capacity=1, days_ahead=1)
    later = make_training(days_ahead=5, title="Later")
    with unit_of_work():
        confirmed, waiting = services.register(soon, applicant(1)), services.register(soon, applicant(2))
    with unit_of_work():
        services.register(later, applicant(3))
    with unit_of_work():
        cancelled = services.register(later, applicant(4))
    with unit_of_work():
        services.cancel_registration(cancelled)

    with unit_of_work():
        assert send_reminders() == 2
    rows = reminders()
    assert sorted(r.recipient for r in rows) == sorted([confirmed.email, plan.expert.email])
    assert waiting.email not in {r.recipient for r in rows}
    event = Calendar.from_ical(rows[0].calendar).walk("VEVENT")[0]
    assert str(event["UID"]) == soon.uid and rows[0].calendar_method == "REQUEST"
    with unit_of_work():
        assert send_reminders() == 0  # never twice

    with unit_of_work():
        assert send_reminders(now=utcnow() + timedelta(days=4)) == 2  # the later one, once due
    assert {r.recipient for r in reminders()[2:]} == {"deelnemer3@example.org", plan.expert.email}


def test_cancelled_and_begun_meetings_get_no_reminder(make_training, plan):
    cancelled = make_training(days_ahead=1)
    with unit_of_work():
        services.register(cancelled, applicant(1))
    with unit_of_work():
        cancel(cancelled, "Zaal niet beschikbaar", plan.coordinator)
    begun = make_training(days_ahead=1, title="Begonnen")
    begun.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with unit_of_work():
        assert send_reminders() == 0


def test_each_part_of_a_series_is_reminded_when_it_is_near(make_training):
    lead = make_training(parts=2, days_ahead=1)
    with unit_of_work():
        services.register(lead, applicant(1))
    with unit_of_work():
        assert send_reminders() == 2  # the first part: participant and expert
    with unit_of_work():
        assert send_reminders(now=utcnow() + timedelta(days=7)) == 2  # the second part, a week later
    assert {r.context["session"]["uid"] for r in reminders()} == {p.uid for p in lead.all_parts}


@pytest.mark.committing
def test_two_runs_at_once_remind_once(make_training, make_app):
    for n, dagdeel in enumerate(Dagdeel):
        with unit_of_work():
            services.register(make_training(days_ahead=1, title=f"Training {n}", dagdeel=dagdeel), applicant(n))
    db.session.commit()
    worker_app = make_app()
    barrier = threading.Barrier(2)
    counts = []

    def run():
        with worker_app.app_context():
            db.session.commit()
            barrier.wait()
            with unit_of_work():
                counts.append(send_reminders())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert sum(counts) == 6
    assert db.session.scalar(select(func.count()).where(OutboxMail.kind == "session_reminder")) == 6


def test_the_command_shows_progress_and_the_total(make_training, app):
    with unit_of_work():
        services.register(make_training(days_ahead=1), applicant(1))
    result = app.test_cli_runner().invoke(args=["mail", "reminders"])
    assert result.exit_code == 0, result.output
    assert "session 1 of 1" in result.output and "2 reminders and 0 evaluation links queued" in result.output


def test_a_meeting_moved_after_its_reminder_is_reminded_again(make_training, plan):
    meeting = make_training(days_ahead=1, dagdeel=Dagdeel.MIDDAG)
    with unit_of_work():
        services.register(meeting, applicant(1))
    with unit_of_work():
        assert send_reminders() == 2
    starts, ends = local_times(meeting)
    with unit_of_work():
        change_details(meeting, Details(meeting.title, meeting.description, meeting.location, "",
                                        starts.replace(hour=14), ends), plan.coordinator)
    assert meeting.reminded_at is None
    with unit_of_work():
        assert send_reminders() == 2


def test_the_expert_of_a_series_reads_its_dagdelen_without_a_registration(make_training, plan):
    lead = make_training(parts=2, days_ahead=1)
    with unit_of_work():
        confirmed = services.register(lead, applicant(1))
    with unit_of_work():
        send_reminders()
    by_recipient = {row.recipient: row for row in reminders()}
    expert, participant = by_recipient[plan.expert.email], by_recipient[confirmed.email]
    for body in (expert.text_body, expert.html_body):
        assert "Deze training bestaat uit 2 dagdelen:" in body and "aanmelding" not in body
    for body in (participant.text_body, participant.html_body):
        assert "Deze training bestaat uit 2 dagdelen; uw aanmelding geldt voor alle dagdelen:" in body


def test_a_reminder_names_the_day_of_a_session_that_begins_tomorrow(make_training):
    meeting = make_training(days_ahead=1)
    with unit_of_work():
        dutch, english = services.register(meeting, applicant(1)), services.register(meeting, applicant(2, locale="en"))
    with unit_of_work():
        send_reminders()
    by_recipient = {row.recipient: row for row in reminders()}
    for registration, text in ((dutch, "Dit is een herinnering: de bijeenkomst hieronder is binnenkort, op %s."),
                               (english, "This is a reminder: the session below takes place soon, on %s.")):
        with force_locale(registration.locale):
            day = long_date(meeting.date)
        row = by_recipient[registration.email]
        for body in (row.text_body, row.html_body):
            assert text % day in body
            assert "twee dagen" not in body and "two days" not in body


def test_the_reminder_of_a_later_dagdeel_does_not_ask_to_cancel_once_the_series_has_begun(make_training):
    """After the first dagdeel the registration can no longer be cancelled (the page says so), so
    the reminder of the next dagdeel must not send the participant there to cancel."""
    lead = make_training(parts=2, days_ahead=1)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    with unit_of_work():
        send_reminders()
    with unit_of_work():
        send_reminders(now=utcnow() + timedelta(days=7))  # the first dagdeel is over
    first, second = [r for r in reminders() if r.recipient == registration.email]
    assert "Uw aanmelding bekijken of afmelden" in first.text_body
    for body in (second.text_body, second.html_body):
        assert "afmelden" not in body and "Kunt u niet komen bij dit dagdeel? Laat het ons weten" in body
        assert "Uw aanmelding bekijken" in body


def test_a_participant_reminder_names_the_expert_and_labels_the_link_to_cancel(make_training, plan):
    """Before, it asked the reader to cancel "through the link below" and labelled that link
    "Meer informatie"; and the expert named in the confirmation was missing."""
    meeting = make_training(days_ahead=1)
    with unit_of_work():
        registration = services.register(meeting, applicant(1))
    with unit_of_work():
        send_reminders()
    (row,) = [r for r in reminders() if r.recipient == registration.email]
    link = row.context["person"]["link"]
    assert f"plaats kan krijgen.\n\nUw aanmelding bekijken of afmelden:\n{link}" in row.text_body
    assert "Meer informatie" not in row.text_body and "Meer informatie" not in row.html_body
    assert "Uw aanmelding bekijken of afmelden" in row.html_body
    for body in (row.text_body, row.html_body):
        assert plan.expert.name in body


def test_an_expert_who_has_not_accepted_is_asked_again_in_the_reminder(make_training, plan):
    from ontwikkelbijeenkomsten.meetings import assignments
    from ontwikkelbijeenkomsten.meetings.links import assignments_for_answer_token

    meeting = make_training(days_ahead=1)
    later = make_training(days_ahead=5, title="Later")
    with unit_of_work():
        (accepted,) = [a for a in later.experts if a.expert_id == plan.expert.id]
        assignments.accept(accepted, plan.expert)
    with unit_of_work():
        send_reminders()
    (row,) = [r for r in reminders() if r.recipient == plan.expert.email]
    sentence = "U hebt deze opdracht nog niet geaccepteerd. Accepteer of weiger haar meteen, zonder in te loggen:"
    for body in (row.text_body, row.html_body):
        assert sentence in body
    answer = row.context["answer"]
    assert answer in row.text_body and answer in row.html_body
    assert [a.meeting_id for a in assignments_for_answer_token(answer.rsplit("/", 1)[1])] == [meeting.id]

    with unit_of_work():
        send_reminders(now=utcnow() + timedelta(days=4))  # the later one, accepted: not asked again
    (row,) = [r for r in reminders() if r.recipient == plan.expert.email and r.context["session"]["title"] == "Later"]
    assert sentence not in row.text_body and row.context["answer"] is None
    assert "Uw opdrachten:" in row.text_body


def test_the_expert_reminder_says_how_many_are_coming_and_links_the_list(make_training, plan):
    """Two days before, the expert prepares: how many people, who they are. The participants'
    reminder does not carry it."""
    meeting = make_training(capacity=12, days_ahead=1)
    with unit_of_work():
        registration = services.register(meeting, applicant(1))
    with unit_of_work():
        send_reminders()
    rows = {r.recipient: r for r in reminders()}
    expert, participant = rows[plan.expert.email], rows[registration.email]
    url = f"http://localhost/bijeenkomsten/{meeting.id}/deelnemers"
    assert f"Deelnemers: 1 van de 12 plaatsen bezet\nDeelnemerslijst:\n{url}\n" in expert.text_body
    assert "1 van de 12 plaatsen bezet" in expert.html_body and f'href="{url}"' in expert.html_body
    assert "Deelnemerslijst" not in participant.text_body + participant.html_body


def test_the_expert_reminder_of_a_regional_session_names_the_contact_and_the_question(plan):
    from tests.scheduling.test_services import book

    meeting = book(plan).meeting
    with unit_of_work():
        send_reminders(now=meeting.starts_at - timedelta(days=1))
    (row,) = [r for r in reminders() if r.recipient == plan.expert.email]
    request = plan.request
    contact = f"Contactpersoon: {request.contact_name}, {request.contact_email}, {request.contact_phone}"
    assert contact in row.text_body and f"Vraag van de regio: {request.goal}" in row.text_body
    assert f'href="mailto:{request.contact_email}"' in row.html_body and "Vraag van de regio" in row.html_body
    assert "Deelnemers: 0\nDeelnemerslijst:" in row.text_body  # no limit: the number alone


def test_the_contact_who_hosts_a_regional_session_is_reminded_with_the_number_and_the_link(plan):
    """The region hosts its session: its contact hears how many registered, who the expert is,
    and gets the registration link to pass on (not the participant list, which is not theirs)."""
    from ontwikkelbijeenkomsten.meetings.links import meeting_for_token
    from ontwikkelbijeenkomsten.meetings.mails import registration_page
    from tests.scheduling.test_services import book

    meeting = book(plan).meeting
    with unit_of_work():
        services.register(meeting, applicant(1))
    with unit_of_work():
        assert send_reminders(now=meeting.starts_at - timedelta(days=1)) == 3  # expert, contact, participant
    (row,) = [r for r in reminders() if r.recipient == plan.request.contact_email]
    assert row.calendar_method == "REQUEST", "the contact's calendar gets the latest details too"
    # The link is signed with the time: compare where it leads, not its text.
    share = row.text_body.split("Geef de aanmeldlink door:\n", 1)[1].split()[0]
    assert share.rsplit("/", 1)[0] == registration_page(meeting).rsplit("/", 1)[0]
    assert meeting_for_token(share.rsplit("/", 1)[1]) == meeting
    assert "Deelnemers: 1" in row.text_body
    assert f"Expert: {plan.expert.name}" in row.text_body and f'href="{share}"' in row.html_body
    assert "Deelnemerslijst" not in row.text_body + row.html_body and "/aanvraag/" in row.text_body


def test_a_contact_who_also_registered_gets_one_reminder(plan):
    from tests.scheduling.test_services import book

    meeting = book(plan).meeting
    with unit_of_work():
        services.register(meeting, applicant(1, email=plan.request.contact_email))
    with unit_of_work():
        assert send_reminders(now=meeting.starts_at - timedelta(days=1)) == 2
    (row,) = [r for r in reminders() if r.recipient == plan.request.contact_email]
    assert "aanmelding" in row.text_body.lower()  # as a participant, who can cancel
