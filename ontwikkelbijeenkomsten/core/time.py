"""Dagdelen and the conversion between stored UTC and Europe/Amsterdam wall-clock time."""
from __future__ import annotations

import enum
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from .config import TIMEZONE

AMSTERDAM = ZoneInfo(TIMEZONE)


class Dagdeel(enum.Enum):
    """A half-day slot; times are local (Europe/Amsterdam)."""

    OCHTEND = "ochtend"
    MIDDAG = "middag"
    AVOND = "avond"

    @property
    def start(self) -> time:
        return _DAGDEEL_TIMES[self][0]

    @property
    def end(self) -> time:
        return _DAGDEEL_TIMES[self][1]

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """Start and end of this dagdeel on `day`, as aware UTC datetimes."""
        return local_to_utc(day, self.start), local_to_utc(day, self.end)


_DAGDEEL_TIMES = {
    Dagdeel.OCHTEND: (time(9, 0), time(12, 30)),
    Dagdeel.MIDDAG: (time(13, 0), time(16, 30)),
    Dagdeel.AVOND: (time(19, 0), time(21, 30)),
}


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(timezone.utc)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


def today_local() -> date:
    return datetime.now(AMSTERDAM).date()
