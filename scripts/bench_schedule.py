"""Benchmark of batch scheduling: a fresh database with realistically shaped data, then
batch.confirm() timed step by step against a bare OR-Tools solve of the same instance.

    .venv/bin/python scripts/bench_schedule.py [--requests 1000 --experts 200 --months 6]
                                               [--rounds 5] [--database-url URL] [--seed 1] [--profile]

Without --database-url it builds a SQLite file in a temporary directory. A --database-url
must point to an empty database (e.g. postgresql://user@host/bench); the schema is created
with db.create_all(). The instance is this script's own (--requests granted requests and
--experts experts with availability over --months; scripts/dataset.py has too few granted
requests for it).

Each round runs A, the whole confirm() in one unit of work (read, build the network, solve,
write every booking with its mails and audit events, commit), and B, a bare OR-Tools solve of
the same network (the arrays handed to SimpleMinCostFlow, recorded in A); the order alternates
and the bookings are deleted again after each round. It prints every round and the medians:
the whole confirm (goal, issue 17: at most 3 s) and the solver (network, solve, result) against
the bare solve (goal: at most 2x). Phases are in wall-clock seconds and in CPU seconds of this
process (which leaves out a PostgreSQL server's own work, and shows how much of the wall time
went to other processes on a busy machine). --profile runs one more confirm() under cProfile.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from statistics import median
from time import perf_counter, process_time

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
AVAILABLE = 0.4  # share of the weekday dagdelen an expert is available


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--database-url", help="an empty database; default: SQLite in a temporary directory")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of A and B (the median is reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile confirm() with cProfile")
    return parser.parse_args()


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


class Clock:
    """The progress callback: remembers when each step began, in wall-clock and CPU seconds."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float, float]] = []

    def __call__(self, step: str) -> None:
        self.marks.append((step, perf_counter(), process_time()))

    def split(self) -> dict[str, tuple[float, float]]:
        """(wall, cpu) seconds per phase. Steps: read (database), network, solve, read (the solution), [write]."""
        names = {("read", 0): "read", ("network", 0): "build", ("solve", 0): "solve",
                 ("read", 1): "result", ("write", 0): "write"}
        seen: Counter = Counter()
        found = {}
        ends = [(wall, cpu) for _, wall, cpu in self.marks[1:]] + [(perf_counter(), process_time())]
        for (step, wall, cpu), (wall_end, cpu_end) in zip(self.marks, ends):
            found[names[step, seen[step]]] = (wall_end - wall, cpu_end - cpu)
            seen[step] += 1
        found["total"] = (ends[-1][0] - self.marks[0][1], ends[-1][1] - self.marks[0][2])
        return found


