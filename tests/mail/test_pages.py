"""The coordinators' mail pages: the outbox, one mail, and sending failed mails again."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.mail import admin, delivery
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services as meetings
from tests.factories import PASSWORD, applicant
from tests.helpers import login
from tests.queries import queries_for

OUTBOX = "/coordinatie/mail"
FAILED, QUEUED, SENT, SENDING = MailState.FAILED, MailState.QUEUED, MailState.SENT, MailState.SENDING


def mail_url(mail_id, suffix=""):
    return f"{OUTBOX}/{mail_id}{suffix}"


def add_mails(n, state=FAILED, **fields):
    """`n` mails in `state` (failed ones after 8 attempts with an error); the ids, committed."""
    values = {"kind": "test", "text_body": "Tekst", "html_body": "<p>Tekst</p>", "state": state,
              "attempts": delivery.MAX_ATTEMPTS if state is FAILED else 0,
              "last_error": "SMTPRecipientsRefused: 550 No such mailbox" if state is FAILED else ""}
    rows = [OutboxMail(**{"recipient": f"p{i}@example.org", "subject": f"Onderwerp {i}", **values, **fields})
            for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def row(mail_id) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail_id)


def resent_events():
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.resent")
                                   .order_by(AuditEvent.subject_id)))


@pytest.fixture
def clean_outbox(plan):
    """The plan queues mails of its own; these tests start from an empty outbox."""
    db.session.execute(delete(OutboxMail))
    db.session.commit()


# ---- who may see the pages ---------------------------------------------------------------------
@pytest.mark.parametrize("method, url", [
    ("get", OUTBOX), ("get", mail_url(1)), ("get", mail_url(1, "/html")), ("post", mail_url(1, "/opnieuw")),
    ("post", f"{OUTBOX}/mislukt/opnieuw"),
])
def test_anonymous_users_log_in_and_experts_are_refused(app, plan, expert_client, method, url):
    add_mails(1)
    anonymous = getattr(app.test_client(), method)(url)
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]
    assert getattr(expert_client, method)(url).status_code == 403
    assert resent_events() == []


@pytest.mark.parametrize("url", [mail_url(999), mail_url(2147483647), mail_url(2147483648), mail_url("abc"),
                                 mail_url(-1)])
def test_unknown_mails_are_404(coordinator_client, url):
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url + "/opnieuw").status_code == 404


# ---- the outbox ----------------------------------------------------------------------------------
def test_the_outbox_lists_failed_retrying_and_latest_mails_with_counts(coordinator_client, clean_outbox):
    failed = add_mails(2)
    [retrying] = add_mails(1, QUEUED, attempts=3, last_error="SMTPConnectError: 421",
                           next_attempt_at=utcnow() + timedelta(minutes=4), recipient="later@example.org")
    add_mails(3, SENT, sent_at=utcnow())
    html = coordinator_client.get(OUTBOX).get_data(as_text=True)
    counts = dict(re.findall(r'<th scope="row" class="[^"]*ob-bar-table__label">([^<]+)</th>\s*'
                             r'<td class="[^"]*numeric-data">(\d+)</td>', html))
    assert sorted(counts.values()) == ["0", "1", "2", "3"]  # queued 1, sending 0, sent 3, failed 2
    failed_table = html.split('id="failed"')[1].split("</table>")[0]
    assert all(f'href="{mail_url(i)}"' in failed_table for i in failed)
    assert all(f'action="{mail_url(i, "/opnieuw")}"' in failed_table for i in failed)
    assert "SMTPRecipientsRefused: 550" in failed_table
    assert 'id="resend-failed"' in html
    retrying_table = html.split('id="retrying"')[1].split("</table>")[0]
    assert f'action="{mail_url(retrying, "/opnieuw")}"' in retrying_table and "later@example.org" in retrying_table
    latest = html.split('id="latest"')[1].split("</table>")[0]
    assert latest.count('href="/coordinatie/mail/') == 6
    assert 'id="console-note"' not in html


def test_without_failed_mails_there_is_no_resend_button(coordinator_client, clean_outbox):
    add_mails(2, SENT, sent_at=utcnow())
    html = coordinator_client.get(OUTBOX).get_data(as_text=True)
    assert 'id="resend-failed"' not in html and 'id="failed"' not in html and 'id="retrying"' not in html


def test_the_latest_mails_filter_by_state_and_recipient(coordinator_client, clean_outbox):
    add_mails(2)
    add_mails(1, SENT, sent_at=utcnow(), recipient="Jan_de.Vries@example.org")

    def latest(**params):
        response = coordinator_client.get(OUTBOX, query_string=params)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return html, html.split('id="latest-title"')[1].count('href="/coordinatie/mail/')

    assert latest(state="sent")[1] == 1
    assert latest(state="failed")[1] == 2
    assert latest(recipient="jan_de")[1] == 1
    assert latest(recipient="JAN")[1] == 1
    assert latest(recipient="%")[1] == 0 and latest(recipient="_")[1] == 1  # wildcards are plain text
    assert latest(recipient="p1@", state="failed")[1] == 1
    assert latest(recipient="nobody")[1] == 0


@pytest.mark.parametrize("params", [
    {"state": "deleted"}, {"state": "<script>"}, {"recipient": "x" * 10_000},
    {"recipient": "<script>alert(1)</script>"}, {"recipient": "\x00"}, {"page": "-1"},
])
def test_forged_filters_are_ignored_safely(coordinator_client, clean_outbox, params):
    add_mails(2)
    response = coordinator_client.get(OUTBOX, query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    if params.get("recipient", "").startswith("xxx"):
        assert 'id="recipient-error"' in html and 'id="error-summary"' in html
    if "state" in params:  # a forged state filters nothing away
        assert html.split('id="latest-title"')[1].count('href="/coordinatie/mail/') == 2


def test_the_outbox_uses_as_many_queries_for_60_mails_as_for_5(app, plan, clean_outbox):
    counts = []
    for size in (5, 60):
        db.session.execute(delete(OutboxMail))
        db.session.commit()
        add_mails(size)
        add_mails(size, QUEUED, attempts=2, last_error="SMTPConnectError")
        add_mails(size, SENT, sent_at=utcnow())
        client = login(app.test_client(), plan.coordinator)
        counts.append(queries_for(client, OUTBOX))
        counts.append(queries_for(client, OUTBOX + "?state=sent&recipient=p1"))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_in_development_the_outbox_says_mails_are_printed_in_the_console(make_app, plan):
    coordinator = SimpleNamespace(email=plan.coordinator.email)
    db.session.commit()  # SQLite: end the test's transaction, so the other app can write
    console = make_app(MAIL_BACKEND="console")
    with console.app_context():
        client = login(console.test_client(), coordinator)
        assert 'id="console-note"' in client.get(OUTBOX).get_data(as_text=True)
        db.session.remove()


def test_a_script_in_a_subject_or_body_is_never_run(coordinator_client, clean_outbox):
    [mail_id] = add_mails(1, subject="<script>alert('x')</script>", recipient="<b>x</b>@example.org",
                          html_body="<p>Hallo</p><script>alert('body')</script>", last_error="<script>err</script>")
    for url in (OUTBOX, mail_url(mail_id)):
        html = coordinator_client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "&lt;script&gt;alert(" in html
    page = coordinator_client.get(mail_url(mail_id)).get_data(as_text=True)
    iframe = re.search(r"<iframe [^>]*>", page).group(0)
    assert re.search(r"\ssandbox[\s>]", iframe) and 'title="' in iframe
    assert f'src="{mail_url(mail_id, "/html")}"' in iframe
    framed = coordinator_client.get(mail_url(mail_id, "/html"))
    assert framed.get_data(as_text=True) == "<p>Hallo</p><script>alert('body')</script>"
    policy = framed.headers["Content-Security-Policy"].split("; ")
    assert "default-src 'none'" in policy and "sandbox" in policy and not any(p.startswith("script-src") for p in policy)


def test_only_this_site_may_frame_a_mail_and_nothing_caches_it(coordinator_client, clean_outbox):
    [with_html] = add_mails(1, SENT, sent_at=utcnow())
    [without_html] = add_mails(1, SENT, sent_at=utcnow(), html_body="")
    framed = coordinator_client.get(mail_url(with_html, "/html"))
    assert framed.status_code == 200 and framed.mimetype == "text/html"
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert framed.headers["Cache-Control"] == "private, no-store" and framed.headers["Referrer-Policy"] == "no-referrer"
    page = coordinator_client.get(mail_url(with_html))
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
    assert coordinator_client.get(mail_url(without_html, "/html")).status_code == 404
    assert coordinator_client.get(mail_url(999999, "/html")).status_code == 404


# ---- one mail ------------------------------------------------------------------------------------
def test_a_mail_page_shows_bodies_and_the_calendar_invite(coordinator_client, clean_outbox):
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    [mail_id] = add_mails(1, SENT, sent_at=utcnow(), text_body="Beste Eva,\n\nDe bijeenkomst gaat niet door.",
                          calendar=calendar, calendar_method="CANCEL", attempts=1)
    html = coordinator_client.get(mail_url(mail_id)).get_data(as_text=True)
    assert re.search(r'<pre [^>]*id="text-body">Beste Eva,\n\nDe bijeenkomst gaat niet door.</pre>', html)
    assert 'id="calendar-method"' in html and "CANCEL" in html.split('id="calendar-method"')[1].split("</p>")[0]
    assert "STATUS:CANCELLED" in html.split('id="calendar-body"')[1]
    assert "p0@example.org" in html and f'action="{mail_url(mail_id, "/opnieuw")}"' not in html


def test_a_mail_rendered_at_delivery_is_shown_rendered_without_writing_it(coordinator_client, plan, make_training):
    training = make_training()
    db.session.execute(delete(OutboxMail))
    db.session.commit()
    meetings.register(training, applicant(1))
    mail = db.session.scalars(select(OutboxMail)).one()
    assert mail.template and mail.text_body == "" and mail.calendar is None
    mail_id = mail.id
    html = coordinator_client.get(mail_url(mail_id)).get_data(as_text=True)
    assert 'id="rendered-now"' in html
    body = html.split('id="text-body">')[1].split("</pre>")[0]
    assert "Samen signaleren" in body and "Deelnemer 1" in body
    assert "METHOD:REQUEST" in html.split('id="calendar-body"')[1] and 'id="html-body"' in html
    stored = row(mail_id)
    assert stored.text_body == "" and stored.html_body == "" and stored.calendar is None
    assert stored.state is QUEUED


def test_a_mail_that_cannot_be_rendered_shows_why(coordinator_client, clean_outbox):
    [mail_id] = add_mails(1, template="sessions/registration_confirmed", text_body="", html_body="",
                          context={"renderer": "session"})
    response = coordinator_client.get(mail_url(mail_id))
    assert response.status_code == 200 and 'id="render-error"' in response.get_data(as_text=True)


# ---- sending again -------------------------------------------------------------------------------
def test_a_failed_mail_is_put_back_in_the_queue_and_audited(coordinator_client, plan, clean_outbox):
    [mail_id, other] = add_mails(2)
    before = utcnow()
    response = coordinator_client.post(mail_url(mail_id, "/opnieuw"), follow_redirects=True)
    assert response.request.path == OUTBOX
    assert 'role="status"' in response.get_data(as_text=True)
    mail = row(mail_id)
    assert mail.state is QUEUED and mail.attempts == 0 and mail.next_attempt_at >= before
    assert mail.last_error.startswith("SMTPRecipientsRefused")  # kept for reference
    assert row(other).state is FAILED
    [event] = resent_events()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("outbox_mails", mail_id, plan.coordinator.id)
    assert (event.from_state, event.to_state, event.details) == ("failed", "queued", {"attempts": delivery.MAX_ATTEMPTS})
    assert delivery.deliver_due().sent == 1  # the worker delivers it
    assert row(mail_id).state is SENT


def test_from_the_mail_page_the_coordinator_returns_to_it(coordinator_client, clean_outbox):
    [mail_id] = add_mails(1)
    response = coordinator_client.post(mail_url(mail_id, "/opnieuw"), data={"back": "mail"})
    assert response.headers["Location"].endswith(mail_url(mail_id))
    forged = coordinator_client.post(mail_url(mail_id, "/opnieuw"), data={"back": "https://evil.example"})
    assert forged.headers["Location"].endswith(OUTBOX)


def test_a_mail_waiting_for_a_retry_can_be_sent_now(coordinator_client, clean_outbox):
    [mail_id] = add_mails(1, QUEUED, attempts=3, next_attempt_at=utcnow() + timedelta(hours=1))
    coordinator_client.post(mail_url(mail_id, "/opnieuw"))
    mail = row(mail_id)
    assert mail.state is QUEUED and mail.attempts == 0 and mail.next_attempt_at <= utcnow()
    assert len(resent_events()) == 1


@pytest.mark.parametrize("state, attempts", [(SENT, 1), (SENDING, 0), (QUEUED, 0)])
def test_a_sent_sending_or_fresh_mail_is_not_put_back(coordinator_client, plan, clean_outbox, state, attempts):
    [mail_id] = add_mails(1, state, attempts=attempts, sent_at=utcnow() if state is SENT else None)
    response = coordinator_client.post(mail_url(mail_id, "/opnieuw"), follow_redirects=True)
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    mail = row(mail_id)
    assert (mail.state, mail.attempts) == (state, attempts)
    assert resent_events() == []
    with pytest.raises(RuleViolation):
        admin.resend(mail, plan.coordinator)


def test_a_mail_sent_after_the_page_was_shown_is_not_sent_twice(plan, clean_outbox):
    [mail_id] = add_mails(1, QUEUED, attempts=2, next_attempt_at=utcnow() - timedelta(seconds=1))
    shown = db.session.get(OutboxMail, mail_id)  # the coordinator's copy, still "queued"
    db.session.expunge(shown)
    db.session.commit()
    delivery.deliver_due()  # meanwhile the worker sends it
    assert shown.state is QUEUED
    with pytest.raises(RuleViolation):
        admin.resend(shown, plan.coordinator)
    assert row(mail_id).state is SENT and resent_events() == []


def test_all_failed_mails_are_put_back_at_once(coordinator_client, plan, clean_outbox):
    failed = add_mails(3)
    [sent] = add_mails(1, SENT, sent_at=utcnow(), attempts=1)
    response = coordinator_client.post(f"{OUTBOX}/mislukt/opnieuw", follow_redirects=True)
    assert response.request.path == OUTBOX
    assert {(row(i).state, row(i).attempts) for i in failed} == {(QUEUED, 0)}
    assert row(sent).state is SENT
    assert [e.subject_id for e in resent_events()] == failed
    again = coordinator_client.post(f"{OUTBOX}/mislukt/opnieuw", follow_redirects=True)
    assert again.status_code == 200 and len(resent_events()) == 3
    assert admin.resend_failed(plan.coordinator) == 0


def test_the_flash_says_how_many_mails_are_back_in_the_queue(coordinator_client, clean_outbox):
    add_mails(2)
    html = coordinator_client.post(f"{OUTBOX}/mislukt/opnieuw", follow_redirects=True).get_data(as_text=True)
    assert re.search(r"2 (mails are back in the queue|mails staan weer in de wachtrij)", html)


def test_resending_needs_the_csrf_token(make_app, plan, clean_outbox):
    [mail_id] = add_mails(1)
    email = plan.coordinator.email
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").get_data(as_text=True)).group(1)
        assert client.post("/inloggen", data={"email": email, "password": PASSWORD,
                                              "csrf_token": token}).status_code == 302
        assert client.post(mail_url(mail_id, "/opnieuw")).status_code == 400
        assert client.post(f"{OUTBOX}/mislukt/opnieuw").status_code == 400
        html = client.get(OUTBOX).get_data(as_text=True)
        assert html.count('name="csrf_token" value="') == len(re.findall(r'<form[^>]*method="post"', html)) >= 4
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        assert client.post(mail_url(mail_id, "/opnieuw"), data={"csrf_token": token}).status_code == 302
        db.session.remove()
    assert row(mail_id).state is QUEUED
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "mail.resent")) == 1


def test_the_kind_of_a_mail_is_a_dutch_word_not_a_code(coordinator_client, clean_outbox):
    """Issue 18, item 16: the "Soort" column showed `registration_waiting`."""
    [waiting] = add_mails(1, SENT, kind="registration_waiting")
    [unknown] = add_mails(1, SENT, kind="something_new")
    for html in (coordinator_client.get(OUTBOX).get_data(as_text=True),
                 coordinator_client.get(mail_url(waiting)).get_data(as_text=True)):
        assert "Op de wachtlijst" in html and "registration_waiting" not in html
    assert "something_new" in coordinator_client.get(mail_url(unknown)).get_data(as_text=True)



def test_every_kind_the_website_queues_has_a_dutch_word(coordinator_client, clean_outbox):
    """The certificate mail, a coordinator's message to the participants and the notice about a
    mail that could not be made showed their codes in the "Soort" column."""
    from ontwikkelbijeenkomsten.accounts.hooks import NOTICE_KIND
    from ontwikkelbijeenkomsten.mail.kinds import KIND_LABELS
    from ontwikkelbijeenkomsten.meetings.mails import REGISTRATION_MAILS
    from ontwikkelbijeenkomsten.meetings.messages import KIND as MESSAGE_KIND

    queued = {f"registration_{kind}" for kind in REGISTRATION_MAILS} | {MESSAGE_KIND, NOTICE_KIND}
    assert queued - set(KIND_LABELS) == set()
    [certificate] = add_mails(1, SENT, kind="registration_certificate")
    for html in (coordinator_client.get(OUTBOX).get_data(as_text=True),
                 coordinator_client.get(mail_url(certificate)).get_data(as_text=True)):
        assert "Deelnamebewijs" in html and "registration_certificate" not in html


def test_a_failed_mail_whose_person_was_erased_is_not_sent_again(coordinator_client, plan, clean_outbox):
    """After an erasure (or the purge) a failed mail has no address and no text left: it cannot
    go out, so it no longer asks for attention and is never put back in the queue."""
    from ontwikkelbijeenkomsten.privacy import person as people
    from ontwikkelbijeenkomsten.reports.start import todo

    [erased, other] = add_mails(2)
    people.erase("p0@example.org", plan.coordinator)
    db.session.commit()
    assert row(erased).anonymised_at is not None and row(erased).state is FAILED
    assert todo().failed_mails == 1
    html = coordinator_client.get(OUTBOX).get_data(as_text=True)
    failed_table = html.split('id="failed"')[1].split("</table>")[0]
    assert f'href="{mail_url(other)}"' in failed_table and f'href="{mail_url(erased)}"' not in failed_table
    page = coordinator_client.get(mail_url(erased)).get_data(as_text=True)
    assert f'id="resend-{erased}"' not in page and 'id="erased-note"' in page
    response = coordinator_client.post(mail_url(erased, "/opnieuw"), follow_redirects=True)
    assert 'role="alert"' in response.get_data(as_text=True) and row(erased).state is FAILED
    assert admin.resend_failed(plan.coordinator) == 1
    db.session.flush()
    assert (row(erased).state, row(other).state) == (FAILED, QUEUED)
