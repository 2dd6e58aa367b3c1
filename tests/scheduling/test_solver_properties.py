"""The batch solver on larger random instances, against networkx.

Both networks are built here from the Problem alone, not from the solver's internals:
- the maximum equals networkx's maximum flow;
- with convex costs per region (the k-th dagdeel of a region costs FAIR · (booked before + k))
  and the preference ranks, networkx's minimum cost equals the cost of the solver's plan;
- fairness: no dagdeel can move from a region to one with at least 2 fewer, i.e. the residual
  network of the plan has no path between those regions (the source left out).
Pure data, no database: these tests run once.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import networkx as nx
import pytest

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.scheduling.solver import Plan, Problem, solve
from tests.scheduling.test_solver import (
    check_plan,
    demand,
    month,
    region_vector,
    supply,
)

SOURCE, SINK = "source", "sink"
# 40 moments: 20 weekdays from mid-February to mid-March, morning and afternoon.
DAYS = [d for d in (date(2031, 2, 17) + timedelta(days=i) for i in range(28)) if d.weekday() < 5]
POOL = [(day, dagdeel) for day in DAYS for dagdeel in (Dagdeel.OCHTEND, Dagdeel.MIDDAG)]
REGIONS = list(range(1, 9))
THEMES = list(range(1, 7))


def large_instance(seed: int, demands: int = 0, experts: int = 20) -> Problem:
    """Scarce on purpose: the experts have fewer fitting slots than the requests want."""
    rng = random.Random(seed)
    found = []
    for request_id in range(1, (demands or rng.randint(30, 60)) + 1):
        moments = rng.sample(POOL, rng.randint(1, 6))
        ranks = {m: rank for rank, m in enumerate(moments, 1)}
        if rng.random() < 0.3:  # a preferred period
            start = rng.randrange(len(POOL) - 8)
            ranks.update({m: 7 for m in POOL[start:start + rng.randint(2, 8)] if m not in ranks})
        found.append(demand(request_id, rng.choice(REGIONS), rng.randint(1, 4), ranks,
                            rng.sample(THEMES, rng.randint(1, 3))))
    supplies = []
    for expert_id in range(1000, 1000 + experts):
        served = None if rng.random() < 0.2 else rng.sample(REGIONS, rng.randint(2, 5))
        limit, booked = None, {}
        if rng.random() < 0.3:
            limit = rng.randint(1, 4)
            booked = {m: rng.randint(0, 3) for m in ((2031, 2), (2031, 3)) if rng.random() < 0.5}
        supplies.append(supply(expert_id, [m for m in POOL if rng.random() < 0.25],
                               rng.sample(THEMES, rng.randint(1, 3)), served, limit, booked))
    before = {r: rng.randint(0, 3) for r in REGIONS if rng.random() < 0.5}
    return Problem(found, supplies, before)


def arcs(problem: Problem):
    """(tail, head, capacity, rank) of the network from the regions on; the source arcs are left out."""
    for i, d in enumerate(problem.demands):
        yield ("region", d.region_id), ("request", i), d.units, 0
        for m, rank in d.moments.items():
            yield ("request", i), ("request", i, m), 1, rank
            for s in problem.supplies:
                if m in s.slots and s.fits(d):
                    yield ("request", i, m), ("slot", s.expert_id, m), 1, 0
    for s in problem.supplies:
        for m in s.slots:
            room = s.room(month(m))
            yield ("slot", s.expert_id, m), ("month", s.expert_id, month(m)), 1, 0
            yield ("month", s.expert_id, month(m)), SINK, len(s.slots) if room is None else room, 0


def flow_network(problem: Problem) -> tuple[nx.DiGraph, int]:
    """The whole network with convex region costs; one node per unit of a region (no multi-edges)."""
    fair = 1 + sum(d.units * max(d.moments.values(), default=0) for d in problem.demands)
    graph = nx.DiGraph()
    for tail, head, capacity, rank in arcs(problem):
        graph.add_edge(tail, head, capacity=capacity, weight=rank)
    wanted = Counter()
    for d in problem.demands:
        wanted[d.region_id] += d.units
    for region, units in wanted.items():
        before = problem.booked_per_region.get(region, 0)
        for k in range(1, units + 1):
            graph.add_edge(SOURCE, ("unit", region, k), capacity=1, weight=fair * (before + k))
            graph.add_edge(("unit", region, k), ("region", region), capacity=1, weight=0)
    return graph, fair


def plan_cost(problem: Problem, plan: Plan, fair: int) -> int:
    booked = Counter(b.region_id for b in plan.bookings)
    return plan.rank_total + sum(
        fair * (problem.booked_per_region.get(r, 0) + k) for r, n in booked.items() for k in range(1, n + 1)
    )


@pytest.mark.parametrize("seed", range(12))
def test_solve_equals_networkx(seed):
    problem = large_instance(seed)
    plan = solve(problem)
    check_plan(problem, plan)
    graph, fair = flow_network(problem)
    assert plan.total == nx.maximum_flow_value(graph, SOURCE, SINK)
    flow = nx.max_flow_min_cost(graph, SOURCE, SINK)
    assert plan.total == sum(flow[SOURCE].values())
    assert plan_cost(problem, plan, fair) == nx.cost_of_flow(graph, flow)
    assert plan.unserved, "the instance should be scarce"


def residual(problem: Problem, plan: Plan) -> nx.DiGraph:
    """The residual network of the plan's flow, without the source."""
    flow: Counter = Counter()
    index = {d.request_id: i for i, d in enumerate(problem.demands)}
    for b in plan.bookings:
        i, m = index[b.request_id], b.moment
        path = [("region", b.region_id), ("request", i), ("request", i, m), ("slot", b.expert_id, m),
                ("month", b.expert_id, month(m)), SINK]
        for arc in pairwise(path):
            flow[arc] += 1
    graph = nx.DiGraph()
    seen = set()
    for tail, head, capacity, _ in arcs(problem):
        if (tail, head) in seen:
            continue
        seen.add((tail, head))
        used = flow[tail, head]
        assert used <= capacity
        if used < capacity:
            graph.add_edge(tail, head)
        if used:
            graph.add_edge(head, tail)
    return graph


@pytest.mark.parametrize("seed", range(30))
def test_no_dagdeel_can_move_to_a_region_with_two_fewer(seed):
    problem = large_instance(seed, demands=random.Random(seed).randint(10, 40), experts=10)
    plan = solve(problem)
    graph = residual(problem, plan)
    regions = {d.region_id for d in problem.demands}
    per_region = {r: plan.per_region.get(r, 0) for r in regions}
    for rich in regions:
        for poor in regions:
            if per_region[rich] >= per_region[poor] + 2 and ("region", poor) in graph:
                assert ("region", rich) not in graph or not nx.has_path(graph, ("region", poor), ("region", rich)), (
                    f"a dagdeel can move from region {rich} ({per_region[rich]}) to {poor} ({per_region[poor]})"
                )


def test_the_fairness_instances_are_uneven():
    """Regions end with different amounts, so the property above is tested, not vacuous."""
    uneven = 0
    for seed in range(30):
        problem = large_instance(seed, demands=random.Random(seed).randint(10, 40), experts=10)
        vector = region_vector(problem, solve(problem).per_region)
        uneven += vector[-1] - vector[0] >= 2
    assert uneven >= 10
