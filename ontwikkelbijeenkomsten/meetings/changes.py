"""Changing, moving and cancelling one meeting, and telling the people it concerns.

A change people notice (another time, place or moment, a cancellation) raises the meeting's
calendar SEQUENCE and is audited as a move of its state machine, so that calendars apply the
invite that goes with it. Scheduling (booking and rescheduling against the experts' supply)
and the open trainings build on these; the caller's unit of work commits.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.i18n import dagdeel_label
from ..core.locking import lock
from ..core.rules import RuleViolation
from ..core.time import Dagdeel, local_to_utc, to_local
from ..core.urls import absolute_url
from . import mails
from .links import answer_token
from .models import (
    ACTIVE_ASSIGNMENT_STATES,
    ASSIGNMENT_STATES,
    MEETING_STATES,
    OPEN_MEETING_STATES,
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingState,
    first_start,
)

Moment = tuple[date, Dagdeel]
WEB_ADDRESS = re.compile(r"https?://[^\s/]+\S*", re.IGNORECASE)


# ---- whether a meeting can still change ---------------------------------------------------------
def has_started(moment: Moment, now: datetime | None = None) -> bool:
    """Has the dagdeel of `moment` begun?"""
    return started_at(now)(moment)


def started_at(now: datetime | None = None) -> Callable[[Moment], bool]:
    """`has_started` for many moments at one `now`: a date comparison each, as only today's
    dagdelen need their start time."""
    now = now or utcnow()
    today = to_local(now).date()
    begun = {dagdeel for dagdeel in Dagdeel if dagdeel.bounds(today)[0] <= now}
    return lambda moment: moment[0] < today or (moment[0] == today and moment[1] in begun)


def closed_message(meeting: Meeting):
    """Why the meeting can no longer be changed (moved, changed, cancelled); None while it can."""
    if meeting.state is MeetingState.CANCELLED:
        return _l("This session has been cancelled.")
    if meeting.state not in OPEN_MEETING_STATES or has_started((meeting.date, meeting.dagdeel)):
        return _l("This session has begun or taken place and can no longer be changed.")
    return None


def check_open(meeting: Meeting) -> None:
    if (message := closed_message(meeting)) is not None:
        raise RuleViolation("meeting", message)


def lock_meeting(meeting: Meeting) -> Meeting:
    """Lock the request first (as every action on a request does), then the series' lead
    (where registrations take their places) and the meeting."""
    if meeting.request is not None:
        lock(meeting.request)
    lock(meeting.lead, meeting)
    return meeting


# ---- experts -----------------------------------------------------------------------------------
def active_assignments(meeting: Meeting) -> list[MeetingExpert]:
    return [a for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]


def assign(meeting: Meeting, expert: User) -> MeetingExpert:
    """A new assignment in the meeting's slot; written inside `slot_guard`."""
    assignment = MeetingExpert(meeting=meeting, expert=expert, date=meeting.date, dagdeel=meeting.dagdeel,
                               state=AssignmentState.ASSIGNED)
    db.session.add(assignment)
    return assignment


def release(assignment: MeetingExpert, actor: User | None) -> None:
    """Take an expert off: their slot is free again."""
    ASSIGNMENT_STATES.move(assignment, AssignmentState.RELEASED, actor=actor,
                           actor_label=None if actor else "system", meeting_id=assignment.meeting_id)


@contextmanager
def slot_guard(expert: User):
    """Write what the block adds in a savepoint. When the unique index on active assignments
    refuses it (someone booked the expert in that slot at the same moment), only the savepoint
    is undone, and a RuleViolation says so."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as exc:
        raise RuleViolation("expert_id", _l(
            "%(name)s has just been booked for another session in this dagdeel. Choose another "
            "expert or moment.", name=expert.name)) from exc


def has_custom_times(meeting: Meeting) -> bool:
    """The session's times differ from its dagdeel's standard times; moving it replaces them."""
    return (meeting.starts_at, meeting.ends_at) != meeting.dagdeel.bounds(meeting.date)


def place(meeting: Meeting, moment: Moment) -> None:
    """Put the meeting in `moment`, over the whole dagdeel."""
    meeting.date, meeting.dagdeel = moment
    meeting.starts_at, meeting.ends_at = moment[1].bounds(moment[0])


# ---- recording and telling ---------------------------------------------------------------------
def history_subject(meeting: Meeting):
    """A regional meeting's history is kept on its request."""
    return meeting.request or meeting


