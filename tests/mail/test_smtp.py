"""Mail through a real SMTP server (aiosmtpd): every message type arrives and is well formed,
each calendar invite follows the rules of issue 7, and the outbox delivers each mail exactly
once when the server is down for a while, when two workers drain it at the same time, and
when a worker died while sending.

What the server received is parsed with Python's `email` (policy.default) and traced back to
its outbox row through the Message-ID (fixture `outbox_ids`).
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from pathlib import Path
from time import perf_counter, sleep
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.services import request_password_reset
from ontwikkelbijeenkomsten.cli.mail import deliver_batch, send_queued
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.experts import services as experts
from ontwikkelbijeenkomsten.mail import delivery
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.mail.signals import unbuildable
from ontwikkelbijeenkomsten.meetings import assignments, changes
from ontwikkelbijeenkomsten.meetings import messages as participant_messages
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.lost_links import send_lost_links
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert
from ontwikkelbijeenkomsten.meetings.reminders import send_reminders
from ontwikkelbijeenkomsten.requests import contact_change, nudges, region_changes
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.scheduling import grants
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests.factories import applicant, submission
from tests.scheduling.test_meeting_mails import life_of_a_meeting, parse
from tests.scheduling.test_services import book

from .smtp import Received, alternatives, deliver_all, invite_of, received_rows

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
#: A title with characters outside ASCII, in subjects, bodies and invites.
TITLE = "Coördinatie onderwijs–jeugd: één aanpak"
#: The mails about a session that carry no invite: a waiting-list spot is no place in a
#: calendar, and the evaluation comes after the session.
WITHOUT_INVITE = {"registration_waiting", "registration_evaluation", "registration_certificate"}
#: The mails without a link: the request is gone, or no longer the reader's to follow.
WITHOUT_LINK = {"request_withdrawn", "request_contact_replaced", "session_contact_released"}


@pytest.fixture
def app(smtp_app):
    """Every fixture here (`plan` too) works on the app that delivers to the SMTP server."""
    return smtp_app


# ---- reading what arrived ----------------------------------------------------------------------
def template_of(row: OutboxMail) -> str:
    """The template a mail is written with (templates/mail/<this>.txt|.html). Mails rendered at
    delivery keep its name; the others are named after their kind."""
    named = {"expert_invitation": "experts/invitation", "assignment_declined": "experts/assignment_declined",
             "nudge": "requests/nudge", "participant_message": "sessions/participant_message"}
    if row.template:
        return row.template
    return f"requests/{row.kind}" if row.kind.startswith("request_") else named.get(row.kind, row.kind)


def all_templates() -> set[str]:
    return {
        str(path.relative_to(TEMPLATES).with_suffix(""))
        for path in TEMPLATES.rglob("*.txt") if not path.name.startswith("_")
    }


URL = re.compile(r"https?://[^\s<>\"']+")


# ---- the rules a received mail follows ---------------------------------------------------------
#: The contact `every_message` replaces by another (`contact_change`).
FORMER_CONTACTS = {"afgewezen@example.org", "vorige@example.org"}


def check_mail(mail: Received, row: OutboxMail, app, client) -> None:
    where = f"{row.kind} to {row.recipient}"
    name, address = parseaddr(app.config["MAIL_DEFAULT_SENDER"])
    base = app.config["BASE_URL"]
    message = mail.message
    assert (mail.mail_from, mail.rcpt_tos) == (address, [row.recipient]), where
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, address), where
    assert [a.addr_spec for a in message["To"].addresses] == [row.recipient], where
    # "Beantwoord deze e-mail": an answer reaches the programme's contact address
    assert [a.addr_spec for a in message["Reply-To"].addresses] == [app.config["CONTACT_EMAIL"]], where
    assert message["Subject"] == row.subject and row.subject.strip(), where
    assert message["Message-ID"] and message["Date"], where

    parts, attachments = alternatives(mail)
    plain, html, *calendar = parts
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html"), where
    for part in parts:
        assert part.get_content_charset() == "utf-8", where
    assert plain.get_content().replace("\r\n", "\n") == row.text_body, where
    assert "\n\n\n" not in row.text_body, f"{where}: more than one empty line between paragraphs"
    assert html.get_content().replace("\r\n", "\n") == row.html_body, where
    markup = parse(html.get_content())
    assert markup.lang == row.locale, where

    links = [href for href in markup.hrefs if not href.startswith("mailto:")]
    assert links or row.kind in WITHOUT_LINK, f"{where}: no link"
    for link in links + URL.findall(plain.get_content()):
        assert link.startswith(base + "/"), f"{where}: {link} is not absolute from BASE_URL"
        response = client.get(urlsplit(link).path)  # private pages answer, others ask to log in
        # the status links of a contact who was replaced no longer open the request
        expected = (404,) if row.recipient in FORMER_CONTACTS and "/aanvraag/" in link else (200, 302)
        assert response.status_code in expected, f"{where}: {link} gives {response.status_code}"
    for link in links:
        assert link in plain.get_content(), f"{where}: {link} is missing in the text"

    if row.calendar_method is None:
        assert calendar == [] and attachments == [], where
        return
    (calendar,) = calendar
    assert calendar.get_content_type() == "text/calendar", where
    assert calendar.get_param("method") == row.calendar_method, where
    for attachment in attachments:
        assert attachment.get_content_type() == "text/calendar", where
        assert (attachment.get_param("method"), attachment.get_content_charset()) == (row.calendar_method, "utf-8")
    check_invite(invite_of(mail), row, app)


def check_invite(text: str, row: OutboxMail, app) -> None:
    """The calendar rules of issue 7 for the invite in `row`'s mail."""
    where = f"{row.kind} to {row.recipient}"
    method = row.calendar_method
    snapshot, person = row.context["session"], row.context["person"]
    name, address = parseaddr(app.config["MAIL_DEFAULT_SENDER"])
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines), f"{where}: lines must end in CRLF"
    assert all(len(line.encode()) <= 75 for line in lines), f"{where}: a line longer than 75 octets"
    assert "PUBLISH" not in text and "RDATE" not in text, where

    calendar = Calendar.from_ical(text)
    assert calendar["METHOD"] == method in ("REQUEST", "CANCEL"), where
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == snapshot["uid"], where
    assert event["SEQUENCE"] == snapshot["sequence"], where
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", text, re.MULTILINE), f"{where}: DTSTAMP not in UTC"

    organizer = event["ORGANIZER"]
    assert (str(organizer), organizer.params["CN"]) == (f"mailto:{address}", name), where
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list), f"{where}: one attendee per invite"
    assert str(attendee) == f"mailto:{row.recipient}", where
    assert attendee.params["CN"] == person["name"] and attendee.params["ROLE"], where
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION", where

    for key in ("DTSTART", "DTEND"):
        assert re.search(rf"^{key};TZID=Europe/Amsterdam:\d{{8}}T\d{{6}}\r$", text, re.MULTILINE), f"{where}: {key}"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime.fromisoformat(snapshot["starts_at"]), where
    assert event.decoded("DTEND").astimezone(UTC) == datetime.fromisoformat(snapshot["ends_at"]), where

    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam", where
    assert sorted(part.name for part in zone.subcomponents) == ["DAYLIGHT", "STANDARD"], where
    for part in zone.subcomponents:
        rule = part["RRULE"]
        month, hours = (10, (2, 1)) if part.name == "STANDARD" else (3, (1, 2))
        assert (rule["FREQ"], rule["BYMONTH"], rule["BYDAY"]) == (["YEARLY"], [month], ["-1SU"]), where
        offsets = (part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO"))
        assert offsets == tuple(timedelta(hours=h) for h in hours), where

    assert str(event["LOCATION"]) == (snapshot["location"] or snapshot["online_url"]), where
    link = person["link"]
    if row.kind in WITHOUT_LINK:  # nothing in the invite leads to the request either
        assert link is None and "URL" not in event and "/aanvraag/" not in str(event.get("DESCRIPTION", "")), where
    else:
        assert link.startswith(app.config["BASE_URL"] + "/"), where
        assert link in str(event["DESCRIPTION"]) and str(event["URL"]) == link, where
        assert link in row.text_body, where
    alarms = event.walk("VALARM")
    if method == "REQUEST":
        (alarm,) = alarms
        assert alarm.decoded("TRIGGER") == timedelta(days=-1), where
        # an expert's invites are TENTATIVE until they accept, as in their feed
        tentative = person["role"] == "expert" and row.kind != "session_accepted"
        assert str(event["STATUS"]) == ("TENTATIVE" if tentative else "CONFIRMED"), where
    else:
        assert alarms == [], f"{where}: no reminder for a cancelled session"
        assert str(event["STATUS"]) == "CANCELLED", where


# ---- every message type ------------------------------------------------------------------------
def every_message(plan, make_training) -> None:
    """One of each mail the application sends, queued through the services."""
    coordinator = plan.coordinator
    # request received + new request (plan) and granted (plan); rejected; withdrawn
    rejected = requests.submit(submission(plan, dagdelen_wanted=1, contact_email="afgewezen@example.org"))
    requests.take_into_review(rejected, coordinator)
    # a new contact person: a welcome to the new address, a short message to the previous one
    contact_change.change_contact(rejected, contact_change.Contact("Joris Nieuw", "nieuw@example.org", "06 12345678"),
                                  "Vorige contactpersoon heeft een andere baan.", coordinator)
    requests.reject(rejected, "Het thema past niet bij het programma.", coordinator)
    requests.withdraw(requests.submit(submission(plan, dagdelen_wanted=1, contact_email="ingetrokken@example.org")))
    region_changes.ask(rejected, "Kunnen we het thema aanpassen en opnieuw aanvragen?")
    grants.lower_grant(plan.granted(2, contact_email="minder@example.org"), 1,
                       "De regio heeft genoeg aan één bijeenkomst.", coordinator)
    experts.invite("Nadia Expert", "nadia@example.org", [plan.themes[0].id], [], True, coordinator)
    request_password_reset(coordinator.email)
    send_lost_links("ilse@example.org")  # "stuur mijn link opnieuw": the contact's requests
    # booked, assigned, changed, released, cancelled
    life_of_a_meeting(plan, "nl")
    # an assignment accepted, then declined
    meeting = book(plan, plan.moments[0]).meeting
    (assignment,) = db.session.scalars(select(MeetingExpert).where(MeetingExpert.meeting_id == meeting.id))
    assignments.accept(assignment, plan.expert)
    assignments.decline(assignment, "Ik ben die dag ziek.", plan.expert)
    # registration confirmed, waiting (in English), cancelled, promoted; a reminder; evaluation
    training = make_training(capacity=1, title=TITLE)
    first = meetings.register(training, applicant(1))
    second = meetings.register(training, applicant(2, locale="en"))
    meetings.cancel_registration(first)
    assert send_reminders(now=training.starts_at - timedelta(days=1)) == 2  # the expert and the promoted
    # a series: one confirmation and an invite per other dagdeel; cancelling: the same with CANCELs
    series = make_training(parts=2, days_ahead=60, title="Reeks")
    meetings.cancel_registration(meetings.register(series, applicant(3)))
    now = utcnow()
    training.starts_at, training.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    db.session.commit()
    meetings.mark_attendance(training, {second.id}, coordinator)
    participant_messages.send(training, "Parkeren", "De parkeerplaats is dicht; neem de trein.", coordinator)
    # a nudge to the region that still has dagdelen left, on the last day of the period
    assert nudges.send_due(plan.period.ends_on) == 1
    # the coordinators' notice of a mail that could not be built
    unbuildable.send(SimpleNamespace(id=1, kind="session_booked", recipient="ilse@example.org",
                                     subject="Samen signaleren", last_error="BadHeaderError: een regeleinde"))
    # another contact on a request with a session to come: it leaves the previous contact's calendar
    handed = plan.granted(1, contact_email="vorige@example.org")
    book(plan, plan.moments[1], request=handed)
    contact_change.change_contact(handed, contact_change.Contact("Vera Opvolger", "opvolger@example.org", "06 12345678"),
                                  "Andere baan.", coordinator)


def test_every_message_type_arrives_well_formed(app, client, plan, make_training, smtp, outbox_ids):
    every_message(plan, make_training)
    queued = db.session.scalar(select(db.func.count(OutboxMail.id)))
    report = deliver_all()
    assert (report.sent, report.retrying, report.failed) == (queued, 0, 0)
    arrived = received_rows(smtp, outbox_ids)
    assert len(arrived) == queued

    assert {template_of(row) for _, row in arrived} == all_templates(), "a message type without a test"
    for mail, row in arrived:
        check_mail(mail, row, app, client)
        about_a_meeting = row.kind.startswith(("session_", "registration_"))
        assert (row.calendar_method is not None) == (about_a_meeting and row.kind not in WITHOUT_INVITE), row.kind

    # the English reader got English, the invite carries the title with its accents
    (waiting,) = [row for _, row in arrived if row.kind == "registration_waiting"]
    assert waiting.subject == f"On the waiting list: {TITLE}"
    (confirmed,) = [mail for mail, row in arrived
                    if row.kind == "registration_confirmed" and row.context["session"]["title"] == TITLE]
    assert str(Calendar.from_ical(invite_of(confirmed)).walk("VEVENT")[0]["SUMMARY"]) == TITLE


# ---- one session's life in one calendar --------------------------------------------------------
def invites_to(arrived, recipient: str) -> list[Calendar]:
    return [Calendar.from_ical(invite_of(mail)) for mail, row in arrived
            if row.recipient == recipient and row.calendar_method]


def check_one_event_updated_then_cancelled(invites: list[Calendar]) -> None:
    events = [c.walk("VEVENT")[0] for c in invites]
    assert len({str(e["UID"]) for e in events}) == 1
    sequences = [e["SEQUENCE"] for e in events]
    assert sequences == sorted(set(sequences)), f"SEQUENCE does not rise: {sequences}"
    assert [str(c["METHOD"]) for c in invites] == ["REQUEST"] * (len(invites) - 1) + ["CANCEL"]


def test_register_change_the_time_cancel_one_uid_rising_sequence(plan, make_training, smtp, outbox_ids):
    training = make_training(title=TITLE)
    meetings.register(training, applicant(1))
    details = changes.Details(title=training.title, description=training.description, location=training.location,
                              online_url="", starts=time(13, 30), ends=time(16, 0))
    assert changes.change_details(training, details, plan.coordinator)
    scheduling.cancel(training, "De trainer is ziek.", plan.coordinator)
    deliver_all()
    arrived = received_rows(smtp, outbox_ids)

    participant = invites_to(arrived, applicant(1).email)
    assert len(participant) == 3
    check_one_event_updated_then_cancelled(participant)
    changed = participant[1].walk("VEVENT")[0]
    assert changed.decoded("DTSTART").time() == time(13, 30) and changed.decoded("DTEND").time() == time(16, 0)
    expert = invites_to(arrived, plan.expert.email)
    assert [str(c["METHOD"]) for c in expert] == ["REQUEST", "CANCEL"]  # told of the change and the cancellation
    every_uid = {str(c.walk("VEVENT")[0]["UID"]) for c in participant + expert}
    assert every_uid == {training.uid}, "one UID per session, for every recipient"


def test_book_move_cancel_one_uid_rising_sequence_for_contact_and_expert(plan, smtp, outbox_ids):
    meeting = book(plan).meeting
    scheduling.reschedule(meeting, *plan.moments[1], plan.expert.id, plan.coordinator)
    scheduling.cancel(meeting, "De zaal is niet beschikbaar.", plan.coordinator)
    deliver_all()
    arrived = received_rows(smtp, outbox_ids)
    for recipient in ("ilse@example.org", plan.expert.email):
        invites = invites_to(arrived, recipient)
        assert len(invites) == 3, recipient
        check_one_event_updated_then_cancelled(invites)
        assert {str(c.walk("VEVENT")[0]["UID"]) for c in invites} == {meeting.uid}


def test_a_participant_who_cancels_gets_a_cancel_for_every_part_of_a_series(plan, make_training, smtp, outbox_ids):
    series = make_training(parts=3, title=TITLE)
    registration = meetings.register(series, applicant(1))
    meetings.cancel_registration(registration)
    deliver_all()
    invites = invites_to(received_rows(smtp, outbox_ids), applicant(1).email)
    by_uid: dict[str, list] = {}
    for calendar in invites:
        by_uid.setdefault(str(calendar.walk("VEVENT")[0]["UID"]), []).append(calendar)
    assert set(by_uid) == {part.uid for part in series.all_parts}
    for uid, calendars in by_uid.items():
        assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "CANCEL"], uid
        request, cancel = (c.walk("VEVENT")[0] for c in calendars)
        assert cancel["SEQUENCE"] >= request["SEQUENCE"], uid  # never lower than the invite it cancels
        assert cancel.decoded("DTSTART") == request.decoded("DTSTART"), uid


