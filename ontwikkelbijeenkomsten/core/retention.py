"""Retention periods (bewaartermijnen): how long each kind of personal data is kept.

Each kind has a default, and a legal floor and ceiling that no setting can pass, so nobody can
set "forever" (or "never"). Coordinators choose a value within those bounds; it is stored in
`retention_settings`, and a kind without a row keeps its default. Every layer reads the periods in
force here: the purge (privacy/), the privacy page and the processing register, and any page that
tells a person until when their data is kept (`expires_at`).
"""
from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import audit
from .extensions import db
from .models import RetentionSetting
from .rules import RuleViolation


class RetentionKind(enum.Enum):
    REGISTRATIONS = "registrations"
    NEEDS = "needs"
    EVALUATION_TEXT = "evaluation_text"
    REQUEST_CONTACTS = "request_contacts"
    MAIL_BODIES = "mail_bodies"
    AUDIT = "audit"
    ACCOUNTS = "accounts"


@dataclass(frozen=True)
class RetentionRule:
    kind: RetentionKind
    default: int  # months
    floor: int
    ceiling: int
    label: str  # what is kept
    starts: str  # the moment the period counts from
    then: str  # what happens when it ends


RULES: dict[RetentionKind, RetentionRule] = {rule.kind: rule for rule in (
    RetentionRule(RetentionKind.REGISTRATIONS, 12, 3, 36, _l("Registrations and attendance"),
                  _l("after the session"),
                  _l("Name, e-mail address, organisation, function and register number are deleted. "
                     "Sector, attendance and the session stay as anonymous numbers.")),
    RetentionRule(RetentionKind.NEEDS, 1, 0, 3, _l("Needs (diet, accessibility)"),
                  _l("after the session"), _l("The needs are deleted.")),
    RetentionRule(RetentionKind.EVALUATION_TEXT, 12, 1, 36, _l("Evaluation answers"),
                  _l("after the answer"),
                  _l("The written answers are deleted. The scores stay, without the person.")),
    RetentionRule(RetentionKind.REQUEST_CONTACTS, 24, 6, 60, _l("Contact person of a request"),
                  _l("after the request is closed"),
                  _l("Name, e-mail address, telephone number and function of the contact person are "
                     "deleted. The request stays, with its region, dagdelen and themes.")),
    RetentionRule(RetentionKind.MAIL_BODIES, 3, 1, 12, _l("Sent e-mails"),
                  _l("after sending"),
                  _l("The text of the e-mail is deleted and the address is masked. That an e-mail was "
                     "sent, and when, stays.")),
    RetentionRule(RetentionKind.AUDIT, 24, 12, 84, _l("Log of changes"),
                  _l("after the change"),
                  _l("Who made the change and the details are masked. What changed, and when, stays.")),
    RetentionRule(RetentionKind.ACCOUNTS, 12, 1, 36, _l("Closed accounts of coordinators and experts"),
                  _l("after the account is closed"),
                  _l("Name, e-mail address, profile, availability and password are deleted. The sessions the "
                     "expert led stay, under \"Erased expert\".")),
)}


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` moved by whole calendar months (negative: back); the 31st becomes the month's last day."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_in_force() -> dict[RetentionKind, int]:
    """The period of every kind, in months: the coordinators' setting, else the default."""
    stored = dict(db.session.execute(select(RetentionSetting.kind, RetentionSetting.months)).all())
    return {kind: _bounded(rule, stored.get(kind.value, rule.default)) for kind, rule in RULES.items()}


def months(kind: RetentionKind) -> int:
    row = _setting(kind)
    rule = RULES[kind]
    return _bounded(rule, row.months if row else rule.default)


def _setting(kind: RetentionKind) -> RetentionSetting | None:
    return db.session.scalar(select(RetentionSetting).where(RetentionSetting.kind == kind.value))


def _bounded(rule: RetentionRule, value: int) -> int:
    return min(max(value, rule.floor), rule.ceiling)


def expires_at(kind: RetentionKind, moment: datetime) -> datetime:
    """When data of `kind` whose period starts at `moment` (e.g. the end of the session) is deleted."""
    return add_months(moment, months(kind))


def cutoff(kind: RetentionKind, now: datetime, in_force: dict[RetentionKind, int] | None = None) -> datetime:
    """Data of `kind` whose period started before this moment has expired at `now`."""
    return add_months(now, -(in_force or months_in_force())[kind])


def set_months(values: dict[RetentionKind, int], *, actor) -> list[RetentionKind]:
    """Store the coordinators' periods (every value checked against its floor and ceiling first);
    audits each change. Returns the kinds that changed."""
    problems = [
        RuleViolation(kind.value, _l("Choose between %(floor)d and %(ceiling)d months.",
                                     floor=RULES[kind].floor, ceiling=RULES[kind].ceiling))
        for kind, value in values.items() if not RULES[kind].floor <= value <= RULES[kind].ceiling
    ]
    RuleViolation.raise_if(problems)
    before = months_in_force()
    changed = [kind for kind, value in values.items() if value != before[kind]]
    for kind in changed:
        row = _setting(kind) or RetentionSetting(kind=kind.value)
        row.months = values[kind]
        row.updated_by_id = actor.id
        db.session.add(row)
        db.session.flush()
        audit.record("retention.changed", row, actor=actor, kind=kind.value,
                     before=before[kind], after=values[kind])
    return changed
