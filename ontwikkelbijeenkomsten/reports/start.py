"""The coordinators' start page: what needs them today, and the national picture of the period.

Every count is one aggregate in a fixed number of queries, whatever the number of rows. The
sessions behind a count come from the same condition (`attention_meetings`), so a count and
the list it links to always agree.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..core.db import utcnow
from ..core.extensions import db
from ..mail import admin
from ..mail.models import OutboxMail
from ..meetings.models import (
    OPEN_MEETING_STATES,
    AssignmentState,
    Attendance,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from ..regions.models import ProgrammePeriod, QuotaLedger, Region
from ..requests import nudges
from ..requests.models import Request, RequestState
from ..requests.waiting import waiting_too_long

#: Open trainings that begin within this many days are checked for registrations.
SOON_DAYS = 14
#: "Few" registrations: fewer than this share of the places, or without a limit fewer than
#: `FEW_WITHOUT_LIMIT` people.
FEW_SHARE = 3  # a third
FEW_WITHOUT_LIMIT = 5


class Attention(enum.Enum):
    """The kinds of sessions that need a coordinator; the value is the list's address."""

    UNACCEPTED = "niet-geaccepteerd"
    DECLINED = "geweigerd-door-expert"
    FEW_REGISTRATIONS = "weinig-aanmeldingen"
    NO_ATTENDANCE = "zonder-aanwezigheid"


def _attention_condition(kind: Attention, now: datetime):
    """Which sessions (meeting rows) need a coordinator for `kind`."""
    is_open = Meeting.state.in_(OPEN_MEETING_STATES)
    if kind is Attention.UNACCEPTED:
        return and_(is_open, Meeting.starts_at > now, exists().where(
            MeetingExpert.meeting_id == Meeting.id, MeetingExpert.state == AssignmentState.ASSIGNED))
    if kind is Attention.DECLINED:  # declined, and nobody has taken the session over yet
        return and_(Meeting.state == MeetingState.EXPERT_NEEDED, Meeting.starts_at > now)
    if kind is Attention.FEW_REGISTRATIONS:  # the lead of an open training holds its places
        few = case((Meeting.capacity.is_(None), Meeting.confirmed_count < FEW_WITHOUT_LIMIT),
                   else_=Meeting.confirmed_count * FEW_SHARE < Meeting.capacity)
        return and_(is_open, Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None),
                    Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(days=SOON_DAYS), few)
    # NO_ATTENDANCE: ended, with people who had a place (on the lead of a series), none marked
    return and_(
        Meeting.state != MeetingState.CANCELLED, Meeting.ends_at <= now,
        exists().where(Registration.meeting_id == func.coalesce(Meeting.series_id, Meeting.id),
                       Registration.state.in_((RegistrationState.CONFIRMED, RegistrationState.ATTENDED))),
        ~exists().where(Attendance.meeting_id == Meeting.id),
    )


def attention_meetings(kind: Attention, now: datetime | None = None) -> list[Meeting]:
    """The sessions behind one count, soonest first, with their region and their experts loaded."""
    return list(db.session.scalars(
        select(Meeting).where(_attention_condition(kind, now or utcnow()))
        .options(joinedload(Meeting.region), selectinload(Meeting.experts).joinedload(MeetingExpert.expert))
        .order_by(Meeting.starts_at, Meeting.id)))


@dataclass(frozen=True)
class Todo:
    new_requests: int
    waiting_requests: int
    unbooked_dagdelen: int
    failed_mails: int
    sessions: dict[Attention, int]


def todo(now: datetime | None = None) -> Todo:
    """Every count of "what needs me today?", in one query."""
    now = now or utcnow()
    active_meetings = (
        select(func.count()).where(Meeting.request_id == Request.id, Meeting.state != MeetingState.CANCELLED)
        .correlate(Request).scalar_subquery()
    )

    def count(condition, table=Request):
        return select(func.count()).select_from(table).where(condition).scalar_subquery()

    unbooked = (select(func.coalesce(func.sum(Request.dagdelen_granted - active_meetings), 0))
                .where(Request.state == RequestState.GRANTED).scalar_subquery())
    kinds = list(Attention)
    row = db.session.execute(select(
        count(Request.state == RequestState.SUBMITTED),
        count(waiting_too_long()),
        unbooked,
        count(admin.FAILED_TO_SEND, OutboxMail),
        *(count(_attention_condition(kind, now), Meeting) for kind in kinds),
    )).one()
    counts = [int(value) for value in row]  # PostgreSQL sums are Decimals; counts are whole numbers
    return Todo(*counts[:4], sessions=dict(zip(kinds, counts[4:])))


@dataclass(frozen=True)
class National:
    """Dagdelen of all active regions in a period: available (the sum of their quota),
    granted, booked (sessions not cancelled) and held; and how many active regions there are."""

    available: int
    granted: int
    booked: int
    held: int
    regions: int = 0  # active regions


    @property
    def parts(self) -> dict[str, int]:
        """The parts of the stacked bar, which add up to `available`: held, booked and not yet
        held, granted and not yet booked, not granted."""
        booked = min(self.booked, self.granted)
        held = min(self.held, booked)
        return {"held": held, "booked": booked - held, "granted": self.granted - booked,
                "free": max(self.available - self.granted, 0)}


def national(period: ProgrammePeriod) -> National:
    """The national picture of `period`, in one query."""
    active = select(Region.id).where(Region.active.is_(True))
    ledger = (select(func.coalesce(func.sum(func.coalesce(QuotaLedger.quota, period.default_quota)), 0),
                     func.coalesce(func.sum(QuotaLedger.granted), 0), func.count(Region.id))
              .select_from(Region)
              .outerjoin(QuotaLedger, and_(QuotaLedger.region_id == Region.id, QuotaLedger.period_id == period.id))
              .where(Region.active.is_(True)).subquery())
    sessions = (select(func.count(), func.coalesce(func.sum(case((Meeting.state == MeetingState.HELD, 1), else_=0)), 0))
                .join(Request, Request.id == Meeting.request_id)
                .where(Request.period_id == period.id, Request.region_id.in_(active),
                       Meeting.state != MeetingState.CANCELLED).subquery())
    # two one-row aggregates side by side: the join on true says the product is meant
    row = db.session.execute(select(*ledger.c, *sessions.c).select_from(ledger.join(sessions, true()))).one()
    available, granted, regions, booked, held = (int(value) for value in row)
    return National(available, granted, booked, held, regions)


def regions_without_requests(period: ProgrammePeriod) -> list[Region]:
    """Active regions that have sent no request in `period` (in any state), by name."""
    return list(db.session.scalars(
        select(Region).where(Region.active.is_(True), ~exists().where(
            Request.region_id == Region.id, Request.period_id == period.id))
        .order_by(func.lower(Region.name))))



def regions_without_contact(period: ProgrammePeriod) -> list[nudges.NudgeRow]:
    """Active regions with dagdelen left in `period` that no nudge reaches: they never sent a
    request, so there is no contact to mail. By name, in the nudges' one query."""
    return [row for row in nudges.overview(period) if row.remaining > 0 and row.contact_email is None]
