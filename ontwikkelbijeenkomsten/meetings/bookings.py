"""Which of the experts' slots a session holds, and the views that show it: an expert's month,
the coordinators' grid of free experts and the experts overview.

A slot is *booked* when an active assignment (assigned or accepted) of the expert exists for it
in a session that is not cancelled. The experts layer asks for booked slots through
`experts.signals.booked_slots`, which `_booked_slots` below answers.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select

from ..accounts.models import Role, User
from ..core.db import utcnow
from ..core.extensions import db
from ..core.time import Dagdeel, today_local
from ..experts import signals
from ..experts.availability import check_span, ended_dagdelen
from ..experts.models import Availability, ExpertProfile, expert_regions, expert_themes
from ..experts.queries import experts_with_profiles
from ..experts.services import ExpertStatus, status
from .models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert, MeetingState

MAX_GRID_DAYS = 92  # the coordinators' grid shows at most about three months
HEAT_LEVELS = 4  # shades of the grid for a non-empty cell: 1 (few experts) to 4 (most)
OVERVIEW_WEEKS = 8  # the experts overview counts free dagdelen this many weeks ahead


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


def bookings(expert_id: int, start: date, end: date) -> dict[tuple[date, Dagdeel], Booking]:
    """The expert's booked slots from `start` to `end` (inclusive), each with its booking."""
    rows = db.session.execute(
        select(MeetingExpert.date, MeetingExpert.dagdeel, MeetingExpert.id, Meeting.title)
        .where(MeetingExpert.expert_id == expert_id, MeetingExpert.date.between(start, end), live_assignment())
    )
    return {(day, dagdeel): Booking(assignment_id, title) for day, dagdeel, assignment_id, title in rows}


@signals.booked_slots.connect
def _booked_slots(expert_id: int, *, start: date, end: date) -> set[tuple[date, Dagdeel]]:
    return set(bookings(expert_id, start, end))


def free_dagdelen(expert_id: int, start: date, end: date) -> list[tuple[date, Dagdeel]]:
    """The expert's available, unbooked dagdelen from `start` to `end` that have not begun, in
    order, in one query: what a coordinator can book them for."""
    now = utcnow()
    slots = db.session.execute(
        select(Availability.date, Availability.dagdeel)
        .where(Availability.expert_id == expert_id, Availability.date.between(start, end), ~slot_is_booked())
    ).tuples()
    order = list(Dagdeel)
    return sorted(((day, dagdeel) for day, dagdeel in slots if dagdeel.bounds(day)[0] > now),
                  key=lambda slot: (slot[0], order.index(slot[1])))


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
    booked = bookings(expert.id, first, last)
    today = today_local()
    ended = ended_dagdelen(today)

    def day_view(day: date) -> Day | None:
        if day.month != month_number:
            return None
        past = day < today
        return Day(day, past, tuple(
            Slot(day, dagdeel, (day, dagdeel) in available, booked.get((day, dagdeel)),
                 past or (day == today and dagdeel in ended))
            for dagdeel in Dagdeel
        ))

    weeks = [[day_view(day) for day in week] for week in calendar.Calendar().monthdatescalendar(year, month_number)]
    return MonthView(first, weeks, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1))


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


def check_grid_range(start: date, end: date) -> None:
    check_span(start, end, MAX_GRID_DAYS, _l("Choose a period of at most 92 days."))


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


# ---- the experts overview ----------------------------------------------------------------------
@dataclass
class ExpertRow:
    expert: User
    profile: ExpertProfile | None
    status: ExpertStatus
    free_slots: int
    upcoming_assignments: int


def overview(today: date, expert_id: int | None = None) -> list[ExpertRow]:
    """Every expert (or one) with their free dagdelen in the next weeks and upcoming assignments,
    in a fixed number of queries."""
    only_slot = [Availability.expert_id == expert_id] if expert_id is not None else []
    only_assignment = [MeetingExpert.expert_id == expert_id] if expert_id is not None else []
    free = dict(db.session.execute(
        select(Availability.expert_id, func.count())
        .where(
            Availability.date >= today,
            Availability.date < today + timedelta(weeks=OVERVIEW_WEEKS),
            ~slot_is_booked(),
            *only_slot,
        )
        .group_by(Availability.expert_id)
    ).all())
    upcoming = dict(db.session.execute(
        select(MeetingExpert.expert_id, func.count())
        .where(MeetingExpert.date >= today, live_assignment(), *only_assignment)
        .group_by(MeetingExpert.expert_id)
    ).all())
    now = utcnow()
    return [
        ExpertRow(user, profile, status(user, now), free.get(user.id, 0), upcoming.get(user.id, 0))
        for user, profile in experts_with_profiles(expert_id)
    ]
