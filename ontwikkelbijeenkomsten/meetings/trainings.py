"""Open trainings: coordinators create them (one dagdeel, or a series of several) and change them.

A series is registered as one: its first part in time is the lead and holds the registrations,
the capacity and the registration window; the other parts point to it. Every part gets the
same experts; the unique index on active assignments per (expert, date, dagdeel) keeps an
expert from being booked twice. Every problem with a draft is reported at once, as an
`InvalidDraft` naming the fields. A change of time or place goes through
`changes.change_details` for each part, which raises the SEQUENCE and tells people.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.i18n import dagdeel_label, long_date
from ..core.models import Theme
from ..core.rules import RuleViolation
from ..core.time import Dagdeel, local_to_utc
from ..experts.models import Availability
from ..regions.models import ProgrammePeriod, Region
from . import changes, mails, services
from .bookings import live_assignment
from .changes import Details, has_started, local_times
from .models import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_MEETING_STATES,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)

MAX_PARTS = 6
MAX_CAPACITY = 1000


class Part(NamedTuple):
    """One dagdeel of a training; the times are local (Europe/Amsterdam), within the dagdeel."""

    date: date
    dagdeel: Dagdeel
    starts: time
    ends: time

    @property
    def moment(self) -> tuple[date, Dagdeel]:
        return self.date, self.dagdeel

    @property
    def starts_at(self) -> datetime:
        return local_to_utc(self.date, self.starts)

    @property
    def ends_at(self) -> datetime:
        return local_to_utc(self.date, self.ends)


@dataclass
class TrainingDraft:
    """What a coordinator fills in. The registration window is in UTC; `capacity` None: no limit."""

    title: str
    description: str = ""
    target_groups: str = ""
    theme_ids: list[int] = field(default_factory=list)
    region_id: int | None = None
    location: str = ""
    online_url: str = ""
    capacity: int | None = None
    waiting_list: bool = True
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    expert_ids: list[int] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


class InvalidDraft(RuleViolation):
    """Every problem with a draft; `field` and `message` are those of the first. A part's
    field is named `parts-<index in draft.parts>-<date|dagdeel|starts|ends>`."""

    def __init__(self, problems: list[RuleViolation]):
        super().__init__(problems[0].field, problems[0].message, problems=problems)


# ---- checking a draft --------------------------------------------------------------------------
def _slot_text(moment: tuple[date, Dagdeel]) -> dict:
    return {"date": long_date(moment[0]), "dagdeel": dagdeel_label(moment[1])}


def _part_problems(parts: list[Part], now: datetime) -> list[RuleViolation]:
    """Per part: not the same dagdeel twice, times within the dagdeel, in the future."""
    problems = []
    seen: dict[tuple[date, Dagdeel], int] = {}
    for index, part in enumerate(parts):
        name = f"parts-{index}-"
        if part.moment in seen:
            problems.append(RuleViolation(name + "dagdeel", _l(
                "This dagdeel is already part %(number)s of the training.", number=seen[part.moment] + 1)))
            continue
        seen[part.moment] = index
        dagdeel = part.dagdeel
        if not dagdeel.start <= part.starts < part.ends <= dagdeel.end:
            problems.append(RuleViolation(name + "starts", _l(
                "Choose times within the %(dagdeel)s (%(start)s to %(end)s), the end after the start.",
                dagdeel=dagdeel_label(dagdeel), start=dagdeel.start.strftime("%H:%M"),
                end=dagdeel.end.strftime("%H:%M"))))
        elif part.starts_at <= now:
            problems.append(RuleViolation(name + "date", _l(
                "This dagdeel has begun or is over. Choose a moment in the future.")))
    return problems


def _problems(draft: TrainingDraft, first_start: datetime | None) -> list[RuleViolation]:
    """What is wrong with the draft's own fields and its registration window, which closes
    before the first part begins (`first_start`)."""
    problems = []
    if not draft.title.strip():
        problems.append(RuleViolation("title", _l("Give the session a title.")))
    theme_ids = set(draft.theme_ids)
    if theme_ids and db.session.scalar(select(func.count()).where(Theme.id.in_(theme_ids))) != len(theme_ids):
        problems.append(RuleViolation("theme_ids", _l("Choose themes from the list.")))
    if draft.region_id is not None and db.session.get(Region, draft.region_id) is None:
        problems.append(RuleViolation("region_id", _l("Choose a region from the list.")))
    problems += changes.online_url_problems(draft.online_url)
    if draft.capacity is not None and not 1 <= draft.capacity <= MAX_CAPACITY:
        problems.append(RuleViolation("capacity", _l(
            "Enter a number of places from 1 to %(max)s, or leave it empty for no limit.", max=MAX_CAPACITY)))
    opens, closes = draft.registration_opens_at, draft.registration_closes_at
    if opens and closes and closes <= opens:
        problems.append(RuleViolation("registration_closes_at", _l("Registration must close after it opens.")))
    elif closes and first_start and closes > first_start:
        problems.append(RuleViolation("registration_closes_at", _l(
            "Registration must close before the first dagdeel begins, at %(moment)s at the latest.",
            moment=format_datetime(first_start, "EEEE d MMMM y, HH:mm"))))
    if opens and first_start and opens >= first_start:
        problems.append(RuleViolation("registration_opens_at", _l(
            "Registration must open before the first dagdeel begins.")))
    return problems


def _first_start(parts: list[Part]) -> datetime | None:
    return min((p.starts_at for p in parts), default=None)


def _experts(expert_ids: list[int]) -> tuple[list[User], list[RuleViolation]]:
    wanted = list(dict.fromkeys(expert_ids))
    found = list(db.session.scalars(select(User).where(
        User.id.in_(wanted), User.role == Role.EXPERT, User.active).order_by(User.name, User.id))) if wanted else []
    if len(found) != len(wanted):
        return found, [RuleViolation("expert_ids", _l("Choose an active expert from the list."))]
    return found, []


def _taken(experts: list[User], parts: list[Part]) -> list[RuleViolation]:
    """The experts' slots that another session already holds, one problem each."""
    if not experts or not parts:
        return []
    rows = db.session.execute(
        select(MeetingExpert.expert_id, MeetingExpert.date, MeetingExpert.dagdeel)
        .where(MeetingExpert.expert_id.in_([e.id for e in experts]),
               tuple_(MeetingExpert.date, MeetingExpert.dagdeel).in_([p.moment for p in parts]),
               live_assignment())
        .order_by(MeetingExpert.date, MeetingExpert.dagdeel)
    ).all()
    names = {e.id: e.name for e in experts}
    return [RuleViolation("expert_ids", _l(
        "%(name)s is already booked for another session on %(date)s, %(dagdeel)s.",
        name=names[expert_id], **_slot_text((day, dagdeel)))) for expert_id, day, dagdeel in rows]


