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
from collections import defaultdict
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
        return bool(self.themes & demand.themes) and (
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


class _Network:
    """Arcs collected in flat lists, handed to OR-Tools at once."""

    def __init__(self) -> None:
        self.nodes = 2  # 0 is the source, 1 the sink
        self.tails: list[int] = []
        self.heads: list[int] = []
        self.capacities: list[int] = []
        self.costs: list[int] = []

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def arc(self, tail: int, head: int, capacity: int, cost: int = 0) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(capacity)
        self.costs.append(cost)
        return len(self.tails) - 1


SOURCE, SINK = 0, 1


def solve(problem: Problem, progress: Callable[[str], None] = lambda step: None) -> Plan:
    demands = [d for d in problem.demands if d.units > 0]
    supplies = problem.supplies
    by_moment: dict[Moment, list[int]] = defaultdict(list)
    for index, supply in enumerate(supplies):
        for moment in supply.slots:
            by_moment[moment].append(index)

    progress("network")
    net = _Network()
    slot_nodes: dict[tuple[int, Moment], int | None] = {}
    month_nodes: dict[tuple[int, Month], int] = {}

    def slot_node(index: int, moment: Moment) -> int | None:
        key = (index, moment)
        if key in slot_nodes:
            return slot_nodes[key]
        room = supplies[index].room(_month(moment))
        if room == 0:
            slot_nodes[key] = None
            return None
        node = slot_nodes[key] = net.node()
        if room is None:
            net.arc(node, SINK, 1)
        else:
            month_key = (index, _month(moment))
            if month_key not in month_nodes:
                month_nodes[month_key] = net.node()
                net.arc(month_nodes[month_key], SINK, room)
            net.arc(node, month_nodes[month_key], 1)
        return node

    region_nodes: dict[int, int] = {}
    region_units: dict[int, int] = defaultdict(int)
    choice_arcs: list[int] = []
    choices: list[tuple[int, int, Moment, int]] = []  # (demand index, supply index, moment, rank)
    moments_with_expert: list[int] = []
    max_rank = 1
    for d_index, demand in enumerate(demands):
        if demand.region_id not in region_nodes:
            region_nodes[demand.region_id] = net.node()
        region_units[demand.region_id] += demand.units
        request_node = net.node()
        net.arc(region_nodes[demand.region_id], request_node, demand.units)
        fitting: dict[int, bool] = {}
        usable = 0
        for moment, rank in demand.moments.items():
            heads = []
            for index in by_moment.get(moment, ()):
                if index not in fitting:
                    fitting[index] = supplies[index].fits(demand)
                if fitting[index]:
                    node = slot_node(index, moment)
                    if node is not None:
                        heads.append((index, node))
            if not heads:
                continue
            usable += 1
            max_rank = max(max_rank, rank)
            moment_node = net.node()
            net.arc(request_node, moment_node, 1, rank)
            for index, node in heads:
                choice_arcs.append(net.arc(moment_node, node, 1))
                choices.append((d_index, index, moment, rank))
        moments_with_expert.append(usable)

    total_units = sum(region_units.values())
    fair = max_rank * total_units + 1  # more than any sum of ranks
    for region_id, node in region_nodes.items():
        before = problem.booked_per_region.get(region_id, 0)
        for k in range(1, region_units[region_id] + 1):
            net.arc(SOURCE, node, 1, fair * (before + k))

    progress("solve")
    flow = SimpleMinCostFlow()
    if net.tails:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.array(net.tails, dtype=np.int32), np.array(net.heads, dtype=np.int32),
            np.array(net.capacities, dtype=np.int64), np.array(net.costs, dtype=np.int64),
        )
        flow.set_node_supply(SOURCE, total_units)
        flow.set_node_supply(SINK, -total_units)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        chosen = flow.flows(np.array(choice_arcs, dtype=np.int32)) if choice_arcs else []
    else:
        chosen = []

    progress("read")
    bookings = [
        Booking(demands[d].request_id, demands[d].region_id, supplies[s].expert_id, moment, rank)
        for (d, s, moment, rank), units in zip(choices, chosen)
        if units
    ]
    booked_per_demand: dict[int, int] = defaultdict(int)
    for (d, _, _, _), units in zip(choices, chosen):
        booked_per_demand[d] += int(units)
    unserved = []
    for d_index, demand in enumerate(demands):
        missing = demand.units - booked_per_demand[d_index]
        if missing:
            unserved.append(Unserved(demand.request_id, demand.region_id, missing,
                                     _reason(demand, moments_with_expert[d_index])))
    per_region = dict.fromkeys(region_nodes, 0)  # regions that get nothing are listed too
    per_region.update(problem.booked_per_region)
    for booking in bookings:
        per_region[booking.region_id] = per_region.get(booking.region_id, 0) + 1
    return Plan(bookings, unserved, per_region, sum(b.rank for b in bookings))


def _reason(demand: Demand, moments_with_expert: int) -> Shortfall:
    if not demand.moments:
        return Shortfall.NO_MOMENTS
    if not moments_with_expert:
        return Shortfall.NO_EXPERT
    if moments_with_expert < demand.units:
        return Shortfall.TOO_FEW_MOMENTS
    return Shortfall.TAKEN
