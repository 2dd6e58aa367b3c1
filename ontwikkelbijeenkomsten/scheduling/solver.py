"""The batch scheduler, exact: the most dagdelen, then the fairest split over regions, then the
best preference ranks, solved as one minimum-cost maximum flow (OR-Tools).

The network, where every booking is one unit of flow:

    source → region       one arc per unit; the k-th unit costs FAIR · (already booked + k)
           → request      capacity: the dagdelen still to book
           → (request, moment)   capacity 1, cost: the region's preference rank of the moment
           → (expert, moment)    capacity 1: one session per expert slot
           → (expert, month)     capacity: what the expert's monthly maximum leaves
           → sink

`solve_max_flow_with_min_cost` puts the amount first. The region costs are convex, so among the
maximum flows the cheapest minimises the sum of squares of the dagdelen per region; the region
totals of maximum flows form an M-convex set, where that minimum is exactly the lexicographic
max–min fair split (Frank & Murota, discrete decreasing minimisation). FAIR is larger than any
sum of ranks, so fairness always goes before preference.

Pure data in, pure data out: the database side lives in `batch.py`.
"""
from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from ..core.time import Dagdeel

Moment = tuple[date, Dagdeel]
Month = tuple[int, int]


@dataclass(frozen=True)
class Demand:
    """A granted request with dagdelen still to book."""

    request_id: int
    region_id: int
    units: int
    moments: Mapping[Moment, int]  # the moments the region accepts → rank (1 = most preferred)
    themes: frozenset[int]


@dataclass(frozen=True)
class Supply:
    """An active expert and the free slots they have given."""

    expert_id: int
    themes: frozenset[int]
    regions: frozenset[int] | None  # None: serves every region
    slots: frozenset[Moment]
    month_limit: int | None = None  # the profile's maximum dagdelen per month
    month_booked: Mapping[Month, int] = field(default_factory=dict)

    def fits(self, demand: Demand) -> bool:
        """Shares a theme with the request and works in its region."""
        return not self.themes.isdisjoint(demand.themes) and (
            self.regions is None or demand.region_id in self.regions
        )

    def room(self, month: Month) -> int | None:
        if self.month_limit is None:
            return None
        return max(self.month_limit - self.month_booked.get(month, 0), 0)


@dataclass(frozen=True)
class Problem:
    demands: list[Demand]
    supplies: list[Supply]
    booked_per_region: Mapping[int, int] = field(default_factory=dict)  # sessions already booked


@dataclass(frozen=True)
class Booking:
    request_id: int
    region_id: int
    expert_id: int
    moment: Moment
    rank: int


class Shortfall(enum.Enum):
    NO_MOMENTS = "no_moments"  # no preferred moment or period day in the future
    NO_EXPERT = "no_expert"  # no fitting expert is free at any of its moments
    TOO_FEW_MOMENTS = "too_few_moments"  # fitting experts on fewer moments than dagdelen wanted
    TAKEN = "taken"  # the fitting slots went to other requests, or experts reached their maximum


@dataclass(frozen=True)
class Unserved:
    request_id: int
    region_id: int
    missing: int
    reason: Shortfall


@dataclass
class Plan:
    bookings: list[Booking]
    unserved: list[Unserved]
    per_region: dict[int, int]  # dagdelen per region after the plan, those booked before included
    rank_total: int

    @property
    def total(self) -> int:
        return len(self.bookings)


def _month(moment: Moment) -> Month:
    return moment[0].year, moment[0].month


SOURCE, SINK = 0, 1
NONE = -1  # an expert slot without room in its month: no node


def solve(problem: Problem, progress: Callable[[str], None] = lambda step: None) -> Plan:
    demands = [d for d in problem.demands if d.units > 0]
    supplies = problem.supplies
    progress("network")
    network = _build(demands, supplies, problem.booked_per_region)

    progress("solve")
    flow = SimpleMinCostFlow()
    if network.arcs.shape[1]:
        tails, heads, capacities, costs = network.arcs
        flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), capacities, costs)
        flow.set_node_supply(SOURCE, network.units)
        flow.set_node_supply(SINK, -network.units)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        chosen = flow.flows(network.choice_arcs) if len(network.choice_arcs) else []
    else:
        chosen = []

    progress("read")
    picked = [choice for choice, units in zip(network.choices, chosen) if units]
    bookings = [Booking(demands[d].request_id, demands[d].region_id, supplies[s].expert_id, moment, rank)
                for d, s, moment, rank in picked]
    booked_per_demand = Counter(d for d, _, _, _ in picked)
    unserved = []
    for d_index, demand in enumerate(demands):
        missing = demand.units - booked_per_demand[d_index]
        if missing:
            unserved.append(Unserved(demand.request_id, demand.region_id, missing,
                                     _reason(demand, network.moments_with_expert[d_index])))
    per_region = dict.fromkeys(network.regions, 0)  # regions that get nothing are listed too
    per_region.update(problem.booked_per_region)
    for booking in bookings:
        per_region[booking.region_id] = per_region.get(booking.region_id, 0) + 1
    return Plan(bookings, unserved, per_region, sum(b.rank for b in bookings))