def _refuse(problems: list[RuleViolation]) -> None:
    if problems:
        raise InvalidDraft(problems)


# ---- creating ----------------------------------------------------------------------------------
def create_training(draft: TrainingDraft, actor: User) -> Meeting:
    """Create the training (a series when it has several parts) and tell the experts.

    Returns the lead. Raises InvalidDraft with every problem, nothing saved.
    """
    experts, expert_problems = _experts(draft.expert_ids)
    problems = _problems(draft, _first_start(draft.parts))
    if not draft.parts:
        problems.append(RuleViolation("parts", _l("Give at least one dagdeel: a date and a dagdeel.")))
    if len(draft.parts) > MAX_PARTS:
        problems.append(RuleViolation("parts", _l("A training has at most %(max)s dagdelen.", max=MAX_PARTS)))
    _refuse(problems + _part_problems(draft.parts, utcnow()) + expert_problems)
    _refuse(_taken(experts, draft.parts))
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(set(draft.theme_ids)))))
    try:
        with db.session.begin_nested():  # a savepoint: a clash undoes only the new training
            lead = _add_parts(draft, themes, experts)
    except IntegrityError:  # an expert's slot was booked at the same moment
        raise InvalidDraft(_taken(experts, draft.parts) or [RuleViolation("expert_ids", _l(
            "An expert has just been booked for another session in one of these dagdelen. Try again."))]) from None
    audit.record("training.created", lead, actor=actor, title=lead.title, parts=len(draft.parts),
                 experts=[e.name for e in experts], capacity=lead.capacity)
    for expert in experts:  # one "Nieuwe opdracht" per expert, with an invite per dagdeel
        changes.tell_assigned(*(a for part in lead.all_parts for a in part.experts if a.expert_id == expert.id))
    return lead


