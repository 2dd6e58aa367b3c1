"""Booking granted dagdelen as regional sessions; rescheduling, changing and cancelling sessions.

Every change runs in one transaction with its audit events and its mails. The request row is
locked first, so two coordinators never book more than its granted dagdelen; when two bookings
race for one expert slot, the unique index on active assignments per (expert, date, dagdeel)
lets exactly one of them through. Rules that fail roll the transaction back before raising.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask_babel import force_locale, format_date, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..core import audit
from ..core.i18n import dagdeel_label
from ..core.rules import RuleViolation, rolled_back
from ..core.time import Dagdeel, local_to_utc, to_local
from ..experts.availability import live_assignment
from ..experts.models import Availability
from ..core.extensions import db
from ..requests.models import LocationKind, Request, RequestState
from ..requests.services import lock
from ..meetings import mails
from ..meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_MEETING_STATES,
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
)
from .candidates import active_meetings, has_started, load_supplies, request_moments
from .solver import Moment, Supply



class NeedsConfirmation(Exception):
    """The booking is possible but outside what fits; `warnings` say why. Book again with
    `confirmed=True` after the coordinator has read them."""

    def __init__(self, warnings: list):
        super().__init__("; ".join(str(w) for w in warnings))
        self.warnings = warnings


@dataclass(frozen=True)
class Booked:
    meeting: Meeting
    already: bool = False  # the same booking existed: a repeated click


_rolled_back = rolled_back(NeedsConfirmation)


# ---- checks shared by booking and rescheduling --------------------------------------------------
def _expert(expert_id: int | None) -> User:
    expert = db.session.get(User, expert_id) if expert_id else None
    if expert is None or expert.role is not Role.EXPERT or not expert.active:
        raise RuleViolation("expert_id", _l("Choose an active expert from the list."))
    return expert


def _check_moment(moment: Moment) -> None:
    if has_started(moment):
        raise RuleViolation("day", _l("This dagdeel has begun or is over. Choose a moment in the future."))


def _check_free(expert: User, moment: Moment) -> None:
    day, dagdeel = moment
    available = db.session.scalar(select(exists().where(
        Availability.expert_id == expert.id, Availability.date == day, Availability.dagdeel == dagdeel,
    )))
    if not available:
        raise RuleViolation("expert_id", _l(
            "%(name)s has not given this dagdeel as available. Ask the expert to add it to their "
            "availability first.", name=expert.name))
    booked = db.session.scalar(select(exists().where(
        MeetingExpert.expert_id == expert.id, MeetingExpert.date == day, MeetingExpert.dagdeel == dagdeel,
        live_assignment(),
    )))
    if booked:
        raise RuleViolation("expert_id", _l("%(name)s is already booked for another session in this dagdeel.",
                                            name=expert.name))


def _supply(expert: User, moment: Moment) -> Supply:
    """The expert's themes, regions and monthly room, as the scheduler sees them on that day."""
    day = moment[0]
    found = load_supplies(day, day, expert.id)
    return found[0] if found else Supply(expert.id, frozenset(), frozenset(), frozenset())


def fit_warnings(request: Request, expert: User, supply: Supply, moment: Moment, taken: list[Moment],
                 leaving: Moment | None = None) -> list:
    """Why booking `expert` (`supply`) at `moment` for `request` falls outside the proposals
    (empty: it fits).

    `leaving` is the moment the same expert moves away from, which frees room in its month.
    """
    warnings = []
    if moment not in request_moments(request, taken):
        warnings.append(_l("This moment is not one of the region's preferred moments or its preferred period."))
    if not supply.themes & {t.id for t in request.themes}:
        warnings.append(_l("%(name)s does not cover any of the themes of this request.", name=expert.name))
    if supply.regions is not None and request.region_id not in supply.regions:
        warnings.append(_l("%(name)s does not work in %(region)s.", name=expert.name, region=request.region.name))
    month = (moment[0].year, moment[0].month)
    room = supply.room(month)
    if room is not None and leaving and (leaving[0].year, leaving[0].month) == month:
        room += 1
    if room == 0:
        warnings.append(lazy_ngettext(
            "%(name)s has reached their maximum of %(num)s dagdeel in %(month)s.",
            "%(name)s has reached their maximum of %(num)s dagdelen in %(month)s.",
            supply.month_limit, name=expert.name, month=format_date(moment[0], "MMMM y")))
    return warnings


def _assign(meeting: Meeting, expert: User) -> MeetingExpert:
    assignment = MeetingExpert(meeting=meeting, expert=expert, date=meeting.date, dagdeel=meeting.dagdeel)
    db.session.add(assignment)
    return assignment


