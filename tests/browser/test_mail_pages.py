"""The coordinators' mail pages in a real browser: axe with failed mails showing, a mail's page
with its HTML in a sandboxed frame, and sending failed mails again with the keyboard."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from tests import factories
from tests.factories import PASSWORD

from .keyboard import tab_to, type_into

COORDINATOR = "coordinator@example.org"
CALENDAR = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:sessie-1@example.org\r\n"
            "SEQUENCE:0\r\nSUMMARY:Samen signaleren\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def seed(live_server) -> list[int]:
    """A coordinator, two failed mails, one waiting for a retry and one sent with an invite."""
    with live_server.app.app_context():
        factories.coordinator(COORDINATOR)
        failed = {"state": MailState.FAILED, "attempts": 8, "last_error": "SMTPRecipientsRefused: 550 No such mailbox"}
        rows = [
            OutboxMail(recipient="deelnemer1@example.org", subject="Aanmelding bevestigd: Samen signaleren", **failed),
            OutboxMail(recipient="deelnemer2@example.org", subject="<script>alert('x')</script>", **failed),
            OutboxMail(recipient="expert@example.org", subject="Bijeenkomst gepland", state=MailState.QUEUED,
                       attempts=2, last_error="SMTPConnectError: 421"),
            OutboxMail(recipient="deelnemer3@example.org", subject="Aanmelding bevestigd: Samen signaleren",
                       state=MailState.SENT, attempts=1, sent_at=utcnow(), calendar=CALENDAR,
                       calendar_method="REQUEST"),
        ]
        for mail in rows:
            mail.kind, mail.text_body = "registration_confirmed", "Beste deelnemer,\n\nU bent aangemeld."
            mail.html_body = '<!doctype html><html lang="nl"><title>Mail</title><p>Beste deelnemer,</p><script>alert(1)</script>'
        db.session.add_all(rows)
        db.session.commit()
        ids = [mail.id for mail in rows]
        db.session.remove()
    return ids


def states(live_server) -> list[MailState]:
    with live_server.app.app_context():
        found = list(db.session.scalars(select(OutboxMail.state).order_by(OutboxMail.id)))
        db.session.remove()
    return found


def log_in(page) -> None:
    page.goto("/inloggen")
    type_into(page, "#email", COORDINATOR)
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()


def test_resend_failed_mails_with_the_keyboard(page, live_server, axe_check):
    first, second, *_ = seed(live_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page)
    page.goto("/coordinatie/mail")
    expect(page.locator("#failed tbody tr")).to_have_count(2)
    expect(page.locator("#retrying tbody tr")).to_have_count(1)
    axe_check(page)

    tab_to(page, f"#resend-{first}")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".ob-alert[role=status]")).to_contain_text("1")
    expect(page.locator("#failed tbody tr")).to_have_count(1)
    assert states(live_server)[:2] == [MailState.QUEUED, MailState.FAILED]

    tab_to(page, "#resend-failed")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".ob-alert[role=status]")).to_contain_text("1")
    expect(page.locator("#failed")).to_have_count(0)
    assert states(live_server) == [MailState.QUEUED, MailState.QUEUED, MailState.QUEUED, MailState.SENT]
    axe_check(page)

    tab_to(page, f'#latest a[href$="/coordinatie/mail/{second}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordinatie/mail/{second}")
    expect(page.locator("h1")).to_have_text("<script>alert('x')</script>")
    expect(page.frame_locator("#html-body").locator("p")).to_have_text("Beste deelnemer,")
    axe_check(page)
    assert dialogs == []  # neither the subject nor the mail's own script ran


def test_a_sent_mail_with_its_invite_passes_axe(page, live_server, axe_check):
    *_, sent = seed(live_server)
    log_in(page)
    page.goto(f"/coordinatie/mail/{sent}")
    expect(page.locator("#calendar-body")).to_contain_text("METHOD:REQUEST")
    expect(page.locator(f"#resend-{sent}")).to_have_count(0)
    axe_check(page)
