"""Batch scheduling of a programme period: read the open requests and the experts' free slots,
solve exactly (see solver.py), preview, and write every booking in the caller's transaction."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..core import audit
from ..core.db import utcnow
from ..core.memory import collector_paused
from ..core.extensions import db
from ..meetings.changes import started_at
from ..regions.models import ProgrammePeriod, Region
from ..requests.models import Request, RequestState
from . import services
from .candidates import active_meetings, booked_per_region, demand_for, load_supplies
from .solver import Plan, Problem, solve

#: A booking that races a single booking for the same slot is solved again, this often.
ATTEMPTS = 3
Progress = Callable[[str], None]


def _quiet(step: str) -> None:
    pass


@dataclass
class Preview:
    period: ProgrammePeriod
    plan: Plan
    requests: dict[int, Request]
    experts: dict[int, str]
    regions: dict[int, str]
    made_at: datetime = field(default_factory=utcnow)

    @property
    def fingerprint(self) -> str:
        """Names this exact plan, so that a confirmation can tell whether it changed."""
        rows = sorted(f"{b.request_id}:{b.expert_id}:{b.moment[0]}:{b.moment[1].value}" for b in self.plan.bookings)
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]

    @property
    def to_book(self) -> int:
        return self.plan.total + sum(u.missing for u in self.plan.unserved)


def _open_requests(period: ProgrammePeriod, lock: bool = False) -> dict[int, Request]:
    query = (
        select(Request)
        .where(Request.period_id == period.id, Request.state == RequestState.GRANTED)
        .options(joinedload(Request.region), selectinload(Request.themes), selectinload(Request.preferred_moments))
        .order_by(Request.id)
    )
    if lock:
        query = query.with_for_update(of=Request)
    return {r.id: r for r in db.session.scalars(query).unique()}


def load_problem(period: ProgrammePeriod, requests: dict[int, Request]) -> Problem:
    taken = active_meetings(requests)
    demands = [demand_for(r, len(taken.get(r.id, [])), taken.get(r.id, [])) for r in requests.values()]
    demands = [d for d in demands if d.units]
    days = [day for d in demands for day, _ in d.moments]
    supplies = load_supplies(min(days), max(days)) if days else []
    return Problem(demands, supplies, booked_per_region(period.id))


def preview(period: ProgrammePeriod, progress: Progress = _quiet) -> Preview:
    with collector_paused():
        progress("read")
        requests = _open_requests(period)
        plan = solve(load_problem(period, requests), progress)
        return _preview(period, plan, requests)


def _preview(period: ProgrammePeriod, plan: Plan, requests: dict[int, Request]) -> Preview:
    expert_ids = {b.expert_id for b in plan.bookings}
    experts = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(expert_ids))).all()) if expert_ids else {}
    regions = dict(db.session.execute(
        select(Region.id, Region.name).where(Region.id.in_(list(plan.per_region)))
    ).all()) if plan.per_region else {}
    return Preview(period, plan, requests, experts, regions)


#: The audit event of one confirmed batch, on its period, with the ids of the sessions it made
#: (`details[BATCH_SESSIONS]`): what `batch_result.find` reads back to show the result. The ids
#: name no person, so they outlive the masking of the event's details (privacy/anonymise.py).
BATCH_ACTION = "schedule.batch_confirmed"
BATCH_SESSIONS = "meeting_ids"


@dataclass
class Result:
    preview: Preview
    changed: bool  # the plan differs from the one the coordinator saw
    batch_id: int | None = None  # the batch's audit event; None when nothing was booked


def confirm(
    period: ProgrammePeriod, actor: User | None, seen: str | None = None, progress: Progress = _quiet,
    on_booking: Callable[[int, int], None] = lambda done, total: None,
) -> Result:
    """Solve again under lock and write every booking, its mails and audit events at once.

    The requests are locked, so nobody books them meanwhile; a single booking that takes one
    of the planned expert slots at the same moment makes the unique index refuse the whole
    write (a savepoint undoes it), after which the plan is solved again (at most ATTEMPTS
    times; then the IntegrityError goes to the caller).
    """
    with collector_paused():
        for attempt in range(1, ATTEMPTS + 1):
            progress("read")
            requests = _open_requests(period, lock=True)
            problem = load_problem(period, requests)
            result = _preview(period, solve(problem, progress), requests)
            progress("write")
            try:
                with db.session.begin_nested():
                    batch_id = _write(result, problem, actor, on_booking)
            except IntegrityError:
                if attempt == ATTEMPTS:
                    raise
                continue
            return Result(result, changed=seen is not None and seen != result.fingerprint, batch_id=batch_id)
    raise AssertionError("unreachable")


def _write(result: Preview, problem: Problem, actor: User | None,
           on_booking: Callable[[int, int], None]) -> int | None:
    """`on_booking(done, total)` follows the writing, for a progress bar. Every booking passes
    the rules of a single booking (`services.check_booking`) before anything is written.
    Returns the id of the batch's audit event (BATCH_ACTION), None when the plan books nothing."""
    plan, requests = result.plan, result.requests
    themes = {supply.expert_id: supply.themes for supply in problem.supplies}
    experts = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(result.experts))))}
    taken = active_meetings(requests)
    started = started_at()
    for b in plan.bookings:
        services.check_booking(requests[b.request_id], taken[b.request_id], b.moment, experts.get(b.expert_id), started)
        taken[b.request_id].append(b.moment)
    meeting_ids = services.add_bookings([
        services.NewBooking(requests[b.request_id], experts[b.expert_id], b.moment, themes[b.expert_id])
        for b in plan.bookings], actor, on_booking)
    events: list[dict] = []
    for request_id in {b.request_id for b in plan.bookings}:
        request = requests[request_id]
        if len(taken[request_id]) >= request.dagdelen_granted:
            services.set_state(request, RequestState.SCHEDULED, actor, events)
    audit.record_all(events)
    if not meeting_ids:
        return None
    event = audit.record(BATCH_ACTION, result.period, actor=actor, **{BATCH_SESSIONS: meeting_ids})
    db.session.flush()
    return event.id
