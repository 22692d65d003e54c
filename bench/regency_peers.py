"""PyVRP and VROOM on a regency's week instance, for comparison only.

A regency instance has what the TOP/TOPTW adapters (``bench/peers.py``) refuse: per-team
service time (kits), visits only some teams may make (islands need a boat-capable team) and
chunk groups (at most one chunk of a village per team-day).  Here:

- PyVRP: one *profile* per vehicle type whose edge durations fold in the service at the
  from-visit for that type (``service_s + demand x service_s_per_demand``); edges into a visit
  the type may not make get a duration past every shift, so no feasible route uses them.
- VROOM: vehicle ``type`` + job ``service_per_type`` for the service, skills for allowed
  vehicles; priorities are VROOM's 0..100 integers (prize scaled), as VROOM allows no more.
- Groups: neither peer has "at most one of a group per route".  A peer route that carries two
  chunks of one village keeps the more valuable one and drops the other (removing a stop never
  breaks a shift on these instances: no visit windows, and travel obeys the triangle rule
  closely enough that the repaired route is re-checked anyway).  The repair is counted.

Every result is scored by :func:`planner.checking.check_routes` on the unchanged instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from planner.instance import Instance

Routes = list[list[int]]


def _types(inst: Instance) -> tuple[list[tuple[int, ...]], list[frozenset[int]]]:
    """Vehicles grouped by everything a peer's vehicle type can express."""
    n = len(inst.visits)
    keys: dict[tuple[object, ...], list[int]] = {}
    for k, veh in enumerate(inst.vehicles):
        allowed = frozenset(i for i in range(n) if inst.allowed(i, k))
        key = (veh.start_location, veh.end_location, veh.shift_start_s, veh.shift_end_s,
               veh.capacity, veh.service_s_per_demand, allowed)
        keys.setdefault(key, []).append(k)
    members = [tuple(v) for v in keys.values()]
    allowed_sets = [frozenset(key[-1]) for key in keys]  # type: ignore[arg-type]
    return members, allowed_sets


def repair_groups(inst: Instance, routes: Sequence[Sequence[int]]) -> tuple[Routes, int]:
    """Drop the less valuable of two chunks of one village on the same route."""
    fixed: Routes = []
    dropped = 0
    for route in routes:
        best: dict[str, int] = {}
        for i in route:
            g = inst.visits[i].group
            if g is None:
                continue
            if g not in best or inst.visits[i].prize > inst.visits[best[g]].prize:
                best[g] = i
        keep = [i for i in route if inst.visits[i].group is None
                or best[inst.visits[i].group] == i]  # type: ignore[index]
        dropped += len(route) - len(keep)
        fixed.append(keep)
    return fixed, dropped