# ---- the SMTP server is down -------------------------------------------------------------------
def test_mail_waits_while_the_server_is_down_and_arrives_once(plan, make_training, smtp, outbox_ids):
    smtp.stop()
    book(plan)  # the changes succeed without the server
    training = make_training()
    for n in range(3):
        meetings.register(training, applicant(n))
    rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
    assert rows and all(row.state is MailState.QUEUED for row in rows)

    down = utcnow()
    report = delivery.deliver_due(now=down)
    assert (report.sent, report.retrying, report.failed) == (0, len(rows), 0)
    for row in rows:
        db.session.refresh(row)
        assert (row.state, row.attempts) == (MailState.QUEUED, 1)
        assert row.next_attempt_at == down + delivery.FIRST_RETRY
        assert "ConnectionRefusedError" in row.last_error
    assert smtp.received == []

    smtp.start()
    assert delivery.deliver_due(now=down).handled == 0  # not due before the backoff has passed
    report = deliver_all(now=down + delivery.FIRST_RETRY)
    assert (report.sent, report.retrying, report.failed) == (len(rows), 0, 0)
    assert deliver_all(now=down + timedelta(days=1)).handled == 0

    received = smtp.received
    assert len({mail.message_id for mail in received}) == len(received) == len(rows)
    assert sorted(outbox_ids[mail.message_id] for mail in received) == [row.id for row in rows]
    for row in rows:
        db.session.refresh(row)
        assert (row.state, row.attempts) == (MailState.SENT, 2)


