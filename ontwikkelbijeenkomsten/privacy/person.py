"""A person's requests (AVG articles 15 and 17): everything the app holds about one e-mail
address, as one export, and its erasure.

`ADDRESS_COLUMNS` lists every column that holds a person's e-mail address; a test compares it
with the models, so a new table with an address cannot be left out of the export and the purge.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select

from ..accounts.models import User
from ..core.db import utcnow
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.rules import RuleViolation
from ..experts.models import Availability, ExpertProfile, WeeklyPattern
from ..mail.models import MailState, OutboxMail
from ..meetings import services as meetings
from ..meetings.models import MeetingExpert, Registration, RegistrationState
from ..requests.contact_change import ACTION as CONTACT_CHANGED
from ..requests.models import CLOSED_STATES, Request, SentNudge
from . import accounts, anonymise

ADDRESS_COLUMNS = {
    "registrations.email": Registration.email,
    "requests.contact_email": Request.contact_email,
    "outbox_mails.recipient": OutboxMail.recipient,
    "sent_nudges.recipient": SentNudge.recipient,
    "users.email": User.email,
}
#: Fields of an account that are secrets of the app, not data about the person.
SECRET_FIELDS = {"password_hash", "invitation_nonce", "reset_nonce", "session_version"}
#: The secret address of an expert's calendar feed: a key, not data about the expert.
PROFILE_SECRET_FIELDS = {"feed_token"}


@dataclass
class ExpertData:
    """What an expert's account holds beside the account itself: the profile they keep, their
    availability and weekly patterns, and the sessions they were assigned (in date order)."""

    profile: ExpertProfile
    availability: list[Availability] = field(default_factory=list)
    weekly_patterns: list[WeeklyPattern] = field(default_factory=list)
    assignments: list[MeetingExpert] = field(default_factory=list)


@dataclass
class Person:
    email: str
    account: User | None = None
    requests: list[Request] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    mails: list[OutboxMail] = field(default_factory=list)
    nudges: list[SentNudge] = field(default_factory=list)
    audit_events: list[AuditEvent] = field(default_factory=list)
    expert: ExpertData | None = None

    @property
    def running_requests(self) -> list[Request]:
        """Requests not yet held, rejected or withdrawn: after an erasure their mails to the
        contact go nowhere."""
        return [r for r in self.requests if r.state not in CLOSED_STATES]

    @property
    def found(self) -> bool:
        return any((self.account, self.requests, self.registrations, self.mails, self.nudges, self.audit_events))


def _matching(model, column, email: str) -> list:
    return list(db.session.scalars(select(model).where(func.lower(column) == email).order_by(model.id)))


def find(email: str) -> Person:
    """Every row that holds `email` (in any case), and the audit events about those rows."""
    email = email.strip().lower()
    person = Person(
        email, account=db.session.scalar(select(User).where(func.lower(User.email) == email)),
        requests=_matching(Request, Request.contact_email, email),
        registrations=_matching(Registration, Registration.email, email),
        mails=_matching(OutboxMail, OutboxMail.recipient, email),
        nudges=_matching(SentNudge, SentNudge.recipient, email),
    )
    person.audit_events = _audit_events(person)
    person.expert = _expert_data(person.account) if person.account else None
    return person


def _expert_data(account: User) -> ExpertData | None:
    profile = db.session.get(ExpertProfile, account.id)
    if profile is None:
        return None
    return ExpertData(
        profile,
        availability=list(db.session.scalars(select(Availability).where(Availability.expert_id == account.id)
                                             .order_by(Availability.date, Availability.dagdeel))),
        weekly_patterns=list(db.session.scalars(select(WeeklyPattern).where(WeeklyPattern.expert_id == account.id)
                                                .order_by(WeeklyPattern.starts_on, WeeklyPattern.id))),
        assignments=list(db.session.scalars(select(MeetingExpert).where(MeetingExpert.expert_id == account.id)
                                            .order_by(MeetingExpert.date, MeetingExpert.id))),
    )


def _audit_events(person: Person) -> list[AuditEvent]:
    """Events this person did (by address or account), or about their rows; a registration's
    events are recorded on its session with the registration's id in the details."""
    subjects = [(AuditEvent.subject_type == table) & AuditEvent.subject_id.in_([row.id for row in rows])
                for table, rows in (("requests", person.requests), ("outbox_mails", person.mails),
                                    ("registrations", person.registrations)) if rows]
    registration_ids = {row.id for row in person.registrations}
    meetings_ids = {row.meeting_id for row in person.registrations}
    if meetings_ids:
        subjects.append((AuditEvent.subject_type == "meetings") & AuditEvent.subject_id.in_(meetings_ids))
    if person.account:
        subjects.append(AuditEvent.actor_id == person.account.id)
    # A request handed to another contact no longer holds the address; the event of the change
    # keeps it in its details, so the previous contact still finds it.
    subjects.append((AuditEvent.action == CONTACT_CHANGED)
                    & (func.lower(AuditEvent.details["from_email"].as_string()) == person.email))
    events = db.session.scalars(select(AuditEvent).where(or_(func.lower(AuditEvent.actor_label) == person.email,
                                                             *subjects)).order_by(AuditEvent.id))
    return [event for event in events if _by(person, event) or event.subject_type != "meetings"
            or event.details.get("registration_id") in registration_ids]


