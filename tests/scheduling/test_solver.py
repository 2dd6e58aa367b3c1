"""The batch solver against brute force, and small cases with a clear answer.

Pure data, no database: these tests run once, not per backend. `check_plan` re-checks every
rule on a plan; test_solver_properties.py uses it on larger instances.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.scheduling.solver import (
    Demand,
    Plan,
    Problem,
    Shortfall,
    Supply,
    solve,
)

OCHTEND, MIDDAG = Dagdeel.OCHTEND, Dagdeel.MIDDAG
# Four moments over two months, so that monthly maximums matter.
POOL = [(date(2031, 1, 31), OCHTEND), (date(2031, 1, 31), MIDDAG),
        (date(2031, 2, 3), OCHTEND), (date(2031, 2, 3), MIDDAG)]
JANUARY, FEBRUARY = (2031, 1), (2031, 2)
THEMES = [1, 2, 3]


def month(moment) -> tuple[int, int]:
    return moment[0].year, moment[0].month


def demand(request_id, region_id, units, moments, themes=(1,)) -> Demand:
    return Demand(request_id, region_id, units, dict(moments), frozenset(themes))


def supply(expert_id, slots, themes=(1,), regions=None, month_limit=None, month_booked=None) -> Supply:
    return Supply(expert_id, frozenset(themes), None if regions is None else frozenset(regions),
                  frozenset(slots), month_limit, month_booked or {})


# ------------------------------------------------------------------------------------------
# Checking a plan
# ------------------------------------------------------------------------------------------
def region_vector(problem: Problem, per_region: dict[int, int]) -> list[int]:
    """Dagdelen per region that has demand, ascending: larger (lexicographically) is fairer."""
    regions = {d.region_id for d in problem.demands if d.units > 0}
    return sorted(per_region.get(r, 0) for r in regions)


def check_plan(problem: Problem, plan: Plan) -> None:
    """Every rule on the solver's output, from the problem data alone."""
    demands = {d.request_id: d for d in problem.demands}
    supplies = {s.expert_id: s for s in problem.supplies}
    per_request: Counter = Counter()
    per_month: Counter = Counter()
    slots_used, request_moments = set(), set()
    for b in plan.bookings:
        d, s = demands[b.request_id], supplies[b.expert_id]
        assert b.region_id == d.region_id
        assert s.fits(d), b
        assert b.moment in s.slots and b.moment in d.moments, b
        assert b.rank == d.moments[b.moment]
        assert (b.expert_id, b.moment) not in slots_used, f"slot booked twice: {b}"
        assert (b.request_id, b.moment) not in request_moments, f"request twice at one moment: {b}"
        slots_used.add((b.expert_id, b.moment))
        request_moments.add((b.request_id, b.moment))
        per_request[b.request_id] += 1
        per_month[b.expert_id, month(b.moment)] += 1
    for (expert_id, m), count in per_month.items():
        room = supplies[expert_id].room(m)
        assert room is None or count <= room, f"expert {expert_id} over the maximum in {m}"
    missing = {u.request_id: u for u in plan.unserved}
    for d in problem.demands:
        assert per_request[d.request_id] <= d.units
        short = d.units - per_request[d.request_id]
        if short:
            assert missing[d.request_id].missing == short and missing[d.request_id].region_id == d.region_id
            assert missing[d.request_id].reason is expected_reason(problem, d)
        else:
            assert d.request_id not in missing
    assert plan.rank_total == sum(b.rank for b in plan.bookings)
    expected = Counter(problem.booked_per_region) + Counter(b.region_id for b in plan.bookings)
    assert {r: n for r, n in plan.per_region.items() if n} == dict(expected)


def expected_reason(problem: Problem, d: Demand) -> Shortfall:
    usable = [m for m in d.moments if any(
        m in s.slots and s.fits(d) and s.room(month(m)) != 0 for s in problem.supplies)]
    if not d.moments:
        return Shortfall.NO_MOMENTS
    if not usable:
        return Shortfall.NO_EXPERT
    return Shortfall.TOO_FEW_MOMENTS if len(usable) < d.units else Shortfall.TAKEN


