"""The quota ledger: dagdelen granted per region per period never exceed the quota.

Every change is one conditional UPDATE (`granted + n <= quota`), checked by its row count,
with a row lock taken first on PostgreSQL and a CHECK constraint behind it. That holds on
SQLite too, where writers are serialised.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, update

from ..core.db import insert_on_conflict
from ..core.extensions import db
from ..core.locking import lock
from .models import ProgrammePeriod, QuotaLedger, Region


class QuotaExceeded(Exception):
    def __init__(self, remaining: int):
        super().__init__(f"only {remaining} dagdelen left")
        self.remaining = remaining


def ledger(region: Region | int, period: ProgrammePeriod) -> QuotaLedger:
    """The region's ledger for `period`, created with the period's default quota if missing."""
    region_id = region if isinstance(region, int) else region.id
    db.session.execute(
        insert_on_conflict(db.session, QuotaLedger)
        .values(
            region_id=region_id,
            period_id=period.id,
            # read inside the statement, so a default changed meanwhile is the one used
            quota=select(ProgrammePeriod.default_quota)
            .where(ProgrammePeriod.id == period.id)
            .scalar_subquery(),
            granted=0,
        )
        .on_conflict_do_nothing(index_elements=["region_id", "period_id"])
    )
    return db.session.scalars(
        select(QuotaLedger).where(QuotaLedger.region_id == region_id, QuotaLedger.period_id == period.id)
        .execution_options(populate_existing=True)
    ).one()


@dataclass(frozen=True)
class QuotaStatus:
    """What one region has in one period; read without creating a ledger row."""

    id: int
    name: str
    quota: int
    granted: int

    @property
    def remaining(self) -> int:
        return max(self.quota - self.granted, 0)


def status_select(period: ProgrammePeriod):
    """SELECT id, name, quota, granted of every region in `period`, for larger queries too.

    A region without a ledger row has the period's default quota and nothing granted.
    """
    return select(
        Region.id,
        Region.name,
        func.coalesce(QuotaLedger.quota, period.default_quota).label("quota"),
        func.coalesce(QuotaLedger.granted, 0).label("granted"),
    ).outerjoin(QuotaLedger, and_(QuotaLedger.region_id == Region.id, QuotaLedger.period_id == period.id))


def statuses(
    period: ProgrammePeriod, region_id: int | None = None, active_only: bool = True
) -> list[QuotaStatus]:
    """Regions by name with their quota and granted dagdelen in `period`, in one query."""
    query = status_select(period).order_by(Region.name, Region.id)
    if active_only:
        query = query.where(Region.active)
    if region_id is not None:
        query = query.where(Region.id == region_id)
    return [QuotaStatus(*row) for row in db.session.execute(query)]


def status(region: Region | int, period: ProgrammePeriod, active_only: bool = True) -> QuotaStatus | None:
    """The region's quota in `period`; None for an unknown (or, by default, inactive) region."""
    found = statuses(period, region if isinstance(region, int) else region.id, active_only)
    return found[0] if found else None


def remaining(region: Region | int, period: ProgrammePeriod) -> int:
    found = status(region, period)
    return found.remaining if found else 0


def take(region_id: int, period: ProgrammePeriod, dagdelen: int) -> None:
    """Book `dagdelen` against the quota inside the caller's transaction, or raise QuotaExceeded."""
    entry = lock(ledger(region_id, period))
    result = db.session.execute(
        update(QuotaLedger)
        .where(QuotaLedger.id == entry.id, QuotaLedger.granted + dagdelen <= QuotaLedger.quota)
        .values(granted=QuotaLedger.granted + dagdelen)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(entry)
        raise QuotaExceeded(entry.remaining)


def give_back(region_id: int, period: ProgrammePeriod, dagdelen: int) -> None:
    if dagdelen <= 0:
        return
    entry = ledger(region_id, period)
    db.session.execute(
        update(QuotaLedger)
        .where(QuotaLedger.id == entry.id)
        .values(granted=QuotaLedger.granted - dagdelen)
        .execution_options(synchronize_session=False)
    )


class QuotaBelowGranted(Exception):
    pass


def set_quota(region_id: int, period: ProgrammePeriod, quota: int) -> tuple[int, int]:
    """Change the quota; refuses a value below what is already granted. Returns (old, new)."""
    entry = lock(ledger(region_id, period))
    if quota < entry.granted:
        raise QuotaBelowGranted(entry.granted)
    old = entry.quota
    entry.quota = quota
    return old, quota
