"""The purge: what has passed its retention period loses its person (see `anonymise`).

Each rule selects a batch of rows past their period that still hold the person, oldest id first,
and anonymises them. A batch is one unit of work with its own audit event holding only the
counts, so a purge stopped halfway keeps what it did, and the next run goes on from there without
counting a row twice (an anonymised row is no longer selected).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..core.db import utcnow
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.retention import RetentionKind, cutoff, months_in_force
from ..mail.models import MailState, OutboxMail
from ..meetings.models import Evaluation, Meeting, Registration
from ..requests.models import CLOSED_STATES, Request, SentNudge
from . import accounts, anonymise

BATCH = 500


def _ended_before(before: datetime):
    """The sessions (leads of a series) whose last part ended before `before`: one aggregate
    that the database computes once per query, not once per registration."""
    lead = func.coalesce(Meeting.series_id, Meeting.id)
    return Registration.meeting_id.in_(select(lead).group_by(lead).having(func.max(Meeting.ends_at) < before))


@dataclass(frozen=True)
class Rule:
    name: str  # the key in counts, dry runs and audit details
    kind: RetentionKind
    model: type
    due: Callable[[datetime], object]  # the WHERE clause: past `cutoff` and not yet anonymised
    apply: Callable[[object, datetime], None]
    load: tuple = ()  # loader options for what `apply` touches, so a batch is not a query per row


def _clear_needs(row: Registration, _now: datetime) -> None:
    row.needs = ""


def _clear_text(row: Evaluation, _now: datetime) -> None:
    anonymise.evaluation_text(row)


RULES: tuple[Rule, ...] = (
    Rule("needs", RetentionKind.NEEDS, Registration,
         lambda before: (Registration.needs != "") & _ended_before(before), _clear_needs),
    Rule("registrations", RetentionKind.REGISTRATIONS, Registration,
         lambda before: Registration.anonymised_at.is_(None) & _ended_before(before),
         anonymise.registration, (selectinload(Registration.evaluation),)),
    Rule("evaluation_texts", RetentionKind.EVALUATION_TEXT, Evaluation,
         lambda before: or_(Evaluation.went_well != "", Evaluation.to_improve != "") & (Evaluation.created_at < before),
         _clear_text),
    Rule("request_contacts", RetentionKind.REQUEST_CONTACTS, Request,
         lambda before: Request.anonymised_at.is_(None) & Request.state.in_(CLOSED_STATES)
         & (Request.updated_at < before), anonymise.request_contact),
    Rule("nudge_recipients", RetentionKind.REQUEST_CONTACTS, SentNudge,
         lambda before: SentNudge.anonymised_at.is_(None) & (SentNudge.sent_at < before), anonymise.nudge),
    Rule("mails", RetentionKind.MAIL_BODIES, OutboxMail,
         lambda before: OutboxMail.anonymised_at.is_(None) & OutboxMail.state.in_((MailState.SENT, MailState.FAILED))
         & (func.coalesce(OutboxMail.sent_at, OutboxMail.created_at) < before), anonymise.mail),
    Rule("audit_events", RetentionKind.AUDIT, AuditEvent,
         lambda before: AuditEvent.anonymised_at.is_(None) & (AuditEvent.occurred_at < before),
         anonymise.audit_event),
    Rule("accounts", RetentionKind.ACCOUNTS, User,
         lambda before: User.anonymised_at.is_(None) & User.active.is_(False) & (User.deactivated_at < before)
         & ~accounts.upcoming_sessions(User.id), accounts.anonymise),
)


def _cutoffs(now: datetime) -> dict[str, datetime]:
    in_force = months_in_force()
    return {rule.name: cutoff(rule.kind, now, in_force) for rule in RULES}


def pending(now: datetime | None = None) -> dict[str, int]:
    """How many rows each rule would change now (the dry run); changes nothing."""
    before = _cutoffs(now or utcnow())
    return {rule.name: db.session.scalar(select(func.count()).select_from(rule.model).where(rule.due(before[rule.name])))
            for rule in RULES}


def purge_batch(now: datetime | None = None, size: int = BATCH) -> dict[str, int]:
    """Anonymise up to `size` due rows of every rule and audit the counts; flushes, never commits.
    Returns the counts (all zero when nothing was due)."""
    now = now or utcnow()
    before = _cutoffs(now)
    counts = {}
    for rule in RULES:
        rows = db.session.scalars(select(rule.model).where(rule.due(before[rule.name])).options(*rule.load)
                                  .order_by(*rule.model.__mapper__.primary_key).limit(size)).all()
        for row in rows:
            rule.apply(row, now)
        counts[rule.name] = len(rows)
    if any(counts.values()):
        _audit(counts, now)
    db.session.flush()
    return counts


def _audit(counts: dict[str, int], now: datetime) -> None:
    """Only the counts: the audit log must not keep what the purge removed."""
    db.session.add(AuditEvent(occurred_at=now, actor_label="system", action="privacy.purged",
                              subject_type="privacy", subject_id=0, details=dict(counts),
                              anonymised_at=now))


def batches(unit_of_work: Callable[[], object], now: datetime | None = None,
            size: int = BATCH) -> Iterator[dict[str, int]]:
    """Batch after batch, each in its own `unit_of_work()`, until nothing is due; yields each
    batch's counts (for progress). Stopping between two batches keeps what was done."""
    while True:
        with unit_of_work():
            counts = purge_batch(now, size)
        if not any(counts.values()):
            return
        yield counts


def run() -> int:
    """The worker's job: one batch (it runs inside the job's unit of work); how many rows changed."""
    return sum(purge_batch().values())


def total(counts: list[dict[str, int]]) -> dict[str, int]:
    return {rule.name: sum(c.get(rule.name, 0) for c in counts) for rule in RULES}
