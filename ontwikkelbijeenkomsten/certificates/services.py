"""Issuing certificates of attendance, what one says, its verification, and the register number
a participant may change until their certificate is issued.

A certificate is issued to everyone present at one or more dagdelen of a series once the series'
last dagdeel has ended and attendance has been saved for every dagdeel that was not cancelled
(at that save, or by the worker's `certificates` job when attendance was saved earlier); it names the dagdelen attended, and says
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
from ..meetings.services import series_over
from .models import Accreditation, Certificate, CreditUnit

CODE_PURPOSE = "certificate"


def certificate_of(registration: Registration) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.registration_id == registration.id))


def holders(lead: Meeting) -> set[int]:
    """The registrations of the series that hold a certificate (one query)."""
    return set(db.session.scalars(select(Certificate.registration_id).join(
        Registration, Registration.id == Certificate.registration_id).where(Registration.meeting_id == lead.id)))


def accreditation_of(lead: Meeting) -> Accreditation | None:
    return db.session.get(Accreditation, lead.id)


def _parts_held(lead: Meeting) -> list[Meeting]:
    return [part for part in lead.all_parts if part.state is not MeetingState.CANCELLED]


def attendance_complete(lead: Meeting) -> bool:
    """Attendance has been saved for every dagdeel of the series that was not cancelled."""
    parts = _parts_held(lead)
    return bool(parts) and all(part.attendance_marked_at is not None for part in parts)


def ready_to_issue(lead: Meeting, now: datetime | None = None) -> bool:
    """The series has ended and its attendance is complete: its certificates are (being) issued."""
    return series_over(lead, now) and attendance_complete(lead)


def issue_due(lead: Meeting, now: datetime | None = None) -> int:
    """Issue a certificate to each attendee of the series who has none yet (and withdraw the
    certificate of someone no longer marked present anywhere), once the series has ended and
    attendance is saved for every dagdeel. Returns how many were issued."""
    if not ready_to_issue(lead, now):
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


def issue_all_due(now: datetime | None = None) -> int:
    """The worker's `certificates` job: issue the certificates of series that ended after their
    attendance was saved (a dagdeel's attendance may be saved once it has begun). Returns how
    many were issued."""
    waiting = select(Registration.meeting_id).where(
        Registration.state == RegistrationState.ATTENDED,
        ~select(Certificate.id).where(Certificate.registration_id == Registration.id).exists())
    leads = db.session.scalars(select(Meeting).where(Meeting.id.in_(waiting))
                               .order_by(Meeting.id).with_for_update(skip_locked=True)).all()
    return sum(issue_due(lead, now) for lead in leads)


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


# ---- the register number ------------------------------------------------------------------------
def change_register(registration: Registration, register: Register | None, number: str) -> None:
    """The participant adds, changes or removes their register number on their own page, until
    their certificate is issued."""
    if registration.state is RegistrationState.CANCELLED:
        raise RuleViolation("register_number", _l("This registration has been cancelled."))
    if certificate_of(registration) is not None:
        raise RuleViolation("register_number", _l(
            "Your certificate has been issued, so the number can no longer change. Please contact us."))
    _set_register(registration, register, number, actor_label="participant")


def set_register(registration: Registration, register: Register | None, number: str, actor) -> bool:
    """A coordinator enters or corrects a registration's register number, also after the
    certificate was issued: then the certificate is issued anew (same code, today's date, the
    PDF shows the new number) and the participant gets the mail with the link again. Returns
    whether that happened."""
    if registration.state is RegistrationState.CANCELLED:
        raise RuleViolation("register_number", _l("This registration has been cancelled."))
    changed = _set_register(registration, register, number, actor=actor)
    certificate = certificate_of(registration)
    if certificate is None or not changed:
        return False
    certificate.issued_at = utcnow()
    mails.tell_registration(registration, "certificate")
    audit.record("certificate.reissued", registration.meeting, actor=actor, registration_id=registration.id)
    return True


def _set_register(registration: Registration, register: Register | None, number: str, **who) -> bool:
    """Store the register and number (the one check of their form); returns whether they changed."""
    number = checked_number(register, number)
    if (registration.register, registration.register_number) == (register, number):
        return False
    registration.register, registration.register_number = register, number
    audit.record("registration.register_number", registration.meeting, registration_id=registration.id,
                 register=register.value if register else None, **who)
    return True


def without_number(lead: Meeting) -> list[Registration]:
    """Who may still need a register number on their certificate, by name: the attendees without
    one, and until attendance is complete also the confirmed registrants without one."""
    states = [RegistrationState.ATTENDED]
    if not attendance_complete(lead):
        states.append(RegistrationState.CONFIRMED)
    found = db.session.scalars(select(Registration).where(
        Registration.meeting_id == lead.id, Registration.state.in_(states), Registration.register.is_(None)))
    return sorted(found, key=lambda r: (r.name.casefold(), r.id))
