"""Read-only questions about regions and periods, for the services and the pages."""
from __future__ import annotations

from sqlalchemy import select

from ..core.extensions import db
from .models import ProgrammePeriod, Region


def find_region(region_id: int) -> Region | None:
    return db.session.get(Region, region_id)


def find_period(period_id: int) -> ProgrammePeriod | None:
    return db.session.get(ProgrammePeriod, period_id)


def region_choices() -> list[tuple[int, str]]:
    """(id, name) of every region, active or not, by name."""
    return list(db.session.execute(select(Region.id, Region.name).order_by(Region.name)).tuples())
