"""The outbox: mails are rows written in the caller's transaction and delivered later.

Delivery claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so parallel workers never
take the same mail), sends them over one SMTP connection, and marks each row sent only
after the server accepted it. Failures are retried with exponential backoff.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import and_, or_, select, update

from ..core.db import utcnow
from ..core.extensions import db, mailer
from .models import MailState, OutboxMail

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
SENDING_TIMEOUT = timedelta(minutes=10)


def enqueue(
    recipient: str, kind: str, subject, template: str, locale: str = "nl",
    calendar: bytes | None = None, calendar_method: str | None = None, **context,
) -> OutboxMail:
    """Render `templates/mail/<template>.txt|.html` in the recipient's language and queue it,
    with the calendar invite (`calendar`, its METHOD in `calendar_method`) when given.

    The caller commits: the mail exists exactly when the change that caused it does.
    """
    text_body, html_body = render_bodies(template, locale, **context)
    with force_locale(locale):
        subject = str(subject)
    row = OutboxMail(
        recipient=recipient, kind=kind, subject=subject, text_body=text_body, html_body=html_body,
        calendar=calendar.decode() if calendar else None, calendar_method=calendar_method if calendar else None,
        locale=locale,
    )
    db.session.add(row)
    return row


#: Renderers for mails queued with `enqueue_snapshot`, by name: each fills a row's bodies
#: (and calendar) from its JSON snapshot.
RENDERERS: dict[str, Callable[[OutboxMail], None]] = {}


def renderer(name: str):
    def register(func: Callable[[OutboxMail], None]):
        RENDERERS[name] = func
        return func
    return register


def enqueue_snapshot(
    recipient: str, kind: str, subject: str, template: str, locale: str, renderer_name: str,
    snapshot: dict, calendar_method: str | None = None,
) -> OutboxMail:
    """Queue a mail that is rendered when it is delivered, from `snapshot` (JSON) taken now.

    What the mail says is fixed at the change, as with `enqueue`; only the rendering waits, so
    that booking thousands of sessions at once does not render thousands of mails and
    calendar invites inside the transaction. The caller commits.
    """
    row = OutboxMail(
        recipient=recipient, kind=kind, subject=subject, text_body="", html_body="",
        template=template, context={"renderer": renderer_name, **snapshot}, locale=locale,
        calendar_method=calendar_method,
    )
    db.session.add(row)
    return row


def render_bodies(template: str, locale: str, **context) -> tuple[str, str]:
    with force_locale(locale):
        return (render_template(f"mail/{template}.txt", **context),
                render_template(f"mail/{template}.html", **context))


def render_pending(rows) -> None:
    """Fill in the bodies of rows queued with a snapshot that have not been rendered yet."""
    for row in rows:
        if row.template and not row.text_body:
            RENDERERS[row.context["renderer"]](row)


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def _claim(now: datetime, limit: int) -> list[int]:
    due = or_(
        and_(OutboxMail.state == MailState.QUEUED, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.state == MailState.SENDING, OutboxMail.locked_at <= now - SENDING_TIMEOUT),
    )
    query = select(OutboxMail.id).where(due).order_by(OutboxMail.id).limit(limit)
    ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    if ids:
        # A row taken back from a worker that stopped while sending counts as an attempt, so
        # a mail that kills the worker every time ends as failed instead of coming back forever.
        stuck = and_(OutboxMail.id.in_(ids), OutboxMail.state == MailState.SENDING)
        db.session.execute(update(OutboxMail).where(stuck).values(
            attempts=OutboxMail.attempts + 1, last_error="The delivery stopped while sending this mail."))
        db.session.execute(update(OutboxMail).where(OutboxMail.id.in_(ids), OutboxMail.attempts >= MAX_ATTEMPTS)
                           .values(state=MailState.FAILED, locked_at=None))
        db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids), OutboxMail.state != MailState.FAILED)
            .values(state=MailState.SENDING, locked_at=now)
        )
    db.session.commit()
    return list(db.session.scalars(select(OutboxMail.id).where(
        OutboxMail.id.in_(ids), OutboxMail.state == MailState.SENDING).order_by(OutboxMail.id))) if ids else []


class _InviteMessage(Message):
    """A mail whose multipart/alternative ends with its calendar invite, as calendar clients
    expect: text/plain, text/html, text/calendar with the METHOD of the calendar inside."""

    method: str | None = None

    def _message(self):
        built = super()._message()
        for part in built.walk():
            if part.get_content_type() == "text/calendar" and part.get_filename() is None:
                part.set_param("method", self.method)
        return built


def message_for(row: OutboxMail) -> Message:
    """The mail as it goes out: rendered now if it was queued with a snapshot. A calendar
    invite is the last alternative part and also an invite.ics attachment."""
    render_pending([row])
    message = _InviteMessage(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.text_body,
        html=row.html_body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    if row.calendar:
        message.method = row.calendar_method
        message.alts["calendar"] = row.calendar
        message.attach("invite.ics", f"text/calendar; method={row.calendar_method}; charset=utf-8",
                       row.calendar.encode())
    return message


def _record_failure(row: OutboxMail, error: Exception, now: datetime, report: DeliveryReport) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.locked_at = None
    if row.attempts >= MAX_ATTEMPTS:
        row.state = MailState.FAILED
        report.failed += 1
    else:
        row.state = MailState.QUEUED
        row.next_attempt_at = now + retry_delay(row.attempts)
        report.retrying += 1


def deliver_due(limit: int = 50, now: datetime | None = None) -> DeliveryReport:
    """Deliver up to `limit` due mails; returns what happened to them."""
    now = now or utcnow()
    report = DeliveryReport()
    ids = _claim(now, limit)
    if not ids:
        return report
    rows = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id)))
    if current_app.config["MAIL_BACKEND"] == "console":
        for row in rows:
            try:
                render_pending([row])
            except Exception as exc:  # a mail that cannot be rendered waits for a retry
                _record_failure(row, exc, now, report)
            else:
                _print(row)
                _mark_sent(row, report)
        db.session.commit()
        return report
    built = []
    for row in rows:
        try:
            built.append((row, message_for(row)))
        except Exception as exc:  # a mail that cannot be rendered waits for a retry
            _record_failure(row, exc, now, report)
    # No transaction stays open while the SMTP server works: on SQLite it would hold the
    # write lock and keep every other writer waiting until the whole batch was sent.
    db.session.commit()
    started, pending = utcnow(), [row for row, _message in built]
    try:
        with mailer.connect() as connection:
            for row, message in built:
                pending.remove(row)
                if not _renew(row, claimed_at=now, at=now + (utcnow() - started)):
                    continue
                try:
                    connection.send(message)
                except Exception as exc:  # the server refused this one mail
                    _record_failure(row, exc, now, report)
                else:
                    _mark_sent(row, report)
                db.session.commit()
    except Exception as exc:  # no connection: the mails not tried yet wait for a retry
        for row in pending:
            _record_failure(row, exc, now, report)
        db.session.commit()
    return report


def _renew(row: OutboxMail, claimed_at: datetime, at: datetime) -> bool:
    """Renew this worker's claim on a row just before sending it. False when another worker
    took it back meanwhile (this batch ran past SENDING_TIMEOUT): then it is not sent twice."""
    renewed = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == row.id, OutboxMail.state == MailState.SENDING, OutboxMail.locked_at == claimed_at)
        .values(locked_at=at).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    return renewed


def _mark_sent(row: OutboxMail, report: DeliveryReport) -> None:
    row.state = MailState.SENT
    row.last_error = ""
    row.sent_at = utcnow()
    row.locked_at = None
    row.attempts += 1
    report.sent += 1


def _print(row: OutboxMail) -> None:
    rule = "-" * 72
    print(
        f"\n{rule}\nMail #{row.id} to {row.recipient}\nSubject: {row.subject}\n\n{row.text_body}\n{rule}",
        file=sys.stdout,
        flush=True,
    )