# ------------------------------------------------------------------------------------------
# Brute force on small random instances
# ------------------------------------------------------------------------------------------
def small_instance(seed: int) -> Problem:
    rng = random.Random(seed)
    regions = rng.sample([10, 20, 30], rng.randint(1, 3))

    def themes():
        return rng.sample(THEMES, rng.randint(1, 3))

    demands = []
    for request_id in range(1, rng.randint(2, 5) + 1):
        moments = rng.sample(POOL, rng.randint(1, 4))
        demands.append(demand(request_id, rng.choice(regions), rng.randint(1, 3),
                              {m: rng.randint(1, 7) for m in moments}, themes()))
    supplies = []
    for expert_id in range(100, 100 + rng.randint(1, 3)):
        served = None if rng.random() < 0.4 else rng.sample(regions + [99], rng.randint(1, len(regions)))
        limit, booked = None, {}
        if rng.random() < 0.4:
            limit = rng.randint(0, 2)
            booked = {m: rng.randint(0, 2) for m in (JANUARY, FEBRUARY) if rng.random() < 0.5}
        supplies.append(supply(expert_id, rng.sample(POOL, rng.randint(1, 3)), themes(), served, limit, booked))
    before = {r: rng.randint(1, 3) for r in regions + [99] if rng.random() < 0.3}
    return Problem(demands, supplies, before)


def brute_force(problem: Problem) -> tuple[int, list[int], int]:
    """Every feasible assignment of expert slots to requests; the best (total, fairness, ranks)."""
    demands = problem.demands
    slots = [(s, m) for s in problem.supplies for m in sorted(s.slots, key=POOL.index)]
    options = [
        [i for i, d in enumerate(demands) if m in d.moments and s.fits(d)]
        for s, m in slots
    ]
    units = [0] * len(demands)
    taken: set = set()  # (demand index, moment)
    months: Counter = Counter()  # (expert id, month)
    chosen: list = []  # (demand index, moment)
    best = None

    def visit(k: int) -> None:
        nonlocal best
        if k == len(slots):
            per_region = Counter(problem.booked_per_region)
            per_region.update(demands[i].region_id for i, _ in chosen)
            key = (len(chosen), region_vector(problem, per_region),
                   -sum(demands[i].moments[m] for i, m in chosen))
            best = key if best is None or key > best else best
            return
        visit(k + 1)  # the slot stays free
        s, m = slots[k]
        room = s.room(month(m))
        if room is not None and months[s.expert_id, month(m)] >= room:
            return
        for i in options[k]:
            if units[i] < demands[i].units and (i, m) not in taken:
                units[i] += 1
                taken.add((i, m))
                months[s.expert_id, month(m)] += 1
                chosen.append((i, m))
                visit(k + 1)
                chosen.pop()
                months[s.expert_id, month(m)] -= 1
                taken.discard((i, m))
                units[i] -= 1

    visit(0)
    total, vector, ranks = best
    return total, vector, -ranks


@pytest.mark.parametrize("seed", range(200))
def test_solve_equals_brute_force(seed):
    problem = small_instance(seed)
    plan = solve(problem)
    check_plan(problem, plan)
    total, vector, ranks = brute_force(problem)
    assert (plan.total, region_vector(problem, plan.per_region), plan.rank_total) == (total, vector, ranks)


def test_the_random_instances_compete():
    """The instances are not trivial: often some demand stays unserved and regions get different amounts."""
    plans = [(small_instance(seed), solve(small_instance(seed))) for seed in range(200)]
    short = sum(1 for _, plan in plans if plan.unserved)
    uneven = sum(1 for problem, plan in plans if len(set(region_vector(problem, plan.per_region))) > 1)
    limited = sum(1 for problem, _ in plans if any(s.month_limit is not None for s in problem.supplies))
    assert short > 100 and uneven > 50 and limited > 50


# ------------------------------------------------------------------------------------------
# Small cases with a clear answer
# ------------------------------------------------------------------------------------------
def test_nothing_to_solve():
    plan = solve(Problem([], [supply(100, POOL)]))
    assert (plan.bookings, plan.unserved, plan.per_region, plan.rank_total) == ([], [], {}, 0)


def test_a_request_without_dagdelen_left_is_ignored():
    plan = solve(Problem([demand(1, 10, 0, {POOL[0]: 1})], [supply(100, POOL)]))
    assert plan.bookings == [] and plan.unserved == []


def test_the_region_with_fewer_booked_gets_the_only_slot():
    """Fairness goes before preference: region 10 has 2 sessions already, region 20 none."""
    problem = Problem(
        [demand(1, 10, 1, {POOL[0]: 1}), demand(2, 20, 1, {POOL[0]: 5})],
        [supply(100, [POOL[0]])],
        booked_per_region={10: 2},
    )
    plan = solve(problem)
    check_plan(problem, plan)
    assert [(b.request_id, b.expert_id, b.moment) for b in plan.bookings] == [(2, 100, POOL[0])]
    assert plan.per_region == {10: 2, 20: 1}
    assert [(u.request_id, u.missing, u.reason) for u in plan.unserved] == [(1, 1, Shortfall.TAKEN)]


