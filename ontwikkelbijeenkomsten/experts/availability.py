"""An expert's availability per (date, dagdeel): the month view, changes, and the coordinators' grid.

A slot is *booked* when an active assignment (assigned or accepted) of the expert exists for it
in a session that is not cancelled. Booked slots and days before today are never changed here.
Slots are added with INSERT … ON CONFLICT DO NOTHING, so a rule is idempotent and two clicks at
the same moment do not trip over the unique (expert, date, dagdeel) constraint.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from ..accounts.models import Role, User
from ..core import audit
from ..core.rules import RuleViolation
from ..core.time import Dagdeel, today_local
from ..core.extensions import db
from ..meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Meeting,
    MeetingExpert,
    MeetingState,
)
from .models import Availability, ExpertProfile, expert_regions, expert_themes

MAX_RANGE_DAYS = 366  # a rule or a block covers at most a (leap) year
MAX_GRID_DAYS = 92  # the coordinators' grid shows at most about three months
HEAT_LEVELS = 4  # shades of the grid for a non-empty cell: 1 (few experts) to 4 (most)


# ---- what is booked ----------------------------------------------------------------------------
def live_assignment():
    """An assignment that holds its slot: active, in a session that is not cancelled."""
    return and_(
        MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES),
        Meeting.id == MeetingExpert.meeting_id,
        Meeting.state != MeetingState.CANCELLED,
    )


def slot_is_booked():
    """EXISTS clause: the Availability row of the enclosing statement is booked."""
    return exists().where(
        MeetingExpert.expert_id == Availability.expert_id,
        MeetingExpert.date == Availability.date,
        MeetingExpert.dagdeel == Availability.dagdeel,
        live_assignment(),
    )


@dataclass(frozen=True)
class Booking:
    """The assignment that holds a slot, and its session's title."""

    assignment_id: int
    title: str


def _bookings(expert_id: int, start: date, end: date) -> dict[tuple[date, Dagdeel], Booking]:
    rows = db.session.execute(
        select(MeetingExpert.date, MeetingExpert.dagdeel, MeetingExpert.id, Meeting.title)
        .where(MeetingExpert.expert_id == expert_id, MeetingExpert.date.between(start, end), live_assignment())
    )
    return {(day, dagdeel): Booking(assignment_id, title) for day, dagdeel, assignment_id, title in rows}


# ---- the month view ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    day: date
    dagdeel: Dagdeel
    available: bool
    booking: Booking | None
    past: bool

    @property
    def editable(self) -> bool:
        return not self.past and self.booking is None


@dataclass(frozen=True)
class Day:
    day: date
    past: bool
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class MonthView:
    first: date
    weeks: list[list[Day | None]]  # Monday to Sunday; None for days of the months around it
    previous: date  # first day of the month before
    next: date  # first day of the month after


def month(expert: User, year: int, month_number: int) -> MonthView:
    """The expert's month in two queries: the available slots and the booked ones."""
    first = date(year, month_number, 1)
    last = date(year, month_number, calendar.monthrange(year, month_number)[1])
    available = set(db.session.execute(
        select(Availability.date, Availability.dagdeel)
        .where(Availability.expert_id == expert.id, Availability.date.between(first, last))
    ).tuples())
    booked = _bookings(expert.id, first, last)
    today = today_local()

    def day_view(day: date) -> Day | None:
        if day.month != month_number:
            return None
        past = day < today
        return Day(day, past, tuple(
            Slot(day, dagdeel, (day, dagdeel) in available, booked.get((day, dagdeel)), past)
            for dagdeel in Dagdeel
        ))

    weeks = [[day_view(day) for day in week] for week in calendar.Calendar().monthdatescalendar(year, month_number)]
    return MonthView(first, weeks, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1))


# ---- changes -----------------------------------------------------------------------------------
def _insert():
    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert


def _add_slots(expert_id: int, slots: list[tuple[date, Dagdeel]]) -> int:
    """Insert the slots that are missing; returns how many were new."""
    if not slots:
        return 0
    inserted = db.session.scalars(
        _insert()(Availability)
        .values([{"expert_id": expert_id, "date": day, "dagdeel": dagdeel} for day, dagdeel in slots])
        .on_conflict_do_nothing(index_elements=["expert_id", "date", "dagdeel"])
        .returning(Availability.id)  # only the new rows: rowcount is not reliable here on PostgreSQL
    )
    return len(inserted.all())


def toggle(expert: User, day: date, dagdeel: Dagdeel, actor: User, *, available: bool | None = None) -> bool:
    """Make one slot available or not; `available` None flips it. Returns the new state.

    Giving the wanted state makes a repeated click harmless: the second one changes nothing.
    """
    if day < today_local():
        raise RuleViolation("day", _l("This day has passed. Past days cannot be changed."))
    if _bookings(expert.id, day, day).get((day, dagdeel)):
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
    db.session.commit()
    return available


def first_open_day(start: date) -> date:
    """Rules and blocks start today at the earliest: days before today are skipped."""
    return max(start, today_local())


