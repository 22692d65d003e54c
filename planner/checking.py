"""Re-verify a set of routes against every rule of an :class:`~planner.instance.Instance`.

Independent of any solver: it runs after every solve and in tests, and never trusts a
solver's own bookkeeping.  Times follow the earliest-start schedule: a team leaves its start
location at ``shift_start_s``, waits when it arrives before a visit's window opens, serves,
moves on, and must be back by ``shift_end_s``.  A vehicle with an empty route is not used
and travels nowhere (even when its start and end locations differ).

Multi-day trips (issue 18): the days of one tour (vehicles sharing ``Vehicle.tour``, ordered
by ``tour_day``) form a chain.  ``ends`` gives each vehicle's chosen end location (the night's
place for a tour day that is not the last); day ``i + 1`` starts where day ``i`` ended.  A tour
day whose start and end differ travels between them even when it makes no visit.  Costs in
rupiah (fuel per metre, ``Instance.leg_rp`` per leg, and per night away from base the team's
``night_rp`` plus the place's ``lodging_rp``) are reported per route and in total, and held to
``Instance.budget_rp`` when one is set.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

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
    #: Where the route starts and ends (a tour day's chained start and chosen night place).
    start_location: int = -1
    end_location: int = -1
    #: Rupiah of the route: fuel, leg charges (boat hire) and its night away, if any.
    cost_rp: int = 0
    #: The night's part of ``cost_rp`` (per-diem and lodging; 0 when the team sleeps at base).
    nights_rp: int = 0


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_routes`: ``ok`` when ``violations`` is empty."""

    ok: bool
    violations: tuple[str, ...]
    prize: int
    travel_s: int
    distance_m: int
    schedules: tuple[RouteTimes, ...]
    #: Rupiah of the whole plan (fuel, leg charges, nights) and its nights' part.
    cost_rp: int = 0
    nights_rp: int = 0
    #: Each vehicle's end location as checked (``ends`` or the vehicles' ``end_location``).
    ends: tuple[int, ...] = ()


def schedule_route(instance: Instance, vehicle_index: int, visit_indices: Sequence[int], *,
                   start: int | None = None, end: int | None = None) -> RouteTimes:
    """Earliest feasible start times of ``visit_indices`` driven by vehicle ``vehicle_index``.

    The schedule is computed even when it breaks a window or the shift; :func:`check_routes`
    reports such breaks.  An empty route means the team stays put: no travel, no time used,
    except on a tour day that must move from ``start`` to another ``end`` (its night place).
    ``start``/``end`` default to the vehicle's own locations.
    """
    veh = instance.vehicles[vehicle_index]
    first = veh.start_location if start is None else start
    last = veh.end_location if end is None else end
    if not visit_indices and (veh.tour is None or first == last):
        return RouteTimes(vehicle_index, (), (), (), (), veh.shift_start_s, 0, 0, first, last)
    dur = instance.duration_s
    dist = instance.distance_m
    here = first
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
    leg = int(dur[here, last])
    travel += leg
    distance += int(dist[here, last])
    return RouteTimes(vehicle_index, tuple(visit_indices), tuple(arrivals), tuple(starts),
                      tuple(departures), clock + leg, travel, distance, first, last)


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
                   claimed: Sequence[tuple[int, int]], out: list[str],
                   start: int, end: int) -> None:
    """Check claimed ``(arrival_s, departure_s)`` per stop against the matrix and windows."""
    veh = instance.vehicles[vi]
    vid = veh.vehicle_id
    if len(claimed) != len(route):
        out.append(f"vehicle {vid}: {len(claimed)} claimed times for {len(route)} stops")
        return
    here = start
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
    back = ready + int(instance.duration_s[here, end])
    if back > veh.shift_end_s:
        out.append(f"vehicle {vid}: claimed times return at {back} s, after its shift ends at "
                   f"{veh.shift_end_s} s")


def tour_days(instance: Instance) -> dict[str, list[int]]:
    """Vehicle indices of each tour, in ``tour_day`` order."""
    tours: dict[str, list[int]] = {}
    for k, veh in enumerate(instance.vehicles):
        if veh.tour is not None:
            tours.setdefault(veh.tour, []).append(k)
    for days in tours.values():
        days.sort(key=lambda k: (instance.vehicles[k].tour_day, k))
    return tours