def _add_parts(draft: TrainingDraft, themes: list[Theme], experts: list[User]) -> Meeting:
    """The meetings of the training, each with its experts; returns the lead."""
    lead = None
    for part in sorted(draft.parts, key=lambda p: p.starts_at):
        meeting = Meeting(
            kind=MeetingKind.OPEN_TRAINING, series=lead, title=draft.title.strip(),
            description=draft.description.strip(), target_groups=draft.target_groups.strip(),
            region_id=draft.region_id, themes=list(themes), date=part.date, dagdeel=part.dagdeel,
            starts_at=part.starts_at, ends_at=part.ends_at, location=draft.location.strip(),
            online_url=draft.online_url.strip(), waiting_list_enabled=draft.waiting_list,
        )
        if lead is None:
            meeting.capacity = draft.capacity
            meeting.registration_opens_at = draft.registration_opens_at
            meeting.registration_closes_at = draft.registration_closes_at
            lead = meeting
        meeting.experts = [MeetingExpert(expert=e, date=part.date, dagdeel=part.dagdeel) for e in experts]
        db.session.add(meeting)
    return lead


def missing_availability(lead: Meeting) -> list:
    """Warnings for the experts who have not given a part's dagdeel as available."""
    assignments = [(a, part) for part in lead.all_parts for a in part.experts
                   if a.state in ACTIVE_ASSIGNMENT_STATES and part.state is not MeetingState.CANCELLED]
    if not assignments:
        return []
    given = set(db.session.execute(
        select(Availability.expert_id, Availability.date, Availability.dagdeel)
        .where(Availability.expert_id.in_({a.expert_id for a, _part in assignments}),
               tuple_(Availability.date, Availability.dagdeel).in_({(p.date, p.dagdeel) for _a, p in assignments}))
    ).tuples())
    return [_l("%(name)s has not given %(date)s, %(dagdeel)s as available. Check with the expert that it suits them.",
               name=a.expert.name, **_slot_text((part.date, part.dagdeel)))
            for a, part in assignments if (a.expert_id, part.date, part.dagdeel) not in given]


# ---- changing ----------------------------------------------------------------------------------
def editable_parts(lead: Meeting, now: datetime | None = None) -> list[Meeting]:
    """The parts whose details can still change: not cancelled, their dagdeel not begun."""
    return [p for p in lead.all_parts if p.state in OPEN_MEETING_STATES and not has_started((p.date, p.dagdeel), now)]


def closed_reason(lead: Meeting, now: datetime | None = None):
    """Why the training can no longer be changed here; None while it can."""
    parts = [p for p in lead.all_parts if p.state is not MeetingState.CANCELLED]
    if not parts:
        return _l("This training has been cancelled.")
    if any(has_started((p.date, p.dagdeel), now) for p in parts):
        return _l("This training has begun or taken place and can no longer be changed.")
    return None


def cancel_training(lead: Meeting, reason, actor: User) -> list[Meeting]:
    """Cancel every dagdeel of a training that has not begun, and return them.

    Each dagdeel is cancelled as `changes.cancel` cancels one (slots freed, a higher SEQUENCE),
    in the order of their ids, the order other changes lock them in. Everyone involved gets
    one mail about the whole training, with the first dagdeel's CANCEL, and a short mail with
    the CANCEL of each other dagdeel of theirs (`mails.series_mails`), instead of a full mail
    per dagdeel."""
    reason = changes.checked_reason(reason)
    if (closed := closed_reason(lead)) is not None:
        raise RuleViolation("meeting", closed)
    parts = sorted(editable_parts(lead), key=lambda part: part.id)
    people: dict[str, tuple[mails.Person, list[Meeting]]] = {}
    for part in parts:
        for person in changes.cancel_quietly(part, reason, actor):
            people.setdefault(person.email.lower(), (person, []))[1].append(part)
    for person, theirs in people.values():
        theirs.sort(key=lambda part: part.starts_at)
        mails.tell_series(theirs, person, "session_cancelled", _l("Cancelled: %(title)s", title=lead.title),
                          "scheduling/session_cancelled", "CANCEL", reason=reason)
    return sorted(parts, key=lambda part: part.starts_at)