@dataclass
class _Network:
    """The arcs as arrays, handed to OR-Tools at once."""

    arcs: np.ndarray  # four rows: tails, heads, capacities, costs
    units: int  # the flow: every dagdeel still to book
    regions: list[int]
    choice_arcs: np.ndarray  # the (request, moment) → (expert, moment) arcs, whose flow is the plan
    choices: list[tuple[int, int, Moment, int]]  # per choice arc: (demand index, supply index, moment, rank)
    moments_with_expert: list[int]  # per demand: its moments with a fitting expert that has room


def _build(demands: list[Demand], supplies: list[Supply], booked_per_region: Mapping[int, int]) -> _Network:
    """The network of the module docstring. The arcs go into one flat list, four numbers each,
    and everything the loops look up is keyed by small integers: this runs once per arc."""
    by_moment: dict[Moment, list[int]] = defaultdict(list)  # moment → the supplies free then, in order
    for index, supply in enumerate(supplies):
        for moment in supply.slots:
            by_moment[moment].append(index)
    moment_ids = {moment: number for number, moment in enumerate(by_moment)}
    moment_count = len(moment_ids)
    month_of = [_month(moment) for moment in by_moment]
    arcs: list[int] = []
    nodes = 2  # 0 is the source, 1 the sink
    slot_nodes: dict[int, int] = {}  # supply index · moments + moment id → node, or NONE
    month_nodes: dict[tuple[int, Month], int] = {}
    region_nodes: dict[int, int] = {}
    region_units: dict[int, int] = defaultdict(int)
    choice_arcs: list[int] = []
    choices: list[tuple[int, int, Moment, int]] = []
    moments_with_expert: list[int] = []
    max_rank = 1
    for d_index, demand in enumerate(demands):
        region = demand.region_id
        if region not in region_nodes:
            region_nodes[region] = nodes
            nodes += 1
        region_units[region] += demand.units
        request_node = nodes
        nodes += 1
        arcs += (region_nodes[region], request_node, demand.units, 0)
        fitting = [supply.fits(demand) for supply in supplies]
        usable = 0
        for moment, rank in demand.moments.items():
            number = moment_ids.get(moment)
            if number is None:
                continue
            heads = []
            for index in [index for index in by_moment[moment] if fitting[index]]:
                key = index * moment_count + number
                node = slot_nodes.get(key)
                if node is None:  # the first arc into this expert slot makes its node
                    room = supplies[index].room(month_of[number])
                    if room == 0:
                        node = NONE
                    else:
                        node = nodes
                        nodes += 1
                        if room is None:
                            arcs += (node, SINK, 1, 0)
                        else:
                            month_key = (index, month_of[number])
                            if month_key not in month_nodes:
                                month_nodes[month_key] = nodes
                                nodes += 1
                                arcs += (nodes - 1, SINK, room, 0)
                            arcs += (node, month_nodes[month_key], 1, 0)
                    slot_nodes[key] = node
                if node != NONE:
                    heads.append((index, node))
            if not heads:
                continue
            usable += 1
            max_rank = max(max_rank, rank)
            moment_node = nodes
            nodes += 1
            arcs += (request_node, moment_node, 1, rank)
            first = len(arcs) // 4
            for index, node in heads:
                arcs += (moment_node, node, 1, 0)
                choices.append((d_index, index, moment, rank))
            choice_arcs.extend(range(first, first + len(heads)))
        moments_with_expert.append(usable)

    units = sum(region_units.values())
    fair = max_rank * units + 1  # more than any sum of ranks
    for region, node in region_nodes.items():
        before = booked_per_region.get(region, 0)
        for k in range(1, region_units[region] + 1):
            arcs += (SOURCE, node, 1, fair * (before + k))
    table = np.array(arcs, dtype=np.int64).reshape(-1, 4).T.copy()
    return _Network(table, units, list(region_nodes),
                    np.array(choice_arcs, dtype=np.int32), choices, moments_with_expert)


def _reason(demand: Demand, moments_with_expert: int) -> Shortfall:
    if not demand.moments:
        return Shortfall.NO_MOMENTS
    if not moments_with_expert:
        return Shortfall.NO_EXPERT
    if moments_with_expert < demand.units:
        return Shortfall.TOO_FEW_MOMENTS
    return Shortfall.TAKEN
