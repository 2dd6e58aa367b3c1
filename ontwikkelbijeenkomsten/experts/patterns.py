"""Weekly patterns: the same dagdelen every week until a date, saved through the availability
rule (`availability.apply_rule`, with its checks: past days and today's dagdelen that are over
skipped, booked slots left alone).

Removing a pattern takes back its dagdelen from today on, except booked ones, those another
of the expert's patterns still covers and those the expert had made available by hand before
the pattern was saved; days before today and today's dagdelen that are over stay as they were.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from ..accounts.models import User
from ..core import audit
from ..core.extensions import db
from ..core.time import Dagdeel, today_local
from . import availability
from .models import Availability, WeeklyPattern


def add(expert: User, start: date, end: date, weekdays: set[int], dagdelen: set[Dagdeel],
        actor: User) -> tuple[WeeklyPattern, int]:
    """Save the pattern and make its slots available; returns it and how many slots were new.

    The slots in its weeks that the expert had already made available by hand (and no other
    pattern covers) are noted as `kept`: removing the pattern leaves them."""
    others = current(expert.id)
    by_hand = sorted(
        _kept_key(day, dagdeel) for day, dagdeel in db.session.execute(
            select(Availability.date, Availability.dagdeel)
            .where(Availability.expert_id == expert.id, Availability.date.between(start, end)))
        if day.weekday() in weekdays and dagdeel in dagdelen
        and not any(other.covers(day, dagdeel) for other in others)
    )
    added = availability.apply_rule(expert, start, end, weekdays, dagdelen, actor)
    pattern = WeeklyPattern(expert_id=expert.id, weekdays=sorted(weekdays),
                            dagdelen=[d.value for d in Dagdeel if d in dagdelen],
                            starts_on=availability.first_open_day(start), ends_on=end, kept=by_hand)
    db.session.add(pattern)
    db.session.flush()
    return pattern, added


def current(expert_id: int) -> list[WeeklyPattern]:
    """The expert's patterns that have not ended, first starting first."""
    return list(db.session.scalars(
        select(WeeklyPattern).where(WeeklyPattern.expert_id == expert_id, WeeklyPattern.ends_on >= today_local())
        .order_by(WeeklyPattern.starts_on, WeeklyPattern.id)))


def find(expert_id: int, pattern_id: int) -> WeeklyPattern | None:
    """The expert's pattern with this id; None for another expert's or an unknown one."""
    return db.session.scalar(select(WeeklyPattern).where(
        WeeklyPattern.id == pattern_id, WeeklyPattern.expert_id == expert_id))


def _kept_key(day: date, dagdeel: Dagdeel) -> str:
    """How a slot the expert had set by hand is noted in `WeeklyPattern.kept` ('2027-01-12.ochtend')."""
    return f"{day.isoformat()}.{dagdeel.value}"


def _slots(pattern: WeeklyPattern, first: date) -> set[tuple[date, Dagdeel]]:
    days = (first + timedelta(days=n) for n in range((pattern.ends_on - first).days + 1))
    return {(day, Dagdeel(value)) for day in days if day.weekday() in pattern.weekdays
            for value in pattern.dagdelen}


def remove(expert: User, pattern: WeeklyPattern, actor: User) -> tuple[int, int]:
    """Delete the pattern and its free dagdelen from today on. Returns (removed, booked kept)."""
    first = availability.first_open_day(pattern.starts_on)
    mine = _slots(pattern, first) - availability.ended_slots(first) if first <= pattern.ends_on else set()
    held = availability.booked(expert.id, first, pattern.ends_on) & mine if mine else set()
    others = [p for p in current(expert.id) if p.id != pattern.id]
    by_hand = set(pattern.kept or ())
    free = [
        slot_id for slot_id, day, dagdeel in db.session.execute(
            select(Availability.id, Availability.date, Availability.dagdeel)
            .where(Availability.expert_id == expert.id, Availability.date.between(first, pattern.ends_on)))
        if (day, dagdeel) in mine and (day, dagdeel) not in held
        and _kept_key(day, dagdeel) not in by_hand
        and not any(other.covers(day, dagdeel) for other in others)
    ]
    removed = db.session.execute(
        delete(Availability).where(Availability.id.in_(free)).execution_options(synchronize_session=False)
    ).rowcount if free else 0
    audit.record("availability.pattern_removed", expert, actor=actor, weekdays=pattern.weekdays,
                 dagdelen=pattern.dagdelen, start=pattern.starts_on.isoformat(), end=pattern.ends_on.isoformat(),
                 removed=removed, kept_booked=len(held))
    db.session.delete(pattern)
    db.session.flush()
    return removed, len(held)