def test_the_worker_logs_why_mail_waits(plan, make_training, smtp, caplog):
    """An operator reading the worker's log (or `mail send-queued`) sees the reason, not only a count."""
    smtp.stop()
    training = make_training()
    meetings.register(training, applicant(1))
    with caplog.at_level(logging.INFO, logger="ontwikkelbijeenkomsten.worker"):
        deliver_batch()
    (record,) = [r for r in caplog.records if r.getMessage().startswith("mail:")]
    assert record.levelno == logging.WARNING
    assert re.fullmatch(r"mail: sent 0, retrying later [1-9][0-9]*, failed 0; ConnectionRefusedError: .+ "
                        r"\([1-9][0-9]* mails?\)", record.getMessage())

    meetings.register(training, applicant(2))
    result = CliRunner().invoke(send_queued, catch_exceptions=False)  # the first mails are not due yet
    assert re.search(r"Not sent \([1-9][0-9]*\): ConnectionRefusedError", result.stderr)


def test_a_refused_recipient_waits_and_the_others_go_out(plan, make_training, smtp, outbox_ids):
    training = make_training()
    for n in range(3):
        meetings.register(training, applicant(n))
    queued = [row.id for row in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))]
    smtp.refuse.add(applicant(1).email)
    now = utcnow()
    report = delivery.deliver_due(now=now)
    assert (report.sent, report.retrying) == (len(queued) - 1, 1)
    refused = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == applicant(1).email))
    assert refused.state is MailState.QUEUED and "SMTPRecipientsRefused" in refused.last_error

    smtp.refuse.clear()
    assert deliver_all(now=now + delivery.FIRST_RETRY).sent == 1
    assert sorted(outbox_ids[mail.message_id] for mail in smtp.received) == queued
    assert smtp.received[-1].rcpt_tos == [applicant(1).email]


