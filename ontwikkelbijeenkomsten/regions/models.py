from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import enum_type
from ..core.extensions import db

DEFAULT_QUOTA = 4


class OrganisationType(enum.Enum):
    SWV_PO = "swv_po"
    SWV_VO = "swv_vo"
    MBO = "mbo"
    GEMEENTE = "gemeente"
    JEUGDHULP = "jeugdhulp"
    OTHER = "anders"


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)

    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="region", cascade="all, delete-orphan", order_by="Organisation.name"
    )

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Organisation(db.Model):
    """A member of a region: SWV PO/VO, mbo school, gemeente, jeugdhulp partner."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_organisations_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "organisation_type"))

    region: Mapped[Region] = relationship(back_populates="organisations")


class ProgrammePeriod(db.Model):
    __tablename__ = "programme_periods"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("default_quota >= 0", name="default_quota_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    default_quota: Mapped[int] = mapped_column(default=DEFAULT_QUOTA)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class QuotaLedger(db.Model):
    """Dagdelen granted to one region in one period; the CHECK keeps granted within quota.

    Grants change `granted` with a conditional UPDATE, so concurrent grants cannot overrun.
    """

    __tablename__ = "quota_ledgers"
    __table_args__ = (
        UniqueConstraint("region_id", "period_id", name="uq_quota_ledgers_region_period"),
        CheckConstraint("quota >= 0", name="quota_not_negative"),
        CheckConstraint("granted >= 0 AND granted <= quota", name="granted_within_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(
        ForeignKey("programme_periods.id", ondelete="CASCADE"), index=True
    )
    quota: Mapped[int]
    granted: Mapped[int] = mapped_column(default=0)

    region: Mapped[Region] = relationship()
    period: Mapped[ProgrammePeriod] = relationship()

    @property
    def remaining(self) -> int:
        return self.quota - self.granted
