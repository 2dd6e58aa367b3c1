"""The delivery worker: sends what the outbox holds, each mail once.

It claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so parallel workers never take the
same mail), sends them over one SMTP connection, and marks each row sent only after the server
accepted it. Failures are retried with exponential backoff.

Transactions: `deliver_due` is a job, like a CLI command, and owns its units of work (it must
not run inside another one). Claiming the batch, rendering it, and recording the outcomes are
separate units of work, committed one after the other: no transaction is open while the SMTP
server works (on SQLite it would hold the write lock and keep every other writer waiting for
the whole batch). Each mail is rendered and encoded once; the sent marks are committed in
groups of SENT_GROUP (and before every renewal of the claim), with plain UPDATEs by id, so no
row is loaded again after a commit. So a crash loses no mail, and sends again at most the mails
the server had accepted but that were not yet marked sent: those of the last group, at most
SENT_GROUP. Each copy carries the same Message-ID (`message_id`), so mail systems that drop
duplicates show it once.

A batch that runs long renews its claim on the rows it has not marked yet at least every
RENEW_AFTER, so another worker takes none of them back while this one may still send them.

A mail that cannot be built (a template that fails, a header or text that cannot be encoded) would
fail the same way every time: it fails at once, with its reason, and `signals.unbuildable` lets
the coordinators hear of it.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.utils import parseaddr
from functools import lru_cache

from flask import current_app
from flask_mail import BadHeaderError, Message
from sqlalchemy import and_, or_, select, update

from ..core.db import utcnow
from ..core.extensions import db, mailer
from ..core.uow import unit_of_work
from . import mime, signals
from .models import MailState, OutboxMail
from .services import render_pending

#: With the backoff below the last attempt is 26.5 hours after the first: a mail server that is
#: away for a night or a day only delays mail (8 attempts gave up after 2 hours).
MAX_ATTEMPTS = 13
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
SENDING_TIMEOUT = timedelta(minutes=10)
#: Sent marks committed together: what a crash can cause to be sent twice.
SENT_GROUP = 10
#: How long a batch sends on one claim before it renews the claim (well within SENDING_TIMEOUT).
RENEW_AFTER = timedelta(minutes=1)
#: A mail due this long and not taken up means that no worker runs (or it hangs): /healthz says
#: "mail": "late". A running worker takes a due mail within seconds.
LATE_AFTER = timedelta(minutes=15)


def delivery_state(now: datetime | None = None) -> str:
    """'late' when a mail has been due for longer than LATE_AFTER (also one left in SENDING by a
    worker that stopped), else 'ok'. A mail waiting for its next attempt is not late."""
    now = now or utcnow()
    late = or_(
        and_(OutboxMail.state == MailState.QUEUED, OutboxMail.next_attempt_at <= now - LATE_AFTER),
        and_(OutboxMail.state == MailState.SENDING, OutboxMail.locked_at <= now - SENDING_TIMEOUT - LATE_AFTER),
    )
    return "late" if db.session.scalar(select(OutboxMail.id).where(late).limit(1)) is not None else "ok"


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Why mails were not sent: reason -> how many (what the worker's log says beside the counts).
    reasons: Counter = field(default_factory=Counter)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


class _OutboxMessage(Message):
    """flask-mail's Message, so that its connection sends it (and tests record it), written
    by `mime.write` (text, HTML and the calendar invite, the invite also as invite.ics).
    Encoded once: `build` checks it, the connection sends the same bytes."""

    calendar: str | None = None
    method: str | None = None
    _bytes: bytes | None = None

    def as_bytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = mime.write(subject=self.subject, sender=self.sender, recipient=self.recipients[0],
                                     date=self.date, message_id=self.msgId, text=self.body, html=self.html,
                                     calendar=self.calendar, method=self.method, reply_to=self.reply_to)
        return self._bytes

    def _message(self):
        """The same bytes as a `email` message (for `as_string()`)."""
        return message_from_bytes(self.as_bytes(), policy=policy.SMTP)


def message_id(row: OutboxMail) -> str:
    """The same Message-ID every time this row is sent, unique per row and database."""
    return f"<outbox.{row.id}.{row.created_at:%Y%m%d%H%M%S%f}@{_domain(current_app.config['MAIL_DEFAULT_SENDER'])}>"


@lru_cache(maxsize=16)
def _reply_to(contact: str | None, sender: str) -> str | None:
    """Answers go to the programme's contact address ("Beantwoord deze e-mail"), when it is set
    and is not the sender's own address."""
    if not contact or contact.strip().lower() == parseaddr(sender)[1].lower():
        return None
    return contact.strip()


