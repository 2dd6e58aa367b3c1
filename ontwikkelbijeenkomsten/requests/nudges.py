"""Nudges: one friendly mail per period to a region that still has dagdelen left, at a moment
before the period ends that the coordinators choose (by default three months before its last
day), with a link to the request form with the region filled in.

The contact is the one of the region's last request (any state) in that period or earlier; a
region without one gets nothing, and a region whose request in the period still waits for a
decision gets it only after the decision. `send_due` is the worker's `nudges` job: a constant number of
statements per run, and the unique constraint on (period, region) of `sent_nudges`, written in
the same transaction as the mails, sends each region at most one nudge per period, also when
two runs overlap.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..accounts.models import User
from ..core import audit
from ..core.db import insert_on_conflict
from ..core.extensions import db
from ..core.rules import RuleViolation
from ..core.time import today_local
from ..core.urls import absolute_url
from ..mail import services as mail
from ..regions import quota
from ..regions.models import ProgrammePeriod, Region
from ..regions.services import current_period
from .models import NudgeSetting, Request, RequestState, SentNudge

UNITS = ("weeks", "months", "date")
#: How far before the end a nudge may be planned, per unit.
MAX_AMOUNT = {"weeks": 52, "months": 12}
DEFAULT_UNIT, DEFAULT_AMOUNT = "months", 3


@dataclass(frozen=True)
class Plan:
    """A period's nudge setting, and the day the nudges go out."""

    enabled: bool
    unit: str
    amount: int | None
    send_on: date | None
    planned_on: date


def months_before(day: date, months: int) -> date:
    """`day` minus `months` calendar months, on the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def planned_on(period: ProgrammePeriod, unit: str, amount: int | None, send_on: date | None) -> date:
    """The day the nudges go out: never before the period begins."""
    if unit == "date":
        day = send_on
    elif unit == "weeks":
        day = period.ends_on - timedelta(weeks=amount)
    else:
        day = months_before(period.ends_on, amount)
    return max(day, period.starts_on)


def plan(period: ProgrammePeriod) -> Plan:
    setting = db.session.get(NudgeSetting, period.id)
    if setting is None:
        return Plan(True, DEFAULT_UNIT, DEFAULT_AMOUNT, None,
                    planned_on(period, DEFAULT_UNIT, DEFAULT_AMOUNT, None))
    return Plan(setting.enabled, setting.unit, setting.amount, setting.send_on,
                planned_on(period, setting.unit, setting.amount, setting.send_on))


def change_plan(period: ProgrammePeriod, enabled: bool, unit: str, amount: int | None,
                send_on: date | None, actor: User) -> bool:
    """Turn the period's nudges on or off and set their moment; audited. False: nothing changed."""
    amount, send_on = _check_moment(period, unit, amount, send_on)
    before = plan(period)
    after = (enabled, unit, amount, send_on)
    if (before.enabled, before.unit, before.amount, before.send_on) == after:
        return False
    setting = db.session.get(NudgeSetting, period.id) or NudgeSetting(period_id=period.id)
    setting.enabled, setting.unit, setting.amount, setting.send_on = after
    db.session.add(setting)
    audit.record(
        "period.nudges_changed", period, actor=actor,
        enabled=[before.enabled, enabled], unit=[before.unit, unit], amount=[before.amount, amount],
        send_on=[_iso(before.send_on), _iso(send_on)],
    )
    db.session.flush()
    return True


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _check_moment(period: ProgrammePeriod, unit: str, amount: int | None,
                  send_on: date | None) -> tuple[int | None, date | None]:
    if unit not in UNITS:
        raise RuleViolation("unit", _l("Choose when the nudges go out."))
    if unit == "date":
        if send_on is None or not period.starts_on <= send_on <= period.ends_on:
            raise RuleViolation("send_on", _l("Choose a day within the period, from %(start)s to %(end)s.",
                                              start=period.starts_on.isoformat(), end=period.ends_on.isoformat()))
        return None, send_on
    if amount is None or not 1 <= amount <= MAX_AMOUNT[unit]:
        raise RuleViolation("amount", _l("Enter a number from %(min)s to %(max)s.", min=1, max=MAX_AMOUNT[unit]))
    return amount, None


