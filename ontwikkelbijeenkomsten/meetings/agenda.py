"""The public agenda: upcoming open trainings, filtered by theme, region and month.

A training is listed by its lead (the first part of a series) while it is not cancelled and
the first of its parts that takes place still lies in the future; regional sessions are never
listed. A training without a region is national or online and shows under every region. A
page runs the same few queries however many trainings there are.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..core.db import utcnow
from ..core.extensions import db
from ..core.time import today_local
from ..regions.models import Region
from . import sector_places, services
from .models import Meeting, MeetingKind, MeetingState, meeting_themes

MONTHS_AHEAD = 24  # the months one can choose: this one and the next 23


@dataclass(frozen=True)
class Filters:
    theme_id: int | None = None
    region_id: int | None = None
    month: date | None = None  # the first day of the month


@dataclass(frozen=True)
class Item:
    """One training: its lead, the parts that take place (time order) and its places."""

    lead: Meeting
    parts: list[Meeting]
    places_left: int | None  # None: no limit
    full: bool
    held_left: int = 0  # of `places_left`, those still held for a sector (read from the lead's row)
    closed: object = None  # why registering is not possible now (not yet open, or closed), else None

    @property
    def waiting_list(self) -> bool:
        return self.full and self.lead.waiting_list_enabled

    @property
    def month(self) -> date:
        """The month of its first part, to group the list by."""
        return first_of_month(self.parts[0].date)


@dataclass(frozen=True)
class Day:
    day: date
    past: bool
    entries: list[tuple[Item, Meeting]]  # the parts on this day, with their training


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day | None]]  # Monday to Sunday; None for days of the months around it
    previous: date | None  # first day of the month before, when it can be shown
    next: date | None


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def choosable_months(today: date | None = None) -> list[date]:
    start = first_of_month(today or today_local())
    return [_add_months(start, n) for n in range(MONTHS_AHEAD)]


def region_choices() -> list[tuple[int, str]]:
    """(id, name) of the active regions, by name: the agenda's region filter."""
    return list(db.session.execute(
        select(Region.id, Region.name).where(Region.active).order_by(Region.name, Region.id)).tuples())


def trainings(filters: Filters, now: datetime | None = None) -> list[Item]:
    """The upcoming open trainings that match, by their first part; four queries."""
    part = aliased(Meeting)
    own_parts = or_(part.id == Meeting.id, part.series_id == Meeting.id)
    takes_place = part.state != MeetingState.CANCELLED
    first_start = select(func.min(part.starts_at)).where(own_parts, takes_place).scalar_subquery()
    query = (
        select(Meeting)
        .where(Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None),
               first_start > (now or utcnow()))  # a cancelled first part leaves the series listed
        .order_by(first_start, Meeting.id)
        .options(selectinload(Meeting.parts), selectinload(Meeting.themes), selectinload(Meeting.region))
    )
    if filters.theme_id is not None:
        query = query.where(exists().where(meeting_themes.c.meeting_id == Meeting.id,
                                           meeting_themes.c.theme_id == filters.theme_id))
    if filters.region_id is not None:
        query = query.where(or_(Meeting.region_id.is_(None), Meeting.region_id == filters.region_id))
    if filters.month is not None:
        last = _add_months(filters.month, 1) - timedelta(days=1)
        query = query.where(exists().where(own_parts, takes_place, part.date.between(filters.month, last)))
    return [_item(lead, now) for lead in db.session.scalars(query)]


def _item(lead: Meeting, now: datetime | None = None) -> Item:
    parts = [p for p in lead.all_parts if p.state is not MeetingState.CANCELLED]
    left = services.places_left(lead)
    held_left = min(sector_places.unused_held(lead), left) if left else 0
    return Item(lead, parts, left, services.is_full(lead), held_left, services.closed_reason(lead, now))


def month(first: date, items: list[Item], months: list[date]) -> Month:
    """The calendar of one month with every part of `items` on its day; `months` are the
    months that can be shown, for the links to the month before and after."""
    on_day: dict[date, list[tuple[Item, Meeting]]] = {}
    for item in items:
        for part in item.parts:
            on_day.setdefault(part.date, []).append((item, part))
    today = today_local()
    weeks = [
        [Day(day, day < today, sorted(on_day.get(day, []), key=lambda entry: entry[1].starts_at))
         if day.month == first.month else None for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous, following = _add_months(first, -1), _add_months(first, 1)
    return Month(first, weeks, previous if previous in months else None, following if following in months else None)


def month_label(first: date) -> str:
    """'December 2026' in the page's language."""
    return format_date(first, "LLLL y").capitalize()
