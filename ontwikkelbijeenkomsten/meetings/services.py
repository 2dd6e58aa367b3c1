"""Registration rules: places, the waiting list, cancelling, promoting, capacity, attendance.

A place is taken with one conditional UPDATE of the session's `confirmed_count` (only while
`sector_places.room_for` says a place is free), so concurrent registrations never exceed the
capacity: on PostgreSQL the row lock serialises them and the condition is checked again after
the wait; on SQLite every transaction takes the write lock first. Registering reads and checks
everything, and builds its confirmation mail, before that UPDATE, so the row lock is held only
for the UPDATE, the INSERTs of the registration and its mail, and the commit. Everything that
frees or adds places locks the row of the series' lead (`core.locking.lock`) and hands free
places to the waiting list in order, in the same transaction, so a waiting list only exists
while the session is full. Joining the waiting list takes that lock too (and looks for a place
once more), so a place freed at that very moment is never left empty while someone waits. Mails
to participants are queued in the caller's unit of work, with the change.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import LazyString, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..core import audit
from ..core.db import insert_or_skip, utcnow
from ..core.extensions import db
from ..core.i18n import long_date
from ..core.locking import lock
from ..core.rules import RuleViolation
from ..core.sectors import Sector
from . import mails, sector_places
from .sector_places import WaitingPosition
from .registers import Register, checked_number
from .signals import attendance_saved
from .models import (
    HOLDING_PLACE,
    ACTIVE_REGISTRATION,
    OPEN_MEETING_STATES,
    REGISTRATION_STATES,
    Attendance,
    Evaluation,
    Meeting,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
    first_start,
)


@dataclass(frozen=True)
class Applicant:
    """What a participant (or a coordinator for them) fills in."""

    name: str
    email: str
    sector: Sector
    organisation: str = ""
    function: str = ""
    needs: str = ""
    locale: str = "nl"
    consent: bool = True
    register: Register | None = None  # a professional register, optional
    register_number: str = ""


def address(email: str) -> str:
    """An e-mail address as registrations store and compare it."""
    return email.strip().lower()


@dataclass(frozen=True)
class Earlier:
    """What an address did before at a session, read by the caller together with the session
    (`queries.meeting_to_register`): its active registration there, and whether it cancelled one."""

    lead_id: int
    email: str
    active_id: int | None
    cancelled: bool


class AlreadyRegistered(Exception):
    """This e-mail address already has a place or a waiting-list spot in the session."""

    def __init__(self, registration: Registration):
        super().__init__(registration.email)
        self.registration = registration


# ---- what a session offers ---------------------------------------------------------------------
def closes_at(lead: Meeting) -> datetime:
    """Registration closes at the set moment, and at the latest when the first part begins."""
    start = first_start(lead)
    return min(lead.registration_closes_at, start) if lead.registration_closes_at else start


def _goes_ahead(lead: Meeting) -> bool:
    """Some part of the series is still planned (a cancelled first part leaves the rest)."""
    return any(part.state in OPEN_MEETING_STATES for part in lead.all_parts)


def closed_reason(meeting: Meeting, now: datetime | None = None, *, by_hand: bool = False):
    """Why no one can register now (a message for the page), or None while it is open.

    A coordinator adding someone by hand may do so outside the registration window, until
    the session begins.
    """
    lead, now = meeting.lead, now or utcnow()
    if not _goes_ahead(lead):
        return _l("This session has been cancelled.")\
            if lead.cancelled_whole\
            else _l("This session has taken place.")
    if first_start(lead) <= now:
        return _l("This session has already begun; registering is no longer possible.")
    if by_hand:
        return None
    if lead.registration_opens_at and lead.registration_opens_at > now:
        return _l("Registration opens on %(moment)s.", moment=format_datetime(lead.registration_opens_at, "EEEE d MMMM y, HH:mm"))
    if closes_at(lead) <= now:
        return _l("Registration for this session has closed.")
    return None


def places_left(lead: Meeting) -> int | None:
    """Free places, or None when the session has no capacity limit."""
    return None if lead.capacity is None else max(lead.capacity - lead.confirmed_count, 0)


def is_full(lead: Meeting) -> bool:
    return lead.capacity is not None and lead.confirmed_count >= lead.capacity


def sector_mix(lead: Meeting) -> dict[Sector, int]:
    """Confirmed participants per sector (every sector, zero included), in one query."""
    counts = dict(db.session.execute(
        select(Registration.sector, func.count()).where(
            Registration.meeting_id == lead.id, Registration.state.in_(HOLDING_PLACE))
        .group_by(Registration.sector)).all())
    return {sector: counts.get(sector, 0) for sector in Sector}


def _active_with_email(lead: Meeting, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == lead.id, Registration.email == email,
        Registration.state != RegistrationState.CANCELLED))


def _with_email(lead: Meeting, email: str, earlier: Earlier | None = None) -> tuple[Registration | None, bool]:
    """The active registration of `email` here (or None), and whether it cancelled one before;
    from `earlier` when the caller has read it already."""
    if earlier is not None and (earlier.lead_id, earlier.email) == (lead.id, email):
        return (db.session.get(Registration, earlier.active_id) if earlier.active_id else None), earlier.cancelled
    found = db.session.scalars(select(Registration).where(
        Registration.meeting_id == lead.id, Registration.email == email)).all()
    active = next((r for r in found if r.state is not RegistrationState.CANCELLED), None)
    return active, any(r.state is RegistrationState.CANCELLED for r in found)


#: What registering checks again on the lead's row once the UPDATE holds its lock.
_RECHECKED = ("state", "starts_at", "registration_opens_at", "registration_closes_at", "capacity",
              "confirmed_count", "waiting_list_enabled", "sequence")


def _take_place(lead: Meeting, applicant: Applicant) -> bool:
    """Count one more confirmed place if the capacity rule (`sector_places.room_for`: places held
    for other sectors are not free) allows it; the database decides. The UPDATE holds the lead's
    row lock from here on and returns the row as it is now (a cancellation that came first
    shows), so the caller checks it again without reading it once more."""
    db.session.flush()  # what is pending goes first: the UPDATE runs on the connection
    row = db.session.connection().execute(_counting(applicant.sector), {"lead_id": lead.id}).first()
    if row is None:
        return False
    for name, value in zip(_RECHECKED, row):
        set_committed_value(lead, name, value)
    return True


@cache
def _counting(sector: Sector):
    """The UPDATE of `_take_place` that counts a place for `sector` where there is room: built
    once per sector (building it cost more than running it), on the table (the ORM's UPDATE
    path would only add work)."""
    return (update(Meeting.__table__).where(Meeting.id == bindparam("lead_id"), sector_places.room_for(sector))
            .values(**sector_places.counted(sector, 1))
            .returning(*(getattr(Meeting, name) for name in _RECHECKED)))


def _free_place(lead: Meeting, sector: Sector) -> None:
    db.session.execute(
        update(Meeting).where(Meeting.id == lead.id)
        .values(**sector_places.counted(sector, -1)).execution_options(synchronize_session=False))


# ---- registering -------------------------------------------------------------------------------
def register(meeting: Meeting, applicant: Applicant, *, actor: User | None = None,
             earlier: Earlier | None = None) -> Registration:
    """A place while places last, else a spot on the waiting list (if the session has one).

    Raises AlreadyRegistered for an e-mail address that is already on the list, and
    RuleViolation when registering is closed or the session is full without a waiting list.
    `actor` is the coordinator who adds someone by hand (audited, allowed outside the window);
    `earlier` what the address did here before, when the caller read it with the session.
    """
    lead = meeting.lead
    email = address(applicant.email)
    if not applicant.consent:
        raise RuleViolation("consent", _l("Agree to the privacy statement to register."))
    register_number = checked_number(applicant.register, applicant.register_number)
    if (reason := closed_reason(lead, by_hand=actor is not None)) is not None:
        raise RuleViolation("meeting", reason)
    existing, returning = _with_email(lead, email, earlier)
    if existing is not None:
        raise AlreadyRegistered(existing)
    values = _new_registration(lead, applicant, email, register_number)
    by_hand = actor is not None
    confirmation, calendar = _confirmation(lead, values, returning, by_hand), _calendar_version(lead)
    placed = _take_place(lead, applicant)
    if not placed:  # full: join the waiting list under the lock, unless a place was freed meanwhile
        placed = lock(lead) and _take_place(lead, applicant)
    if (reason := closed_reason(lead, by_hand=actor is not None)) is not None:
        raise RuleViolation("meeting", reason)
    if placed:
        state = RegistrationState.CONFIRMED
    elif lead.waiting_list_enabled:
        state = RegistrationState.WAITING
    else:
        raise RuleViolation("meeting", sector_places.no_place(lead, applicant.sector, first_start(lead)))
    registration = _insert_registration(lead, {**values, "state": state})
    if actor is not None:
        audit.record("registration.added", lead, actor=actor, registration_id=registration.id,
                     name=registration.name, state=state.value)
    if state is not RegistrationState.CONFIRMED:
        mails.tell_registration(registration, "waiting", by_coordinator=by_hand,
                                position=waiting_position(registration))
    elif confirmation is None:
        _invite(registration, "confirmed", returning, by_coordinator=by_hand)
    elif _calendar_version(lead) == calendar:
        mails.send_registration_mails(confirmation, registration, "confirmed")
    else:  # moved while this POST waited for the lock: read it again for the invite
        _expire_series(lead)
        _invite(registration, "confirmed", returning, by_coordinator=by_hand)
    return registration


def _new_registration(lead: Meeting, applicant: Applicant, email: str, register_number: str) -> dict:
    """The columns of the new registration but its state."""
    now = utcnow()
    return dict(
        meeting_id=lead.id, name=applicant.name.strip(), email=email,
        organisation=applicant.organisation.strip(), sector=applicant.sector, function=applicant.function.strip(),
        needs=applicant.needs.strip(), locale=applicant.locale, consent_at=now, created_at=now,
        register=applicant.register, register_number=register_number,
    )


def _confirmation(lead: Meeting, values: dict, returning: bool, by_coordinator: bool = False) -> list[dict] | None:
    """The confirmation's outbox rows, built before the lock so the lock is held only for the
    statements: the link goes in once the registration has its id. None for an address that
    cancelled here before: its invite must first outrank that cancellation (`_invite`).
    `by_coordinator`: a coordinator added the person, and the mail says so."""
    if returning:
        return None
    person = mails.registrant(values["name"], values["email"], values["locale"], "confirmed", has_place=True)
    return mails.registration_mails(lead, person, "confirmed", by_coordinator=by_coordinator)


def _calendar_version(lead: Meeting) -> tuple:
    """What the UPDATE reads again under the lock that tells the lead was moved or changed for
    calendars since it was read (a change raises the SEQUENCE)."""
    return lead.sequence, lead.starts_at


def _expire_series(lead: Meeting) -> None:
    """Forget what was read of the lead and its parts, so a mail built next reads them as they
    are now (this transaction's own UPDATE included)."""
    for part in lead.parts:
        db.session.expire(part)
    db.session.expire(lead)


_NEW_REGISTRATION = ("meeting_id", "state", "name", "email", "organisation", "sector", "function", "needs",
                     "locale", "consent_at", "created_at", "register", "register_number")
_INSERT_REGISTRATION = insert_or_skip(Registration.__table__, _NEW_REGISTRATION,
                                      f"(meeting_id, email) WHERE {ACTIVE_REGISTRATION}")


def _insert_registration(lead: Meeting, values: dict) -> Registration:
    """INSERT the registration; when the same address registered at the same moment the unique
    index refuses it (ON CONFLICT DO NOTHING, so no savepoint) and AlreadyRegistered undoes all.
    The row is not read back: the new object is made from what was inserted and its id."""
    new_id = db.session.connection().scalar(_INSERT_REGISTRATION, values)
    if new_id is None:
        raise AlreadyRegistered(_active_with_email(lead, values["email"]))
    registration = Registration(id=new_id, cancelled_at=None, evaluation_requested_at=None, anonymised_at=None,
                                **values)
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def resend_confirmation(registration: Registration) -> None:
    """Send the mail that matches the registration's state again (for a lost confirmation)."""
    kind = {RegistrationState.CONFIRMED: "confirmed", RegistrationState.WAITING: "waiting"}.get(registration.state)
    if kind is None:
        return
    mails.tell_registration(registration, kind, position=waiting_position(registration))


def _own_list(lead: Meeting, sector: Sector) -> Sector | None:
    """The sector whose waiting people alone count for a position, or None for everyone's."""
    return sector if sector_places.is_holding(lead) and sector_places.held(lead, sector) > 0 else None


def waiting_position(registration: Registration) -> WaitingPosition | None:
    """None when not waiting. One query (the registration's training is read with it)."""
    if registration.state is not RegistrationState.WAITING:
        return None
    own_list = _own_list(registration.meeting, registration.sector)
    ahead = select(func.count()).where(
        Registration.meeting_id == registration.meeting_id, Registration.state == RegistrationState.WAITING,
        Registration.id <= registration.id)
    if own_list is not None:
        ahead = ahead.where(Registration.sector == own_list)
    return WaitingPosition(db.session.scalar(ahead), own_list)


def waiting_positions(lead: Meeting, waiting: list[Registration]) -> list[WaitingPosition]:
    """`waiting_position` of every one of `waiting` (the whole list, in order), without a query."""
    per_sector = Counter()
    positions = []
    for everyone, registration in enumerate(waiting, 1):
        per_sector[registration.sector] += 1
        own_list = _own_list(lead, registration.sector)
        positions.append(WaitingPosition(everyone if own_list is None else per_sector[own_list], own_list))
    return positions


def _fill_places(lead: Meeting, actor: User | None) -> list[Registration]:
    """Give free places to the waiting list, first come first served among the sectors that
    may take them (places held for a sector go to the first of that sector); the lead is locked."""
    promoted = []
    while sectors := [sector for sector in Sector if sector_places.has_room(lead, sector)]:
        first = db.session.scalar(
            select(Registration).where(Registration.meeting_id == lead.id,
                                       Registration.state == RegistrationState.WAITING,
                                       Registration.sector.in_(sectors))
            .order_by(Registration.id).limit(1))
        if first is None:
            break
        REGISTRATION_STATES.move(first, RegistrationState.CONFIRMED, actor=actor,
                                 actor_label=None if actor else "system", action="promoted", audit_subject=lead,
                                 registration_id=first.id, name=first.name)
        sector_places.count(lead, first.sector, 1)
        db.session.flush()
        _invite(first, "promoted")
        promoted.append(first)
    return promoted


def _check_changeable(lead: Meeting) -> None:
    if not _goes_ahead(lead) or first_start(lead) <= utcnow():
        raise RuleViolation("meeting", _l("This session has begun or taken place; its list can no longer change."))


def _raise_sequence(lead: Meeting) -> None:
    """A CANCEL for one person must outrank the invite they had, and a new invite after it
    must outrank that CANCEL, or calendars ignore it; higher numbers harm no one else."""
    for part in lead.all_parts:
        if part.state is not MeetingState.CANCELLED:
            part.raise_sequence()


def _invite(registration: Registration, kind: str, returning: bool | None = None, *,
            by_coordinator: bool = False) -> None:
    """Mail a new place; raise the SEQUENCE first when this address cancelled a place before
    (`returning`, when the caller knows already). `by_coordinator`: a coordinator added them."""
    if returning is None:
        returning = db.session.scalar(select(Registration.id).where(
            Registration.meeting_id == registration.meeting_id, Registration.email == registration.email,
            Registration.state == RegistrationState.CANCELLED, Registration.id != registration.id).limit(1)) is not None
    if returning:
        _raise_sequence(registration.meeting)
    mails.tell_registration(registration, kind, by_coordinator=by_coordinator)


def _cancel(registration: Registration, actor: User | None, action: str, reason=None, *,
            register_again: bool = True, by_coordinator: bool = False, **details) -> list[Registration]:
    """Cancel (the lead is locked), audited as `registration.<action>`; returns who got the
    freed place. The mail offers to register again unless `register_again` is False (a move:
    the person has a registration elsewhere and cancelled nothing); `by_coordinator`: it says
    that a coordinator cancelled it, not the person."""
    lead = registration.meeting
    had_place = registration.state is RegistrationState.CONFIRMED
    if had_place:
        _raise_sequence(lead)
    mails.tell_registration(registration, "cancelled", reason=reason, register_again=register_again,
                            by_coordinator=by_coordinator)
    REGISTRATION_STATES.move(registration, RegistrationState.CANCELLED, actor=actor, action=action,
                             audit_subject=lead, registration_id=registration.id, name=registration.name, **details)
    registration.cancelled_at = utcnow()
    if not had_place:
        return []
    _free_place(lead, registration.sector)
    db.session.flush()
    db.session.refresh(lead)
    return _fill_places(lead, actor)


def cancel_registration(registration: Registration, *, actor: User | None = None, reason=None) -> list[Registration]:
    """The participant (through their link) or a coordinator cancels; the place goes to the
    first on the waiting list. Cancelling twice changes nothing. Returns who was promoted."""
    lead = lock(registration.meeting.lead)
    db.session.refresh(registration)
    if registration.state is RegistrationState.CANCELLED:
        return []
    _check_changeable(lead)
    return _cancel(registration, actor, "cancelled", reason, register_again=actor is None,
                   by_coordinator=actor is not None, actor_label=None if actor else "participant")


def promote(registration: Registration, actor: User) -> bool:
    """Give a waiting person a place by hand; when the session is full its capacity grows by
    one for them. Returns whether the capacity was raised."""
    lead = lock(registration.meeting.lead)
    db.session.refresh(registration)
    _check_changeable(lead)
    if registration.state is not RegistrationState.WAITING:
        raise RuleViolation("registration", _l("Only someone on the waiting list can be given a place."))
    raised = is_full(lead)
    if raised:
        lead.capacity += 1
    REGISTRATION_STATES.move(registration, RegistrationState.CONFIRMED, actor=actor, action="promoted",
                             audit_subject=lead, registration_id=registration.id, name=registration.name,
                             capacity_raised=raised)
    sector_places.count(lead, registration.sector, 1)
    _invite(registration, "promoted")
    return raised


def move(registration: Registration, target: Meeting, actor: User) -> Registration:
    """Move someone to another session: their place here goes to the waiting list, there they
    get a place or, when it is full, a spot on its waiting list. Returns the new registration."""
    target = target.lead
    lead = registration.meeting
    lock(lead, target)
    if target.id == lead.id:
        raise RuleViolation("target", _l("Choose another session."))
    db.session.refresh(registration)
    if registration.state not in (RegistrationState.CONFIRMED, RegistrationState.WAITING):
        raise RuleViolation("registration", _l("Only a confirmed or waiting registration can be moved."))
    _check_changeable(lead)
    if (reason := closed_reason(target, by_hand=True)) is not None:
        raise RuleViolation("target", reason)
    if _active_with_email(target, registration.email) is not None:
        raise RuleViolation("target", _l("This person is already registered for that session."))
    # The date, in the person's language when the mail is written: the two sessions of a
    # region often share their title.
    moved_to = _l("You have been moved to %(title)s on %(date)s.", title=target.title,
                  date=LazyString(long_date, target.date))
    _cancel(registration, actor, "moved", moved_to, register_again=False, to_meeting_id=target.id)
    moved = Applicant(registration.name, registration.email, registration.sector, registration.organisation,
                      registration.function, registration.needs, registration.locale,
                      register=registration.register, register_number=registration.register_number)
    return register(target, moved, actor=actor)


def set_capacity(meeting: Meeting, capacity: int | None, waiting_list: bool, actor: User) -> list[Registration]:
    """Change the number of places (None: no limit) and whether a waiting list is kept.

    Lowering below the confirmed participants is refused: nobody loses a confirmed place
    silently. Raising it gives the new places to the waiting list. Returns who was promoted.
    """
    lead = lock(meeting.lead)
    if capacity is not None and capacity < lead.confirmed_count:
        raise RuleViolation("capacity", _l(
            "%(count)d people already have a place; the capacity cannot be lower. Cancel registrations first.",
            count=lead.confirmed_count))
    if sector_places.holds_places(lead) and (capacity is None or capacity < _held_total(lead)):
        raise RuleViolation("capacity", _l(
            "%(count)d places are held for sectors; the capacity cannot be lower. Change the places per sector "
            "first.", count=_held_total(lead)))
    before = lead.capacity
    lead.capacity, lead.waiting_list_enabled = capacity, waiting_list
    promoted = _fill_places(lead, actor)
    audit.record("session.capacity", lead, actor=actor, meeting_id=lead.id, before=before, after=capacity,
                 waiting_list=waiting_list, promoted=len(promoted))
    return promoted


# ---- places held per sector ---------------------------------------------------------------------
def _held_total(lead: Meeting) -> int:
    return sum(sector_places.held(lead, sector) for sector in sector_places.HOLDING_SECTORS)


def set_sector_places(meeting: Meeting, held: dict[Sector, int], release_at: datetime | None,
                      actor: User) -> list[Registration]:
    """Hold places of an open training for sectors until `release_at` (None: seven days before
    the start). A moment that has passed releases them now. Fewer held places give the freed
    ones to the waiting list; more take no place from anyone. Returns who was promoted."""
    lead = lock(meeting.lead)
    _check_changeable(lead)
    if lead.kind is not MeetingKind.OPEN_TRAINING:
        raise RuleViolation("meeting", _l("Places can be held per sector in open trainings only."))
    problems = []
    wanted = {sector: held.get(sector, 0) for sector in sector_places.HOLDING_SECTORS}
    first_holding = next((sector for sector, places in wanted.items() if places), None)
    for sector, places in wanted.items():
        if places < 0:
            problems.append(RuleViolation(sector.value, _l("Enter 0 or more places.")))
    if first_holding is not None and lead.capacity is None:
        problems.append(RuleViolation(first_holding.value, _l(
            "This training has no limit on places, so no places need to be held. Set the number of places first.")))
    elif first_holding is not None and sum(wanted.values()) > lead.capacity:
        problems.append(RuleViolation(first_holding.value, _l(
            "Together the sectors can hold at most %(capacity)d places: the number of places of this training.",
            capacity=lead.capacity)))
    start = first_start(lead)
    if release_at is not None and release_at >= start:
        problems.append(RuleViolation("release_at", _l(
            "Choose a moment before the training begins (%(start)s).",
            start=format_datetime(start, "EEEE d MMMM y, HH:mm"))))
    RuleViolation.raise_if(problems)
    for sector, places in wanted.items():
        setattr(lead, sector_places.held_column(sector), places)
    lead.places_release_at = release_at
    now = utcnow()
    due = sector_places.release_moment(lead, start) <= now
    lead.places_released_at = now if due and first_holding is not None else None
    audit.record("session.sector_places", lead, actor=actor, meeting_id=lead.id,
                 held={sector.value: places for sector, places in wanted.items()},
                 release_at=release_at.isoformat() if release_at else None, released=lead.places_released_at is not None)
    return _fill_places(lead, actor)


def release_held_places(now: datetime | None = None) -> int:
    """The worker's job: open the unused held places of every training whose release moment has
    come and give them to the waiting list in plain order (each promoted person is mailed).
    A training is released once (`places_released_at`); parallel runs skip each other's rows.
    Returns how many people got a place."""
    now = now or utcnow()
    held_some = or_(*(getattr(Meeting, sector_places.held_column(s)) > 0 for s in sector_places.HOLDING_SECTORS))
    leads = db.session.scalars(
        select(Meeting).where(Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None),
                              Meeting.places_released_at.is_(None), held_some,
                              or_(Meeting.places_release_at.is_(None), Meeting.places_release_at <= now))
        .order_by(Meeting.id).with_for_update(skip_locked=True).execution_options(populate_existing=True)).all()
    promoted = 0
    for lead in leads:
        start = first_start(lead)
        if sector_places.release_moment(lead, start) > now:
            continue
        lead.places_released_at = now
        if not _goes_ahead(lead) or start <= now:  # over or cancelled: nobody to give a place to
            continue
        given = _fill_places(lead, None)
        audit.record("session.places_released", lead, meeting_id=lead.id, promoted=len(given))
        promoted += len(given)
    return promoted


