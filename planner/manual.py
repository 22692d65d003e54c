"""The manual rule offices use today, as a baseline for the planner.

Each team-day, in calendar order (all teams' Mondays, then Tuesdays ...), takes the villages
with the largest backlog first, nearest its own office among equal backlogs, and fills its day
while the route still fits: the same team-days, hours, capacities, travel and service model,
chunks of big villages and boat rule as the planner's instance (it works *on* the planner's
:class:`~planner.instance.Instance`, so :func:`~planner.checking.check_routes` judges both the
same way).  It never weighs remoteness, border or island: that is what the planner adds.

To be a fair baseline rather than a strawman, a clerk following the rule is assumed to be
sensible in three ways: each new village goes where it lengthens the day least; a village that
does not fit is skipped for the next one on the list (a smaller village may still fill the
afternoon); and a team is not sent on a trip that is nearly all road (by default a stop must
give at least half as much recording time as the travel it adds: a team does not drive 3½ hours
each way to record 7 people, which is what the single-day chunk rule would otherwise offer for
the farthest big villages).  :class:`ManualRule` holds that threshold; 0 gives the bare rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.checking import schedule_route
from planner.instance import Instance

Routes = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class ManualRule:
    """The common sense assumed of a clerk applying the manual rule."""

    #: A stop is taken only if its recording time (people x seconds per person of the team)
    #: is at least this share of the travel time it adds to the day; 0 switches it off.
    min_recording_per_travel: float = 0.5


def _fits(instance: Instance, vehicle: int, route: Sequence[int]) -> bool:
    """Whether ``route`` keeps every window and is back by the end of the shift."""
    sched = schedule_route(instance, vehicle, route)
    if sched.end_s > instance.vehicles[vehicle].shift_end_s:
        return False
    for pos, idx in enumerate(route):
        window = instance.visits[idx].time_window_s
        if window is not None and sched.start_s[pos] > window[1]:
            return False
    return True


def _best_insertion(instance: Instance, vehicle: int, route: list[int], visit: int
                    ) -> list[int] | None:
    """``route`` with ``visit`` where it ends the day earliest, or ``None`` if nowhere fits."""
    best: list[int] | None = None
    best_end = 0
    for pos in range(len(route) + 1):
        trial = [*route[:pos], visit, *route[pos:]]
        if not _fits(instance, vehicle, trial):
            continue
        end = schedule_route(instance, vehicle, trial).end_s
        if best is None or end < best_end:
            best, best_end = trial, end
    return best


def manual_order(instance: Instance, vehicle: int, backlog: Mapping[str, int]) -> list[int]:
    """Visit indices in the order the rule considers them for ``vehicle``.

    Largest village backlog first (``backlog``: village code -> people not yet recorded),
    then shortest road distance from the team's office, then chunk number and id.
    """
    start = instance.vehicles[vehicle].start_location
    dist = instance.distance_m

    def key(idx: int) -> tuple[int, int, int, str]:
        v = instance.visits[idx]
        return (-backlog.get(v.village_code or "", 0), int(dist[start, v.location]), v.chunk,
                v.visit_id)

    return sorted(range(len(instance.visits)), key=key)


def plan_manual_routes(instance: Instance, backlog: Mapping[str, int], *,
                       rule: ManualRule | None = None) -> Routes:
    """Routes (visit indices per vehicle) by the manual rule; they pass ``check_routes``.

    ``backlog`` maps village codes to their current backlog (``belum_rekam``), the only
    priority the rule knows.  Pinned visits are placed on their team-day first.
    """
    rule = rule or ManualRule()
    n_veh = len(instance.vehicles)
    routes: list[list[int]] = [[] for _ in range(n_veh)]
    taken: set[int] = set()
    for idx, visit in enumerate(instance.visits):
        if visit.pinned_vehicle is not None:
            routes[visit.pinned_vehicle].append(idx)
            taken.add(idx)
    # calendar order: every team's first day, then every team's second day ...
    days = sorted(range(n_veh), key=lambda k: (instance.vehicles[k].date or "", k))
    for k in days:
        veh = instance.vehicles[k]
        route = routes[k]
        load = sum(instance.visits[i].demand for i in route)
        groups = {instance.visits[i].group for i in route} - {None}
        for idx in manual_order(instance, k, backlog):
            visit = instance.visits[idx]
            if idx in taken or not instance.allowed(idx, k):
                continue
            if visit.group is not None and visit.group in groups:
                continue
            if veh.capacity is not None and load + visit.demand > veh.capacity:
                continue
            now = schedule_route(instance, k, route)
            end = now.end_s if route else veh.shift_start_s
            if end + instance.service_time_s(idx, k) > veh.shift_end_s:
                continue  # cannot fit even with no extra travel
            trial = _best_insertion(instance, k, route, idx)
            if trial is None:
                continue
            added_travel_s = schedule_route(instance, k, trial).travel_s - now.travel_s
            recording_s = visit.demand * veh.service_s_per_demand
            if recording_s < rule.min_recording_per_travel * added_travel_s:
                continue
            route[:] = trial
            taken.add(idx)
            load += visit.demand
            if visit.group is not None:
                groups.add(visit.group)
        routes[k] = route
    return tuple(tuple(r) for r in routes)