def generate(args: argparse.Namespace) -> dict:
    """Regions, themes, a period, experts with availability and granted requests, in bulk."""
    from ontwikkelbijeenkomsten.accounts.models import Role, User
    from ontwikkelbijeenkomsten.core.db import utcnow
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.core.models import Theme
    from ontwikkelbijeenkomsten.core.themes import THEMES
    from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
    from ontwikkelbijeenkomsten.experts.models import (
        Availability,
        ExpertProfile,
        expert_regions,
        expert_themes,
    )
    from ontwikkelbijeenkomsten.regions.models import (
        OrganisationType,
        ProgrammePeriod,
        Region,
    )
    from ontwikkelbijeenkomsten.regions.services import import_regions
    from ontwikkelbijeenkomsten.requests.models import (
        LocationKind,
        PreferredMoment,
        Request,
        RequestState,
        request_themes,
    )

    rng = random.Random(args.seed)
    started = perf_counter()

    def say(text: str) -> None:
        print(f"  {perf_counter() - started:6.2f} s  {text}", flush=True)

    def bulk(model, rows: list[dict]) -> list[int]:
        return db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows).all()

    print("Generating data", flush=True)
    csv_text = resources.files("ontwikkelbijeenkomsten.data").joinpath("jeugdregios-2025.csv").read_text("utf-8")
    import_regions(csv_text)
    regions = db.session.scalars(select(Region.id).order_by(Region.id)).all()
    themes = bulk(Theme, [dict(slug=slug, name=name, position=i) for i, (slug, name) in enumerate(THEMES)])
    start = today_local() + timedelta(days=1)
    end = add_months(start, args.months) - timedelta(days=1)
    period = ProgrammePeriod(name=f"Bench {start:%Y-%m-%d}", starts_on=start, ends_on=end, default_quota=4)
    db.session.add(period)
    coordinator = User(email="coordinator@example.org", name="Sanne de Vries", role=Role.COORDINATOR)
    db.session.add(coordinator)
    db.session.flush()
    say(f"{len(regions)} regions, {len(themes)} themes, period {start} to {end}")

    experts = bulk(User, [dict(email=f"expert{i}@example.org", name=f"Expert {i}", role=Role.EXPERT)
                          for i in range(1, args.experts + 1)])
    profiles, theme_rows, region_rows = [], [], []
    for expert_id in experts:
        everywhere = rng.random() < 0.1
        limit = rng.randint(4, 8) if rng.random() < 0.3 else None
        profiles.append(dict(user_id=expert_id, serves_all_regions=everywhere, max_dagdelen_per_month=limit))
        theme_rows += [dict(expert_id=expert_id, theme_id=t) for t in rng.sample(themes, rng.randint(2, 4))]
        if not everywhere:
            region_rows += [dict(expert_id=expert_id, region_id=r) for r in rng.sample(regions, rng.randint(5, 10))]
    db.session.execute(insert(ExpertProfile), profiles)
    db.session.execute(insert(expert_themes), theme_rows)
    db.session.execute(insert(expert_regions), region_rows)
    weekdays = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    slots = [(d, dagdeel) for d in weekdays for dagdeel in Dagdeel]
    availability = [
        dict(expert_id=expert_id, date=d, dagdeel=dagdeel)
        for expert_id in experts for d, dagdeel in slots if rng.random() < AVAILABLE
    ]
    db.session.execute(insert(Availability), availability)
    say(f"{len(experts)} experts, {len(availability)} availability rows")

    preferred = [(d, dagdeel) for d in weekdays for dagdeel in rng.choices(
        [[Dagdeel.OCHTEND], [Dagdeel.MIDDAG], [Dagdeel.AVOND]], weights=[45, 45, 10])[0]]
    requests = []
    for i in range(1, args.requests + 1):
        granted = rng.randint(1, 4)
        row = dict(
            region_id=rng.choice(regions), period_id=period.id, state=RequestState.GRANTED,
            organisation_name=f"SWV {i}", organisation_type=OrganisationType.SWV_PO,
            contact_name=f"Contact {i}", contact_email=f"contact{i}@example.org", contact_phone="06 12345678",
            dagdelen_wanted=granted, dagdelen_granted=granted, goal="Samen werken aan doorgaande lijnen.",
            location_kind=LocationKind.ADDRESS, location=f"Stadhuis {i}", consent_at=utcnow(),
            preferred_period_start=None, preferred_period_end=None, preferred_dagdelen=[],
        )
        if rng.random() < 0.3:
            first = rng.choice(weekdays[:-20])
            row.update(preferred_period_start=first, preferred_period_end=first + timedelta(weeks=rng.randint(2, 4)),
                       preferred_dagdelen=[d.value for d in rng.sample([Dagdeel.OCHTEND, Dagdeel.MIDDAG],
                                                                       rng.randint(1, 2))])
        requests.append(row)
    request_ids = bulk(Request, requests)
    moments, themes_of = [], []
    for request_id in request_ids:
        for rank, (d, dagdeel) in enumerate(rng.sample(preferred, rng.randint(3, 6)), 1):
            moments.append(dict(request_id=request_id, date=d, dagdeel=dagdeel, rank=rank))
        themes_of += [dict(request_id=request_id, theme_id=t) for t in rng.sample(themes, rng.randint(1, 3))]
    db.session.execute(insert(PreferredMoment), moments)
    db.session.execute(insert(request_themes), themes_of)
    db.session.commit()
    say(f"{len(request_ids)} granted requests, {len(moments)} preferred moments, "
        f"{sum(1 for r in requests if r['preferred_period_start'])} with a preferred period")
    return dict(period_id=period.id, coordinator_id=coordinator.id, experts=len(experts),
                availability=len(availability), requests=len(request_ids))


class Recorder:
    """SimpleMinCostFlow that keeps the arrays and supplies it was given, for the bare solve."""

    arcs: tuple = ()
    supplies: list = []

    def __init__(self) -> None:
        from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

        self.flow = SimpleMinCostFlow()
        Recorder.supplies = []

    def add_arcs_with_capacity_and_unit_cost(self, *arrays):
        Recorder.arcs = arrays
        return self.flow.add_arcs_with_capacity_and_unit_cost(*arrays)

    def set_node_supply(self, node, supply):
        Recorder.supplies.append((node, supply))
        return self.flow.set_node_supply(node, supply)

    def __getattr__(self, name):
        return getattr(self.flow, name)


