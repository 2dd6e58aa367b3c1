"""The planning page's plan, made once and shown again while the data it depends on stays the
same: solving a period of 2,000 requests on every visit took most of the page's time.

The key is one query of counts and sums over what the planner reads: the period's requests
(their last change, granted dagdelen, preferred moments and themes), the availability from
today, the period's sessions and the assignments from this month, and the experts with their
profiles, themes and regions; with the dagdelen that have begun (a plan only books moments
ahead). Any change to one of them gives another key, and the next visit a fresh plan.

The plan is kept per process (each web worker keeps its own, one per period) with plain data
for the page, not rows of a database session. Confirming does not use it: `batch.confirm`
solves again under the lock.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Integer, case, cast, func, select

from ..accounts.models import Role, User
from ..core.db import utcnow
from ..core.extensions import db
from ..core.time import Dagdeel, to_local
from ..experts.models import Availability, ExpertProfile, expert_regions, expert_themes
from ..meetings.models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert, MeetingState
from ..regions.models import ProgrammePeriod
from ..requests.models import PreferredMoment, Request, request_themes
from . import batch

_PLANS: dict[int, tuple[tuple, batch.Preview]] = {}  # period id -> (key, preview)


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class RequestLabel:
    """What the page shows of a request in the plan."""

    id: int
    organisation_name: str
    region: Named


def preview(period: ProgrammePeriod) -> batch.Preview:
    """The period's plan (see `batch.preview`), made again only when its key changed;
    `made_at` says when it was made."""
    key = state_key(period)
    kept = _PLANS.get(period.id)
    if kept is not None and kept[0] == key:
        return replace(kept[1], period=period)
    found = batch.preview(period)
    labels = {r.id: RequestLabel(r.id, r.organisation_name, Named(r.region.name)) for r in found.requests.values()}
    _PLANS[period.id] = (key, replace(found, requests=labels))
    return found


def _day_number(column):
    """A date as a number, so that sums notice a slot that moved to another day."""
    if db.engine.dialect.name == "sqlite":
        return cast(func.julianday(column), Integer)
    return column - date(2000, 1, 1)


def state_key(period: ProgrammePeriod) -> tuple:
    now = utcnow()
    today = to_local(now).date()
    month = today.replace(day=1)
    in_period = select(Request.id).where(Request.period_id == period.id).scalar_subquery()
    dagdeel = case(*((Availability.dagdeel == d, i) for i, d in enumerate(Dagdeel, 1)), else_=0)

    def total(aggregate, *where, table=None):
        query = select(aggregate).where(*where)
        return (query.select_from(table) if table is not None else query).scalar_subquery()

    theirs = request_themes.c.request_id.in_(in_period)
    ahead = Availability.date >= today
    parts = [
        total(func.count(Request.id), Request.period_id == period.id),
        total(func.max(Request.updated_at), Request.period_id == period.id),
        total(func.sum(Request.dagdelen_granted), Request.period_id == period.id),
        total(func.sum(PreferredMoment.id + PreferredMoment.rank), PreferredMoment.request_id.in_(in_period)),
        total(func.count(), theirs, table=request_themes),
        total(func.sum(request_themes.c.theme_id * 31 + request_themes.c.request_id), theirs),
        total(func.count(Availability.id), ahead),
        total(func.sum(Availability.id * 3 + dagdeel + Availability.expert_id), ahead),
        total(func.sum(_day_number(Availability.date)), ahead),
        total(func.sum(Meeting.id + Meeting.sequence), Meeting.request_id.in_(in_period)),
        total(func.count(Meeting.id), Meeting.request_id.in_(in_period), Meeting.state != MeetingState.CANCELLED),
        total(func.sum(MeetingExpert.id), MeetingExpert.date >= month, MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES)),
        total(func.sum(User.id), User.role == Role.EXPERT, User.active),
        total(func.sum(ExpertProfile.user_id * (func.coalesce(ExpertProfile.max_dagdelen_per_month, 99) + 1)
                       + case((ExpertProfile.serves_all_regions, 7), else_=0))),
        total(func.count(), table=expert_themes),
        total(func.sum(expert_themes.c.expert_id * 31 + expert_themes.c.theme_id)),
        total(func.count(), table=expert_regions),
        total(func.sum(expert_regions.c.expert_id * 61 + expert_regions.c.region_id)),
    ]
    begun = tuple(d for d in Dagdeel if d.bounds(today)[0] <= now)
    return (today, begun, *db.session.execute(select(*parts)).one())
