"""Re-verify a set of routes against every rule of an :class:`~planner.instance.Instance`.

Independent of any solver: it runs after every solve and in tests, and never trusts a
solver's own bookkeeping.  Times follow the earliest-start schedule: a team leaves its start
location at ``shift_start_s``, waits when it arrives before a visit's window opens, serves,
moves on, and must be back by ``shift_end_s``.  A vehicle with an empty route is not used
and travels nowhere (even when its start and end locations differ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.instance import Instance


@dataclass(frozen=True)
class RouteTimes:
    """Earliest-start schedule of one route; per-stop tuples are aligned with ``visits``."""

    vehicle_index: int
    visits: tuple[int, ...]
    arrival_s: tuple[int, ...]
    start_s: tuple[int, ...]
    departure_s: tuple[int, ...]
    #: When the team is back at its end location.
    end_s: int
    travel_s: int
    distance_m: int


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_routes`: ``ok`` when ``violations`` is empty."""

    ok: bool
    violations: tuple[str, ...]
    prize: int
    travel_s: int
    distance_m: int
    schedules: tuple[RouteTimes, ...]


def schedule_route(instance: Instance, vehicle_index: int, visit_indices: Sequence[int]
                   ) -> RouteTimes:
    """Earliest feasible start times of ``visit_indices`` driven by vehicle ``vehicle_index``.

    The schedule is computed even when it breaks a window or the shift; :func:`check_routes`
    reports such breaks.  An empty route means the team stays put: no travel, no time used.
    """
    veh = instance.vehicles[vehicle_index]
    if not visit_indices:
        return RouteTimes(vehicle_index, (), (), (), (), veh.shift_start_s, 0, 0)
    dur = instance.duration_s
    dist = instance.distance_m
    here = veh.start_location
    clock = veh.shift_start_s
    travel = distance = 0
    arrivals: list[int] = []
    starts: list[int] = []
    departures: list[int] = []
    for idx in visit_indices:
        visit = instance.visits[idx]
        leg = int(dur[here, visit.location])
        travel += leg
        distance += int(dist[here, visit.location])
        arrival = clock + leg
        start = arrival if visit.time_window_s is None else max(arrival, visit.time_window_s[0])
        clock = start + instance.service_time_s(idx, vehicle_index)
        arrivals.append(arrival)
        starts.append(start)
        departures.append(clock)
        here = visit.location
    leg = int(dur[here, veh.end_location])
    travel += leg
    distance += int(dist[here, veh.end_location])
    return RouteTimes(vehicle_index, tuple(visit_indices), tuple(arrivals), tuple(starts),
                      tuple(departures), clock + leg, travel, distance)


def _route_rules(instance: Instance, vi: int, route: Sequence[int], sched: RouteTimes,
                 out: list[str]) -> None:
    veh = instance.vehicles[vi]
    vid = veh.vehicle_id
    load = 0
    groups: dict[str, str] = {}
    for pos, idx in enumerate(route):
        visit = instance.visits[idx]
        name = f"vehicle {vid}: visit {visit.visit_id}"
        if not instance.allowed(idx, vi):
            why = "pinned to another vehicle" if visit.pinned_vehicle is not None else \
                "not among its allowed vehicles"
            out.append(f"{name} not allowed on this vehicle ({why})")
        load += visit.demand
        if visit.group is not None:
            other = groups.get(visit.group)
            if other is not None:
                out.append(f"{name} shares group {visit.group!r} with visit {other} "
                           "on the same vehicle")
            groups.setdefault(visit.group, visit.visit_id)
        window = visit.time_window_s
        if window is not None and sched.start_s[pos] > window[1]:
            out.append(f"{name} starts at {sched.start_s[pos]} s, after its window closes "
                       f"at {window[1]} s")
    if veh.capacity is not None and load > veh.capacity:
        out.append(f"vehicle {vid}: load {load} exceeds capacity {veh.capacity}")
    if sched.end_s > veh.shift_end_s:
        out.append(f"vehicle {vid}: back at {sched.end_s} s, after its shift ends at "
                   f"{veh.shift_end_s} s")


