"""The monitoring report for the yearly account to the partners: what the dagdelen brought in a
date range (a programme period, or any range a coordinator chooses).

Every figure is an aggregate (GROUP BY) over columns that hold no personal data — states,
dates, sectors, attendance, scores, themes, regions — so the totals stay the same after the
retention purge anonymises names, e-mail addresses and free text. Six queries, whatever the
number of rows.

What is counted where:
- requested / granted: the dagdelen of requests sent in the range (by the day they were sent);
  granted only while the request holds them (granted, scheduled or held);
- booked / held: regional sessions in the range that are not cancelled / that are held;
- reach: people with a place (confirmed or present) in every session in the range that is not
  cancelled, regional sessions and open trainings alike (a series counts once, on its first
  dagdeel that is not cancelled);
- attendance: present of those with a place, in held sessions where attendance was marked;
- experts: the dagdelen of sessions in the range that are not cancelled, per expert and region.
A request or session with two themes counts under both, so the theme rows add up to more than
the total.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, exists, extract, func, literal, null, or_, select, union_all

from ..accounts.models import User
from ..core.extensions import db
from ..core.models import Theme
from ..core.rules import RuleViolation
from ..core.sectors import Sector
from ..core.time import local_to_utc
from ..meetings.models import (
    HOLDING_PLACE,
    ACTIVE_ASSIGNMENT_STATES,
    Evaluation,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
    meeting_themes,
)
from ..regions.models import Region
from ..requests.models import Request, RequestState, request_themes

#: Requests in these states hold their granted dagdelen.
HOLDING_DAGDELEN = (RequestState.GRANTED, RequestState.SCHEDULED, RequestState.HELD)
SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Dagdelen:
    requested: int = 0
    granted: int = 0
    booked: int = 0
    held: int = 0


@dataclass(frozen=True)
class RegionRow:
    """A region's dagdelen; `rank` is its place when sorted by use (held, then booked, ...)."""

    rank: int
    code: str
    name: str
    dagdelen: Dagdelen


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    dagdelen: Dagdelen


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    dagdelen: Dagdelen


@dataclass(frozen=True)
class SessionReach:
    """People with a place in one session, per sector (in the order of `Sector`)."""

    date: date
    title: str
    kind: MeetingKind
    region: str  # empty for an open training
    per_sector: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_sector)

    @property
    def joint(self) -> bool:
        """Joint professionalisation: people from at least two sectors."""
        return sum(1 for n in self.per_sector if n) >= 2


@dataclass(frozen=True)
class Reach:
    sessions: list[SessionReach]
    per_sector: tuple[int, ...]  # all sessions together
    qualifying: int  # sessions with participants
    joint: int  # of those, with participants from at least two sectors

    @property
    def total(self) -> int:
        return sum(self.per_sector)

    @property
    def joint_percentage(self) -> float | None:
        return 100 * self.joint / self.qualifying if self.qualifying else None


@dataclass(frozen=True)
class QualityRow:
    """Attendance and evaluation scores of the held sessions of one theme (`theme` None: all)."""

    theme: str | None
    sessions: int
    places: int
    present: int
    scores: tuple[int, ...]  # answers per score 1 to 5

    @property
    def attendance_percentage(self) -> float | None:
        return 100 * self.present / self.places if self.places else None

    @property
    def answers(self) -> int:
        return sum(self.scores)

    @property
    def average_score(self) -> float | None:
        return sum(s * n for s, n in zip(SCORES, self.scores)) / self.answers if self.answers else None


@dataclass(frozen=True)
class ExpertRow:
    """An expert's dagdelen, and how they spread over regions (region "" is open trainings)."""

    expert: str
    dagdelen: int
    per_region: tuple[tuple[str, int], ...]

    @property
    def regions(self) -> int:
        return sum(1 for region, _n in self.per_region if region)


