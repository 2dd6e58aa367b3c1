"""What the participant lists and the evaluation results show, read in a fixed number of queries.

Registrations, attendance and evaluations belong to the lead of a series; a page about any
part shows its lead's list.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..core.db import utcnow
from ..core.extensions import db
from ..core.sectors import Sector, sector_label
from ..regions.models import ProgrammePeriod
from . import services
from .models import (
    HOLDING_PLACE,
    OPEN_MEETING_STATES,
    REGISTRATION_STATES,
    Attendance,
    Evaluation,
    Meeting,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from .registers import short_label


# ---- participants ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParticipantList:
    lead: Meeting
    part: Meeting  # the part whose attendance the page is about
    confirmed: list[Registration]  # with a place (or attended), by name
    waiting: list[Registration]  # in the order they get a place
    cancelled: list[Registration]
    sectors: dict[Sector, int]
    present: dict[int, set[int]]  # registration id -> ids of the parts they attended

    @property
    def parts(self) -> list[Meeting]:
        return self.lead.all_parts

    @property
    def joint(self) -> bool:
        """Joint professionalisation: both education and youth care take part."""
        return self.sectors[Sector.ONDERWIJS] > 0 and self.sectors[Sector.JEUGDHULP] > 0

    def present_at(self, registration: Registration) -> list[Meeting]:
        parts = self.present.get(registration.id, set())
        return [part for part in self.parts if part.id in parts]

    def present_here(self) -> set[int]:
        return {rid for rid, parts in self.present.items() if self.part.id in parts}

    @property
    def waiting_positions(self) -> list[services.WaitingPosition]:
        """Of `waiting`: while a sector holds places, its people count among themselves."""
        return services.waiting_positions(self.lead, self.waiting)


def participant_list(meeting: Meeting) -> ParticipantList:
    """The list of `session`'s lead, with attendance; three queries."""
    lead = meeting.lead
    registrations = db.session.scalars(
        select(Registration).where(Registration.meeting_id == lead.id).order_by(Registration.id)).all()
    present: dict[int, set[int]] = {}
    for registration_id, part_id in db.session.execute(
            select(Attendance.registration_id, Attendance.meeting_id).join(Registration)
            .where(Registration.meeting_id == lead.id)):
        present.setdefault(registration_id, set()).add(part_id)
    return ParticipantList(
        lead=lead, part=meeting,
        confirmed=sorted((r for r in registrations if r.state in HOLDING_PLACE),
                         key=lambda r: (r.name.casefold(), r.id)),
        waiting=[r for r in registrations if r.state is RegistrationState.WAITING],
        cancelled=[r for r in registrations if r.state is RegistrationState.CANCELLED],
        sectors=services.sector_mix(lead), present=present,
    )


def waiting_count(lead: Meeting) -> int:
    return db.session.scalar(select(func.count()).where(
        Registration.meeting_id == lead.id, Registration.state == RegistrationState.WAITING))


def move_targets(lead: Meeting) -> list[Meeting]:
    """Where a coordinator can move someone: upcoming open trainings that are not cancelled,
    and for a regional session the other upcoming sessions of its request."""
    same_request = Meeting.request_id == lead.request_id if lead.request_id is not None else False
    return list(db.session.scalars(
        select(Meeting).where(
            Meeting.series_id.is_(None), Meeting.id != lead.id, Meeting.state.in_(OPEN_MEETING_STATES),
            Meeting.starts_at > utcnow(), or_(Meeting.kind == MeetingKind.OPEN_TRAINING, same_request))
        .order_by(Meeting.starts_at, Meeting.id)))


def csv_rows(found: ParticipantList, *, for_coordinator: bool) -> list[list[str]]:
    """A header and one row per active registration: places by name, then the waiting list.
    Only a coordinator's file has the e-mail addresses and register numbers.
    (`core.spreadsheets.csv_bytes` keeps a name like "=1+1" text.)"""
    now, parts = utcnow(), found.parts
    header = [_("Name"), *([_("E-mail address")] if for_coordinator else []), _("Organisation"), _("Sector"),
              _("Function"), _("Accessibility or dietary needs"), _("State"), _("Position on the waiting list"),
              _("Registered on"), *([_("Professional register"), _("Registration number")] if for_coordinator else [])]
    header += [_("Present on %(date)s", date=format_datetime(part.starts_at, "d-M-y")) for part in parts]
    rows = [header]
    waiting = [(position.number, r) for position, r in zip(found.waiting_positions, found.waiting)]
    for position, registration in [(None, r) for r in found.confirmed] + waiting:
        attended = found.present.get(registration.id, set())
        register = [short_label(registration.register) if registration.register else "", registration.register_number]
        rows.append([
            registration.name, *([registration.email] if for_coordinator else []), registration.organisation,
            sector_label(registration.sector), registration.function, registration.needs,
            REGISTRATION_STATES.label(registration.state), position or "",
            format_datetime(registration.created_at, "d-M-y HH:mm"), *(register if for_coordinator else []),
            *[("" if part.starts_at > now or registration.state is RegistrationState.WAITING
               else _("yes") if part.id in attended else _("no")) for part in parts],
        ])
    return rows