def _flush_or_taken(expert: User) -> None:
    """Write now, so that a slot taken at the same moment by someone else shows up here."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise RuleViolation("expert_id", _l(
            "%(name)s has just been booked for another session in this dagdeel. Choose another "
            "expert or moment.", name=expert.name)) from exc


def _history_subject(meeting: Meeting):
    return meeting.request or meeting


# ---- booking -----------------------------------------------------------------------------------
def default_title(request: Request) -> str:
    with force_locale(request.locale):
        return gettext("Development meeting %(region)s", region=request.region.name)


def _place_meeting(meeting: Meeting, moment: Moment) -> None:
    meeting.date, meeting.dagdeel = moment
    meeting.starts_at, meeting.ends_at = moment[1].bounds(moment[0])


@_rolled_back
def book(request: Request, expert_id: int | None, day: date, dagdeel: Dagdeel, actor: User,
         *, title: str = "", confirmed: bool = False) -> Booked:
    """Book a regional session for one of the request's granted dagdelen.

    A booking outside the proposals (another moment, an expert without the themes or the
    region, an expert at their monthly maximum) raises NeedsConfirmation unless `confirmed`.
    """
    lock(request)
    moment = (day, dagdeel)
    taken = active_meetings([request.id]).get(request.id, [])
    if moment in taken:
        existing = db.session.scalar(
            select(Meeting).where(Meeting.request_id == request.id, Meeting.date == day,
                                  Meeting.dagdeel == dagdeel, Meeting.state != MeetingState.CANCELLED))
        if any(a.expert_id == expert_id and a.state in ACTIVE_ASSIGNMENT_STATES for a in existing.experts):
            db.session.rollback()
            return Booked(existing, already=True)
        raise RuleViolation("day", _l("This request already has a session in this dagdeel."))
    if request.state is RequestState.SCHEDULED or (
        request.state is RequestState.GRANTED and len(taken) >= request.dagdelen_granted
    ):
        raise RuleViolation("request", _l("All granted dagdelen of this request have been booked."))
    if request.state is not RequestState.GRANTED:
        raise RuleViolation("request", _l("Only a granted request can be booked."))
    _check_moment(moment)
    expert = _expert(expert_id)
    _check_free(expert, moment)
    supply = _supply(expert, moment)
    warnings = fit_warnings(request, expert, supply, moment, taken)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)

    meeting = add_booking(request, expert, moment, supply.themes, title=title)
    _flush_or_taken(expert)
    announce_booking(meeting, expert, actor, outside_proposals=bool(warnings))
    if len(taken) + 1 >= request.dagdelen_granted:
        set_state(request, RequestState.SCHEDULED, actor)
    db.session.commit()
    return Booked(meeting)


def add_booking(request: Request, expert: User, moment: Moment, expert_themes: frozenset[int], *,
                title: str = "") -> Meeting:
    """The regional session (with the request's themes the expert covers) and its assignment;
    the caller flushes, then calls announce_booking. Its places: the participants the region
    expects (no limit when it gave none); coordinators can change that."""
    meeting = Meeting(
        kind=MeetingKind.REGIONAL, request=request, region=request.region,
        title=(title or "").strip() or default_title(request), description=request.goal,
        location=request.location if request.location_kind is LocationKind.ADDRESS else "",
        themes=[t for t in request.themes if t.id in expert_themes] or list(request.themes),
        capacity=request.expected_participants or None,
    )
    _place_meeting(meeting, moment)
    db.session.add(meeting)
    _assign(meeting, expert)
    return meeting


def announce_booking(meeting: Meeting, expert: User, actor: User | None, *, outside_proposals: bool = False) -> None:
    """The audit event and the mails to the contact and the expert, once the session has its id."""
    audit.record("session.booked", meeting.request, actor=actor, actor_label=None if actor else "system",
                 meeting_id=meeting.id, date=meeting.date.isoformat(), dagdeel=meeting.dagdeel.value,
                 expert=expert.name, outside_proposals=outside_proposals)
    _mail_booked(meeting, expert)


def set_state(request: Request, to: RequestState, actor: User | None) -> None:
    before = request.state
    request.state = to
    action = "request.scheduled" if to is RequestState.SCHEDULED else "request.unscheduled"
    audit.record(action, request, actor=actor, actor_label=None if actor else "system",
                 from_state=before.value, to_state=to.value)


def _mail_booked(meeting: Meeting, expert: User) -> None:
    contact = mails.contact_of(meeting)
    if contact:
        mails.tell(meeting, contact, "session_booked", _l("Your meeting has been planned"),
                   "scheduling/session_booked", "REQUEST", expert=expert)
    assignment = next(a for a in meeting.experts if a.expert_id == expert.id)
    mails.tell(meeting, mails.expert_person(assignment), "session_assigned",
               _l("New assignment: %(title)s", title=meeting.title), "scheduling/session_assigned", "REQUEST")


# ---- rescheduling ------------------------------------------------------------------------------
def _lock_meeting(meeting: Meeting) -> Meeting:
    """Lock the request, the series' lead (where registrations take their places) and the
    session, always in that order."""
    if meeting.request is not None:
        lock(meeting.request)
    ids = sorted({meeting.id, meeting.series_id or meeting.id})
    db.session.execute(select(Meeting.id).where(Meeting.id.in_(ids)).order_by(Meeting.id).with_for_update())
    db.session.refresh(meeting)
    return meeting


def closed_message(meeting: Meeting):
    """Why the session can no longer be changed (moved, changed, cancelled); None while it can."""
    if meeting.state is MeetingState.CANCELLED:
        return _l("This session has been cancelled.")
    if meeting.state not in OPEN_MEETING_STATES or has_started((meeting.date, meeting.dagdeel)):
        return _l("This session has begun or taken place and can no longer be changed.")
    return None


def _check_open(meeting: Meeting) -> None:
    if (message := closed_message(meeting)) is not None:
        raise RuleViolation("meeting", message)


def _active_assignments(meeting: Meeting) -> list[MeetingExpert]:
    return [a for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]


@_rolled_back
def reschedule(meeting: Meeting, day: date, dagdeel: Dagdeel, expert_id: int | None, actor: User,
               *, confirmed: bool = False) -> None:
    """Move the session to another moment and/or another expert.

    The expert's old slot is freed in the same transaction; the people concerned get an update
    (or, for an expert taken off, a cancellation), the new expert an assignment.
    """
    _lock_meeting(meeting)
    _check_open(meeting)
    moment = (day, dagdeel)
    current = _active_assignments(meeting)
    expert = _expert(expert_id)
    same_moment = moment == (meeting.date, meeting.dagdeel)
    keeps_expert = any(a.expert_id == expert.id for a in current)
    if same_moment and keeps_expert:
        raise RuleViolation("day", _l("Choose another moment or another expert."))
    _check_moment(moment)
    request = meeting.request
    taken = [m for m in active_meetings([request.id])[request.id] if m != (meeting.date, meeting.dagdeel)] if request else []
    if moment in taken:
        raise RuleViolation("day", _l("This request already has a session in this dagdeel."))
    _check_free(expert, moment)
    leaving = (meeting.date, meeting.dagdeel) if keeps_expert else None
    warnings = fit_warnings(request, expert, _supply(expert, moment), moment, taken, leaving) if request else []
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)

    before = (meeting.date, meeting.dagdeel)
    audience = [p for p in mails.people(meeting) if p.role != "expert"]
    released = [a for a in current if a.expert_id != expert.id]
    meeting.sequence += 1  # every invite about a change needs a higher SEQUENCE
    for assignment in released:  # told before the move, so the mail shows the moment they had
        assignment.state = AssignmentState.RELEASED
        mails.tell(meeting, mails.expert_person(assignment), "session_released",
                   _l("You are no longer needed for %(title)s", title=meeting.title),
                   "scheduling/session_released", "CANCEL")
    if not same_moment:
        _place_meeting(meeting, moment)
        meeting.reminded_at = None  # the new date gets its own reminder
        for assignment in current:
            if assignment.expert_id == expert.id:
                assignment.date, assignment.dagdeel = moment
        meeting.state = MeetingState.CHANGED
    new_assignment = None if keeps_expert else _assign(meeting, expert)
    _flush_or_taken(expert)
    audit.record("session.rescheduled", _history_subject(meeting), actor=actor, meeting_id=meeting.id,
                 from_date=before[0].isoformat(), from_dagdeel=before[1].value, date=day.isoformat(),
                 dagdeel=dagdeel.value, expert=expert.name, released=[a.expert.name for a in released],
                 outside_proposals=bool(warnings))

    if new_assignment is not None:
        mails.tell(meeting, mails.expert_person(new_assignment), "session_assigned",
                   _l("New assignment: %(title)s", title=meeting.title), "scheduling/session_assigned", "REQUEST")
    if not same_moment:
        kept = [mails.expert_person(a) for a in current if a not in released]
        _mail_changed(meeting, audience + kept, moved_from=before)
    elif audience and (contact := mails.contact_of(meeting)):
        mails.tell(meeting, contact, "session_changed", _l("Change to your meeting: %(title)s", title=meeting.title),
                   "scheduling/session_changed", "REQUEST", moved_from=None, expert=expert)
    db.session.commit()


def _mail_changed(meeting: Meeting, people: list[mails.Person], moved_from: Moment | None) -> None:
    experts = [a.expert for a in _active_assignments(meeting)]
    for person in people:
        mails.tell(meeting, person, "session_changed", _l("Change to your meeting: %(title)s", title=meeting.title),
                   "scheduling/session_changed", "REQUEST", moved_from=moved_from,
                   expert=experts[0] if experts else None)


# ---- details -----------------------------------------------------------------------------------
@dataclass
class Details:
    title: str
    description: str
    location: str
    online_url: str
    starts: time
    ends: time


@_rolled_back
def change_details(meeting: Meeting, details: Details, actor: User) -> bool:
    """Change title, description, place and the exact times within the dagdeel.

    A change of time or place raises the SEQUENCE and tells everyone; a new title or
    description alone is saved quietly. Returns whether people were told.
    """
    told = apply_details(meeting, details, actor)
    db.session.commit()
    return told


def apply_details(meeting: Meeting, details: Details, actor: User) -> bool:
    """change_details in the caller's transaction (which rolls back when this raises)."""
    _lock_meeting(meeting)
    _check_open(meeting)
    title = details.title.strip()
    if not title:
        raise RuleViolation("title", _l("Give the session a title."))
    dagdeel = meeting.dagdeel
    if not (dagdeel.start <= details.starts < details.ends <= dagdeel.end):
        raise RuleViolation("starts", _l(
            "Choose times within the %(dagdeel)s (%(start)s to %(end)s), the end after the start.",
            dagdeel=dagdeel_label(dagdeel), start=dagdeel.start.strftime("%H:%M"), end=dagdeel.end.strftime("%H:%M")))
    starts_at, ends_at = local_to_utc(meeting.date, details.starts), local_to_utc(meeting.date, details.ends)
    noticeable = (starts_at, ends_at, details.location.strip(), details.online_url.strip()) != (
        meeting.starts_at, meeting.ends_at, meeting.location, meeting.online_url)
    meeting.title, meeting.description = title, details.description.strip()
    meeting.location, meeting.online_url = details.location.strip(), details.online_url.strip()
    if starts_at != meeting.starts_at:
        meeting.reminded_at = None
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    if noticeable:
        meeting.sequence += 1
        meeting.state = MeetingState.CHANGED
        _mail_changed(meeting, mails.people(meeting), moved_from=None)
    audit.record("session.changed", _history_subject(meeting), actor=actor, meeting_id=meeting.id,
                 told=noticeable)
    return noticeable


def local_times(meeting: Meeting) -> tuple[time, time]:
    return to_local(meeting.starts_at).time(), to_local(meeting.ends_at).time()


# ---- cancelling --------------------------------------------------------------------------------
def cancel_without_commit(meeting: Meeting, reason: str, actor: User | None) -> None:
    """Cancel in the caller's transaction: free the experts' slots and tell everyone."""
    audience = mails.people(meeting)
    meeting.state = MeetingState.CANCELLED
    meeting.cancel_reason = str(reason)
    meeting.sequence += 1
    for assignment in _active_assignments(meeting):
        assignment.state = AssignmentState.RELEASED
    audit.record("session.cancelled", _history_subject(meeting), actor=actor,
                 actor_label=None if actor else "system", meeting_id=meeting.id,
                 date=meeting.date.isoformat(), dagdeel=meeting.dagdeel.value, reason=str(reason))
    for person in audience:
        mails.tell(meeting, person, "session_cancelled", _l("Cancelled: %(title)s", title=meeting.title),
                   "scheduling/session_cancelled", "CANCEL", reason=reason)


@_rolled_back
def cancel(meeting: Meeting, reason: str, actor: User) -> None:
    """Cancel a session; its dagdeel goes back to the request, which can then be booked again."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("reason", _l("Give the reason for cancelling; everyone involved reads it."))
    _lock_meeting(meeting)
    _check_open(meeting)
    cancel_without_commit(meeting, reason, actor)
    request = meeting.request
    if request is not None and request.state is RequestState.SCHEDULED:
        set_state(request, RequestState.GRANTED, actor)
    db.session.commit()


def upcoming_meetings(request: Request) -> list[Meeting]:
    """The request's sessions that are planned and have not begun."""
    return [
        meeting for meeting in db.session.scalars(
            select(Meeting).where(Meeting.request_id == request.id, Meeting.state.in_(OPEN_MEETING_STATES)))
        if not has_started((meeting.date, meeting.dagdeel))
    ]


def cancel_upcoming(request: Request, reason, actor: User | None) -> None:
    """Cancel the request's sessions that have not begun (withdrawal, rejection); no commit."""
    for meeting in upcoming_meetings(request):
        cancel_without_commit(meeting, reason, actor)
