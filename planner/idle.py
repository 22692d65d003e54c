"""Idle team-days next to waiting villages: the check behind issue 17's invariant.

*No team-day stays empty while a waiting village would fit it as a one-stop day*: reach the
village from the team's base, set up, record at least ``min_people`` people (or all that
are expected, if fewer), and be back by the end of the shift, with the boat rule (an island
village needs a boat-capable team) and the team's daily cap respected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.covering import served_by
from planner.problem import MIN_SHARE, BuiltProblem

#: The fewest people a one-stop day must record to count as a day's work.
MIN_PEOPLE = MIN_SHARE


@dataclass(frozen=True)
class IdleMiss:
    """An empty team-day and a waiting village it could have served alone."""

    vehicle_id: str
    village_code: str
    people: int


def one_stop_fits(built: BuiltProblem, vehicle: int, village_code: str, setup_s: int,
                  min_people: int = MIN_PEOPLE) -> int:
    """People the team-day could record at the village on a one-stop day (0: it cannot)."""
    inst = built.instance
    veh = inst.vehicles[vehicle]
    loc = next((v.location for v in inst.visits
                if v.village_code == village_code and not v.serves), None)
    if loc is None:
        return 0
    if bool(built.villages.loc[village_code, "island"]) and not veh.boat_capable:
        return 0
    expected = built.scores[village_code].expected_recordings
    need = min(min_people, expected)
    spare = (veh.shift_end_s - veh.shift_start_s - int(inst.duration_s[veh.start_location, loc])
             - int(inst.duration_s[loc, veh.end_location]) - setup_s)
    if need < 1 or spare < need * veh.service_s_per_demand:
        return 0
    if veh.capacity is not None and veh.capacity < need:
        return 0
    return need


def idle_day_misses(built: BuiltProblem, routes: Sequence[Sequence[int]], setup_s: int,
                    min_people: int = MIN_PEOPLE) -> list[IdleMiss]:
    """Every (empty team-day, waiting village) pair that breaks the invariant.

    A village *waits* when none of its visits is on a route and no covering stop on a route
    serves it; villages left out before
    solving (no team can reach them in a day, no backlog, data problems) are not counted:
    :mod:`planner.problem` keeps out only what no team-day can serve.
    """
    inst = built.instance
    visited = {code for r in routes for i in r for code, _ in served_by(inst.visits[i])}
    waiting = sorted({v.village_code for v in inst.visits
                      if v.village_code is not None and v.village_code not in visited})
    misses = []
    for k, route in enumerate(routes):
        if route:
            continue
        for code in waiting:
            people = one_stop_fits(built, k, code, setup_s, min_people)
            if people:
                misses.append(IdleMiss(inst.vehicles[k].vehicle_id, code, people))
    return misses
