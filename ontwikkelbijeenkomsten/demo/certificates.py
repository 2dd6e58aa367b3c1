"""Demo certificates: a training that took place, with accreditation, attendance saved and
certificates issued (attendees with and without a register number)."""
from __future__ import annotations

from decimal import Decimal

from ..certificates.models import Accreditation, CreditUnit
from ..certificates.services import issue_due
from ..core.extensions import db
from ..meetings.models import Meeting, Registration
from ..meetings.registers import Register

#: The register numbers of the first attendees; the others gave none.
NUMBERS = [(Register.LERARENREGISTER, "LR-2024-118"), (Register.SKJ, "110012345")]


def add_certificates(held: Meeting, attendees: list[Registration]) -> None:
    db.session.add(Accreditation(meeting_id=held.id, registers="skj,lerarenregister",
                                 activity_number="DEMO-2026-041", amount=Decimal(3), unit=CreditUnit.POINTS))
    for registration, (register, number) in zip(attendees, NUMBERS):
        registration.register, registration.register_number = register, number
    held.attendance_marked_at = held.ends_at
    db.session.flush()
    issue_due(held)
