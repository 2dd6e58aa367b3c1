"""Places held per sector: a training keeps part of its capacity for onderwijs, jeugdhulp or
gemeente until the release moment, so a joint training does not fill up with one sector.

The rule has two forms that must agree: `room_for(sector)`, a condition on the lead's row for the
conditional UPDATE that takes a place (so the database decides under concurrency), and
`has_room(lead, sector)`, the same in Python for handing freed places to the waiting list under
the lead's lock. While the places are held, a sector may take a place when

    confirmed + 1 + (the unused held places of every other sector) <= capacity

and once they are released (`places_released_at` set, by `services.release_held_places`), when
confirmed + 1 <= capacity. "Anders" holds no places: it is not a group a training is meant for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from babel.lists import format_list
from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, literal, or_

from ..core.i18n import clock, long_date
from ..core.sectors import Sector, sector_label
from .models import Meeting

HOLDING_SECTORS = (Sector.ONDERWIJS, Sector.JEUGDHULP, Sector.GEMEENTE)

#: The release moment when the coordinator sets none: this long before the first part begins.
RELEASE_BEFORE_START = timedelta(days=7)


@dataclass(frozen=True)
class WaitingPosition:
    """Where someone is on the waiting list: `number` 1 is the first. While the training holds
    places for the person's sector, a freed place goes to the first waiting person whose sector
    may take it, so the number counts only the people of that `sector`; otherwise (`sector`
    None) it counts everyone waiting. Shown as "number 2 on the waiting list for youth care"."""

    number: int
    sector: Sector | None = None

    def __str__(self) -> str:
        if self.sector is None:
            return gettext("number %(position)d on the waiting list", position=self.number)
        return gettext("number %(position)d on the waiting list for %(sector)s", position=self.number,
                       sector=sector_label(self.sector).lower())


def held_column(sector: Sector) -> str:
    return f"held_{sector.value}"


def confirmed_column(sector: Sector) -> str:
    return f"confirmed_{sector.value}"


def held(lead: Meeting, sector: Sector) -> int:
    return getattr(lead, held_column(sector)) if sector in HOLDING_SECTORS else 0


def confirmed(lead: Meeting, sector: Sector) -> int:
    """Places this sector has (a sector that holds none is not counted on the row)."""
    return getattr(lead, confirmed_column(sector)) if sector in HOLDING_SECTORS else 0


def holds_places(lead: Meeting) -> bool:
    return any(held(lead, sector) for sector in HOLDING_SECTORS)


def is_holding(lead: Meeting) -> bool:
    """Held places still keep others out: some are held and they have not been released."""
    return holds_places(lead) and lead.places_released_at is None


def release_moment(lead: Meeting, first_start: datetime) -> datetime:
    return lead.places_release_at or first_start - RELEASE_BEFORE_START


def _unused_held(sector: Sector):
    held_col, confirmed_col = getattr(Meeting, held_column(sector)), getattr(Meeting, confirmed_column(sector))
    return case((held_col > confirmed_col, held_col - confirmed_col), else_=0)


@cache
def room_for(sector: Sector):
    """The capacity rule as a condition on the lead's row: a place is free for `sector`. Built
    once per sector (an expression does not change): building it took half a millisecond, on
    every registration."""
    kept_for_others = sum((_unused_held(other) for other in HOLDING_SECTORS if other is not sector), literal(0))
    kept = case((Meeting.places_released_at.is_(None), kept_for_others), else_=0)
    return or_(Meeting.capacity.is_(None), Meeting.confirmed_count + 1 + kept <= Meeting.capacity)


def has_room(lead: Meeting, sector: Sector) -> bool:
    """`room_for` in Python, for a lead whose row is locked."""
    return places_for(lead, sector) != 0


def places_for(lead: Meeting, sector: Sector) -> int | None:
    """Free places `sector` may take now: the free places less those still held for other
    sectors; None when the session has no capacity limit."""
    if lead.capacity is None:
        return None
    kept = 0 if lead.places_released_at is not None else sum(
        max(held(lead, other) - confirmed(lead, other), 0) for other in HOLDING_SECTORS if other is not sector)
    return max(lead.capacity - lead.confirmed_count - kept, 0)


def counted(sector: Sector, step: int) -> dict:
    """The UPDATE values that count one place more (`step` 1) or less (-1) for `sector`."""
    values = {"confirmed_count": Meeting.confirmed_count + step}
    if sector in HOLDING_SECTORS:
        column = confirmed_column(sector)
        values[column] = getattr(Meeting, column) + step
    return values


def count(lead: Meeting, sector: Sector, step: int) -> None:
    """`counted` on a loaded (and locked) lead."""
    lead.confirmed_count += step
    if sector in HOLDING_SECTORS:
        column = confirmed_column(sector)
        setattr(lead, column, getattr(lead, column) + step)


@dataclass(frozen=True)
class SectorPlaces:
    """One sector's held places, as the pages show them."""

    sector: Sector
    held: int
    used: int

    @property
    def left(self) -> int:
        return max(self.held - self.used, 0)


def unused_held(lead: Meeting) -> int:
    """Free places that are still held for a sector (0 once they are released)."""
    return sum(max(held(lead, s) - confirmed(lead, s), 0) for s in HOLDING_SECTORS) if is_holding(lead) else 0


def open_to_all(lead: Meeting) -> int:
    """Free places that no sector holds (a training with capacity)."""
    return max(lead.capacity - lead.confirmed_count - unused_held(lead), 0)


def overview(lead: Meeting) -> list[SectorPlaces]:
    """The sectors that hold places on this training (none once they are released)."""
    return [SectorPlaces(sector, held(lead, sector), confirmed(lead, sector))
            for sector in HOLDING_SECTORS if held(lead, sector)]


def holding_back(lead: Meeting, sector: Sector) -> list[Sector]:
    """The other sectors whose unused held places keep `sector` out (none once released)."""
    if not is_holding(lead):
        return []
    return [other for other in HOLDING_SECTORS if other is not sector and held(lead, other) > confirmed(lead, other)]


def sector_names(sectors: list[Sector]) -> str:
    """'jeugdhulp en onderwijs'."""
    return format_list([sector_label(sector).lower() for sector in sectors], locale=get_locale())


def held_back(lead: Meeting, sector: Sector, first_start: datetime):
    """Why `sector` finds no place while there are free places: they are held for other sectors
    (which, until when); None when nothing is held back from it."""
    holders = holding_back(lead, sector)
    if not holders:
        return None
    # Lazy as a whole, sector names and moment too: a mail puts it in its reader's language.
    return LazyString(_held_back_text, holders, release_moment(lead, first_start))


def _held_back_text(holders: list[Sector], until: datetime) -> str:
    return gettext("There is no place left for your sector: the other places are held for %(sectors)s until "
                   "%(date)s, %(time)s. Then they are open to everyone.",
                   sectors=sector_names(holders), date=long_date(until), time=clock(until))


def no_place(lead: Meeting, sector: Sector, first_start: datetime):
    """Why registering finds no place for `sector`: `held_back`, or simply that the session is full."""
    return held_back(lead, sector, first_start) or _l("This session is full.")