@lru_cache(maxsize=16)
def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def message_for(row: OutboxMail) -> Message:
    """The mail as it goes out: rendered now if it was queued with a snapshot. A calendar
    invite is the last alternative part and also an invite.ics attachment."""
    render_pending([row])
    message = _OutboxMessage(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.text_body,
        html=row.html_body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=_reply_to(current_app.config["CONTACT_EMAIL"], current_app.config["MAIL_DEFAULT_SENDER"]),
    )
    message.msgId = message_id(row)
    message.date = time.time()
    if row.calendar:
        message.calendar, message.method = row.calendar, row.calendar_method
    return message


def build(row: OutboxMail) -> Message:
    """`message_for(row)`, checked and encoded as the SMTP connection will do it (flask-mail
    finds a bad header only when sending), so that a mail that cannot go out is known before."""
    message = message_for(row)
    if message.has_bad_headers():
        raise BadHeaderError("A header of this mail holds a line break.")
    message.as_bytes()
    return message


# ---- the steps (each flushes; `deliver_due` commits) -------------------------------------------
def claim(now: datetime, limit: int) -> list[int]:
    """Take up to `limit` due rows for this worker (state SENDING, `locked_at` = `now`); returns
    their ids. A row stuck in SENDING longer than SENDING_TIMEOUT is due again."""
    due = or_(
        and_(OutboxMail.state == MailState.QUEUED, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.state == MailState.SENDING, OutboxMail.locked_at <= now - SENDING_TIMEOUT),
    )
    query = select(OutboxMail.id).where(due).order_by(OutboxMail.id).limit(limit)
    ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    if not ids:
        return []
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
    return list(db.session.scalars(select(OutboxMail.id).where(
        OutboxMail.id.in_(ids), OutboxMail.state == MailState.SENDING).order_by(OutboxMail.id)))


def renew(ids: list[int], claimed_at: datetime, at: datetime) -> set[int]:
    """Renew this worker's claim on rows it has not marked yet; returns those still its own
    (a row another worker took back meanwhile, when this batch ran past SENDING_TIMEOUT, is
    not sent twice)."""
    return set(db.session.scalars(
        update(OutboxMail)
        .where(OutboxMail.id.in_(ids), OutboxMail.state == MailState.SENDING, OutboxMail.locked_at == claimed_at)
        .values(locked_at=at).returning(OutboxMail.id).execution_options(synchronize_session=False)
    ))


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def record_unbuildable(row: OutboxMail, error: Exception, report: DeliveryReport) -> None:
    """The mail cannot be built: no later attempt would do better, so it fails now."""
    row.attempts += 1
    row.last_error = _reason(error)
    row.locked_at = None
    row.state = MailState.FAILED
    report.failed += 1
    report.reasons[row.last_error[:300]] += 1
    db.session.flush()
    signals.unbuildable.send(row)


def record_failure(mail: Outgoing, error: Exception, now: datetime, report: DeliveryReport) -> None:
    attempts = mail.attempts + 1
    failed = attempts >= MAX_ATTEMPTS
    db.session.execute(
        update(OutboxMail).where(OutboxMail.id == mail.id)
        .values(attempts=attempts, last_error=_reason(error), locked_at=None,
                state=MailState.FAILED if failed else MailState.QUEUED,
                **({} if failed else {"next_attempt_at": now + retry_delay(attempts)}))
        .execution_options(synchronize_session=False))
    if failed:
        report.failed += 1
    else:
        report.retrying += 1
    report.reasons[_reason(error)[:300]] += 1


