"""The OR-Tools routing model of an :class:`~planner.instance.Instance`.

Nodes ``0 .. len(visits)-1`` are the visits; depots (each distinct start or end location of a
vehicle) follow.  Every visit is optional through a disjunction whose penalty is
``prize * penalty_per_prize``, except pinned visits, which are mandatory and restricted to their
vehicle.  Arc cost = travel duration.  A time dimension (transit = travel + service at the
from-node, per vehicle class because service depends on the team) carries shift and visit
windows; a load dimension carries capacities; groups (chunks of one village) get an
all-different constraint on their vehicle variables; visits sharing an ``exclusive`` key
(covering stops) share a disjunction of cardinality one with no penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp

from planner.instance import Instance

Routes = tuple[tuple[int, ...], ...]


@dataclass
class RoutingModel:
    """A closed OR-Tools model plus the maps between our indices and its indices."""

    instance: Instance
    manager: Any
    routing: Any
    time_dimension: Any
    penalty_per_prize: int

    @property
    def n_visits(self) -> int:
        """Number of visits (the first nodes of the model)."""
        return len(self.instance.visits)

    def current_routes(self) -> Routes:
        """Routes of the solution the search holds right now (inside a solution callback)."""
        routing = self.routing
        n = self.n_visits
        out = []
        for v in range(len(self.instance.vehicles)):
            route = []
            index = routing.NextVar(routing.Start(v)).Value()
            while not routing.IsEnd(index):
                node = self.manager.IndexToNode(index)
                if node < n:
                    route.append(node)
                index = routing.NextVar(index).Value()
            out.append(tuple(route))
        return tuple(out)

    def routes_of(self, assignment: Any) -> Routes:
        """Routes of a finished assignment."""
        routing = self.routing
        n = self.n_visits
        out = []
        for v in range(len(self.instance.vehicles)):
            route = []
            index = assignment.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                node = self.manager.IndexToNode(index)
                if node < n:
                    route.append(node)
                index = assignment.Value(routing.NextVar(index))
            out.append(tuple(route))
        return tuple(out)

    def assignment_from(self, routes: Sequence[Sequence[int]]) -> Any | None:
        """An assignment holding ``routes`` (visit indices), or ``None`` if the model refuses."""
        indices = [[self.manager.NodeToIndex(i) for i in r] for r in routes]
        return self.routing.ReadAssignmentFromRoutes(indices, True)


def build_model(instance: Instance, *, penalty_per_prize: int) -> RoutingModel:
    """Build and close the routing model (see the module docstring)."""
    inst = instance
    n_vis = len(inst.visits)
    depot_locs = sorted({k.start_location for k in inst.vehicles}
                        | {k.end_location for k in inst.vehicles})
    depot_node = {loc: n_vis + i for i, loc in enumerate(depot_locs)}
    node_loc = np.array([v.location for v in inst.visits] + depot_locs, dtype=np.int64)
    n_nodes = len(node_loc)
    starts = [depot_node[k.start_location] for k in inst.vehicles]
    ends = [depot_node[k.end_location] for k in inst.vehicles]
    manager = pywrapcp.RoutingIndexManager(n_nodes, len(inst.vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    travel = inst.duration_s[np.ix_(node_loc, node_loc)]
    arc_cb = routing.RegisterTransitMatrix(travel.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc_cb)

    # Service at the from-node depends on the team: one transit matrix per distinct rate.
    base = np.array([v.service_s for v in inst.visits] + [0] * len(depot_locs), dtype=np.int64)
    demand = np.array([v.demand for v in inst.visits] + [0] * len(depot_locs), dtype=np.int64)
    by_rate: dict[int, int] = {}
    vehicle_cbs = []
    for k in inst.vehicles:
        rate = k.service_s_per_demand
        if rate not in by_rate:
            service = base + demand * rate
            by_rate[rate] = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
        vehicle_cbs.append(by_rate[rate])
    horizon = max([max(k.shift_end_s, k.shift_start_s + int(inst.duration_s[
        k.start_location, k.end_location])) for k in inst.vehicles] + [0])
    routing.AddDimensionWithVehicleTransits(vehicle_cbs, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    useless = set()
    for v, k in enumerate(inst.vehicles):
        direct = int(inst.duration_s[k.start_location, k.end_location])
        end = k.shift_end_s
        if k.shift_start_s + direct > k.shift_end_s:
            # Not even the empty trip fits: the vehicle stays unused (OR-Tools still times the
            # start-to-end arc of an empty route, so give that arc room and forbid visits).
            useless.add(v)
            end = k.shift_start_s + direct
        time_dim.CumulVar(routing.Start(v)).SetRange(k.shift_start_s, end)
        time_dim.CumulVar(routing.End(v)).SetRange(k.shift_start_s, end)

    if any(k.capacity is not None for k in inst.vehicles):
        total = int(demand.sum())
        load_cb = routing.RegisterUnaryTransitVector(demand.tolist())
        caps = [total if k.capacity is None else k.capacity for k in inst.vehicles]
        routing.AddDimensionWithVehicleCapacity(load_cb, 0, caps, True, "load")

    solver = routing.solver()
    groups: dict[str, list[int]] = {}
    for i, visit in enumerate(inst.visits):
        index = manager.NodeToIndex(i)
        if visit.time_window_s is not None:
            time_dim.CumulVar(index).SetRange(*visit.time_window_s)
        allowed = [k for k in range(len(inst.vehicles))
                   if inst.allowed(i, k) and k not in useless]
        if visit.pinned_vehicle is None:
            routing.AddDisjunction([index], visit.prize * penalty_per_prize)
        if not allowed:
            routing.ActiveVar(index).SetValue(0)
        elif len(allowed) < len(inst.vehicles):
            routing.VehicleVar(index).SetValues([-1, *allowed])
        if visit.group is not None:
            groups.setdefault(visit.group, []).append(index)
    for members in groups.values():
        if len(members) > 1:
            solver.Add(solver.AllDifferentExcept(
                [routing.VehicleVar(i) for i in members], -1))
    claims: dict[str, list[int]] = {}
    for i, visit in enumerate(inst.visits):
        for key in visit.exclusive:
            claims.setdefault(key, []).append(manager.NodeToIndex(i))
    for members in claims.values():
        if len(members) > 1:
            # at most one visit per key in the whole plan: a disjunction of cardinality 1 with
            # no penalty (the routing filters check it natively; a sum constraint on the
            # active variables made each OR-Tools round ~5x slower on Pandeglang)
            routing.AddDisjunction(members, 0, 1)
    return RoutingModel(inst, manager, routing, time_dim, penalty_per_prize)
