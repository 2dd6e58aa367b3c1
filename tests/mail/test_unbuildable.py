"""Nothing typed stops a mail being built; a mail that cannot be built fails at once, with its
reason on the mail page, and the coordinators get a notice (issue 13)."""
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db, mailer
from ontwikkelbijeenkomsten.mail import delivery, services
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail


def _mail(**fields) -> OutboxMail:
    row = OutboxMail(**{"recipient": "p@example.org", "kind": "test", "subject": "Onderwerp", "text_body": "Tekst",
                        "html_body": "<p>Tekst</p>", **fields})
    db.session.add(row)
    db.session.commit()
    return row


def _notices() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "mail_unbuildable")))


def test_a_line_break_in_a_subject_becomes_a_space_and_the_mail_goes_out(app):
    queued = services.enqueue_snapshot("p@example.org", "test", "Samen\r\nsignaleren\x00\t 17 maart", "t", "nl",
                                       "session", {})
    plain = services.enqueue("p@example.org", "test", "Samen\nsignaleren", "password_reset",
                             user=type("U", (), {"name": "Ann", "email": "a@example.org"}), link="x", minutes=60)
    assert (queued.subject, plain.subject) == ("Samen signaleren 17 maart", "Samen signaleren")
    db.session.expunge(queued)  # its snapshot is no real one
    db.session.commit()
    with mailer.record_messages() as outbox:
        assert delivery.deliver_due().sent == 1
    assert outbox[0].subject == "Samen signaleren"


def test_a_mail_that_cannot_be_built_fails_at_once_and_the_coordinators_hear_of_it(app, coordinator):
    row = _mail(subject="Samen\nsignaleren")  # written past `enqueue`, as by an older version
    with mailer.record_messages() as outbox:
        report = delivery.deliver_due()
    assert (report.failed, report.retrying, outbox) == (1, 0, [])
    db.session.refresh(row)
    assert row.state is MailState.FAILED and row.attempts == 1
    assert row.last_error.startswith("BadHeaderError")
    [notice] = _notices()
    assert notice.recipient == coordinator.email and notice.state is MailState.QUEUED
    assert "p@example.org" in notice.text_body and "BadHeaderError" in notice.text_body
    assert f"/coordinatie/mail/{row.id}" in notice.text_body
    assert notice.subject == "Een e-mail kon niet worden verstuurd"


def test_a_notice_that_cannot_be_built_does_not_announce_itself(app, coordinator):
    _mail(subject="Kapot\n", kind="mail_unbuildable")
    assert delivery.deliver_due().failed == 1
    assert len(_notices()) == 1


def test_the_mail_page_shows_it_failed_and_why(coordinator_client, coordinator):
    row = _mail(subject="Samen\nsignaleren")
    delivery.deliver_due()
    html = coordinator_client.get(f"/coordinatie/mail/{row.id}").get_data(as_text=True)
    assert "mislukt" in html and "BadHeaderError" in html
    outbox = coordinator_client.get("/coordinatie/mail").get_data(as_text=True)
    assert "BadHeaderError" in outbox
