from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.db import enum_type, utcnow
from ..core.extensions import db
from ..core.models import Theme
from ..core.time import Dagdeel
from ..regions.models import Region

expert_themes = db.Table(
    "expert_themes",
    Column("expert_id", ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True),
)

expert_regions = db.Table(
    "expert_regions",
    Column("expert_id", ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)


class ExpertProfile(db.Model):
    __tablename__ = "expert_profiles"
    __table_args__ = (
        CheckConstraint(
            "max_dagdelen_per_month IS NULL OR max_dagdelen_per_month >= 0",
            name="max_dagdelen_not_negative",
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    serves_all_regions: Mapped[bool] = mapped_column(default=False)
    max_dagdelen_per_month: Mapped[int | None]
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=expert_themes, order_by=Theme.position)
    regions: Mapped[list[Region]] = relationship(secondary=expert_regions, order_by=Region.name)


class Availability(db.Model):
    """The expert can work in this (date, dagdeel); at most one row per slot."""

    __tablename__ = "availabilities"
    __table_args__ = (
        UniqueConstraint("expert_id", "date", "dagdeel", name="uq_availabilities_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(index=True)
    dagdeel: Mapped[Dagdeel] = mapped_column(enum_type(Dagdeel, "availability_dagdeel"))


class WeeklyPattern(db.Model):
    """A standing week of availability ("every Tuesday afternoon until 1 July"): the slots were
    added when it was saved; the row says which, so the month can show them and removing the
    pattern can take back its free dagdelen."""

    __tablename__ = "weekly_patterns"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekdays: Mapped[list] = mapped_column(JSON)  # 0 = Monday
    dagdelen: Mapped[list] = mapped_column(JSON)  # Dagdeel values
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The dagdelen in its weeks that the expert had made available by hand before it was saved
    #: ("2026-01-20.middag"): they are not the pattern's, so removing it leaves them.
    kept: Mapped[list | None] = mapped_column(JSON, nullable=True)

    def covers(self, day: date, dagdeel: Dagdeel) -> bool:
        return (self.starts_on <= day <= self.ends_on and day.weekday() in self.weekdays
                and dagdeel.value in self.dagdelen)