# ---- after the session -------------------------------------------------------------------------
def mark_attendance(meeting: Meeting, present: set[int], actor: User) -> int:
    """Record who was present at this session (one part of a series), once it has begun.

    A registration counts as attended when present at any part. When the whole series is
    over, attendees who have not had one get the evaluation link. Returns mails queued (the
    evaluation links; the certificates that `attendance_saved` may issue are not counted).
    """
    lead = lock(meeting.lead)
    if meeting.starts_at > utcnow():
        raise RuleViolation("meeting", _l("Attendance can be marked once the session has begun."))
    if meeting.state is MeetingState.CANCELLED:
        raise RuleViolation("meeting", _l("This session has been cancelled."))
    people = list(db.session.scalars(select(Registration).where(
        Registration.meeting_id == lead.id, Registration.state.in_(HOLDING_PLACE))))
    marked = set(db.session.scalars(select(Attendance.registration_id).where(Attendance.meeting_id == meeting.id)))
    for registration in people:
        here = registration.id in present
        if here and registration.id not in marked:
            db.session.add(Attendance(registration_id=registration.id, meeting_id=meeting.id))
        elif not here and registration.id in marked:
            db.session.execute(Attendance.__table__.delete().where(
                Attendance.registration_id == registration.id, Attendance.meeting_id == meeting.id))
    db.session.flush()
    attended = set(db.session.scalars(select(Attendance.registration_id).join(Registration).where(
        Registration.meeting_id == lead.id)))
    for registration in people:
        state = RegistrationState.ATTENDED if registration.id in attended else RegistrationState.CONFIRMED
        if registration.state is not state:
            REGISTRATION_STATES.move(registration, state, actor=actor, audit_subject=lead,
                                     action=None if registration.id in attended else "attendance_removed",
                                     registration_id=registration.id, name=registration.name)
    meeting.attendance_marked_at = utcnow()
    audit.record("session.attendance", lead, actor=actor, meeting_id=meeting.id,
                 present=len(present & {r.id for r in people}), registered=len(people))
    attendance_saved.send(lead)
    return _request_evaluations(lead, people) if series_over(lead) else 0


