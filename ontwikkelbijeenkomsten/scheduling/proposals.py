"""Ranked slot proposals for one granted request: (date, dagdeel, expert) that fit, and why;
and the experts who could take over a session whose expert declined."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from ..accounts.models import User
from ..core.extensions import db
from ..core.time import Dagdeel
from ..meetings.bookings import live_assignment
from ..meetings.models import AssignmentState, Meeting, MeetingExpert
from ..requests.models import Request
from .candidates import PERIOD_RANK, active_meetings, demand_for, load_supplies
from .services import fit_warnings
from .solver import Moment

LIMIT = 20
DAGDEEL_ORDER = {d: i for i, d in enumerate(Dagdeel)}


@dataclass(frozen=True)
class Proposal:
    moment: Moment
    rank: int
    expert_id: int
    expert_name: str
    themes: tuple[str, ...]  # the request's themes the expert covers
    everywhere: bool  # the expert works in all regions
    region: str
    load: int  # the expert's sessions in the programme period

    @property
    def reasons(self) -> list:
        return [
            _l("Preferred moment %(rank)s of the region", rank=self.rank) if self.rank < PERIOD_RANK
            else _l("Within the region's preferred period"),
            _l("Covers: %(themes)s", themes=", ".join(self.themes)),
            _l("Works in all regions") if self.everywhere else _l("Works in %(region)s", region=self.region),
            lazy_ngettext("%(num)s other session in this period", "%(num)s other sessions in this period", self.load)
            if self.load else _l("No other sessions in this period"),
        ]


@dataclass(frozen=True)
class Proposals:
    items: list[Proposal]
    to_book: int  # dagdelen still to book
    moments: int  # moments ahead that the region accepts
    found: int  # fitting (moment, expert) pairs, of which `items` are the best


def proposals(request: Request, limit: int = LIMIT) -> Proposals:
    """The best `limit` proposals: by the region's preference, then the most shared themes,
    then the expert with the fewest sessions in the period (to spread the work), then date."""
    taken = active_meetings([request.id]).get(request.id, [])
    demand = demand_for(request, len(taken), taken)
    if not demand.moments or not demand.units:
        return Proposals([], demand.units, len(demand.moments), 0)
    days = [day for day, _ in demand.moments]
    pairs = [
        (moment, supply)
        for supply in load_supplies(min(days), max(days))
        if supply.fits(demand)
        for moment in supply.slots
        if moment in demand.moments and supply.room((moment[0].year, moment[0].month)) != 0
    ]
    experts = {supply.expert_id for _, supply in pairs}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(experts))).all()) if experts else {}
    load = _period_load(request, experts)
    themes = {t.id: t.name for t in request.themes}
    items = sorted(
        (
            Proposal(
                moment=moment, rank=demand.moments[moment], expert_id=supply.expert_id,
                expert_name=names[supply.expert_id],
                themes=tuple(name for id_, name in themes.items() if id_ in supply.themes),
                everywhere=supply.regions is None, region=request.region.name,
                load=load.get(supply.expert_id, 0),
            )
            for moment, supply in pairs
        ),
        key=lambda p: (p.rank, -len(p.themes), p.load, p.moment[0], DAGDEEL_ORDER[p.moment[1]], p.expert_name),
    )
    return Proposals(items[:limit], demand.units, len(demand.moments), len(items))


def _period_load(request: Request, experts: set[int]) -> dict[int, int]:
    if not experts:
        return {}
    period = request.period
    return dict(db.session.execute(
        select(MeetingExpert.expert_id, func.count())
        .where(MeetingExpert.expert_id.in_(experts), MeetingExpert.date.between(period.starts_on, period.ends_on),
               live_assignment())
        .group_by(MeetingExpert.expert_id)
    ).all())


# ---- a replacement for an expert who declined --------------------------------------------------
@dataclass(frozen=True)
class Replacement:
    expert_id: int
    expert_name: str
    warnings: list  # why the expert falls outside what fits the request; empty: it fits


def replacements(meeting: Meeting) -> list[Replacement]:
    """The experts free in the session's own dagdeel who could take it over: those that fit
    the request (themes, region, monthly room) first, then the others with the reasons why not.
    Whoever declined it is left out."""
    moment = (meeting.date, meeting.dagdeel)
    declined = {a.expert_id for a in meeting.experts if a.state is AssignmentState.DECLINED}
    supplies = [s for s in load_supplies(meeting.date, meeting.date)
                if moment in s.slots and s.expert_id not in declined]
    if not supplies:
        return []
    experts = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([s.expert_id for s in supplies])))}
    request = meeting.request
    taken = [m for m in active_meetings([request.id]).get(request.id, []) if m != moment] if request else []
    found = [Replacement(s.expert_id, experts[s.expert_id].name,
                         fit_warnings(request, experts[s.expert_id], s, moment, taken) if request else [])
             for s in supplies]
    return sorted(found, key=lambda r: (len(r.warnings), r.expert_name))