def _record(meeting: Meeting, action: str, actor: User | None, *, changed: bool, **details) -> None:
    """Audit `session.<action>`; when people notice the change, the meeting moves to CHANGED
    (or stays EXPERT_NEEDED while no expert has taken it over)."""
    subject = history_subject(meeting)
    if changed:
        needed = meeting.state is MeetingState.EXPERT_NEEDED and not active_assignments(meeting)
        MEETING_STATES.move(meeting, MeetingState.EXPERT_NEEDED if needed else MeetingState.CHANGED, actor=actor,
                            action=action, audit_subject=subject, meeting_id=meeting.id, **details)
    else:
        audit.record(f"{MEETING_STATES.action}.{action}", subject, actor=actor, meeting_id=meeting.id, **details)


def tell_changed(meeting: Meeting, people: list[mails.Person], moved_from: Moment | None,
                 was: dict | None = None) -> None:
    """Tell `people` of the change; `was` is what changed and how it was (see `mails.mail_values`).
    A participant with a place reads whether they can still cancel if the change does not suit
    them (not once the series has begun)."""
    experts = [a.expert for a in active_assignments(meeting)]
    begun = first_start(meeting.lead) <= utcnow()
    for person in people:
        mails.tell(meeting, person, "session_changed", _l("Change to your meeting: %(title)s", title=meeting.title),
                   "scheduling/session_changed", "REQUEST", moved_from=moved_from,
                   expert=experts[0] if experts else None, was=was, begun=begun)


def _assigned(title) -> tuple:
    """Kind, subject, template and METHOD of the mail that tells an expert of an assignment."""
    return ("session_assigned", _l("New assignment: %(title)s", title=title), "scheduling/session_assigned", "REQUEST")


def tell_assigned(*assignments: MeetingExpert) -> None:
    """New assignments of one expert (one session, or dagdelen of a series): one mail that
    says so, and an invite per dagdeel."""
    first = assignments[0]
    mails.tell_series([a.meeting for a in assignments], mails.expert_person(first), *_assigned(first.meeting.title),
                      answer=_answer(list(assignments)))


def assigned_mail(meeting: Meeting, expert: mails.Person, assignment) -> dict:
    """The outbox row that tells an expert of their new assignment (with its id) to one
    session: a batch writes many at once. Its invite is TENTATIVE until the expert accepts."""
    return mails.mail_values(meeting, replace(expert, tentative=True), *_assigned(meeting.title),
                             answer=_answer([assignment]))


def _answer(assignments: list) -> str:
    return absolute_url("experts.answer", token=answer_token(assignments))


# ---- details -----------------------------------------------------------------------------------
@dataclass
class Details:
    title: str
    description: str
    location: str
    online_url: str
    starts: time
    ends: time


def local_times(meeting: Meeting) -> tuple[time, time]:
    return to_local(meeting.starts_at).time(), to_local(meeting.ends_at).time()


def online_url_problems(url: str) -> list[RuleViolation]:
    """An online link must be a web address."""
    if url.strip() and not WEB_ADDRESS.fullmatch(url.strip()):
        return [RuleViolation("online_url", _l("Enter a web address that starts with https://."))]
    return []


def change_details(meeting: Meeting, details: Details, actor: User) -> bool:
    """Change title, description, place and the exact times within the dagdeel.

    A change of time or place raises the SEQUENCE and tells everyone; a new title or
    description alone is saved quietly. Returns whether people were told.
    """
    lock_meeting(meeting)
    check_open(meeting)
    title, dagdeel = details.title.strip(), meeting.dagdeel
    problems = [] if title else [RuleViolation("title", _l("Give the session a title."))]
    if not (dagdeel.start <= details.starts < details.ends <= dagdeel.end):
        problems.append(RuleViolation("starts", _l(
            "Choose times within the %(dagdeel)s (%(start)s to %(end)s), the end after the start.",
            dagdeel=dagdeel_label(dagdeel), start=dagdeel.start.strftime("%H:%M"), end=dagdeel.end.strftime("%H:%M"))))
    RuleViolation.raise_if(problems + online_url_problems(details.online_url))
    starts_at, ends_at = local_to_utc(meeting.date, details.starts), local_to_utc(meeting.date, details.ends)
    was = {}
    if (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at):
        was["times"] = [meeting.starts_at.isoformat(), meeting.ends_at.isoformat()]
    if (details.location.strip(), details.online_url.strip()) != (meeting.location, meeting.online_url):
        was["place"] = {"location": meeting.location, "online_url": meeting.online_url}
    noticeable = bool(was)
    meeting.title, meeting.description = title, details.description.strip()
    meeting.location, meeting.online_url = details.location.strip(), details.online_url.strip()
    if starts_at != meeting.starts_at:
        meeting.reminded_at = None
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    if noticeable:
        meeting.raise_sequence()
    _record(meeting, "changed", actor, changed=noticeable, told=noticeable)
    if noticeable:
        tell_changed(meeting, mails.people(meeting), moved_from=None, was=was)
    return noticeable


