"""From the database to the scheduler's data: the moments a request accepts, the experts' free
slots, and what is booked already. Every loader runs a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..core.db import utcnow
from ..core.extensions import db
from ..core.time import Dagdeel, to_local
from ..experts.models import Availability, ExpertProfile, expert_regions, expert_themes
from ..meetings.bookings import live_assignment, slot_is_booked
from ..meetings.changes import started_at
from ..meetings.models import Meeting, MeetingExpert, MeetingKind, MeetingState
from ..requests.models import Request
from .solver import Demand, Moment, Supply

#: The rank of a day in the region's preferred period: after its separately named moments.
PERIOD_RANK = 7


def request_moments(request: Request, taken: Iterable[Moment] = (), now: datetime | None = None) -> dict[Moment, int]:
    """The moments the region accepts that lie ahead, with their rank (1 = most preferred).

    Named preferred moments keep their rank; every day of a preferred period, in the dagdelen
    the region chose, gets PERIOD_RANK. `taken` (moments the request has a session in) is left out.
    """
    now = now or utcnow()
    has_started = started_at(now)
    taken = set(taken)
    ranks = {
        (m.date, m.dagdeel): m.rank
        for m in request.preferred_moments
        if (m.date, m.dagdeel) not in taken and not has_started((m.date, m.dagdeel))
    }
    start, end = request.preferred_period_start, request.preferred_period_end
    if start and end:
        dagdelen = [Dagdeel(v) for v in request.preferred_dagdelen] or list(Dagdeel)
        day = max(start, to_local(now).date())
        while day <= end:
            for dagdeel in dagdelen:
                moment = (day, dagdeel)
                if moment not in ranks and moment not in taken and not has_started(moment):
                    ranks[moment] = PERIOD_RANK
            day += timedelta(days=1)
    return ranks


def demand_for(request: Request, booked: int, taken: Iterable[Moment], now: datetime | None = None) -> Demand:
    return Demand(
        request_id=request.id,
        region_id=request.region_id,
        units=max(request.dagdelen_granted - booked, 0),
        moments=request_moments(request, taken, now),
        themes=frozenset(t.id for t in request.themes),
    )


def active_meetings(request_ids: Iterable[int]) -> dict[int, list[Moment]]:
    """The (date, dagdeel) of every session that is not cancelled, per request."""
    ids = list(request_ids)
    found: dict[int, list[Moment]] = defaultdict(list)
    if ids:
        rows = db.session.execute(
            select(Meeting.request_id, Meeting.date, Meeting.dagdeel)
            .where(Meeting.request_id.in_(ids), Meeting.state != MeetingState.CANCELLED)
        )
        for request_id, day, dagdeel in rows:
            found[request_id].append((day, dagdeel))
    return found


def booked_per_region(period_id: int) -> dict[int, int]:
    """Regional sessions that are not cancelled, per region, for requests of the period."""
    return dict(db.session.execute(
        select(Request.region_id, func.count(Meeting.id))
        .join(Meeting, Meeting.request_id == Request.id)
        .where(Request.period_id == period_id, Meeting.kind == MeetingKind.REGIONAL,
               Meeting.state != MeetingState.CANCELLED)
        .group_by(Request.region_id)
    ).all())


def load_supplies(start: date, end: date, expert_id: int | None = None) -> list[Supply]:
    """Every active expert (or only `expert_id`) with free (available, not booked) slots from
    `start` to `end`."""
    slots: dict[int, set[Moment]] = defaultdict(set)
    query = (
        select(Availability.expert_id, Availability.date, Availability.dagdeel)
        .join(User, User.id == Availability.expert_id)
        .where(User.active, User.role == Role.EXPERT, Availability.date.between(start, end), ~slot_is_booked())
        .order_by(Availability.expert_id)  # the same data gives the same plan
    )
    if expert_id is not None:
        query = query.where(Availability.expert_id == expert_id)
    for expert_id, day, dagdeel in db.session.execute(query):
        slots[expert_id].add((day, dagdeel))
    if not slots:
        return []
    ids = list(slots)
    profiles = {
        user_id: (everywhere, limit)
        for user_id, everywhere, limit in db.session.execute(
            select(ExpertProfile.user_id, ExpertProfile.serves_all_regions, ExpertProfile.max_dagdelen_per_month)
            .where(ExpertProfile.user_id.in_(ids))
        )
    }
    themes = _pairs(select(expert_themes.c.expert_id, expert_themes.c.theme_id).where(expert_themes.c.expert_id.in_(ids)))
    regions = _pairs(select(expert_regions.c.expert_id, expert_regions.c.region_id).where(expert_regions.c.expert_id.in_(ids)))
    booked = month_load([i for i in ids if profiles.get(i, (False, None))[1] is not None], start, end)
    supplies = []
    for expert_id in ids:
        everywhere, limit = profiles.get(expert_id, (False, None))
        supplies.append(Supply(
            expert_id=expert_id,
            themes=frozenset(themes.get(expert_id, ())),
            regions=None if everywhere else frozenset(regions.get(expert_id, ())),
            slots=frozenset(slots[expert_id]),
            month_limit=limit,
            month_booked=booked.get(expert_id, {}),
        ))
    return supplies


def _pairs(query) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for key, value in db.session.execute(query):
        found[key].add(value)
    return found


def month_load(expert_ids: list[int], start: date, end: date) -> dict[int, dict[tuple[int, int], int]]:
    """Live assignments per expert per (year, month) in the months from `start` to `end`."""
    if not expert_ids:
        return {}
    first = start.replace(day=1)
    load: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for expert_id, day in db.session.execute(
        select(MeetingExpert.expert_id, MeetingExpert.date)
        .where(MeetingExpert.expert_id.in_(expert_ids), MeetingExpert.date >= first,
               MeetingExpert.date <= _month_end(end), live_assignment())
    ):
        load[expert_id][(day.year, day.month)] += 1
    return load


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