@dataclass(frozen=True)
class MonitoringReport:
    start: date
    end: date
    total: Dagdelen
    regions: list[RegionRow]
    themes: list[ThemeRow]
    months: list[MonthRow]
    reach: Reach
    quality: list[QualityRow]  # per theme, then the total (theme None)
    experts: list[ExpertRow]


def monitoring_report(start: date, end: date) -> MonitoringReport:
    """The report of `start` to `end` (both included)."""
    regions = _regions(start, end)
    total = Dagdelen(*(sum(getattr(r.dagdelen, f) for r in regions) for f in Dagdelen.__dataclass_fields__))
    return MonitoringReport(start, end, total, regions, _themes(start, end), _months(start, end),
                            _reach(start, end), _quality(start, end), _experts(start, end))


# ---- the filters ---------------------------------------------------------------------------
def _requests_sent(start: date, end: date):
    return and_(Request.created_at >= local_to_utc(start, time(0)),
                Request.created_at < local_to_utc(end + timedelta(days=1), time(0)))


def _in_range(start: date, end: date):
    return and_(Meeting.date >= start, Meeting.date <= end, Meeting.state != MeetingState.CANCELLED)


def _dagdelen_columns(query_requests, query_meetings):
    """(key, requested, granted, booked, held) rows of requests and of regional sessions, one
    after the other: the caller sums them per key."""
    granted = case((Request.state.in_(HOLDING_DAGDELEN), Request.dagdelen_granted), else_=0)
    held = case((Meeting.state == MeetingState.HELD, 1), else_=0)
    return union_all(
        query_requests.add_columns(Request.dagdelen_wanted.label("requested"), granted.label("granted"),
                                   literal(0).label("booked"), literal(0).label("held")),
        query_meetings.add_columns(literal(0), literal(0), literal(1), held),
    ).subquery()


def _summed(rows):
    return [func.coalesce(func.sum(column), 0) for column in (rows.c.requested, rows.c.granted,
                                                              rows.c.booked, rows.c.held)]


def _regional(start: date, end: date, *columns):
    return (select(*columns).select_from(Meeting).join(Request, Request.id == Meeting.request_id)
            .where(Meeting.kind == MeetingKind.REGIONAL, _in_range(start, end)))


# ---- dagdelen --------------------------------------------------------------------------------
def _regions(start: date, end: date) -> list[RegionRow]:
    """Every active region (and any other with dagdelen in the range), sorted by use."""
    rows = _dagdelen_columns(
        select(Request.region_id.label("key")).where(_requests_sent(start, end)),
        _regional(start, end, Request.region_id))
    sums = select(rows.c.key, *_summed(rows)).group_by(rows.c.key).subquery()
    requested, granted, booked, held = (func.coalesce(c, 0) for c in list(sums.c)[1:])
    found = db.session.execute(
        select(Region.code, Region.name, requested, granted, booked, held)
        .outerjoin(sums, sums.c.key == Region.id)
        .where(or_(Region.active.is_(True), sums.c.key.is_not(None)))
        .order_by(held.desc(), booked.desc(), granted.desc(), requested.desc(), func.lower(Region.name))
    ).all()
    return [RegionRow(rank, code, name, Dagdelen(*(int(n) for n in numbers)))
            for rank, (code, name, *numbers) in enumerate(found, 1)]


def _themes(start: date, end: date) -> list[ThemeRow]:
    """Every theme with dagdelen in the range, in the theme list's order."""
    rows = _dagdelen_columns(
        select(request_themes.c.theme_id.label("key"))
        .join(Request, Request.id == request_themes.c.request_id).where(_requests_sent(start, end)),
        _regional(start, end, meeting_themes.c.theme_id).join(meeting_themes,
                                                               meeting_themes.c.meeting_id == Meeting.id))
    found = db.session.execute(
        select(Theme.name, *_summed(rows)).join(rows, rows.c.key == Theme.id)
        .group_by(Theme.id, Theme.name, Theme.position).order_by(Theme.position, Theme.id)
    ).all()
    return [ThemeRow(name, Dagdelen(*(int(n) for n in numbers))) for name, *numbers in found]


