"""Attendance for the professional registers: per training and register, the attendees with a
number for that register (number, name, date, hours: one row per dagdeel attended, the shape of
SKJ's and PE-online's presence lists)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.extensions import db
from ..meetings.models import Attendance, Meeting, MeetingState, Registration, RegistrationState
from ..meetings.registers import Register
from .services import net_hours


@dataclass(frozen=True)
class Attendee:
    registration: Registration
    parts: list[Meeting]  # the dagdelen attended, in time order


def attendees(lead: Meeting) -> list[Attendee]:
    """Everyone present at one or more dagdelen of the series, by name; two queries."""
    parts = [p for p in lead.all_parts if p.state is not MeetingState.CANCELLED]
    people = db.session.scalars(select(Registration).where(
        Registration.meeting_id == lead.id, Registration.state == RegistrationState.ATTENDED)).all()
    present: dict[int, set[int]] = {}
    for registration_id, part_id in db.session.execute(
            select(Attendance.registration_id, Attendance.meeting_id).join(Registration)
            .where(Registration.meeting_id == lead.id)):
        present.setdefault(registration_id, set()).add(part_id)
    found = [Attendee(r, [p for p in parts if p.id in present.get(r.id, set())]) for r in people]
    return sorted((a for a in found if a.parts), key=lambda a: (a.registration.name.casefold(), a.registration.id))


def counts(found: list[Attendee]) -> dict[Register, int]:
    """Attendees with a number, per register (every register, zero included)."""
    return {register: sum(1 for a in found if a.registration.register is register) for register in Register}


def _hours(part: Meeting) -> str:
    return str(net_hours([part])).replace(".", ",")  # a Dutch spreadsheet reads 3,5


def register_rows(found: list[Attendee], register: Register) -> list[list[str]]:
    """A header, then per attendee with a number for `register` one row per dagdeel attended
    (`core.spreadsheets.csv_bytes` keeps a name like "=1+1" text)."""
    rows = [[_("Registration number"), _("Name"), _("Date"), _("Hours")]]
    for attendee in found:
        person = attendee.registration
        if person.register is not register:
            continue
        for part in attendee.parts:
            rows.append([person.register_number, person.name, format_datetime(part.starts_at, "dd-MM-yyyy"),
                         _hours(part)])
    return rows