def request_due_evaluations(now: datetime | None = None) -> int:
    """Send the evaluation link to attendees of series that are over and whose attendance was
    marked while they ran (run from cron with the reminders). Returns mails queued."""
    waiting_for_link = select(Registration.meeting_id).where(
        Registration.state == RegistrationState.ATTENDED, Registration.evaluation_requested_at.is_(None))
    leads = db.session.scalars(select(Meeting).where(Meeting.id.in_(waiting_for_link))
                               .order_by(Meeting.id).with_for_update(skip_locked=True)).all()
    queued = 0
    for lead in leads:
        if series_over(lead, now):
            people = [r for r in lead.registrations if r.state is RegistrationState.ATTENDED]
            queued += _request_evaluations(lead, people)
    return queued


def series_over(lead: Meeting, now: datetime | None = None) -> bool:
    """Every dagdeel of the series has ended (or was cancelled)."""
    now = now or utcnow()
    return all(part.ends_at <= now or part.state is MeetingState.CANCELLED for part in lead.all_parts)


def _request_evaluations(lead: Meeting, people: list[Registration]) -> int:
    queued = 0
    for registration in people:
        if registration.state is RegistrationState.ATTENDED and registration.evaluation_requested_at is None:
            registration.evaluation_requested_at = utcnow()
            mails.tell_registration(registration, "evaluation")
            queued += 1
    return queued


@dataclass(frozen=True)
class Answers:
    score: int
    went_well: str = ""
    to_improve: str = ""


def evaluate(registration: Registration, answers: Answers) -> Evaluation:
    """An attendee's evaluation; one per registration."""
    if registration.state is not RegistrationState.ATTENDED:
        raise RuleViolation("score", _l("Only participants who attended can evaluate this session."))
    if not series_over(registration.meeting):
        raise RuleViolation("score", _l("You can give your opinion once the last dagdeel of the session is over."))
    if registration.evaluation is not None:
        raise RuleViolation("score", _l("You have already evaluated this session. Thank you!"))
    if not 1 <= answers.score <= 5:
        raise RuleViolation("score", _l("Choose a score from 1 to 5."))
    try:
        with db.session.begin_nested():  # a savepoint: a double submit undoes only this row
            evaluation = Evaluation(registration=registration, meeting_id=registration.meeting_id,
                                    score=answers.score, went_well=answers.went_well.strip(),
                                    to_improve=answers.to_improve.strip())
            db.session.add(evaluation)
    except IntegrityError:
        raise RuleViolation("score", _l("You have already evaluated this session. Thank you!")) from None
    return evaluation
