"""An expert's assignments (accept, decline) and the personal calendar feed behind a secret token.

Declining sets the assignment to DECLINED, which frees the expert's slot: the database's
unique index on (expert, date, dagdeel) only covers active (assigned or accepted) assignments.
An expert with upcoming sessions cannot be deactivated: `_still_needed` answers the experts
layer's `deactivating` signal.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import contains_eager

from ..accounts.models import Role, User
from ..accounts.services import coordinators_for
from ..core import audit, rules
from ..core.db import utcnow
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation
from ..core.time import today_local
from ..core.urls import absolute_url
from ..experts import signals
from ..experts.models import ExpertProfile
from ..mail import calendar
from ..mail import services as mail
from ..requests.models import Request
from . import changes, mails
from .bookings import live_assignment
from .models import (
    ACTIVE_ASSIGNMENT_STATES,
    ASSIGNMENT_STATES,
    MEETING_STATES,
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingState,
    calendar_entry,
)

CLOSED_MEETINGS = (MeetingState.CANCELLED, MeetingState.HELD)
#: The feed starts about three months back, so recent sessions stay in the calendar.
FEED_HISTORY = timedelta(days=92)
#: What `secrets.token_urlsafe` makes; anything else (a NUL byte, say) never reaches the database.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class NotAllowed(Exception):
    """Only the expert themself or a coordinator may act on an assignment or a feed link."""


class StateError(rules.StateError):
    """The assignment or its session no longer allows this action; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AssignmentRow:
    assignment: MeetingExpert
    upcoming: bool
    can_accept: bool
    can_decline: bool
    #: (number, count) of the dagdeel in its series ("dagdeel 2 van 3"); None for a single session.
    part: tuple[int, int] | None = None
    #: The session has ended; one that has begun but not ended is still on (not "Gegeven" yet).
    over: bool = False

    @property
    def meeting(self) -> Meeting:
        return self.assignment.meeting

    @property
    def closed(self) -> bool:
        """Declined, withdrawn or called off: nothing to do and nothing happened."""
        return self.assignment.state not in ACTIVE_ASSIGNMENT_STATES or self.meeting.state is MeetingState.CANCELLED

    @property
    def outcome(self) -> str:
        """The word on the row: the assignment's state, or for the past what happened."""
        if self.meeting.state is MeetingState.CANCELLED:
            return MEETING_STATES.label(MeetingState.CANCELLED)
        if self.over and self.assignment.state in ACTIVE_ASSIGNMENT_STATES:
            return str(_past_outcomes()[self.assignment.state])
        return ASSIGNMENT_STATES.label(self.assignment.state)


def _past_outcomes() -> dict:
    """Once a session has ended, an open question is no longer open: say what happened."""
    return {AssignmentState.ACCEPTED: _l("Given"), AssignmentState.ASSIGNED: _l("Past without an answer")}


@dataclass(frozen=True)
class AssignmentOverview:
    """The expert's page in sections: what needs an answer first, the past apart."""

    to_answer: list[AssignmentRow]
    scheduled: list[AssignmentRow]
    past: list[AssignmentRow]
    closed: list[AssignmentRow]


def overview(expert: User) -> AssignmentOverview:
    rows = assignments(expert)
    open_rows = [r for r in rows if not r.closed]
    return AssignmentOverview(
        to_answer=[r for r in open_rows if r.upcoming and r.assignment.state is AssignmentState.ASSIGNED],
        # until it ends, a session that is on stays with the ones to come (the list, the place)
        scheduled=[r for r in open_rows if not r.over
                   and not (r.upcoming and r.assignment.state is AssignmentState.ASSIGNED)],
        past=[r for r in open_rows if r.over],
        closed=[r for r in rows if r.closed],
    )


def _open_meeting(meeting: Meeting) -> bool:
    return meeting.state not in CLOSED_MEETINGS and meeting.starts_at > utcnow()


def assignments(expert: User) -> list[AssignmentRow]:
    """Every assignment of `expert`: those not ended soonest first, then past ones latest first."""
    items = db.session.scalars(
        select(MeetingExpert)
        .join(MeetingExpert.meeting)
        .where(MeetingExpert.expert_id == expert.id)
        .options(
            contains_eager(MeetingExpert.meeting).joinedload(Meeting.region),
            contains_eager(MeetingExpert.meeting).joinedload(Meeting.request)
            .joinedload(Request.assigned_coordinator).load_only(User.name, User.email, User.active),
            contains_eager(MeetingExpert.meeting).joinedload(Meeting.series),
        )
        .order_by(Meeting.starts_at, MeetingExpert.id)
    ).all()
    now = utcnow()
    upcoming = [i for i in items if i.meeting.ends_at > now]
    past = [i for i in reversed(items) if i.meeting.ends_at <= now]
    parts = series_parts([i.meeting for i in items])
    return [row(item, now, parts.get(item.meeting_id)) for item in upcoming + past]