# ---- moving ------------------------------------------------------------------------------------
def move(meeting: Meeting, moment: Moment, expert: User, actor: User, *, outside_proposals: bool = False) -> None:
    """Move the meeting to `moment` and/or give it to `expert`; the caller has locked it and
    checked that the expert is free there.

    The old slot of an expert who stays moves along; an expert taken off gets a CANCEL, a new
    one an assignment, everyone else the new moment (or, for another expert only, the contact
    and the participants hear who it is now). Raises RuleViolation when the expert's slot was taken meanwhile.
    """
    before = (meeting.date, meeting.dagdeel)
    same_moment = moment == before
    current = active_assignments(meeting)
    keeps_expert = any(a.expert_id == expert.id for a in current)
    released = [a for a in current if a.expert_id != expert.id]
    audience = [p for p in mails.people(meeting) if p.role != "expert"]
    meeting.raise_sequence()
    with slot_guard(expert):
        for assignment in released:  # told before the move, so the mail shows the moment they had
            release(assignment, actor)
            mails.tell(meeting, mails.expert_person(assignment), "session_released",
                       _l("You are no longer needed for %(title)s", title=meeting.title),
                       "scheduling/session_released", "CANCEL")
        if not same_moment:
            place(meeting, moment)
            meeting.reminded_at = None  # the new date gets its own reminder
            for assignment in current:
                if assignment.expert_id == expert.id:
                    assignment.date, assignment.dagdeel = moment
        new_assignment = None if keeps_expert else assign(meeting, expert)
    _record(meeting, "rescheduled", actor, changed=not same_moment or meeting.state is MeetingState.EXPERT_NEEDED,
            from_date=before[0].isoformat(),
            from_dagdeel=before[1].value, date=moment[0].isoformat(), dagdeel=moment[1].value, expert=expert.name,
            released=[a.expert.name for a in released], outside_proposals=outside_proposals)

    if new_assignment is not None:
        tell_assigned(new_assignment)
    other_expert = {"expert": True} if new_assignment is not None else None
    if not same_moment:
        kept = [mails.expert_person(a) for a in current if a not in released]
        tell_changed(meeting, audience, moved_from=before, was=other_expert)
        tell_changed(meeting, kept, moved_from=before)
    else:  # another expert only: everyone whose mail named the expert hears who it is now
        tell_changed(meeting, audience, moved_from=None, was=other_expert)


# ---- cancelling --------------------------------------------------------------------------------
def cancel(meeting: Meeting, reason, actor: User | None, *, returned: bool = False) -> None:
    """Cancel the meeting: free the experts' slots and tell everyone, with `reason` (a lazy
    text is put in each person's own language). `returned`: its dagdeel goes back to the
    request, which the contact's mail says."""
    reason = checked_reason(reason)
    audience = cancel_quietly(meeting, reason, actor)
    others_go_ahead = any(part.state is not MeetingState.CANCELLED for part in meeting.all_parts)
    subject = (_l("One dagdeel cancelled: %(title)s", title=meeting.title) if others_go_ahead
               else _l("Cancelled: %(title)s", title=meeting.title))
    for person in audience:
        mails.tell(meeting, person, "session_cancelled", subject,
                   "scheduling/session_cancelled", "CANCEL", reason=reason,
                   returned=returned and person.role == "contact")


def checked_reason(reason):
    """The reason for cancelling, stripped; everyone involved reads it, so it is required."""
    if isinstance(reason, str):
        reason = reason.strip()
    if not str(reason or "").strip():
        raise RuleViolation("reason", _l("Give the reason for cancelling; everyone involved reads it."))
    return reason


def cancel_quietly(meeting: Meeting, reason, actor: User | None) -> list[mails.Person]:
    """`cancel` without the mails: returns whom they go to."""
    lock_meeting(meeting)
    check_open(meeting)
    audience = mails.people(meeting)
    meeting.cancel_reason = str(reason)
    meeting.raise_sequence()
    for assignment in active_assignments(meeting):
        release(assignment, actor)
    MEETING_STATES.move(meeting, MeetingState.CANCELLED, actor=actor, actor_label=None if actor else "system",
                        audit_subject=history_subject(meeting), meeting_id=meeting.id,
                        date=meeting.date.isoformat(), dagdeel=meeting.dagdeel.value, reason=str(reason))
    return audience
