from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import enum_type, utcnow
from ..core.extensions import db
from ..meetings.models import Meeting, Registration
from ..meetings.registers import Register


class CreditUnit(enum.Enum):
    HOURS = "hours"
    POINTS = "points"


class Accreditation(db.Model):
    """What a training counts for in the professional registers; held by the lead of a series."""

    __tablename__ = "accreditations"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    registers: Mapped[str] = mapped_column(String(200), default="")  # register values, comma-separated
    activity_number: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    unit: Mapped[CreditUnit] = mapped_column(enum_type(CreditUnit, "credit_unit"), default=CreditUnit.POINTS)

    meeting: Mapped[Meeting] = relationship()

    @property
    def register_list(self) -> list[Register]:
        return [Register(value) for value in self.registers.split(",") if value]


class Certificate(db.Model):
    """A participant's certificate of attendance, issued once attendance is saved for every
    dagdeel of the series. `code` is the signed code of the verification page; the PDF is drawn
    from the attendance each time, so a corrected list corrects the certificate."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship()