def solve_pyvrp_regency(inst: Instance, *, time_limit_s: float, seed: int) -> Routes:
    """PyVRP (HGS) with optional prize clients, one profile per vehicle type."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    m = pyvrp.Model()
    members, allowed_sets = _types(inst)
    horizon = max(k.shift_end_s for k in inst.vehicles)
    blocked = horizon + 1  # just past every shift: larger values upset PyVRP's penalties
    depot_locs = sorted({k.start_location for k in inst.vehicles}
                        | {k.end_location for k in inst.vehicles})
    depot_nodes = {loc: m.add_location(0, 0) for loc in depot_locs}
    depots = {loc: m.add_depot(depot_nodes[loc], tw_early=0, tw_late=horizon)
              for loc in depot_locs}
    weight = int(inst.duration_s.max()) + 1  # one prize unit beats any single leg
    has_cap = any(k.capacity is not None for k in inst.vehicles)
    total = sum(v.demand for v in inst.visits)
    client_nodes = []
    for v in inst.visits:
        tw = v.time_window_s or (0, horizon)
        client_nodes.append(m.add_location(0, 0))
        m.add_client(client_nodes[-1], delivery=[v.demand] if has_cap else [],
                     service_duration=0, tw_early=tw[0], tw_late=tw[1], prize=v.prize * weight,
                     required=False)
    dur = inst.duration_s
    dist = inst.distance_m
    nodes: list[tuple[object, int, int | None]] = [
        (depot_nodes[loc], loc, None) for loc in depot_locs]
    nodes += [(c, inst.visits[i].location, i) for i, c in enumerate(client_nodes)]
    vehicle_types = []
    for group, allowed in zip(members, allowed_sets, strict=True):
        veh = inst.vehicles[group[0]]
        profile = m.add_profile()
        for a, la, ia in nodes:
            service = 0 if ia is None else (inst.visits[ia].service_s
                                            + inst.visits[ia].demand * veh.service_s_per_demand)
            for b, lb, ib in nodes:
                if a is b:
                    continue
                d = int(dur[la, lb]) + service
                if ib is not None and ib not in allowed:
                    d = blocked
                m.add_edge(a, b, distance=int(dist[la, lb]), duration=d,  # type: ignore[arg-type]
                           profile=profile)
        cap = total if veh.capacity is None else veh.capacity
        vehicle_types.append(m.add_vehicle_type(
            len(group), capacity=[cap] if has_cap else [], start_depot=depots[veh.start_location],
            end_depot=depots[veh.end_location], tw_early=veh.shift_start_s,
            tw_late=veh.shift_end_s, shift_duration=veh.shift_end_s - veh.shift_start_s,
            unit_distance_cost=0, unit_duration_cost=1, profile=profile))
    result = m.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    routes: Routes = [[] for _ in inst.vehicles]
    if not result.best.is_feasible():
        return routes
    used = [0] * len(members)
    for route in result.best.routes():
        t = route.vehicle_type()
        k = members[t][used[t]]
        used[t] += 1
        routes[k] = [int(a.idx) for a in route if a.is_client()]
    return routes


def solve_vroom_regency(inst: Instance, *, time_limit_s: float, seed: int) -> Routes:
    """VROOM with vehicle types for service, skills for allowed vehicles, priorities."""
    import vroom

    del seed  # VROOM has no seed
    members, _ = _types(inst)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=inst.duration_s.tolist())
    problem.set_distances_matrix(profile="car", matrix_input=inst.distance_m.tolist())
    top = max([v.prize for v in inst.visits] + [1])
    has_cap = any(k.capacity is not None for k in inst.vehicles)
    total = sum(v.demand for v in inst.visits)
    type_of = {k: t for t, group in enumerate(members) for k in group}
    # one skill per distinct allowed set: the visit needs it, every allowed vehicle has it
    skill_of: dict[tuple[int, ...], int] = {}
    vehicle_skills: list[set[int]] = [set() for _ in inst.vehicles]
    for i, v in enumerate(inst.visits):
        allowed_k = tuple(k for k in range(len(inst.vehicles)) if inst.allowed(i, k))
        if allowed_k not in skill_of:
            skill_of[allowed_k] = len(skill_of) + 1
            for k in allowed_k:
                vehicle_skills[k].add(skill_of[allowed_k])
        skills = {skill_of[allowed_k]}
        per_type = {f"t{t}": v.service_s + v.demand * inst.vehicles[group[0]].service_s_per_demand
                    for t, group in enumerate(members)}
        tw = [vroom.TimeWindow(*v.time_window_s)] if v.time_window_s else []
        problem.add_job(vroom.Job(
            id=i + 1, location=vroom.LocationIndex(v.location), default_service=v.service_s,
            service_per_type=per_type, delivery=[v.demand] if has_cap else [], skills=skills,
            priority=max(1, min(100, round(100 * v.prize / top))), time_windows=tw))
    for k, veh in enumerate(inst.vehicles):
        cap = total if veh.capacity is None else veh.capacity
        problem.add_vehicle(vroom.Vehicle(
            id=k + 1, start=vroom.LocationIndex(veh.start_location),
            end=vroom.LocationIndex(veh.end_location), capacity=[cap] if has_cap else [],
            skills=vehicle_skills[k], type=f"t{type_of[k]}",
            time_window=vroom.TimeWindow(veh.shift_start_s, veh.shift_end_s)))
    solution = problem.solve(exploration_level=5, nb_threads=1,
                             timeout=timedelta(seconds=time_limit_s))
    routes: Routes = [[] for _ in inst.vehicles]
    frame = solution.routes
    if "id" not in frame.columns:
        return routes
    jobs = frame[frame["type"] == "job"]
    for vid, job_id in zip(np.asarray(jobs["vehicle_id"]), np.asarray(jobs["id"]), strict=True):
        routes[int(vid) - 1].append(int(job_id) - 1)
    return routes