def series_parts(meetings: list[Meeting]) -> dict[int, tuple[int, int]]:
    """(number, count) of each of `meetings` that is a dagdeel of a series, in one query."""
    leads = {m.series_id or m.id for m in meetings}
    if not leads:
        return {}
    found: dict[int, list[int]] = {}
    for meeting_id, lead_id in db.session.execute(
        select(Meeting.id, func.coalesce(Meeting.series_id, Meeting.id))
        .where(or_(Meeting.id.in_(leads), Meeting.series_id.in_(leads)))
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        found.setdefault(lead_id, []).append(meeting_id)
    return {meeting_id: (number, len(ids)) for ids in found.values() if len(ids) > 1
            for number, meeting_id in enumerate(ids, start=1)}


def row(item: MeetingExpert, now=None, part: tuple[int, int] | None = None) -> AssignmentRow:
    """One assignment with what its expert can still do with it."""
    now = now or utcnow()
    return AssignmentRow(
        assignment=item,
        upcoming=item.meeting.starts_at > now,
        can_accept=item.state is AssignmentState.ASSIGNED and _open_meeting(item.meeting),
        can_decline=item.state in ACTIVE_ASSIGNMENT_STATES and _open_meeting(item.meeting),
        part=part,
        over=item.meeting.ends_at <= now,
    )


def find_assignment(expert: User, assignment_id: int) -> MeetingExpert | None:
    """The expert's assignment with this id; None when it is unknown or someone else's."""
    item = db.session.get(MeetingExpert, assignment_id)
    return item if item is not None and item.expert_id == expert.id else None


def _check_actor(expert_id: int, actor: User) -> None:
    if not (actor.is_coordinator or actor.id == expert_id):
        raise NotAllowed()


def _check_open(assignment: MeetingExpert, allowed: tuple[AssignmentState, ...]) -> None:
    meeting = assignment.meeting
    if meeting.state is MeetingState.CANCELLED:
        raise StateError(_l("This session has been cancelled."))
    if not _open_meeting(meeting):
        raise StateError(_l("This session has already started or taken place."))
    if assignment.state not in allowed:
        raise StateError(_l("This assignment has already been answered or withdrawn."))


def _move(assignment: MeetingExpert, to: AssignmentState, actor: User) -> None:
    ASSIGNMENT_STATES.move(assignment, to, actor=actor, meeting_id=assignment.meeting_id)


def accept(assignment: MeetingExpert, actor: User) -> None:
    """Accept one assignment (see `accept_all`)."""
    accept_all([assignment], actor)


def accept_all(accepted: list[MeetingExpert], actor: User) -> None:
    """Accept the expert's `accepted` assignments (the dagdelen of one answer): the sessions are
    no longer TENTATIVE for the expert. Each SEQUENCE rises, and the expert gets a mail whose
    invites (one per dagdeel, as `mails.series_mails` sends them) say CONFIRMED, so their
    calendar no longer holds the sessions as tentative.

    Each session is locked before its assignment, as in `decline`."""
    for assignment in accepted:
        _check_actor(assignment.expert_id, actor)
        meeting = changes.lock_meeting(assignment.meeting)
        lock(assignment)  # two answers at once see each other's result
        _check_open(assignment, (AssignmentState.ASSIGNED,))
        _move(assignment, AssignmentState.ACCEPTED, actor)
        meeting.raise_sequence()
    parts = sorted((assignment.meeting for assignment in accepted), key=lambda meeting: meeting.starts_at)
    mails.tell_series(parts, mails.expert_person(accepted[0]), "session_accepted",
                      _l("You have accepted: %(title)s", title=parts[0].title), "scheduling/session_accepted",
                      "REQUEST")


def decline(assignment: MeetingExpert, reason: str, actor: User) -> None:
    """Decline one assignment (see `decline_all`)."""
    decline_all([assignment], reason, actor)


def decline_all(declined: list[MeetingExpert], reason: str, actor: User) -> None:
    """Decline the expert's `declined` assignments (one dagdeel, or the dagdelen of one answer)
    with a reason, free the slots, take the sessions out of the expert's calendar and tell the
    coordinators by mail: one mail for the whole answer, listing the dagdelen, as `accept_all`
    sends the expert one. A session without another expert needs one (EXPERT_NEEDED).

    Each session is locked before its assignment, in the order a coordinator's change takes them.
    """
    reason = (reason or "").strip()
    for assignment in declined:
        _check_actor(assignment.expert_id, actor)
    if not reason:
        raise RuleViolation("reason", _l("Give the reason why you decline; the coordinator reads it."))
    for assignment in declined:
        meeting = changes.lock_meeting(assignment.meeting)
        lock(assignment)
        _check_open(assignment, ACTIVE_ASSIGNMENT_STATES)
        assignment.decline_reason = reason
        _move(assignment, AssignmentState.DECLINED, actor)
        if not changes.active_assignments(meeting):
            MEETING_STATES.move(meeting, MeetingState.EXPERT_NEEDED, actor=actor,
                                audit_subject=changes.history_subject(meeting),
                                meeting_id=meeting.id, expert=assignment.expert.name)
        meeting.raise_sequence()  # the CANCEL must outrank the invite the expert has
    ordered = sorted(declined, key=lambda assignment: assignment.meeting.starts_at)
    parts = [assignment.meeting for assignment in ordered]
    mails.tell_series(parts, mails.expert_person(ordered[0]), "session_declined",
                      _l("You have declined: %(title)s", title=parts[0].title), "scheduling/session_declined",
                      "CANCEL")
    _notify_coordinators(ordered, reason)


def _notify_coordinators(declined: list[MeetingExpert], reason: str) -> None:
    """Mail the coordinators the reason, once for all the declined dagdelen. A session that
    another expert still leads goes ahead: the mail names them instead of asking for another
    expert, for each dagdeel of a series."""
    meeting, expert = declined[0].meeting, declined[0].expert
    parts = [SimpleNamespace(meeting=a.meeting, still_on=[o.expert.name for o in changes.active_assignments(a.meeting)])
             for a in declined]
    link = absolute_url("requests.coordinator_detail", request_id=meeting.request_id) if meeting.request_id \
        else absolute_url("meetings.edit_training", meeting_id=meeting.lead.id)
    for coordinator in coordinators_for(meeting.request.assigned_coordinator_id if meeting.request else None):
        mail.enqueue(
            coordinator.email, "assignment_declined",
            _l("%(name)s has declined a session", name=expert.name) if len(parts) == 1
            else _l("%(name)s has declined %(count)d dagdelen", name=expert.name, count=len(parts)),
            "experts/assignment_declined", locale=coordinator.locale,
            coordinator=coordinator, expert=expert, meeting=meeting, reason=reason, link=link,
            still_on=parts[0].still_on, parts=parts if len(parts) > 1 else [],
        )


@signals.deactivating.connect
def _still_needed(expert: User) -> RuleViolation | None:
    """An expert with upcoming sessions stays active until they are given to someone else."""
    upcoming = db.session.scalar(
        select(MeetingExpert.id)
        .where(MeetingExpert.expert_id == expert.id, MeetingExpert.date >= today_local(), live_assignment())
        .limit(1)
    )
    if upcoming is None:
        return None
    return RuleViolation("active", _l(
        "This expert still has upcoming sessions. Assign them to another expert first."
    ))


# ---- the calendar feed -------------------------------------------------------------------------
def _profile(expert: User) -> ExpertProfile:
    profile = db.session.get(ExpertProfile, expert.id)
    if profile is None:
        profile = ExpertProfile(user=expert)
        db.session.add(profile)
        db.session.flush()
    return profile


def feed_token(expert: User) -> str:
    """The expert's feed token, made the first time it is asked for.

    The conditional UPDATE makes two first visits at once agree on one token.
    """
    profile = _profile(expert)
    if profile.feed_token is None:
        db.session.execute(
            update(ExpertProfile)
            .where(ExpertProfile.user_id == expert.id, ExpertProfile.feed_token.is_(None))
            .values(feed_token=secrets.token_urlsafe(32))
        )
        db.session.refresh(profile)
    return profile.feed_token


def renew_feed_token(expert: User, actor: User) -> str:
    """Replace the token: the old feed address stops working at once."""
    _check_actor(expert.id, actor)
    profile = _profile(expert)
    profile.feed_token = secrets.token_urlsafe(32)
    audit.record("expert.feed_renewed", expert, actor=actor)
    return profile.feed_token


def expert_for_feed(token: str) -> User | None:
    """The active expert whose feed `token` opens; None for an unknown, old or tampered token."""
    if not FEED_TOKEN.fullmatch(token or ""):
        return None
    return db.session.scalar(
        select(User)
        .join(ExpertProfile, ExpertProfile.user_id == User.id)
        .where(ExpertProfile.feed_token == token, User.role == Role.EXPERT, User.active)
    )


def feed_for(expert: User) -> bytes:
    """The expert's sessions from about three months back, as an iCalendar feed.

    Declined assignments are left out. A session the expert was taken off, or that was
    cancelled, stays in with STATUS:CANCELLED, so subscribed calendars remove it. One the expert
    has not accepted yet is TENTATIVE.
    """
    rows = db.session.execute(
        select(Meeting, MeetingExpert.state)
        .join(MeetingExpert, MeetingExpert.meeting_id == Meeting.id)
        .where(
            MeetingExpert.expert_id == expert.id,
            MeetingExpert.state.in_((*ACTIVE_ASSIGNMENT_STATES, AssignmentState.RELEASED)),
            Meeting.date >= today_local() - FEED_HISTORY,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    url = absolute_url("experts.assignments", expert_id=expert.id)
    with force_locale(expert.locale):
        name = gettext("Ontwikkelbijeenkomsten: my sessions")
    held: dict[Meeting, AssignmentState] = {}  # one event per session: an active assignment wins
    for meeting, state in rows:
        if held.get(meeting, AssignmentState.RELEASED) is AssignmentState.RELEASED:
            held[meeting] = state
    return calendar.feed((
        calendar.event(calendar_entry(s), url=url, description=s.description,
                       cancelled=state is AssignmentState.RELEASED, tentative=state is AssignmentState.ASSIGNED)
        for s, state in held.items()
    ), name)