def _by(person: Person, event: AuditEvent) -> bool:
    """Did the person do this (rather than someone else about their data)?"""
    return event.actor_label.lower() == person.email or (person.account is not None and event.actor_id == person.account.id)


# ---- access ------------------------------------------------------------------------------------
def _value(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(row, skip=()) -> dict:
    return {attr.key: _value(getattr(row, attr.key)) for attr in row.__mapper__.column_attrs if attr.key not in skip}


def export(person: Person) -> dict:
    """Every field of every row, as JSON-ready data; a registration with its session, attendance
    and evaluation, a request with its region and themes."""
    return {
        "email": person.email,
        "exported_at": utcnow().isoformat(),
        "account": _row(person.account, SECRET_FIELDS) if person.account else None,
        "requests": [{**_row(r), "region": r.region.name, "themes": [t.name for t in r.themes]} for r in person.requests],
        "registrations": [{
            **_row(r), "session": {"title": r.meeting.title, "date": r.meeting.date.isoformat()},
            "attended_sessions": [a.meeting_id for a in r.attendances],
            "evaluation": _row(r.evaluation) if r.evaluation else None,
        } for r in person.registrations],
        "mails": [_row(m) for m in person.mails],
        "nudges": [_row(n) for n in person.nudges],
        "audit_events": [_row(e) for e in person.audit_events],
        "expert": _expert_export(person.expert) if person.expert else None,
    }


def _expert_export(expert: ExpertData) -> dict:
    return {
        "profile": _row(expert.profile, PROFILE_SECRET_FIELDS),
        "themes": [t.name for t in expert.profile.themes],
        "regions": [r.name for r in expert.profile.regions],
        "availability": [{"date": a.date.isoformat(), "dagdeel": a.dagdeel.value} for a in expert.availability],
        "weekly_patterns": [_row(p) for p in expert.weekly_patterns],
        "assignments": [{**_row(a, {"meeting_id", "expert_id"}),
                         "session": {"title": a.meeting.title, "date": a.meeting.date.isoformat()}}
                        for a in expert.assignments],
    }


# ---- erasure -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Erased:
    cancelled: int  # places and waiting-list spots given up in sessions still to come
    promoted: int  # people who got a freed place
    registrations: int
    requests: int
    mails: int
    nudges: int
    audit_events: int
    accounts: int = 0


def account_refusals(person: Person, actor: User) -> list[RuleViolation]:
    """Why the person's account (and so their data) cannot be erased yet; empty when it can."""
    return accounts.refusals(person.account, actor) if person.account else []


def erase(email: str, actor: User) -> Erased:
    """Remove the person behind `email` from every row, keeping the rows for the counts. A place
    or waiting-list spot in a session still to come is cancelled first, through the meetings
    service, so the next on the waiting list gets the place and is mailed. Mails still queued to
    the person are dropped (the cancellation mail too). An account is anonymised too, but only a
    closed one without sessions to come: otherwise nothing is erased (RuleViolation)."""
    found = find(email)
    RuleViolation.raise_if(account_refusals(found, actor))
    promoted, cancelled = [], 0
    for registration in found.registrations:
        if registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING):
            try:
                promoted += meetings.cancel_registration(registration, actor=actor)
            except RuleViolation:  # the session has begun: the registration stays, without the person
                continue
            cancelled += 1
    db.session.flush()
    person = find(email)
    now = utcnow()
    queued = [m for m in person.mails if m.state is MailState.QUEUED]
    for mail in queued:
        db.session.delete(mail)
    for rows, apply in ((person.registrations, anonymise.registration), (person.requests, anonymise.request_contact),
                        ([m for m in person.mails if m not in queued], anonymise.mail), (person.nudges, anonymise.nudge)):
        for row in rows:
            apply(row, now)
    for event in person.audit_events:  # who did something about their data stays known
        anonymise.audit_event(event, now, actor_too=_by(person, event))
    if person.account is not None:
        accounts.anonymise(person.account, now)
    done = Erased(cancelled, len(promoted), len(person.registrations), len(person.requests), len(person.mails),
                  len(person.nudges), len(person.audit_events), int(person.account is not None))
    db.session.add(AuditEvent(actor_id=actor.id, actor_label=actor.email, action="privacy.erased",
                              subject_type="privacy", subject_id=0, details=done.__dict__.copy()))
    db.session.flush()
    return done


def record_access(action: str, actor: User, person: Person) -> None:
    """Audit that a coordinator looked a person up ("viewed") or downloaded their data
    ("exported"): who and how many rows, never the address."""
    rows = {"requests": person.requests, "registrations": person.registrations, "mails": person.mails,
            "nudges": person.nudges, "audit_events": person.audit_events}
    db.session.add(AuditEvent(actor_id=actor.id, actor_label=actor.email, action=f"privacy.{action}",
                              subject_type="privacy", subject_id=0,
                              details={key: len(value) for key, value in rows.items()}))
    db.session.flush()