def mark_sent(ids: list[int], report: DeliveryReport) -> None:
    """The server accepted these mails."""
    if ids:
        db.session.execute(
            update(OutboxMail).where(OutboxMail.id.in_(ids))
            .values(state=MailState.SENT, last_error="", sent_at=utcnow(), locked_at=None,
                    attempts=OutboxMail.attempts + 1)
            .execution_options(synchronize_session=False))
        report.sent += len(ids)


# ---- the job -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outgoing:
    """A built mail and what recording its outcome needs, so no row is read after a commit."""

    id: int
    attempts: int
    message: Message


def deliver_due(limit: int = 50, now: datetime | None = None) -> DeliveryReport:
    """Deliver up to `limit` due mails; returns what happened to them."""
    now = now or utcnow()
    report = DeliveryReport()
    with unit_of_work():
        ids = claim(now, limit)
    if not ids:
        return report
    with unit_of_work():
        rows = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id)))
        if current_app.config["MAIL_BACKEND"] == "console":
            _print_all(rows, report)
            return report
        built, shared = [], {}
        for row in rows:
            try:
                render_pending([row], shared)  # mails that differ only in the person share a rendering
                built.append(Outgoing(row.id, row.attempts, build(row)))
            except Exception as exc:
                record_unbuildable(row, exc, report)
    _send(built, now, report)
    return report


class _Marks:
    """The outcomes not yet committed; written every SENT_GROUP mails and before a renewal."""

    def __init__(self, now: datetime, report: DeliveryReport) -> None:
        self.now, self.report = now, report
        self.sent: list[int] = []
        self.refused: list[tuple[Outgoing, Exception]] = []

    def write(self, renewing: list[int] | None = None, claimed_at=None, at=None) -> set[int]:
        with unit_of_work():
            mark_sent(self.sent, self.report)
            for mail, error in self.refused:
                record_failure(mail, error, self.now, self.report)
            self.sent, self.refused = [], []
            return renew(renewing, claimed_at, at) if renewing else set()


def _send(built: list[Outgoing], now: datetime, report: DeliveryReport) -> None:
    """Send each message over one connection; commit the outcomes in groups."""
    started, claimed_at = utcnow(), now
    marks = _Marks(now, report)
    ours = {mail.id for mail in built}
    untried = 0  # the index of the first mail not handed to the server yet
    # MAIL FROM is the bare address: flask-mail would encode the sender's name for each mail
    # (a quarter of a millisecond), which smtplib then drops again.
    envelope_from = ("", parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1])
    try:
        with mailer.connect() as connection:
            for index, mail in enumerate(built):
                elapsed = utcnow() - started
                if now + elapsed - claimed_at >= RENEW_AFTER:
                    ours = marks.write([m.id for m in built[index:] if m.id in ours], claimed_at, now + elapsed)
                    claimed_at = now + elapsed
                untried = index + 1
                if mail.id not in ours:
                    continue  # another worker took it back
                try:
                    connection.send(mail.message, envelope_from)
                except Exception as exc:  # the server refused this one mail
                    marks.refused.append((mail, exc))
                else:
                    marks.sent.append(mail.id)
                if len(marks.sent) + len(marks.refused) >= SENT_GROUP:
                    marks.write()
    except Exception as exc:  # no connection: the mails not tried yet wait for a retry
        marks.refused += [(mail, exc) for mail in built[untried:] if mail.id in ours]
    marks.write()


def _print_all(rows: list[OutboxMail], report: DeliveryReport) -> None:
    """Development (MAIL_BACKEND=console): print each mail instead of sending it."""
    rule = "-" * 72
    for row in rows:
        try:
            build(row)
        except Exception as exc:
            record_unbuildable(row, exc, report)
            continue
        # The invite is not printed; say it is there, and where the coordinators' Mail page shows it.
        invite = (f"Attached: invite.ics (calendar {row.calendar_method}), shown at "
                  f"{current_app.config['BASE_URL']}/coordinatie/mail/{row.id}\n" if row.calendar else "")
        print(
            f"\n{rule}\nMail #{row.id} to {row.recipient}\nSubject: {row.subject}\n{invite}\n{row.text_body}\n{rule}",
            file=sys.stdout,
            flush=True,
        )
        mark_sent([row.id], report)