def test_the_most_dagdelen_go_before_preference():
    """Request 1 prefers the only moment request 2 accepts: it gets its second choice, so both are served."""
    problem = Problem(
        [demand(1, 10, 1, {POOL[0]: 1, POOL[1]: 2}), demand(2, 20, 1, {POOL[0]: 1})],
        [supply(100, POOL[:2])],
        booked_per_region={20: 3},
    )
    plan = solve(problem)
    check_plan(problem, plan)
    assert sorted((b.request_id, b.moment) for b in plan.bookings) == [(1, POOL[1]), (2, POOL[0])]


def test_an_expert_at_the_monthly_maximum_is_not_booked():
    """Already at the maximum before the batch: not free, so no fitting expert at all."""
    problem = Problem(
        [demand(1, 10, 1, {POOL[0]: 1})],
        [supply(100, [POOL[0]], month_limit=2, month_booked={JANUARY: 2})],
    )
    plan = solve(problem)
    check_plan(problem, plan)
    assert plan.bookings == []
    assert [(u.request_id, u.missing, u.reason) for u in plan.unserved] == [(1, 1, Shortfall.NO_EXPERT)]


def test_the_monthly_maximum_holds_within_the_batch():
    """One dagdeel left in January: one of two requests gets it, the other is told it was taken.
    February is another month, so the expert's February slot is still used."""
    problem = Problem(
        [demand(1, 10, 1, {POOL[0]: 1}), demand(2, 20, 1, {POOL[1]: 1}), demand(3, 30, 1, {POOL[2]: 1})],
        [supply(100, POOL[:3], month_limit=2, month_booked={JANUARY: 1})],
    )
    plan = solve(problem)
    check_plan(problem, plan)
    assert sum(1 for b in plan.bookings if month(b.moment) == JANUARY) == 1
    assert any(b.moment == POOL[2] for b in plan.bookings) and plan.total == 2
    assert [u.reason for u in plan.unserved] == [Shortfall.TAKEN]


def test_a_request_without_moments():
    plan = solve(Problem([demand(1, 10, 2, {})], [supply(100, POOL)]))
    assert [(u.request_id, u.missing, u.reason) for u in plan.unserved] == [(1, 2, Shortfall.NO_MOMENTS)]


def test_no_fitting_expert():
    """One expert has the slot but another theme, the other does not serve the region."""
    problem = Problem(
        [demand(1, 10, 1, {POOL[0]: 1}, themes=[1])],
        [supply(100, [POOL[0]], themes=[2]), supply(101, [POOL[0]], themes=[1, 2], regions=[20])],
    )
    plan = solve(problem)
    assert plan.bookings == []
    assert [(u.request_id, u.missing, u.reason) for u in plan.unserved] == [(1, 1, Shortfall.NO_EXPERT)]


def test_too_few_moments_for_the_dagdelen():
    """Two dagdelen, but a fitting expert at only one of the moments (two experts there)."""
    problem = Problem(
        [demand(1, 10, 2, {POOL[0]: 1, POOL[1]: 2})],
        [supply(100, [POOL[0]]), supply(101, [POOL[0]]), supply(102, [POOL[1]], themes=[2])],
    )
    plan = solve(problem)
    check_plan(problem, plan)
    assert [(b.moment, b.rank) for b in plan.bookings] == [(POOL[0], 1)]
    assert [(u.request_id, u.missing, u.reason) for u in plan.unserved] == [(1, 1, Shortfall.TOO_FEW_MOMENTS)]


@pytest.mark.parametrize("ranks", [(1, 2), (2, 1)])
def test_the_preferred_moment_is_chosen(ranks):
    moments = dict(zip(POOL[:2], ranks))
    plan = solve(Problem([demand(1, 10, 1, moments)], [supply(100, POOL[:2])]))
    assert [(b.moment, b.rank) for b in plan.bookings] == [(POOL[ranks.index(1)], 1)]
    assert plan.rank_total == 1 and plan.unserved == []


def test_progress_names_the_steps():
    steps = []
    solve(Problem([demand(1, 10, 1, {POOL[0]: 1})], [supply(100, POOL)]), steps.append)
    assert steps == ["network", "solve", "read"]