def bare_solve() -> float:
    """OR-Tools on the recorded network, nothing else; seconds."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    began = perf_counter()
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(*Recorder.arcs)
    for node, supply in Recorder.supplies:
        flow.set_node_supply(node, supply)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise SystemExit("the bare solve failed")
    return perf_counter() - began


def undo() -> None:
    """Delete what confirm() wrote, so the next round books the same plan again."""
    from sqlalchemy import delete, update

    from ontwikkelbijeenkomsten.core.models import AuditEvent
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert, meeting_themes
    from ontwikkelbijeenkomsten.requests.models import Request, RequestState

    with unit_of_work() as session:
        for table in (meeting_themes, MeetingExpert.__table__, Meeting.__table__, OutboxMail.__table__,
                      AuditEvent.__table__):
            session.execute(delete(table))
        session.execute(update(Request.__table__).values(state=RequestState.GRANTED))


def main() -> None:
    args = parse_args()
    workdir = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        workdir = tempfile.TemporaryDirectory(prefix="bench-schedule-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.db'}"
    os.environ.setdefault("SECRET_KEY", "bench")

    from ontwikkelbijeenkomsten import create_app
    from ontwikkelbijeenkomsten.accounts.models import User
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.core.models import AuditEvent, Theme
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.meetings.models import Meeting
    from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
    from ontwikkelbijeenkomsten.scheduling import batch, solver

    solver.SimpleMinCostFlow = Recorder
    app = create_app({"MAIL_SUPPRESS_SEND": True, "BASE_URL": "http://localhost"})
    with app.app_context():
        print(f"Database: {db.engine.url.render_as_string(hide_password=True)}")
        db.create_all()
        if db.session.scalar(select(Theme.id).limit(1)) is not None:
            sys.exit("The database is not empty; give an empty one.")
        made = generate(args)
        print(f"{made['requests']} requests, {made['experts']} experts, {made['availability']} availability rows")

        def confirm() -> tuple[dict, object]:
            period = db.session.get(ProgrammePeriod, made["period_id"])
            actor = db.session.get(User, made["coordinator_id"])
            db.session.commit()
            clock = Clock()
            with unit_of_work():  # confirm() writes; the commit is part of what it costs
                done = batch.confirm(period, actor, progress=clock)
            return clock.split(), done

        rounds = []
        print(f"\n{'round':>5} {'order':>6} {'A confirm':>10} {'(cpu)':>7} {'write':>7} {'solver':>7} "
              f"{'B bare':>7} {'solver/B':>9}")
        for number in range(1, args.rounds + 1):
            bare_first = number % 2 == 0 and Recorder.arcs
            bare = bare_solve() if bare_first else None
            times, done = confirm()
            counts = {label: db.session.scalar(select(func.count()).select_from(model))
                      for label, model in (("meetings", Meeting), ("mails", OutboxMail), ("audit events", AuditEvent))}
            if not bare_first:
                bare = bare_solve()
            undo()
            solving = sum(times[k][0] for k in ("build", "solve", "result"))
            rounds.append((times["total"][0], times["total"][1], times["write"][0], solving, bare))
            print(f"{number:5} {'B, A' if bare_first else 'A, B':>6} {times['total'][0]:9.2f}s {times['total'][1]:6.2f}s "
                  f"{times['write'][0]:6.2f}s {solving:6.2f}s {bare:6.3f}s {solving / bare:8.1f}x")
        report("last confirm()", done.preview, times)
        print(f"  written per round: {', '.join(f'{n} {label}' for label, n in counts.items())}")
        print(f"\nmedian of {len(rounds)} rounds: confirm {median(r[0] for r in rounds):.2f} s "
              f"(cpu {median(r[1] for r in rounds):.2f} s), of which writing {median(r[2] for r in rounds):.2f} s; "
              f"solver {median(r[3] for r in rounds):.2f} s = {median(r[3] / r[4] for r in rounds):.1f}x "
              f"the bare OR-Tools solve ({median(r[4] for r in rounds):.3f} s)")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            confirm()
            profiler.disable()
            print("\nconfirm() under cProfile, by cumulative time:")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    if workdir:
        workdir.cleanup()


def report(name: str, preview, times: dict[str, tuple[float, float]]) -> None:
    plan = preview.plan
    reasons = Counter(u.reason.value for u in plan.unserved)
    print(f"\n{name}: {preview.to_book} dagdelen demanded, {plan.total} booked, "
          f"{sum(u.missing for u in plan.unserved)} unserved in {len(plan.unserved)} requests "
          f"({', '.join(f'{k} {v}' for k, v in sorted(reasons.items())) or 'none'})")
    print("        " + "  ".join(f"{k:>7}" for k in times))
    print("  wall  " + "  ".join(f"{wall:6.3f}s" for wall, _ in times.values()))
    print("  cpu   " + "  ".join(f"{cpu:6.3f}s" for _, cpu in times.values()))


if __name__ == "__main__":
    main()