def _chain(instance: Instance, ends: Sequence[int] | None, out: list[str]
           ) -> tuple[list[int], list[int], list[bool]]:
    """Start and end of every vehicle, and whether its night is away from base.

    Reports ends that are not allowed (outside a day's night options, a last day or an
    independent day not ending at its ``end_location``) and too many nights away in a row.
    """
    vehicles = instance.vehicles
    n_veh = len(vehicles)
    if ends is not None and len(ends) != n_veh:
        out.append(f"{len(ends)} end locations for {n_veh} vehicles")
        ends = None
    end = [v.end_location for v in vehicles] if ends is None else [int(e) for e in ends]
    start = [v.start_location for v in vehicles]
    away = [False] * n_veh
    for k, veh in enumerate(vehicles):
        if veh.tour is None and end[k] != veh.end_location:
            out.append(f"vehicle {veh.vehicle_id}: ends at location {end[k]}, not at its end "
                       f"location {veh.end_location}")
    for tour, days in tour_days(instance).items():
        base = vehicles[days[0]].start_location
        limit = vehicles[days[0]].max_nights_away
        run = 0
        for pos, k in enumerate(days):
            veh = vehicles[k]
            if pos > 0:
                start[k] = end[days[pos - 1]]
            if pos == len(days) - 1:
                if end[k] != veh.end_location:
                    out.append(f"vehicle {veh.vehicle_id}: the last day of tour {tour!r} ends "
                               f"at location {end[k]}, not at {veh.end_location}")
                continue
            options = veh.night_options if veh.night_options is not None \
                else (veh.end_location,)
            if end[k] not in options:
                out.append(f"vehicle {veh.vehicle_id}: night at location {end[k]} is not one "
                           f"of its night places")
            away[k] = end[k] != base
            run = run + 1 if away[k] else 0
            if run > limit:
                out.append(f"vehicle {veh.vehicle_id}: night {run} away from base in a row in "
                           f"tour {tour!r}, more than the {limit} allowed")
    return start, end, away


def _cost(instance: Instance, vi: int, sched: RouteTimes, away: bool) -> RouteTimes:
    """``sched`` with its rupiah: fuel, leg charges and the night away."""
    veh = instance.vehicles[vi]
    nights = veh.night_rp + instance.locations[sched.end_location].lodging_rp if away else 0
    legs = 0
    moved = bool(sched.visits) or (veh.tour is not None
                                   and sched.start_location != sched.end_location)
    if instance.leg_rp is not None and moved:
        stops = [sched.start_location, *(instance.visits[i].location for i in sched.visits),
                 sched.end_location]
        legs = sum(int(instance.leg_rp[a, b]) for a, b in itertools.pairwise(stops))
    cost = veh.rp_per_m * sched.distance_m + legs + nights
    return replace(sched, cost_rp=cost, nights_rp=nights)


def check_routes(instance: Instance, routes: Sequence[Sequence[int]], *,
                 times: Sequence[Sequence[tuple[int, int]]] | None = None,
                 ends: Sequence[int] | None = None) -> CheckReport:
    """Re-verify every rule of ``instance`` for ``routes`` (one list of visit indices each).

    Rules: one route per vehicle; each visit at most once and only on a vehicle allowed to
    make it; every pinned visit on its pinned vehicle; demand within capacity; service starts
    within the visit's window; back by the shift's end; at most one visit of a group per
    vehicle; no two visits of the plan share an ``exclusive`` key.  ``times`` (claimed
    ``(arrival_s, departure_s)`` per stop) are checked against the
    matrix when given.  ``ends`` (one location per vehicle; default each vehicle's
    ``end_location``) are the chosen night places of tour days: each within the day's
    night options, the next day starting there, the last day back at its end location, no
    more nights away in a row than ``max_nights_away``; the plan's rupiah within
    ``Instance.budget_rp`` when set.
    """
    out: list[str] = []
    n_veh = len(instance.vehicles)
    n_vis = len(instance.visits)
    if len(routes) != n_veh:
        out.append(f"{len(routes)} routes for {n_veh} vehicles")
    if times is not None and len(times) != len(routes):
        out.append(f"{len(times)} claimed schedules for {len(routes)} routes")
    starts, stops, away = _chain(instance, ends, out)
    where: dict[int, int] = {}
    schedules: list[RouteTimes] = []
    travel = distance = cost = nights = 0
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
        sched = _cost(instance, vi, schedule_route(instance, vi, valid, start=starts[vi],
                                                   end=stops[vi]), away[vi])
        schedules.append(sched)
        _route_rules(instance, vi, valid, sched, out)
        if times is not None and vi < len(times) and len(valid) == len(route):
            _claimed_times(instance, vi, valid, times[vi], out, starts[vi], stops[vi])
        travel += sched.travel_s
        distance += sched.distance_m
        cost += sched.cost_rp
        nights += sched.nights_rp
    for idx, visit in enumerate(instance.visits):
        pin = visit.pinned_vehicle
        if pin is not None and where.get(idx) != pin and pin < n_veh:
            out.append(f"vehicle {instance.vehicles[pin].vehicle_id}: pinned visit "
                       f"{visit.visit_id} is missing from its route")
    if instance.budget_rp is not None and cost > instance.budget_rp:
        out.append(f"the plan costs Rp {cost}, over the budget of Rp {instance.budget_rp}")
    claims: dict[str, int] = {}
    for idx in sorted(where):
        for key in instance.visits[idx].exclusive:
            first = claims.setdefault(key, idx)
            if first != idx:
                out.append(f"visit {instance.visits[idx].visit_id} and visit "
                           f"{instance.visits[first].visit_id} both claim {key!r} "
                           "(a village served twice)")
    prize = sum(instance.visits[i].prize for i in where)
    return CheckReport(not out, tuple(out), prize, travel, distance, tuple(schedules), cost,
                       nights, tuple(stops))
