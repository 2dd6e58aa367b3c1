"""Booking granted dagdelen as regional sessions, and rescheduling and cancelling them.

Every change runs in the caller's unit of work with its audit events and its mails. The
request row is locked first, so two coordinators never book more than its granted dagdelen;
when two bookings race for one expert slot, the unique index on active assignments per
(expert, date, dagdeel) lets exactly one of them through, and the other gets a RuleViolation.
Changing, moving and cancelling one meeting is the meetings layer's (meetings.changes); this
module adds what scheduling knows: the experts' supply, the request's preferences and state.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask_babel import force_locale, format_date, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from ..accounts.models import Role, User
from ..core import audit
from ..core.bulk import insert_rows
from ..core.db import utcnow
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation
from ..core.time import Dagdeel
from ..experts.models import Availability
from ..mail import services as mail
from ..meetings import changes, mails
from ..meetings.bookings import live_assignment
from ..meetings.changes import has_started
from ..meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_MEETING_STATES,
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    meeting_themes,
    new_uid,
)
from ..requests.models import REQUEST_STATES, LocationKind, Request, RequestState
from .candidates import active_meetings, load_supplies, request_moments
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


# ---- checks shared by booking and rescheduling --------------------------------------------------
def _expert(expert_id: int | None) -> User:
    expert = db.session.get(User, expert_id) if expert_id else None
    _check_expert(expert)
    return expert


def _check_expert(expert: User | None) -> None:
    if expert is None or expert.role is not Role.EXPERT or not expert.active:
        raise RuleViolation("expert_id", _l("Choose an active expert from the list."))


def _check_moment(moment: Moment, started: Callable[[Moment], bool] = has_started) -> None:
    if started(moment):
        raise RuleViolation("day", _l("This dagdeel has begun or is over. Choose a moment in the future."))


def check_booking(request: Request, taken: list[Moment], moment: Moment, expert: User | None,
                  started: Callable[[Moment], bool] = has_started) -> None:
    """The rules of every booking, by hand (`book`) or by the planner (`batch.confirm`): the
    request is granted with a dagdeel left and no session at `moment` yet (`taken` holds its
    sessions' moments), the moment lies ahead, the expert is active. Whether the expert is
    free there, the unique index on active assignments decides at the insert."""
    if moment in taken:
        raise RuleViolation("day", _l("This request already has a session in this dagdeel."))
    if request.state is RequestState.SCHEDULED or (
        request.state is RequestState.GRANTED and len(taken) >= request.dagdelen_granted
    ):
        raise RuleViolation("request", _l("All granted dagdelen of this request have been booked."))
    if request.state is not RequestState.GRANTED:
        raise RuleViolation("request", _l("Only a granted request can be booked."))
    _check_moment(moment, started)
    _check_expert(expert)


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


# ---- booking -----------------------------------------------------------------------------------
def default_title(request: Request) -> str:
    with force_locale(request.locale):
        return gettext("Development meeting %(region)s", region=request.region.name)


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
            return Booked(existing, already=True)
    expert = db.session.get(User, expert_id) if expert_id else None
    check_booking(request, taken, moment, expert)
    _check_free(expert, moment)
    supply = _supply(expert, moment)
    warnings = fit_warnings(request, expert, supply, moment, taken)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)

    with changes.slot_guard(expert):
        (meeting_id,) = add_bookings([NewBooking(request, expert, moment, supply.themes, title, bool(warnings))], actor)
    if len(taken) + 1 >= request.dagdelen_granted:
        set_state(request, RequestState.SCHEDULED, actor)
    return Booked(db.session.get(Meeting, meeting_id))


@dataclass(frozen=True)
class NewBooking:
    request: Request
    expert: User
    moment: Moment
    expert_themes: frozenset[int]
    title: str = ""
    outside_proposals: bool = False


#: The columns `add_bookings` writes of a session; the others take their defaults.
MEETING_COLUMNS = ("kind", "state", "request_id", "region_id", "title", "description", "location", "online_url",
                   "capacity", "uid", "sequence", "date", "dagdeel", "starts_at", "ends_at")


def add_bookings(bookings: list[NewBooking], actor: User | None, on_booking=lambda done, total: None) -> list[int]:
    """Write the regional sessions with their assignments, audit events and mails (to the
    contact and the expert), each kind in one statement; returns the sessions' ids.
    `on_booking(done, total)` follows the announcing.

    A session gets the request's themes the expert covers, and as places the participants the
    region expects (no limit when it gave none); coordinators can change that. What the mails
    need is in the bookings (requests with their regions and themes, experts), so nothing is
    loaded per booking. Raises the IntegrityError of the insert when one of the experts' slots
    was taken meanwhile.
    """
    if not bookings:
        return []
    drafts = [_draft(booking) for booking in bookings]
    made = dict(insert_rows(  # by uid: the rows of a many-row insert come back in any order
        Meeting.__table__, [{column: getattr(d, column) for column in MEETING_COLUMNS} for d in drafts],
        returning=(Meeting.uid, Meeting.id)))
    ids = [made[d.uid] for d in drafts]
    themes = [{"meeting_id": meeting_id, "theme_id": theme_id}
              for meeting_id, draft in zip(ids, drafts) for theme_id in draft.theme_ids]
    insert_rows(meeting_themes, themes)
    assigned = dict(insert_rows(  # the answer link in the expert's mail names the assignment
        MeetingExpert.__table__,
        [{"meeting_id": meeting_id, "expert_id": booking.expert.id, "date": draft.date, "dagdeel": draft.dagdeel,
          "state": AssignmentState.ASSIGNED} for meeting_id, draft, booking in zip(ids, drafts, bookings)],
        returning=(MeetingExpert.meeting_id, MeetingExpert.id)))
    contacts, experts = {}, {}
    events, outbox = [], []
    for done, (meeting_id, draft, booking) in enumerate(zip(ids, drafts, bookings, strict=True), start=1):
        draft.id = meeting_id
        request, expert = booking.request, booking.expert
        events.append(audit.values(
            "session.booked", request, actor=actor, actor_label=None if actor else "system", meeting_id=meeting_id,
            date=draft.date.isoformat(), dagdeel=draft.dagdeel.value, expert=expert.name,
            outside_proposals=booking.outside_proposals))
        if request.id not in contacts:
            contacts[request.id] = mails.contact_of(draft)
        if contacts[request.id]:
            outbox.append(mails.mail_values(draft, contacts[request.id], "session_booked",
                                            _l("Your meeting has been planned"), "scheduling/session_booked",
                                            "REQUEST", expert=expert, share=mails.registration_page(draft)))
        if expert.id not in experts:
            experts[expert.id] = mails.as_expert(expert)
        outbox.append(changes.assigned_mail(draft, experts[expert.id], SimpleNamespace(id=assigned[meeting_id])))
        on_booking(done, len(drafts))
    audit.record_all(events)
    mail.enqueue_snapshots(outbox)
    return ids


def _draft(booking: NewBooking) -> SimpleNamespace:
    """The session of a booking with what its row and its mails need, kept out of the ORM:
    `add_bookings` inserts its columns."""
    request = booking.request
    day, dagdeel = booking.moment
    starts_at, ends_at = dagdeel.bounds(day)
    draft = SimpleNamespace(
        kind=MeetingKind.REGIONAL, state=MeetingState.PLANNED, request=request, request_id=request.id,
        region=request.region, region_id=request.region_id,
        title=(booking.title or "").strip() or default_title(request), description=request.goal, target_groups="",
        location=request.location if request.location_kind is LocationKind.ADDRESS else "", online_url="",
        theme_ids=[t.id for t in request.themes if t.id in booking.expert_themes] or [t.id for t in request.themes],
        capacity=request.expected_participants or None, uid=new_uid(), sequence=0,
        date=day, dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at,
    )
    draft.all_parts = [draft]
    return draft


def set_state(request: Request, to: RequestState, actor: User | None, events: list[dict] | None = None) -> None:
    """A request whose granted dagdelen are all booked is scheduled; cancelling one of its
    sessions makes it granted again. `events` collects the audit events (see StateMachine.move)."""
    REQUEST_STATES.move(request, to, actor=actor, actor_label=None if actor else "system",
                        action="scheduled" if to is RequestState.SCHEDULED else "unscheduled", events=events)


# ---- rescheduling ------------------------------------------------------------------------------
def reschedule(meeting: Meeting, day: date, dagdeel: Dagdeel, expert_id: int | None, actor: User,
               *, confirmed: bool = False) -> None:
    """Move the session to another moment and/or another expert (see meetings.changes.move).

    The expert must be free there; a moment or an expert outside what fits the request raises
    NeedsConfirmation unless `confirmed`.
    """
    changes.lock_meeting(meeting)
    changes.check_open(meeting)
    moment = (day, dagdeel)
    expert = _expert(expert_id)
    same_moment = moment == (meeting.date, meeting.dagdeel)
    keeps_expert = any(a.expert_id == expert.id for a in changes.active_assignments(meeting))
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
    changes.move(meeting, moment, expert, actor, outside_proposals=bool(warnings))


# ---- cancelling --------------------------------------------------------------------------------
def cancel(meeting: Meeting, reason: str, actor: User) -> None:
    """Cancel a session; its dagdeel goes back to the request, which can then be booked again."""
    changes.cancel(meeting, reason, actor, returned=meeting.request is not None)
    request = meeting.request
    if request is not None and request.state is RequestState.SCHEDULED:
        set_state(request, RequestState.GRANTED, actor)


def upcoming_meetings(request: Request) -> list[Meeting]:
    """The request's sessions that are planned and have not begun: neither their own start nor
    their dagdeel has come."""
    now = utcnow()
    return [
        meeting for meeting in db.session.scalars(
            select(Meeting).where(Meeting.request_id == request.id, Meeting.state.in_(OPEN_MEETING_STATES)))
        if meeting.starts_at > now and not has_started((meeting.date, meeting.dagdeel), now)
    ]


def meetings_kept(request: Request, upcoming: list[Meeting] | None = None) -> int:
    """How many of the request's sessions (dagdelen) stay when it is closed now: those not
    cancelled that have begun; `cancel_upcoming` cancels the others (`upcoming`, when the caller
    has them already)."""
    live = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.request_id == request.id, Meeting.state != MeetingState.CANCELLED))
    return live - len(upcoming_meetings(request) if upcoming is None else upcoming)


def cancel_upcoming(request: Request, reason, actor: User | None) -> None:
    """Cancel the request's sessions that have not begun (withdrawal, rejection)."""
    for meeting in upcoming_meetings(request):
        changes.cancel(meeting, reason, actor)
