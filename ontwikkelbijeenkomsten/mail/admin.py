"""What coordinators see of the outbox, and putting a mail that did not go out back in the queue.

The worker (`flask mail work` / `mail send-queued`) delivers what is put back; nothing here sends.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import load_only

from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation
from .models import MailState, OutboxMail
from .services import render_pending

#: How many mails each list on the outbox page shows at most.
LISTED = 50

#: A failed mail a coordinator can still do something about: one whose person was removed
#: (erased, or purged after the retention period) has no address and no text left to send.
FAILED_TO_SEND = and_(OutboxMail.state == MailState.FAILED, OutboxMail.anonymised_at.is_(None))

#: Put back in the queue by a coordinator: failed, or waiting for a later attempt after an error.
RESENDABLE = and_(OutboxMail.anonymised_at.is_(None), or_(
    OutboxMail.state == MailState.FAILED,
    and_(OutboxMail.state == MailState.QUEUED, OutboxMail.attempts > 0),
))

#: Why a mail cannot be put back, by its state (a queued one that never failed is still to go).
REFUSALS = {
    MailState.SENT: _l("This mail has already been sent. It is not sent a second time."),
    MailState.SENDING: _l("This mail is being sent right now."),
    MailState.QUEUED: _l("This mail is already in the queue and goes out soon."),
}
ERASED = _l("The personal data in this mail have been deleted, so it cannot be sent again.")

#: The columns the lists show: not the bodies, the invite or the snapshot.
_LISTED_COLUMNS = load_only(
    OutboxMail.recipient, OutboxMail.subject, OutboxMail.kind, OutboxMail.state, OutboxMail.attempts,
    OutboxMail.next_attempt_at, OutboxMail.last_error, OutboxMail.created_at, OutboxMail.sent_at,
    OutboxMail.anonymised_at,
)


@dataclass
class Overview:
    counts: dict[MailState, int]
    retrying_count: int
    failed: list[OutboxMail]
    retrying: list[OutboxMail]
    latest: list[OutboxMail]
    failed_count: int = 0  # failed mails that can be sent again (not those of a removed person)


def overview(state: MailState | None = None, recipient: str | None = None) -> Overview:
    """The number of mails per state, the failed ones, those waiting for another attempt, and
    the latest mails (of `state`, to an address containing `recipient`), newest first."""
    counts = {state_: 0 for state_ in MailState}
    retrying_count = failed_count = 0
    for state_, number, retrying_number, kept_number in db.session.execute(
        select(OutboxMail.state, func.count(), func.count().filter(OutboxMail.attempts > 0),
               func.count().filter(OutboxMail.anonymised_at.is_(None)))
        .group_by(OutboxMail.state)
    ):
        counts[state_] = number
        if state_ is MailState.QUEUED:
            retrying_count = retrying_number
        if state_ is MailState.FAILED:
            failed_count = kept_number

    def listed(*conditions, order=None) -> list[OutboxMail]:
        return list(db.session.scalars(
            select(OutboxMail).options(_LISTED_COLUMNS).where(*conditions)
            .order_by(*(order or [OutboxMail.id.desc()])).limit(LISTED)
        ))

    conditions = []
    if state is not None:
        conditions.append(OutboxMail.state == state)
    if recipient:
        escaped = recipient.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(OutboxMail.recipient.ilike(f"%{escaped}%", escape="\\"))
    return Overview(
        counts=counts,
        retrying_count=retrying_count,
        failed=listed(FAILED_TO_SEND),
        retrying=listed(OutboxMail.state == MailState.QUEUED, OutboxMail.attempts > 0,
                        order=[OutboxMail.next_attempt_at, OutboxMail.id]),
        latest=listed(*conditions),
        failed_count=failed_count,
    )


@dataclass
class Shown:
    """A mail as its page shows it. `rendered_now`: it waits to be rendered at delivery and was
    rendered for this page only; `error` says why that did not work."""

    mail: OutboxMail
    rendered_now: bool = False
    error: str | None = None


def find_mail(mail_id: int) -> OutboxMail | None:
    return db.session.get(OutboxMail, mail_id)


def for_display(mail_id: int) -> Shown | None:
    """The mail with its bodies and invite; one queued to be rendered at delivery is rendered
    now, on a copy outside the session, so that showing it writes nothing."""
    # Every column, even when a list on an earlier page loaded this row with only a few of them:
    # the copy is read after it leaves the session.
    mail = db.session.get(OutboxMail, mail_id, populate_existing=True)
    if mail is None:
        return None
    db.session.expunge(mail)
    shown = Shown(mail, rendered_now=bool(mail.template and not mail.text_body))
    try:
        render_pending([mail])
    except Exception as exc:  # a snapshot that cannot be rendered is why some mails failed
        shown.error = f"{type(exc).__name__}: {exc}"
    return shown


def resendable(mail: OutboxMail) -> bool:
    return mail.anonymised_at is None and (
        mail.state is MailState.FAILED or (mail.state is MailState.QUEUED and mail.attempts > 0))


def resend(mail: OutboxMail, actor) -> None:
    """Put a failed mail (or one waiting for another attempt) back in the queue, due now.

    The row is locked and checked again first: a worker may have taken or sent it meanwhile,
    and a sent mail is never sent twice. Raises RuleViolation("mail", why) otherwise.
    """
    row = lock(find_mail(mail.id))  # `mail` may be a copy the page showed earlier
    if row.anonymised_at is not None:
        raise RuleViolation("mail", ERASED)
    if not resendable(row):
        raise RuleViolation("mail", REFUSALS[row.state])
    _requeue(row, actor)


def resend_failed(actor) -> int:
    """Put every failed mail back in the queue (not those of a removed person); returns how
    many. One locking query takes the rows that are still failed, however many there are."""
    rows = list(db.session.scalars(
        select(OutboxMail).options(load_only(OutboxMail.state, OutboxMail.attempts))
        .where(FAILED_TO_SEND).order_by(OutboxMail.id).with_for_update()
        .execution_options(populate_existing=True)
    ))
    for row in rows:
        _requeue(row, actor)
    return len(rows)


def _requeue(row: OutboxMail, actor) -> None:
    """Due now, with a fresh series of attempts; the last error stays for reference."""
    audit.record("mail.resent", row, actor=actor, from_state=row.state.value,
                 to_state=MailState.QUEUED.value, attempts=row.attempts)
    row.state = MailState.QUEUED
    row.attempts = 0
    row.next_attempt_at = utcnow()
    row.locked_at = None