def _check_span(start: date, end: date, max_days: int, too_long) -> None:
    if end < start:
        raise RuleViolation("end", _l("The last day must be on or after the first day."))
    if (end - start).days + 1 > max_days:
        raise RuleViolation("end", too_long)


def open_range(start: date, end: date) -> date:
    """Check a range for a rule or a block; returns the first day it may change.

    Forms call it too, so that a person sees a problem with the range together with the others.
    """
    _check_span(start, end, MAX_RANGE_DAYS, _l("Choose a period of at most a year (366 days)."))
    if end < today_local():
        raise RuleViolation("end", _l("This period has passed. Choose a last day from today on."))
    return first_open_day(start)


def check_grid_range(start: date, end: date) -> None:
    _check_span(start, end, MAX_GRID_DAYS, _l("Choose a period of at most 92 days."))


def apply_rule(
    expert: User, start: date, end: date, weekdays: set[int], dagdelen: set[Dagdeel], actor: User
) -> int:
    """Make the expert available in `dagdelen` on `weekdays` (0 = Monday) from `start` to `end`.

    Days before today are skipped, booked slots left alone. Returns how many slots were added.
    """
    if not weekdays or not weekdays <= set(range(7)):
        raise RuleViolation("weekdays", _l("Choose at least one day of the week."))
    if not dagdelen:
        raise RuleViolation("dagdelen", _l("Choose at least one dagdeel."))
    first = open_range(start, end)
    booked = _bookings(expert.id, first, end)
    slots = [
        (day, dagdeel)
        for day in (first + timedelta(days=n) for n in range((end - first).days + 1))
        if day.weekday() in weekdays
        for dagdeel in Dagdeel
        if dagdeel in dagdelen and (day, dagdeel) not in booked
    ]
    added = _add_slots(expert.id, slots)
    audit.record(
        "availability.rule", expert, actor=actor, start=first.isoformat(), end=end.isoformat(),
        weekdays=sorted(weekdays), dagdelen=[d.value for d in Dagdeel if d in dagdelen], added=added,
    )
    db.session.commit()
    return added


def block(expert: User, start: date, end: date, actor: User) -> tuple[int, int]:
    """Remove every free slot from `start` to `end` (a holiday). Returns (removed, booked slots kept)."""
    first = open_range(start, end)
    removed = db.session.execute(
        delete(Availability)
        .where(Availability.expert_id == expert.id, Availability.date.between(first, end), ~slot_is_booked())
        .execution_options(synchronize_session=False)
    ).rowcount
    kept = len(_bookings(expert.id, first, end))
    audit.record(
        "availability.block", expert, actor=actor, start=first.isoformat(), end=end.isoformat(),
        removed=removed, kept_booked=kept,
    )
    db.session.commit()
    return removed, kept


# ---- the coordinators' grid --------------------------------------------------------------------
@dataclass(frozen=True)
class GridCell:
    day: date
    dagdeel: Dagdeel
    experts: tuple[tuple[int, str], ...]  # (user id, name), by name
    level: int  # 0 for nobody, else 1..HEAT_LEVELS relative to the fullest cell

    @property
    def count(self) -> int:
        return len(self.experts)


@dataclass(frozen=True)
class GridRow:
    day: date
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class Grid:
    start: date
    end: date
    rows: list[GridRow]

    @property
    def filled(self) -> list[GridCell]:
        return [cell for row in self.rows for cell in row.cells if cell.count]


def grid(start: date, end: date, theme_id: int | None = None, region_id: int | None = None) -> Grid:
    """Per (date, dagdeel): the active experts who are available and not booked, in one query.

    `theme_id` keeps the experts with that theme; `region_id` those who serve that region or
    all regions.
    """
    check_grid_range(start, end)
    query = (
        select(Availability.date, Availability.dagdeel, User.id, User.name)
        .join(User, User.id == Availability.expert_id)
        .where(User.active, User.role == Role.EXPERT, Availability.date.between(start, end), ~slot_is_booked())
        .order_by(User.name, User.id)
    )
    if theme_id is not None:
        query = query.where(exists().where(expert_themes.c.expert_id == User.id, expert_themes.c.theme_id == theme_id))
    if region_id is not None:
        query = query.where(or_(
            exists().where(ExpertProfile.user_id == User.id, ExpertProfile.serves_all_regions),
            exists().where(expert_regions.c.expert_id == User.id, expert_regions.c.region_id == region_id),
        ))
    found: dict[tuple[date, Dagdeel], list[tuple[int, str]]] = {}
    for day, dagdeel, user_id, name in db.session.execute(query):
        found.setdefault((day, dagdeel), []).append((user_id, name))
    most = max((len(names) for names in found.values()), default=0)

    def cell(day: date, dagdeel: Dagdeel) -> GridCell:
        names = tuple(found.get((day, dagdeel), ()))
        level = -(-len(names) * HEAT_LEVELS // most) if names else 0  # ceiling division
        return GridCell(day, dagdeel, names, level)

    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return Grid(start, end, [GridRow(day, tuple(cell(day, d) for d in Dagdeel)) for day in days])