# ---- evaluations -------------------------------------------------------------------------------
def score_text(average: float | None) -> str:
    """'4,3' in Dutch; an empty string without answers."""
    return "" if average is None else format_decimal(average, format="0.0")


@dataclass(frozen=True)
class MeetingScore:
    """The evaluation of one session (a lead: the series is evaluated as one)."""

    lead: Meeting
    answers: int
    total: int  # the sum of the scores
    attendees: int
    first_day: date | None = None  # of the first dagdeel that is not cancelled (None: the lead's)

    @property
    def average(self) -> float | None:
        return self.total / self.answers if self.answers else None

    @property
    def day(self) -> date:
        return self.first_day or self.lead.date


@dataclass(frozen=True)
class TrainingScores:
    title: str
    detail: str  # what the title alone does not say: the region or the kind of group
    meetings: list[MeetingScore]

    @property
    def answers(self) -> int:
        return sum(s.answers for s in self.meetings)

    @property
    def average(self) -> float | None:
        answers = self.answers
        return sum(s.total for s in self.meetings) / answers if answers else None


def evaluation_overview(period: ProgrammePeriod | None) -> list[TrainingScores]:
    """The sessions that have begun (in `period`, when given), grouped as a coordinator reviews
    them, most recent group first; one query.

    An open training is given several times under the same title: its runs are grouped by
    title, so that the training's own score shows, and a run that stands out is visible next
    to the others. A regional session is one region's meeting: the dagdelen of one request are
    the support that region got, and that support is what a coordinator talks over with the
    region's contact person, so regional sessions are grouped per request.
    """
    answers = select(Evaluation.meeting_id, func.count().label("answers"),
                     func.sum(Evaluation.score).label("total")).group_by(Evaluation.meeting_id).subquery()
    attendees = select(Registration.meeting_id, func.count().label("attendees")).where(
        Registration.state == RegistrationState.ATTENDED).group_by(Registration.meeting_id).subquery()
    # a series whose first dagdeel was cancelled went on: it counts from its first dagdeel that
    # is not cancelled, for when it began and for the period it is in
    part = aliased(Meeting)
    first = (select(func.coalesce(part.series_id, part.id).label("lead_id"), func.min(part.date).label("day"),
                    func.min(part.starts_at).label("starts_at"))
             .where(part.state != MeetingState.CANCELLED).group_by(func.coalesce(part.series_id, part.id))
             .subquery())
    query = (
        select(Meeting, answers.c.answers, answers.c.total, attendees.c.attendees, first.c.day)
        .join(first, first.c.lead_id == Meeting.id)
        .outerjoin(answers, answers.c.meeting_id == Meeting.id)
        .outerjoin(attendees, attendees.c.meeting_id == Meeting.id)
        .where(Meeting.series_id.is_(None), first.c.starts_at <= utcnow())
        .options(joinedload(Meeting.region), joinedload(Meeting.request))
        .order_by(first.c.starts_at.desc(), Meeting.id.desc())
    )
    if period is not None:
        query = query.where(and_(first.c.day >= period.starts_on, first.c.day <= period.ends_on))
    groups: dict[tuple, TrainingScores] = {}
    for lead, count, total, present, day in db.session.execute(query):
        score = MeetingScore(lead, count or 0, total or 0, present or 0, day)
        if lead.kind is MeetingKind.OPEN_TRAINING:
            key, title, detail = ("training", lead.title), lead.title, _("Open training")
        else:
            key = ("request", lead.request_id)
            title = lead.region.name if lead.region else lead.request.organisation_name
            detail = _("Regional sessions requested by %(organisation)s", organisation=lead.request.organisation_name)
        groups.setdefault(key, TrainingScores(title, detail, [])).meetings.append(score)
    return list(groups.values())


@dataclass(frozen=True)
class MeetingResults:
    score: MeetingScore
    distribution: list[tuple[int, int]]  # (score, answers) for 1 to 5
    went_well: list[str]
    to_improve: list[str]

    @property
    def response_rate(self) -> int | None:
        """Answers per attendee, in percent."""
        attendees = self.score.attendees
        return round(100 * self.score.answers / attendees) if attendees else None

    @property
    def most(self) -> int:
        return max((count for _score, count in self.distribution), default=0)


def meeting_results(lead: Meeting) -> MeetingResults:
    """The answers about one session (lead); two queries."""
    rows = db.session.execute(select(Evaluation.score, Evaluation.went_well, Evaluation.to_improve).where(
        Evaluation.meeting_id == lead.id).order_by(Evaluation.created_at, Evaluation.id)).all()
    attendees = db.session.scalar(select(func.count()).where(
        Registration.meeting_id == lead.id, Registration.state == RegistrationState.ATTENDED))
    scores = Counter(row.score for row in rows)
    return MeetingResults(
        score=MeetingScore(lead, len(rows), sum(row.score for row in rows), attendees),
        distribution=[(score, scores[score]) for score in range(1, 6)],
        went_well=[row.went_well for row in rows if row.went_well],
        to_improve=[row.to_improve for row in rows if row.to_improve],
    )