def _month_starts(start: date, end: date) -> list[date]:
    """The first day of every month the range touches."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _local_month(instant, months: list[date]):
    """The month (yyyymm) in Europe/Amsterdam of a stored UTC instant: one CASE over the month
    boundaries, so SQLite and PostgreSQL agree and a request sent just after midnight on the
    first counts in the new month."""
    following = [*months[1:], (months[-1] + timedelta(days=32)).replace(day=1)]
    return case(*((instant < local_to_utc(after, time(0)), month.year * 100 + month.month)
                  for month, after in zip(months, following)))


def _months(start: date, end: date) -> list[MonthRow]:
    """Every month of the range, also those without dagdelen. A request counts in the month
    it was sent, a session in the month of its date."""
    months = _month_starts(start, end)
    rows = _dagdelen_columns(
        select(_local_month(Request.created_at, months).label("key")).where(_requests_sent(start, end)),
        _regional(start, end, extract("year", Meeting.date) * 100 + extract("month", Meeting.date)))
    found = {int(key): Dagdelen(*(int(n) for n in numbers)) for key, *numbers in db.session.execute(
        select(cast(rows.c.key, Integer), *_summed(rows)).group_by(cast(rows.c.key, Integer)))}
    return [MonthRow(month, found.get(month.year * 100 + month.month, Dagdelen())) for month in months]


# ---- reach and quality -----------------------------------------------------------------------
def _series_start(end: date):
    """Per session (the lead of a series, or a session on its own): the date and start of its
    first dagdeel that is not cancelled, and how many of its dagdelen are held. A series whose
    first dagdeel was cancelled went on, so it counts from the next one, in that one's range."""
    lead = func.coalesce(Meeting.series_id, Meeting.id)
    return (select(lead.label("lead_id"), func.min(Meeting.date).label("date"),
                   func.min(Meeting.starts_at).label("starts_at"),
                   func.sum(case((Meeting.state == MeetingState.HELD, 1), else_=0)).label("held"))
            .where(Meeting.state != MeetingState.CANCELLED, Meeting.date <= end)
            .group_by(lead).subquery())


def _reach(start: date, end: date) -> Reach:
    """People with a place per session and sector; a series is one session, on its first
    dagdeel that is not cancelled. The registrations are counted per (session, sector) first, so
    the pivot works on a few narrow rows instead of every registration with the session's columns."""
    counted = (select(Registration.meeting_id, Registration.sector, func.count().label("n"))
               .where(Registration.state.in_(HOLDING_PLACE)).group_by(Registration.meeting_id, Registration.sector)
               .subquery())
    per_sector = [func.coalesce(func.sum(case((counted.c.sector == sector, counted.c.n), else_=0)), 0)
                  for sector in Sector]
    first = _series_start(end)
    found = db.session.execute(
        select(first.c.date, Meeting.title, Meeting.kind, func.coalesce(Region.name, ""), *per_sector)
        .select_from(Meeting).join(first, first.c.lead_id == Meeting.id)
        .outerjoin(Region, Region.id == Meeting.region_id)
        .outerjoin(counted, counted.c.meeting_id == Meeting.id)
        .where(first.c.date >= start)
        .group_by(Meeting.id, first.c.date, first.c.starts_at, Meeting.title, Meeting.kind, Region.name)
        .order_by(first.c.date, first.c.starts_at, Meeting.id)
    ).all()
    sessions = [SessionReach(day, title, kind, region, tuple(int(n) for n in counts))
                for day, title, kind, region, *counts in found]
    return Reach(sessions, tuple(sum(s.per_sector[i] for s in sessions) for i in range(len(Sector))),
                 qualifying=sum(1 for s in sessions if s.total), joint=sum(1 for s in sessions if s.joint))


