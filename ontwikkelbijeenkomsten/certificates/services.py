"""Issuing certificates of attendance, what one says, its verification, and the register number
a participant may change until their certificate is issued.

A certificate is issued to everyone present at one or more dagdelen of a series once attendance
has been saved for every dagdeel that was not cancelled; it names the dagdelen attended, and says
so when that is not all of them. The participant gets a mail with a link (no attachment).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit, retention
from ..core.db import utcnow
from ..core.extensions import db
from ..core.retention import RetentionKind
from ..core.rules import RuleViolation
from ..core.tokens import InvalidToken, make_token, read_token
from ..meetings import mails
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES, Attendance, Meeting, MeetingState, Registration, RegistrationState
from ..meetings.registers import Register, checked_number
from .models import Accreditation, Certificate, CreditUnit

CODE_PURPOSE = "certificate"


def certificate_of(registration: Registration) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.registration_id == registration.id))


def accreditation_of(lead: Meeting) -> Accreditation | None:
    return db.session.get(Accreditation, lead.id)


def _parts_held(lead: Meeting) -> list[Meeting]:
    return [part for part in lead.all_parts if part.state is not MeetingState.CANCELLED]


def attendance_complete(lead: Meeting) -> bool:
    """Attendance has been saved for every dagdeel of the series that was not cancelled."""
    parts = _parts_held(lead)
    return bool(parts) and all(part.attendance_marked_at is not None for part in parts)


def issue_due(lead: Meeting) -> int:
    """Issue a certificate to each attendee of the series who has none yet (and withdraw the
    certificate of someone no longer marked present anywhere). Returns how many were issued."""
    if not attendance_complete(lead):
        return 0
    people = db.session.scalars(select(Registration).where(
        Registration.meeting_id == lead.id,
        Registration.state.in_((RegistrationState.ATTENDED, RegistrationState.CONFIRMED)))).all()
    held = dict(db.session.execute(select(Certificate.registration_id, Certificate.id).where(
        Certificate.registration_id.in_([r.id for r in people]))).all())
    issued = 0
    for registration in people:
        attended = registration.state is RegistrationState.ATTENDED
        if attended and registration.id not in held:
            certificate = Certificate(registration_id=registration.id)
            db.session.add(certificate)
            db.session.flush()
            certificate.code = make_token(CODE_PURPOSE, certificate.id)
            mails.tell_registration(registration, "certificate")
            issued += 1
        elif not attended and registration.id in held:
            db.session.delete(db.session.get(Certificate, held[registration.id]))
            audit.record("certificate.withdrawn", lead, registration_id=registration.id, name=registration.name)
    return issued


# ---- what a certificate says -------------------------------------------------------------------
@dataclass(frozen=True)
class Moment:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CertificateContent:
    name: str
    register: Register | None
    register_number: str
    title: str
    attended: list[Moment]
    dagdelen: int  # the dagdelen the series had (cancelled ones not counted)
    hours: Decimal  # net: the time of the dagdelen attended
    experts: list[str]
    accreditation: Accreditation | None
    organiser: str
    code: str
    issued_at: datetime

    @property
    def partial(self) -> bool:
        return len(self.attended) < self.dagdelen


def content(certificate: Certificate) -> CertificateContent:
    registration = certificate.registration
    lead = registration.meeting
    parts = _parts_held(lead)
    present = set(db.session.scalars(select(Attendance.meeting_id).where(
        Attendance.registration_id == registration.id)))
    attended = [Moment(p.starts_at, p.ends_at) for p in parts if p.id in present]
    experts = list(dict.fromkeys(a.expert.name for p in parts for a in p.experts if a.state in ACTIVE_ASSIGNMENT_STATES))
    return CertificateContent(
        name=registration.name, register=registration.register, register_number=registration.register_number,
        title=lead.title, attended=attended, dagdelen=len(parts),
        hours=net_hours(attended), experts=experts,
        accreditation=accreditation_of(lead), organiser=organiser(), code=certificate.code,
        issued_at=certificate.issued_at,
    )


def net_hours(parts) -> Decimal:
    """The time from start to end of the dagdelen, in hours with one decimal."""
    seconds = sum((part.ends_at - part.starts_at).total_seconds() for part in parts)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))


def organiser() -> str:
    """The name the mails are sent under (MAIL_DEFAULT_SENDER), which is the programme's."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.split("<")[0].strip() if "<" in sender else sender


# ---- verification ------------------------------------------------------------------------------
class Expired(Exception):
    """The code is genuine, but the retention period of the registration is over."""


def expires_at(lead: Meeting) -> datetime:
    """The verification page answers as long as the registration is kept: the retention period
    of registrations, counted from the end of the series; then the purge removes the person."""
    return retention.expires_at(RetentionKind.REGISTRATIONS, max(part.ends_at for part in lead.all_parts))


def verify(code: str, now: datetime | None = None) -> Certificate | None:
    """The certificate a code belongs to; None when tampered with or unknown. Raises Expired
    after the retention period."""
    try:
        found = read_token(CODE_PURPOSE, code)
    except InvalidToken:
        return None
    certificate = db.session.get(Certificate, found) if isinstance(found, int) else None
    if certificate is None or certificate.code != code:
        return None
    if (now or utcnow()) >= expires_at(certificate.registration.meeting):
        raise Expired()
    return certificate


# ---- accreditation ------------------------------------------------------------------------------
AMOUNT_MAX = Decimal(100)
ACTIVITY_NUMBER_MAX = 100


def set_accreditation(lead: Meeting, registers: list[Register], activity_number: str, amount: Decimal | None,
                      unit: CreditUnit, actor) -> Accreditation:
    """Set what the training counts for; every problem at once."""
    activity_number = activity_number.strip()
    problems = []
    if len(activity_number) > ACTIVITY_NUMBER_MAX:
        problems.append(RuleViolation("activity_number", _l("Use at most %(max)d characters.", max=ACTIVITY_NUMBER_MAX)))
    if amount is not None and not 0 < amount <= AMOUNT_MAX:
        problems.append(RuleViolation("amount", _l("Enter a number above 0 and at most %(max)s.", max=AMOUNT_MAX)))
    RuleViolation.raise_if(problems)
    accreditation = accreditation_of(lead) or Accreditation(meeting_id=lead.id)
    accreditation.registers = ",".join(r.value for r in Register if r in registers)
    accreditation.activity_number, accreditation.amount, accreditation.unit = activity_number, amount, unit
    db.session.add(accreditation)
    db.session.flush()
    audit.record("session.accreditation", lead, actor=actor, meeting_id=lead.id, registers=accreditation.registers,
                 activity_number=activity_number, amount=str(amount) if amount is not None else None, unit=unit.value)
    return accreditation


# ---- the register number, until the certificate is issued --------------------------------------
def change_register(registration: Registration, register: Register | None, number: str) -> None:
    """The participant adds, changes or removes their register number on their own page."""
    if registration.state is RegistrationState.CANCELLED:
        raise RuleViolation("register_number", _l("This registration has been cancelled."))
    if certificate_of(registration) is not None:
        raise RuleViolation("register_number", _l(
            "Your certificate has been issued, so the number can no longer change. Please contact us."))
    registration.register_number = checked_number(register, number)
    registration.register = register
    audit.record("registration.register_number", registration.meeting, actor_label="participant",
                 registration_id=registration.id, register=register.value if register else None)
