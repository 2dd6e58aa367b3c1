"""The outbox delivers each mail once, retries with backoff, and gives up after MAX_ATTEMPTS."""
import smtplib
from datetime import timedelta

from flask_mail import Connection
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db, mailer
from ontwikkelbijeenkomsten.mail import delivery, services
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from tests.queries import count_queries


def _queue(n=1):
    rows = [
        OutboxMail(recipient=f"p{i}@example.org", kind="test", subject=f"Onderwerp {i}",
                   text_body="Tekst", html_body="<p>Tekst</p>")
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_enqueue_renders_both_bodies_in_the_recipients_language(app):
    row = services.enqueue("a@example.org", "password_reset", "Onderwerp", "password_reset",
                           locale="en", user=type("U", (), {"name": "Ann", "email": "a@example.org"}),
                           link="http://localhost/x", minutes=60)
    db.session.commit()
    assert "Dear Ann," in row.text_body
    assert '<a href="http://localhost/x"' in row.html_body
    assert row.state is MailState.QUEUED


def test_due_mails_are_sent_once_over_one_connection(app):
    _queue(3)
    with mailer.record_messages() as outbox:
        report = delivery.deliver_due()
        assert delivery.deliver_due().handled == 0
    assert report.sent == 3
    assert [m.recipients for m in outbox] == [["p0@example.org"], ["p1@example.org"], ["p2@example.org"]]
    assert all(r.state is MailState.SENT and r.sent_at for r in db.session.scalars(select(OutboxMail)))


class _BrokenConnection:
    def __enter__(self):
        raise smtplib.SMTPConnectError(421, "service not available")

    def __exit__(self, *exc):
        return False


def test_a_failing_smtp_server_delays_mail_and_never_loses_it(app, monkeypatch):
    (row,) = _queue()
    monkeypatch.setattr(mailer, "connect", lambda: _BrokenConnection())
    now = utcnow()
    report = delivery.deliver_due(now=now)
    assert report.retrying == 1
    db.session.refresh(row)
    assert row.state is MailState.QUEUED and row.attempts == 1
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert "SMTPConnectError" in row.last_error
    assert delivery.deliver_due(now=now).handled == 0  # not due yet

    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        delivery.deliver_due(now=row.next_attempt_at)
        db.session.refresh(row)
        assert row.attempts == attempt
    assert row.state is MailState.FAILED



def test_a_mail_server_down_for_a_night_only_delays_mail(app, monkeypatch):
    """The README promises that a failing mail server only delays mail: one that is away from
    Friday evening to Saturday morning (or a whole day) must not fail the mails queued meanwhile."""
    (row,) = _queue()
    monkeypatch.setattr(mailer, "connect", lambda: _BrokenConnection())
    down = utcnow()
    delivery.deliver_due(now=down)
    db.session.refresh(row)
    while row.next_attempt_at < down + timedelta(hours=24):
        delivery.deliver_due(now=row.next_attempt_at)
        db.session.refresh(row)
        assert row.state is MailState.QUEUED, f"failed after {row.attempts} attempts"
    monkeypatch.undo()
    with mailer.record_messages() as outbox:
        delivery.deliver_due(now=row.next_attempt_at)
    db.session.refresh(row)
    assert row.state is MailState.SENT and len(outbox) == 1


def test_healthz_says_when_no_worker_takes_up_the_mail(app):
    """A stopped worker sends nothing and tells nobody: /healthz says "mail": "late" once a mail
    has been due for 15 minutes, not for a mail that waits for its next attempt."""
    def mail_state() -> str:
        response = app.test_client().get("/healthz")
        assert response.status_code == 200  # the site itself works
        return response.get_json()["mail"]

    (row,) = _queue()
    now = utcnow()
    row.next_attempt_at = now - timedelta(minutes=14)
    db.session.commit()
    assert mail_state() == "ok"
    row.next_attempt_at = now - timedelta(minutes=16)
    db.session.commit()
    assert mail_state() == "late"
    row.state, row.locked_at = MailState.SENDING, now - timedelta(minutes=20)  # a batch in progress
    db.session.commit()
    assert mail_state() == "ok"
    row.locked_at = now - delivery.SENDING_TIMEOUT - timedelta(minutes=16)  # its worker stopped
    db.session.commit()
    assert mail_state() == "late"
    row.state, row.attempts, row.next_attempt_at = MailState.QUEUED, 3, now + timedelta(minutes=4)
    db.session.commit()
    assert mail_state() == "ok"  # waits for its next attempt


def test_backoff_doubles_and_is_capped():
    assert delivery.retry_delay(1) == timedelta(minutes=1)
    assert delivery.retry_delay(3) == timedelta(minutes=4)
    assert delivery.retry_delay(20) == delivery.LONGEST_RETRY


def test_a_mail_stuck_in_sending_is_picked_up_again(app):
    (row,) = _queue()
    row.state, row.locked_at = MailState.SENDING, utcnow() - timedelta(minutes=11)
    db.session.commit()
    with mailer.record_messages() as outbox:
        assert delivery.deliver_due().sent == 1
    assert len(outbox) == 1


def test_a_mail_being_sent_by_another_worker_is_left_alone(app):
    (row,) = _queue()
    row.state, row.locked_at = MailState.SENDING, utcnow()
    db.session.commit()
    assert delivery.deliver_due().handled == 0


def test_console_backend_prints_the_mail(make_app, capsys):
    app = make_app(MAIL_BACKEND="console")
    with app.app_context():
        _queue()
        assert delivery.deliver_due().sent == 1
    out = capsys.readouterr().out
    assert "p0@example.org" in out
    assert "Onderwerp 0" in out and "Tekst" in out
    assert "invite.ics" not in out  # this one has none


def test_the_console_says_a_mail_carries_a_calendar_invite_and_where_to_read_it(make_app, capsys):
    """make run prints the text only; the participant's invite is on the Mail page."""
    app = make_app(MAIL_BACKEND="console", BASE_URL="http://127.0.0.1:5077")
    with app.app_context():
        (row,) = _queue()
        row.calendar, row.calendar_method = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "REQUEST"
        db.session.commit()
        row_id = row.id
        assert delivery.deliver_due().sent == 1
    out = capsys.readouterr().out
    assert (f"Attached: invite.ics (calendar REQUEST), shown at http://127.0.0.1:5077/coordinatie/mail/{row_id}"
            in out)
    assert "BEGIN:VCALENDAR" not in out


def test_send_queued_command_reports_progress(app):
    _queue(2)
    with mailer.record_messages():
        result = app.test_cli_runner().invoke(args=["mail", "send-queued"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output


def test_a_batch_that_outlasts_the_timeout_sends_no_mail_twice(app, monkeypatch):
    """Each send takes four minutes; eleven minutes in, a second worker looks for stuck rows.
    The first worker renewed its claim on the mail it is sending, so the second takes back
    only mails not tried yet, and the first skips those."""
    _queue(4)
    t0 = utcnow()
    clock = {"now": t0}
    monkeypatch.setattr(delivery, "utcnow", lambda: clock["now"])
    original, sends = Connection.send, []

    def slow_send(self, message, *args, **kwargs):
        sends.append(message.recipients[0])
        clock["now"] += timedelta(minutes=4)
        if len(sends) == 3:  # t0 + 12 minutes: another worker takes back what looks stuck
            with app.app_context():
                delivery.deliver_due()
                db.session.remove()
        return original(self, message, *args, **kwargs)

    monkeypatch.setattr(Connection, "send", slow_send)
    with mailer.record_messages():
        delivery.deliver_due()
    assert sorted(sends) == [f"p{i}@example.org" for i in range(4)]  # each once, by one worker or the other
    db.session.expire_all()
    assert {row.state for row in db.session.scalars(select(OutboxMail))} == {MailState.SENT}


def test_a_row_taken_back_from_a_stopped_worker_counts_as_an_attempt(app):
    row = _queue(1)[0]
    row.state, row.locked_at, row.attempts = MailState.SENDING, utcnow() - timedelta(hours=1), delivery.MAX_ATTEMPTS - 1
    db.session.commit()
    with mailer.record_messages() as sent:
        report = delivery.deliver_due()
    assert report.handled == 0 and sent == []
    db.session.refresh(row)
    assert row.state is MailState.FAILED and row.attempts == delivery.MAX_ATTEMPTS
    assert "stopped" in row.last_error


def _delivery_statements(n: int) -> list[str]:
    _queue(n)
    with mailer.record_messages(), count_queries() as statements:
        assert delivery.deliver_due().sent == n
    return statements


def test_sent_marks_are_written_per_group_and_no_row_is_read_again(app):
    """30 mails cost two more UPDATEs than 10 (a group of SENT_GROUP each), and the rows are
    read once, before sending: a crash can send again at most the last group."""
    few, many = _delivery_statements(10), _delivery_statements(30)
    updates = [sum(s.lstrip().upper().startswith("UPDATE") for s in found) for found in (few, many)]
    assert updates[1] - updates[0] == 30 // delivery.SENT_GROUP - 10 // delivery.SENT_GROUP
    selects = [sum(s.lstrip().upper().startswith("SELECT") for s in found) for found in (few, many)]
    assert selects[0] == selects[1]