def _quality(start: date, end: date) -> list[QualityRow]:
    """Per theme and in total (theme None): held sessions whose attendance was marked (a series
    once, in the range of its first dagdeel that is not cancelled), the
    places and the people present in them, and the evaluations' scores."""
    first = _series_start(end)
    marked = exists().where(Registration.meeting_id == first.c.lead_id,
                            Registration.state == RegistrationState.ATTENDED)
    held = select(first.c.lead_id).where(first.c.date >= start, first.c.held > 0, marked)
    keyed = union_all(  # each held session once per theme, and once for the total
        select(meeting_themes.c.meeting_id, meeting_themes.c.theme_id).where(meeting_themes.c.meeting_id.in_(held)),
        select(Meeting.id, null()).where(Meeting.id.in_(held)),
    ).subquery()
    places = (select(Registration.meeting_id, func.count().label("places"),
                     func.sum(case((Registration.state == RegistrationState.ATTENDED, 1), else_=0)).label("present"))
              .where(Registration.state.in_(HOLDING_PLACE), Registration.meeting_id.in_(held))
              .group_by(Registration.meeting_id).subquery())
    scores = (select(Evaluation.meeting_id,
                     *(func.sum(case((Evaluation.score == s, 1), else_=0)).label(f"s{s}") for s in SCORES))
              .where(Evaluation.meeting_id.in_(held)).group_by(Evaluation.meeting_id).subquery())
    theme_id = keyed.c[1]
    found = db.session.execute(
        select(Theme.name, func.count(), *(func.coalesce(func.sum(c), 0) for c in list(places.c)[1:]),
               *(func.coalesce(func.sum(c), 0) for c in list(scores.c)[1:]))
        .select_from(keyed).outerjoin(Theme, Theme.id == theme_id)
        .outerjoin(places, places.c.meeting_id == keyed.c[0]).outerjoin(scores, scores.c.meeting_id == keyed.c[0])
        .group_by(theme_id, Theme.name, Theme.position)
        .order_by(theme_id.is_(None), Theme.position, theme_id)
    ).all()
    rows = [QualityRow(name, int(sessions), int(places_), int(present), tuple(int(n) for n in counts))
            for name, sessions, places_, present, *counts in found]
    return rows if rows else [QualityRow(None, 0, 0, 0, (0,) * len(SCORES))]


# ---- experts ---------------------------------------------------------------------------------
def _experts(start: date, end: date) -> list[ExpertRow]:
    """Per expert the dagdelen of sessions in the range with an active assignment, and their
    spread over the regions; most dagdelen first."""
    per_expert = func.sum(func.count()).over(partition_by=User.id)
    region = func.coalesce(Region.name, "")
    found = db.session.execute(
        select(User.id, User.name, region, func.count(), per_expert)
        .select_from(MeetingExpert).join(Meeting, Meeting.id == MeetingExpert.meeting_id)
        .join(User, User.id == MeetingExpert.expert_id).outerjoin(Region, Region.id == Meeting.region_id)
        .where(_in_range(start, end), MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES))
        .group_by(User.id, User.name, Region.name)
        .order_by(per_expert.desc(), func.lower(User.name), User.id, func.count().desc(), region)
    ).all()
    return [ExpertRow(name, int(total), tuple((region, int(n)) for _id, _name, region, n, _total in rows))
            for (_id, name, total), rows in
            ((key, list(group)) for key, group in groupby(found, key=lambda r: (r[0], r[1], r[4])))]


#: The longest range a report covers: enough for a few school years side by side.
MAX_RANGE = timedelta(days=366 * 5)


def check_range(start: date, end: date) -> None:
    """A chosen range must end after it starts and span at most five years."""
    if end < start:
        raise RuleViolation("end", _("The end date must be on or after the start date."))
    if end - start > MAX_RANGE:
        raise RuleViolation("end", _("Choose a range of at most five years."))