def _claimed_times(instance: Instance, vi: int, route: Sequence[int],
                   claimed: Sequence[tuple[int, int]], out: list[str]) -> None:
    """Check claimed ``(arrival_s, departure_s)`` per stop against the matrix and windows."""
    veh = instance.vehicles[vi]
    vid = veh.vehicle_id
    if len(claimed) != len(route):
        out.append(f"vehicle {vid}: {len(claimed)} claimed times for {len(route)} stops")
        return
    here = veh.start_location
    ready = veh.shift_start_s
    for idx, (arrival, departure) in zip(route, claimed, strict=True):
        visit = instance.visits[idx]
        name = f"vehicle {vid}: visit {visit.visit_id}"
        earliest = ready + int(instance.duration_s[here, visit.location])
        if arrival < earliest:
            out.append(f"{name} claimed arrival {arrival} s is before the earliest possible "
                       f"{earliest} s")
        service = instance.service_time_s(idx, vi)
        start = departure - service
        if start < arrival:
            out.append(f"{name} claimed departure {departure} s leaves less than its service "
                       f"time {service} s after arrival {arrival} s")
        window = visit.time_window_s
        if window is not None and not window[0] <= start <= window[1]:
            out.append(f"{name} claimed service start {start} s is outside its window "
                       f"[{window[0]}, {window[1]}] s")
        here, ready = visit.location, departure
    back = ready + int(instance.duration_s[here, veh.end_location])
    if back > veh.shift_end_s:
        out.append(f"vehicle {vid}: claimed times return at {back} s, after its shift ends at "
                   f"{veh.shift_end_s} s")


def check_routes(instance: Instance, routes: Sequence[Sequence[int]], *,
                 times: Sequence[Sequence[tuple[int, int]]] | None = None) -> CheckReport:
    """Re-verify every rule of ``instance`` for ``routes`` (one list of visit indices each).

    Rules: one route per vehicle; each visit at most once and only on a vehicle allowed to
    make it; every pinned visit on its pinned vehicle; demand within capacity; service starts
    within the visit's window; back by the shift's end; at most one visit of a group per
    vehicle; no two visits of the plan share an ``exclusive`` key.  ``times`` (claimed
    ``(arrival_s, departure_s)`` per stop) are checked against the
    matrix when given.
    """
    out: list[str] = []
    n_veh = len(instance.vehicles)
    n_vis = len(instance.visits)
    if len(routes) != n_veh:
        out.append(f"{len(routes)} routes for {n_veh} vehicles")
    if times is not None and len(times) != len(routes):
        out.append(f"{len(times)} claimed schedules for {len(routes)} routes")
    where: dict[int, int] = {}
    schedules: list[RouteTimes] = []
    travel = distance = 0
    for vi, route in enumerate(routes[:n_veh]):
        vid = instance.vehicles[vi].vehicle_id
        valid: list[int] = []
        for idx in route:
            if not 0 <= idx < n_vis:
                out.append(f"vehicle {vid}: visit index {idx} does not exist")
                continue
            if idx in where:
                other = instance.vehicles[where[idx]].vehicle_id
                out.append(f"vehicle {vid}: visit {instance.visits[idx].visit_id} is already "
                           f"made by vehicle {other}")
            where.setdefault(idx, vi)
            valid.append(idx)
        sched = schedule_route(instance, vi, valid)
        schedules.append(sched)
        _route_rules(instance, vi, valid, sched, out)
        if times is not None and vi < len(times) and len(valid) == len(route):
            _claimed_times(instance, vi, valid, times[vi], out)
        travel += sched.travel_s
        distance += sched.distance_m
    for idx, visit in enumerate(instance.visits):
        pin = visit.pinned_vehicle
        if pin is not None and where.get(idx) != pin and pin < n_veh:
            out.append(f"vehicle {instance.vehicles[pin].vehicle_id}: pinned visit "
                       f"{visit.visit_id} is missing from its route")
    claims: dict[str, int] = {}
    for idx in sorted(where):
        for key in instance.visits[idx].exclusive:
            first = claims.setdefault(key, idx)
            if first != idx:
                out.append(f"visit {instance.visits[idx].visit_id} and visit "
                           f"{instance.visits[first].visit_id} both claim {key!r} "
                           "(a village served twice)")
    prize = sum(instance.visits[i].prize for i in where)
    return CheckReport(not out, tuple(out), prize, travel, distance, tuple(schedules))