# ---- two workers at once -----------------------------------------------------------------------
def run_together(*jobs) -> None:
    """Start the jobs in threads at the same moment; re-raise what failed in them."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            start.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 -- re-raised by the test, whatever it is
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads), "a job did not finish"


@pytest.mark.committing
def test_two_workers_send_each_mail_once(make_app, smtp_config, plan, make_training, smtp, outbox_ids, db_backend):
    training = make_training(capacity=None)
    for n in range(60):
        meetings.register(training, applicant(n))
    queued = [row.id for row in db.session.scalars(select(OutboxMail).where(OutboxMail.state == MailState.QUEUED))]
    assert len(queued) >= 60
    db.session.commit()  # SQLite: release the write lock for the workers
    sent: dict[int, int] = {}

    def worker(index: int):
        app = make_app(**smtp_config)

        def work() -> None:
            with app.app_context():
                sent[index] = deliver_all(limit=5).sent
        return work

    run_together(worker(0), worker(1))
    assert sum(sent.values()) == len(queued)
    if db_backend == "postgresql":  # SQLite has one writer at a time: a worker may wait out the other
        assert all(sent.values()), f"one worker did all the work: {sent}"
    received = smtp.received
    assert len({mail.message_id for mail in received}) == len(received) == len(queued)
    assert sorted(outbox_ids[mail.message_id] for mail in received) == sorted(queued)
    db.session.expire_all()
    assert {row.state for row in db.session.scalars(select(OutboxMail))} == {MailState.SENT}


@pytest.mark.committing
def test_a_slow_smtp_server_does_not_hold_up_other_writers(make_app, smtp_config, plan, make_training, smtp):
    """The worker keeps no transaction open while the server works (on SQLite that would hold the
    write lock for the whole batch, and a registration would wait until every mail was sent)."""
    training = make_training(capacity=None)
    for n in range(20):
        meetings.register(training, applicant(n))
    training_id = training.id
    queued = db.session.scalar(select(db.func.count(OutboxMail.id)))
    db.session.commit()
    smtp.delay = 0.1  # seconds per mail: the batch takes two seconds and more
    worker, visitor = make_app(**smtp_config), make_app(**smtp_config)
    seen = {}

    def deliver() -> None:
        with worker.app_context():
            deliver_all()

    def register() -> None:
        while not smtp.received:  # the worker is sending
            sleep(0.01)
        with visitor.app_context():
            began = perf_counter()
            meetings.register(db.session.get(Meeting, training_id), applicant(99))
            seen["waited"], seen["sent by then"] = perf_counter() - began, len(smtp.received)

    run_together(deliver, register)
    assert seen["sent by then"] < queued / 2, f"the registration waited for the batch: {seen}"
    assert seen["waited"] < 0.5, f"the registration waited {seen['waited']:.2f} s"


# ---- a worker that died while sending ----------------------------------------------------------
def test_a_mail_stuck_in_sending_goes_out_again_and_a_fresh_one_is_left(plan, make_training, smtp, outbox_ids):
    deliver_all()  # the plan's mails
    smtp.clear()
    training = make_training()
    meetings.register(training, applicant(1))
    meetings.register(training, applicant(2))
    stuck, busy = db.session.scalars(
        select(OutboxMail).where(OutboxMail.state == MailState.QUEUED).order_by(OutboxMail.id))
    now = utcnow()
    stuck.state, stuck.locked_at = MailState.SENDING, now - delivery.SENDING_TIMEOUT - timedelta(seconds=1)
    busy.state, busy.locked_at = MailState.SENDING, now - timedelta(minutes=1)
    db.session.commit()

    assert delivery.deliver_due(now=now).sent == 1
    assert [mail.rcpt_tos for mail in smtp.received] == [[stuck.recipient]]
    db.session.refresh(busy)
    assert (busy.state, busy.locked_at, busy.attempts) == (MailState.SENDING, now - timedelta(minutes=1), 0)

    later = busy.locked_at + delivery.SENDING_TIMEOUT
    assert delivery.deliver_due(now=later).sent == 1
    assert delivery.deliver_due(now=later + timedelta(hours=1)).handled == 0
    received = smtp.received
    assert [mail.rcpt_tos for mail in received] == [[stuck.recipient], [busy.recipient]]
    assert sorted(outbox_ids[mail.message_id] for mail in received) == [stuck.id, busy.id]
