"""An expert's own availability per (date, dagdeel): changing one slot, rules and blocks.

A slot is *booked* when a session holds it; which slots that are, the meetings layer answers
(`signals.booked_slots`). Booked slots, days before today and today's dagdelen that are over
are never changed here. Slots are added with INSERT … ON CONFLICT DO NOTHING, so a rule is
idempotent and two clicks at the same moment do not trip over the unique (expert, date,
dagdeel) constraint.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..accounts.models import User
from ..core import audit
from ..core.db import insert_on_conflict, utcnow
from ..core.extensions import db
from ..core.rules import RuleViolation
from ..core.time import Dagdeel, today_local
from . import signals
from .models import Availability

MAX_RANGE_DAYS = 366  # a rule or a block covers at most a (leap) year


def booked(expert_id: int, start: date, end: date) -> set[tuple[date, Dagdeel]]:
    """The (date, dagdeel) slots from `start` to `end` that a session holds."""
    return set().union(*(slots for _receiver, slots in signals.booked_slots.send(expert_id, start=start, end=end)))


def ended_dagdelen(today: date) -> set[Dagdeel]:
    """Today's dagdelen that are over (Europe/Amsterdam): like past days, they no longer change."""
    now = utcnow()
    return {dagdeel for dagdeel in Dagdeel if dagdeel.bounds(today)[1] <= now}


def ended_slots(first: date) -> set[tuple[date, Dagdeel]]:
    """The slots from `first` on that are over: today's `ended_dagdelen`, when `first` is today."""
    today = today_local()
    return {(today, dagdeel) for dagdeel in ended_dagdelen(today)} if first <= today else set()


# ---- changes -----------------------------------------------------------------------------------
def _add_slots(expert_id: int, slots: list[tuple[date, Dagdeel]]) -> int:
    """Insert the slots that are missing; returns how many were new."""
    if not slots:
        return 0
    inserted = db.session.scalars(
        insert_on_conflict(db.session, Availability)
        .values([{"expert_id": expert_id, "date": day, "dagdeel": dagdeel} for day, dagdeel in slots])
        .on_conflict_do_nothing(index_elements=["expert_id", "date", "dagdeel"])
        .returning(Availability.id)  # only the new rows: rowcount is not reliable here on PostgreSQL
    )
    return len(inserted.all())


def toggle(expert: User, day: date, dagdeel: Dagdeel, actor: User, *, available: bool | None = None) -> bool:
    """Make one slot available or not; `available` None flips it. Returns the new state.

    Giving the wanted state makes a repeated click harmless: the second one changes nothing.
    """
    today = today_local()
    if day < today:
        raise RuleViolation("day", _l("This day has passed. Past days cannot be changed."))
    if (day, dagdeel) in ended_slots(day):
        raise RuleViolation("day", _l("This dagdeel has passed. Past dagdelen cannot be changed."))
    if (day, dagdeel) in booked(expert.id, day, day):
        raise RuleViolation("day", _l("This dagdeel is booked for a session and cannot be changed here."))
    this_slot = (Availability.expert_id == expert.id, Availability.date == day, Availability.dagdeel == dagdeel)
    if available is None:
        available = db.session.scalar(select(Availability.id).where(*this_slot)) is None
    if available:
        changed = _add_slots(expert.id, [(day, dagdeel)])
    else:
        changed = db.session.execute(delete(Availability).where(*this_slot)).rowcount
    if changed:
        action = "availability.add" if available else "availability.remove"
        audit.record(action, expert, actor=actor, date=day.isoformat(), dagdeel=dagdeel.value)
    return available


def first_open_day(start: date) -> date:
    """Rules and blocks start today at the earliest: days before today are skipped."""
    return max(start, today_local())


def skipped(start: date, weekdays: set[int] | None = None,
            dagdelen: set[Dagdeel] | None = None) -> tuple[bool, bool]:
    """What a rule or block from `start` (on `weekdays`, in `dagdelen`; None: all) left alone
    because it is over: (days before today, today's dagdelen that are over)."""
    today = today_local()
    covers_today = start <= today and (weekdays is None or today.weekday() in weekdays)
    ended = ended_dagdelen(today) if covers_today else set()
    return start < today, bool(ended if dagdelen is None else ended & dagdelen)


def check_span(start: date, end: date, max_days: int, too_long) -> None:
    """`end` on or after `start`, and at most `max_days` days in all (else `too_long`)."""
    if end < start:
        raise RuleViolation("end", _l("The last day must be on or after the first day."))
    if (end - start).days + 1 > max_days:
        raise RuleViolation("end", too_long)


def open_range(start: date, end: date) -> date:
    """Check a range for a rule or a block; returns the first day it may change.

    Forms call it too, so that a person sees a problem with the range together with the others.
    """
    check_span(start, end, MAX_RANGE_DAYS, _l("Choose a period of at most a year (366 days)."))
    if end < today_local():
        raise RuleViolation("end", _l("This period has passed. Choose a last day from today on."))
    return first_open_day(start)


def apply_rule(
    expert: User, start: date, end: date, weekdays: set[int], dagdelen: set[Dagdeel], actor: User
) -> int:
    """Make the expert available in `dagdelen` on `weekdays` (0 = Monday) from `start` to `end`.

    Days before today and today's dagdelen that are over are skipped, booked slots left alone.
    Returns how many slots were added.
    """
    problems = []
    if not weekdays or not weekdays <= set(range(7)):
        problems.append(RuleViolation("weekdays", _l("Choose at least one day of the week.")))
    if not dagdelen:
        problems.append(RuleViolation("dagdelen", _l("Choose at least one dagdeel.")))
    try:
        first = open_range(start, end)
    except RuleViolation as exc:
        problems.extend(exc.problems)
    RuleViolation.raise_if(problems)
    held = booked(expert.id, first, end) | ended_slots(first)
    slots = [
        (day, dagdeel)
        for day in (first + timedelta(days=n) for n in range((end - first).days + 1))
        if day.weekday() in weekdays
        for dagdeel in Dagdeel
        if dagdeel in dagdelen and (day, dagdeel) not in held
    ]
    added = _add_slots(expert.id, slots)
    audit.record(
        "availability.rule", expert, actor=actor, start=first.isoformat(), end=end.isoformat(),
        weekdays=sorted(weekdays), dagdelen=[d.value for d in Dagdeel if d in dagdelen], added=added,
    )
    return added


def block(expert: User, start: date, end: date, actor: User) -> tuple[int, int]:
    """Remove every free slot from `start` to `end` (a holiday), from today's dagdelen that are
    not over on. Returns (removed, booked slots kept)."""
    first = open_range(start, end)
    held, over = booked(expert.id, first, end), ended_slots(first)
    free = [
        slot_id for slot_id, day, dagdeel in db.session.execute(
            select(Availability.id, Availability.date, Availability.dagdeel)
            .where(Availability.expert_id == expert.id, Availability.date.between(first, end))
        )
        if (day, dagdeel) not in held and (day, dagdeel) not in over
    ]
    removed = db.session.execute(
        delete(Availability).where(Availability.id.in_(free)).execution_options(synchronize_session=False)
    ).rowcount if free else 0
    kept = len(held)
    audit.record(
        "availability.block", expert, actor=actor, start=first.isoformat(), end=end.isoformat(),
        removed=removed, kept_booked=kept,
    )
    return removed, kept