# ---- who is nudged -------------------------------------------------------------------------------
def _contacts(period: ProgrammePeriod):
    """Per region the contact of its last request in `period` or an earlier one whose contact
    was not removed (privacy/)."""
    ranked = (
        select(
            Request.region_id, Request.contact_name, Request.contact_email, Request.locale,
            func.row_number().over(
                partition_by=Request.region_id, order_by=(Request.created_at.desc(), Request.id.desc())
            ).label("rank"),
        )
        .join(ProgrammePeriod, ProgrammePeriod.id == Request.period_id)
        .where(ProgrammePeriod.starts_on <= period.starts_on, Request.anonymised_at.is_(None))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery()


@dataclass(frozen=True)
class NudgeRow:
    region_id: int
    region: str
    remaining: int
    contact_name: str | None
    contact_email: str | None
    locale: str | None
    nudged_at: datetime | None
    nudged: str | None
    awaiting_decision: int | None = None  # a request of the region in the period not yet decided on

    @property
    def due(self) -> bool:
        """A nudge may go: dagdelen left, someone to mail, none sent, and no request waiting
        for a decision (the region has just asked; after the decision it hears what is left)."""
        return self.remaining > 0 and bool(self.contact_email) and self.nudged_at is None \
            and self.awaiting_decision is None


#: A request in these states waits for a coordinator's decision.
UNDECIDED = (RequestState.SUBMITTED, RequestState.IN_REVIEW)


def overview(period: ProgrammePeriod) -> list[NudgeRow]:
    """Active regions with dagdelen left or a nudge sent in `period`, by name, in one query."""
    status = quota.status_select(period).where(Region.active).subquery()
    contact = _contacts(period)
    remaining = status.c.quota - status.c.granted
    undecided = (select(func.min(Request.id)).where(Request.region_id == status.c.id, Request.period_id == period.id,
                                                    Request.state.in_(UNDECIDED))
                 .correlate(status).scalar_subquery())
    rows = db.session.execute(
        select(status.c.id, status.c.name, remaining, contact.c.contact_name, contact.c.contact_email,
               contact.c.locale, SentNudge.sent_at, SentNudge.recipient, undecided)
        .outerjoin(contact, contact.c.region_id == status.c.id)
        .outerjoin(SentNudge, and_(SentNudge.region_id == status.c.id, SentNudge.period_id == period.id))
        .where((remaining > 0) | SentNudge.id.is_not(None))
        .order_by(status.c.name, status.c.id)
    )
    return [NudgeRow(*row) for row in rows]


def send_due(today: date | None = None) -> int:
    """Mail the nudges that are due today; how many went out."""
    today = today or today_local()
    period = current_period(today)
    if period is None:
        return 0
    current = plan(period)
    if not current.enabled or today < current.planned_on:
        return 0
    due = [row for row in overview(period) if row.due]
    if not due:
        return 0
    claimed = set(db.session.scalars(
        insert_on_conflict(db.session, SentNudge)
        .values([dict(period_id=period.id, region_id=row.region_id, recipient=row.contact_email,
                      remaining=row.remaining) for row in due])
        .on_conflict_do_nothing(index_elements=["period_id", "region_id"])
        .returning(SentNudge.region_id)
    ))
    mail.enqueue_all([_mail(period, row) for row in due if row.region_id in claimed])
    db.session.flush()
    return len(claimed)


def _mail(period: ProgrammePeriod, row: NudgeRow):
    return mail.build(
        row.contact_email, "nudge", _l("Your region can still request dagdelen"), "requests/nudge",
        locale=row.locale or "nl", row=row, period=period,
        link=absolute_url("requests.new", regio=row.region_id),
    )


def run() -> int:
    """The periodic job: how many nudges went out."""
    return send_due()
