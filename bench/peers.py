"""PyVRP and VROOM adapters: the same :class:`Instance` in, routes of visit indices out.

For comparison only; ``planner`` never imports this module.  Both take the instance's integer
matrices as they are (no coordinates), every visit optional with its prize, service time and
window, each vehicle's shift as its time window, and capacities.  Allowed-vehicle sets are
passed as skills to VROOM; pins and groups are not modelled (the benchmarks have none) and are
refused rather than silently dropped.  Results are scored by the same checkers as ours.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from planner.instance import Instance

Routes = list[list[int]]


def _refuse_unsupported(inst: Instance, solver: str) -> None:
    if any(v.pinned_vehicle is not None or v.group is not None for v in inst.visits):
        raise ValueError(f"{solver} adapter: pins and groups are not modelled")
    if any(k.service_s_per_demand for k in inst.vehicles):
        raise ValueError(f"{solver} adapter: per-vehicle service times are not modelled")


def prize_weight(inst: Instance) -> int:
    """Travel seconds one prize unit is worth to PyVRP: more than the longest single leg."""
    return int(inst.duration_s.max()) + 1


def solve_pyvrp(inst: Instance, *, time_limit_s: float, seed: int) -> Routes:
    """Prize-collecting PyVRP (HGS): optional clients with prizes, windows, shifts."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    _refuse_unsupported(inst, "PyVRP")
    if any(v.allowed_vehicles is not None for v in inst.visits):
        raise ValueError("PyVRP adapter: allowed vehicles are not modelled")
    m = pyvrp.Model()
    depot_locs = sorted({k.start_location for k in inst.vehicles}
                        | {k.end_location for k in inst.vehicles})
    horizon = max(k.shift_end_s for k in inst.vehicles)
    nodes = {}
    depots = {}
    for loc in depot_locs:
        nodes[("d", loc)] = m.add_location(0, 0)
        depots[loc] = m.add_depot(nodes[("d", loc)], tw_early=0, tw_late=horizon)
    weight = prize_weight(inst)
    has_capacity = any(k.capacity is not None for k in inst.vehicles)
    total = sum(v.demand for v in inst.visits)
    for i, v in enumerate(inst.visits):
        nodes[("v", i)] = m.add_location(0, 0)
        tw = v.time_window_s or (0, horizon)
        m.add_client(nodes[("v", i)], delivery=[v.demand] if has_capacity else [],
                     service_duration=v.service_s, tw_early=tw[0], tw_late=tw[1],
                     prize=v.prize * weight, required=False)
    types: dict[tuple[int, ...], list[int]] = {}
    for k, veh in enumerate(inst.vehicles):
        cap = total if veh.capacity is None else veh.capacity
        key = (veh.start_location, veh.end_location, veh.shift_start_s, veh.shift_end_s, cap)
        types.setdefault(key, []).append(k)
    type_members = []
    for key, members in types.items():
        start, end, early, late, cap = key
        m.add_vehicle_type(len(members), capacity=[cap] if has_capacity else [],
                           start_depot=depots[start], end_depot=depots[end],
                           tw_early=early, tw_late=late, shift_duration=late - early,
                           unit_distance_cost=1)
        type_members.append(members)
    keys = list(nodes)
    dur = inst.duration_s
    for a in keys:
        la = a[1] if a[0] == "d" else inst.visits[a[1]].location
        for b in keys:
            lb = b[1] if b[0] == "d" else inst.visits[b[1]].location
            d = int(dur[la, lb])
            m.add_edge(nodes[a], nodes[b], distance=d, duration=d)
    result = m.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    routes: Routes = [[] for _ in inst.vehicles]
    used = [0] * len(type_members)
    if not result.best.is_feasible():
        return routes
    for route in result.best.routes():
        t = route.vehicle_type()
        k = type_members[t][used[t]]
        used[t] += 1
        routes[k] = [a.idx for a in route if a.is_client()]
    return routes


def solve_vroom(inst: Instance, *, time_limit_s: float, seed: int) -> Routes:
    """VROOM: jobs with priorities (prize, scaled to 0..100 when needed), windows, shifts."""
    import vroom

    del seed  # VROOM has no seed; it is deterministic for a given input
    _refuse_unsupported(inst, "VROOM")
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=inst.duration_s.tolist())
    problem.set_distances_matrix(profile="car", matrix_input=inst.distance_m.tolist())
    top = max([v.prize for v in inst.visits] + [1])
    factor = 1.0 if top <= 100 else 100.0 / top
    has_capacity = any(k.capacity is not None for k in inst.vehicles)
    total = sum(v.demand for v in inst.visits)
    skill_sets: dict[tuple[int, ...], int] = {}
    vehicle_skills: list[set[int]] = [set() for _ in inst.vehicles]
    for i, v in enumerate(inst.visits):
        skills: set[int] = set()
        if v.allowed_vehicles is not None:
            key = tuple(sorted(v.allowed_vehicles))
            if key not in skill_sets:
                skill_sets[key] = len(skill_sets) + 1
                for k in key:
                    vehicle_skills[k].add(skill_sets[key])
            skills = {skill_sets[key]}
        tw = [vroom.TimeWindow(*v.time_window_s)] if v.time_window_s else []
        problem.add_job(vroom.Job(
            id=i + 1, location=vroom.LocationIndex(v.location), default_service=v.service_s,
            delivery=[v.demand] if has_capacity else [], skills=skills,
            priority=min(100, round(v.prize * factor)), time_windows=tw))
    for k, veh in enumerate(inst.vehicles):
        cap = total if veh.capacity is None else veh.capacity
        problem.add_vehicle(vroom.Vehicle(
            id=k + 1, start=vroom.LocationIndex(veh.start_location),
            end=vroom.LocationIndex(veh.end_location),
            capacity=[cap] if has_capacity else [], skills=vehicle_skills[k],
            time_window=vroom.TimeWindow(veh.shift_start_s, veh.shift_end_s)))
    solution = problem.solve(exploration_level=5, nb_threads=1,
                             timeout=timedelta(seconds=time_limit_s))
    routes: Routes = [[] for _ in inst.vehicles]
    frame = solution.routes
    if "id" not in frame.columns:  # nothing routed at all
        return routes
    jobs = frame[frame["type"] == "job"]
    for vid, job_id in zip(np.asarray(jobs["vehicle_id"]), np.asarray(jobs["id"]), strict=True):
        routes[int(vid) - 1].append(int(job_id) - 1)
    return routes