def update_training(lead: Meeting, draft: TrainingDraft, actor: User) -> bool:
    """Change the training; returns whether people were told about a new time or place.

    `draft.parts` name existing parts by their date and dagdeel, with new times; parts left out
    keep theirs. Moving, adding or cancelling a part and changing its experts happen on the
    part's own page (scheduling), so `draft.expert_ids` is not used here. A capacity below the
    confirmed participants is refused (services.set_capacity).

    Every rule is checked before anything is written; then the training's own fields, its
    capacity and each part whose text, time or place differs (as change_details does it) are
    saved in one transaction, or none of it.
    """
    if (reason := closed_reason(lead)) is not None:
        _refuse([RuleViolation("meeting", reason)])
    now = utcnow()
    current = {(p.date, p.dagdeel): p for p in editable_parts(lead, now)}
    problems = [RuleViolation(f"parts-{index}-date", _l(
        "This dagdeel is not (or no longer) a part of this training. Reload the page."))
        for index, part in enumerate(draft.parts) if part.moment not in current]
    changed = {part.moment: part for part in draft.parts}
    after = [changed.get(moment) or _as_part(p) for moment, p in current.items()]
    _refuse(_problems(draft, _first_start(after)) + _part_problems(draft.parts, now) + problems)

    capacity_changes = (draft.capacity, draft.waiting_list) != (lead.capacity, lead.waiting_list_enabled)
    audit.record("training.changed", lead, actor=actor, title=draft.title.strip(), before_title=lead.title,
                 region_id=draft.region_id, capacity=draft.capacity,
                 opens_at=_iso(draft.registration_opens_at), closes_at=_iso(draft.registration_closes_at))
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(set(draft.theme_ids)))))
    for part in lead.all_parts:
        part.target_groups, part.region_id, part.themes = draft.target_groups.strip(), draft.region_id, list(themes)
    lead.registration_opens_at, lead.registration_closes_at = draft.registration_opens_at, draft.registration_closes_at
    told = False
    if capacity_changes:
        services.set_capacity(lead, draft.capacity, draft.waiting_list, actor)
    for moment, part in current.items():
        new = changed.get(moment) or _as_part(part)
        details = Details(title=draft.title, description=draft.description, location=draft.location,
                          online_url=draft.online_url, starts=new.starts, ends=new.ends)
        if _differs(part, details):
            told = changes.change_details(part, details, actor) or told
    return told


def _as_part(meeting: Meeting) -> Part:
    return Part(meeting.date, meeting.dagdeel, *local_times(meeting))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _differs(part: Meeting, details) -> bool:
    return (details.title.strip(), details.description.strip(), details.location.strip(),
            details.online_url.strip(), details.starts, details.ends) != (
        part.title, part.description, part.location, part.online_url, *local_times(part))


# ---- the coordinators' list --------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingRow:
    lead: Meeting
    parts: list[Meeting]
    waiting: int


#: Without a programme period to choose, the past trainings shown go back this far.
PAST_WITHOUT_PERIOD = timedelta(days=365)


def overview(period: ProgrammePeriod | None = None, now: datetime | None = None
             ) -> tuple[list[TrainingRow], list[TrainingRow]]:
    """Upcoming trainings (soonest first), all of them, and past ones (latest first) whose first
    dagdeel is in `period` (without one: of the last year), in four queries however many
    trainings there are: the past of every year is not read for one page."""
    now = now or utcnow()
    lead_id = func.coalesce(Meeting.series_id, Meeting.id)
    span = (select(lead_id.label("lead_id"), func.min(Meeting.date).label("first_day"),
                   func.max(Meeting.ends_at).label("last_end"))
            .group_by(lead_id).subquery())
    if period is not None:
        in_past = span.c.first_day.between(period.starts_on, period.ends_on)
    else:
        in_past = span.c.first_day >= (now - PAST_WITHOUT_PERIOD).date()
    leads = list(db.session.scalars(
        select(Meeting).join(span, span.c.lead_id == Meeting.id)
        .where(Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None),
               or_(span.c.last_end > now, in_past))
        .options(selectinload(Meeting.parts), selectinload(Meeting.region))))
    waiting = dict(db.session.execute(
        select(Registration.meeting_id, func.count())
        .where(Registration.state == RegistrationState.WAITING,
               Registration.meeting_id.in_([lead.id for lead in leads]))
        .group_by(Registration.meeting_id)).all()) if leads else {}
    rows = [TrainingRow(lead, lead.all_parts, waiting.get(lead.id, 0)) for lead in leads]
    upcoming = sorted((r for r in rows if r.parts[-1].ends_at > now), key=lambda r: (r.parts[0].starts_at, r.lead.id))
    past = sorted((r for r in rows if r.parts[-1].ends_at <= now), key=lambda r: (r.parts[0].starts_at, r.lead.id),
                  reverse=True)
    return upcoming, past
