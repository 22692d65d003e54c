"""Multi-day trips (issue 18): which team goes away for several days, where it sleeps, and
what the week costs in rupiah.

A *trip* is 2 to N consecutive working days of one team: the first day leaves the base and
ends at a night place (a lodging point, a kecamatan office or a village stop point), the
middle days start and end there, and the last day ends back at the base.  The problem
builder (:mod:`planner.problem`) shapes the team-days of each chosen trip that way (the
night place is the day's ``end_location`` and the next day's ``start_location``) and lists
every candidate night place in ``Vehicle.night_options``, so a solver that chooses the
nights itself (``Solution.ends``) can later revise the choice.

How trips are chosen (:func:`choose_trips`), for the planner:

1. A village is *far* for a team when the round trip from the team's base takes at least
   ``[trips] min_round_trip_min`` minutes, or no day trip reaches it.
2. A night place is worth a trip when the far villages within ``camp_radius_min`` of it
   (on the same island when it is on an island: the team stays there between its two
   crossings) hold enough expected recordings to fill ``min_fill`` of the trip's days;
   its value is their priority-weighted recordings, up to what the team records in those
   days.
3. Teams take the best night place in turn (boat-capable teams first, then the larger
   teams); the far backlog a trip covers is taken off before the next team chooses.  A
   trip lasts as many days as its backlog needs (2 to the team's ``max_trip_days``), on the
   team's first consecutive working days of the week.

The *manual* rule (an office without the planner, see ``docs/simulation.md``) sends at
most one team a week, for the longest trip it can make, to the far kecamatan with the
largest backlog, sleeping at that kecamatan's largest village: it never weighs priority
flags nor counts how much the trip would fill.

Costs: fuel per metre of the team's vehicle kind, boat hire per leg between landmasses
(``Instance.leg_rp``), per-diem x team size and lodging per night away.  A plan over the
regency's weekly budget drops its visits with the least priority per rupiah saved first
(:func:`fit_to_budget`); the plan says so for each village with the amount it would need.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from planner.instance import Instance, Vehicle
from planner.params import TripParams

#: Who decides the trips: the planner, or the office's manual rule (simulation baseline).
TRIP_RULES: tuple[str, ...] = ("planner", "manual")

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TripTeam:
    """What the chooser needs to know of one team."""

    team_id: str
    base: int
    boat_capable: bool
    kits: int
    max_days: int
    #: Most people it records in a working day away from travel (an estimate).
    day_capacity: int
    #: Vehicle indices of its working days this week that may still change, in date order.
    vehicles: tuple[int, ...]


@dataclass(frozen=True)
class FarVillage:
    """A village a trip could serve."""

    code: str
    location: int
    expected: int
    weight: float
    island: bool
    kecamatan: str


@dataclass(frozen=True)
class Trip:
    """One chosen trip: a team's consecutive team-days and its night place."""

    trip_id: str
    team_id: str
    #: Vehicle indices, in date order (first day leaves the base, last day returns).
    vehicles: tuple[int, ...]
    #: Location index of the night place (the same every night of this trip).
    camp: int
    base: int

    @property
    def days(self) -> int:
        """Working days of the trip."""
        return len(self.vehicles)


def consecutive_runs(dates: Sequence[str | None]) -> list[list[int]]:
    """Positions of ``dates`` grouped into runs of consecutive calendar days."""
    runs: list[list[int]] = []
    prev: date | None = None
    for i, text in enumerate(dates):
        day = date.fromisoformat(text) if text else None
        if day is not None and prev is not None and runs and (day - prev).days == 1:
            runs[-1].append(i)
        else:
            runs.append([i])
        prev = day
    return runs


def is_far(dur: IntMatrix, base: int, loc: int, shift_s: int, params: TripParams) -> bool:
    """Whether ``loc`` is a trip village for a team based at ``base``."""
    round_trip = int(dur[base, loc]) + int(dur[loc, base])
    return round_trip >= params.min_round_trip_min * 60 or round_trip >= shift_s


def _reach(dur: IntMatrix, camp: int, far: Sequence[FarVillage], landmass: Sequence[int],
           radius_s: int) -> list[FarVillage]:
    island_camp = landmass[camp] != 0
    return [v for v in far
            if int(dur[camp, v.location]) + int(dur[v.location, camp]) <= 2 * radius_s
            and (not island_camp or landmass[v.location] == landmass[camp])]


def _fill(villages: Sequence[FarVillage], remaining: Mapping[str, int], capacity: int
          ) -> tuple[int, float, dict[str, int]]:
    """Recordings, weighted value and per-village take of filling ``capacity`` people."""
    left = capacity
    total, value = 0, 0.0
    take: dict[str, int] = {}
    for v in sorted(villages, key=lambda v: (-v.weight, -remaining.get(v.code, 0), v.code)):
        n = min(left, remaining.get(v.code, 0))
        if n <= 0:
            continue
        take[v.code] = n
        total += n
        value += n * v.weight
        left -= n
        if left <= 0:
            break
    return total, value, take


def choose_trips(dur: IntMatrix, vehicles: Sequence[Vehicle], teams: Sequence[TripTeam],
                 far: Sequence[FarVillage], camps: Sequence[int], landmass: Sequence[int],
                 params: TripParams, *, rule: str = "planner",
                 camp_capacity: Mapping[int, int] | None = None) -> list[Trip]:
    """The trips of one regency's week (see the module text for the rules)."""
    if rule not in TRIP_RULES:
        raise ValueError(f"unknown trip rule {rule!r}")
    remaining = {v.code: v.expected for v in far}
    used: dict[int, int] = {}
    trips: list[Trip] = []
    order = sorted(teams, key=lambda t: (not t.boat_capable, -t.kits, t.team_id))
    radius = params.camp_radius_min * 60
    for team in order:
        runs = [r for r in consecutive_runs([vehicles[k].date for k in team.vehicles])
                if len(r) >= 2]
        if not runs or team.max_days < 2:
            continue
        run = [team.vehicles[i] for i in max(runs, key=len)]
        most = min(team.max_days, len(run))
        shift = vehicles[run[0]].shift_end_s - vehicles[run[0]].shift_start_s
        mine = [v for v in far if (team.boat_capable or not v.island)
                and is_far(dur, team.base, v.location, shift, params)]
        if not mine:
            continue
        best: tuple[float, int, int, dict[str, int]] | None = None
        if rule == "manual":
            best = _manual_choice(dur, team, mine, camps, landmass, remaining, shift, most,
                                  radius, used, camp_capacity)
        else:
            for camp in camps:
                if used.get(camp, 0) >= (camp_capacity or {}).get(camp, 1):
                    continue
                if not team.boat_capable and landmass[camp] != landmass[team.base]:
                    continue
                # the team must reach the night place, and come back, within a day
                if int(dur[team.base, camp]) >= shift or int(dur[camp, team.base]) >= shift:
                    continue
                near = _reach(dur, camp, mine, landmass, radius)
                if not near:
                    continue
                want = sum(remaining.get(v.code, 0) for v in near)
                days = max(2, min(most, math.ceil(want / max(1, team.day_capacity))))
                total, value, take = _fill(near, remaining, days * team.day_capacity)
                if total < params.min_fill * days * team.day_capacity:
                    continue
                # weighted recordings per trip day, the more so the longer the daily round
                # trip from base they spare (what only a trip does well)
                spared = min(1.0, (int(dur[team.base, camp]) + int(dur[camp, team.base]))
                             / shift)
                key = value / days * (1.0 + spared)
                if best is None or key > best[0] + 1e-9:
                    best = (key, camp, days, take)
        if best is None:
            continue
        _, camp, days, take = best
        for code, n in take.items():
            remaining[code] -= n
        used[camp] = used.get(camp, 0) + 1
        trips.append(Trip(f"{team.team_id}:{vehicles[run[0]].date}", team.team_id,
                          tuple(run[:days]), camp, team.base))
        if rule == "manual":
            break  # the office sends one team away a week
    return trips


def _manual_choice(dur: IntMatrix, team: TripTeam, mine: Sequence[FarVillage],
                   camps: Sequence[int], landmass: Sequence[int], remaining: Mapping[str, int],
                   shift: int, most: int, radius: int, used: Mapping[int, int],
                   camp_capacity: Mapping[int, int] | None
                   ) -> tuple[float, int, int, dict[str, int]] | None:
    """The far kecamatan with the largest backlog, sleeping at its largest village."""
    by_kec: dict[str, list[FarVillage]] = {}
    for v in mine:
        by_kec.setdefault(v.kecamatan, []).append(v)
    camp_set = set(camps)
    for kec, vs in sorted(by_kec.items(),
                          key=lambda kv: (-sum(remaining.get(v.code, 0) for v in kv[1]), kv[0])):
        for v in sorted(vs, key=lambda v: (-remaining.get(v.code, 0), v.code)):
            camp = v.location
            if camp not in camp_set or used.get(camp, 0) >= (camp_capacity or {}).get(camp, 1):
                continue
            if int(dur[team.base, camp]) >= shift or int(dur[camp, team.base]) >= shift:
                continue
            near = _reach(dur, camp, [w for w in mine if w.kecamatan == kec], landmass, radius)
            total, value, take = _fill(near, remaining, most * team.day_capacity)
            if total <= 0:
                continue
            return value, camp, most, take
    return None


def shape_vehicles(vehicles: Sequence[Vehicle], trips: Sequence[Trip], *,
                   night_options: Mapping[str, tuple[int, ...]], max_nights: Mapping[str, int],
                   rp_per_m: Mapping[str, int], night_rp: Mapping[str, int],
                   tours: bool) -> list[Vehicle]:
    """The vehicles with trip days ending/starting at their night place, and tour fields.

    With ``tours``, every team's week is one tour (``tour`` = team id, ``tour_day`` in date
    order) whose non-last days may end at any of ``night_options[team]`` (the base first);
    the current choice is ``end_location``.  A day followed by a gap in the calendar (a
    holiday) must end at the base.
    """
    out = [replace(v, rp_per_m=rp_per_m.get(v.team_id, 0), night_rp=night_rp.get(v.team_id, 0))
           for v in vehicles]
    if not tours:
        return out
    by_team: dict[str, list[int]] = {}
    for k, v in enumerate(vehicles):
        by_team.setdefault(v.team_id, []).append(k)
    for team_id, ks in by_team.items():
        ks.sort(key=lambda k: vehicles[k].date or "")
        followed = {ks[r[i]] for r in consecutive_runs([vehicles[k].date for k in ks])
                    for i in range(len(r) - 1)}
        for day, k in enumerate(ks):
            options = night_options.get(team_id, ())
            out[k] = replace(out[k], tour=team_id, tour_day=day,
                             night_options=options if k in followed and len(options) > 1
                             else None,
                             max_nights_away=max_nights.get(team_id, 0))
    for trip in trips:
        for i, k in enumerate(trip.vehicles):
            start = trip.base if i == 0 else trip.camp
            end = trip.base if i == len(trip.vehicles) - 1 else trip.camp
            out[k] = replace(out[k], start_location=start, end_location=end)
    return out


def leg_rupiah(landmass: Sequence[int], boat_hire_rp: int) -> IntMatrix:
    """Boat hire on every leg between two landmasses (``Instance.leg_rp``)."""
    land = np.asarray(landmass, dtype=np.int64)
    return np.where(land[:, None] != land[None, :], boat_hire_rp, 0).astype(np.int64)


# ---- costs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCost:
    """Rupiah of one team-day: fuel, boat hire, the night after it (per-diem, lodging)."""

    fuel_rp: int = 0
    boat_rp: int = 0
    per_diem_rp: int = 0
    lodging_rp: int = 0

    @property
    def total_rp(self) -> int:
        """All of it."""
        return self.fuel_rp + self.boat_rp + self.per_diem_rp + self.lodging_rp


def vehicle_ends(instance: Instance, ends: Sequence[int] | None = None) -> list[int]:
    """The end location of every vehicle: a solver's choice (``Solution.ends``) or the
    instance's ``end_location``."""
    if ends is not None and len(ends) == len(instance.vehicles):
        return [int(e) for e in ends]
    return [v.end_location for v in instance.vehicles]


def vehicle_starts(instance: Instance, ends: Sequence[int]) -> list[int]:
    """Start locations consistent with ``ends``: a tour's next day starts where it ended."""
    starts = [v.start_location for v in instance.vehicles]
    by_tour: dict[str, list[int]] = {}
    for k, v in enumerate(instance.vehicles):
        if v.tour is not None:
            by_tour.setdefault(v.tour, []).append(k)
    for ks in by_tour.values():
        ks.sort(key=lambda k: instance.vehicles[k].tour_day)
        for a, b in pairwise(ks):
            if instance.vehicles[b].tour_day == instance.vehicles[a].tour_day + 1:
                starts[b] = ends[a]
    return starts


def with_ends(instance: Instance, ends: Sequence[int]) -> Instance:
    """``instance`` whose every day runs from its chained start to ``ends`` (the solver's
    nights fixed): what a day of the plan really is, for questions about one day."""
    starts = vehicle_starts(instance, ends)
    return replace(instance, vehicles=tuple(
        replace(v, start_location=starts[k], end_location=int(ends[k]))
        for k, v in enumerate(instance.vehicles)))


def team_bases(instance: Instance) -> dict[str, int]:
    """Each team's base: where its first day of the week starts."""
    first: dict[str, int] = {}
    for v in sorted(instance.vehicles, key=lambda v: (v.date or "", v.tour_day)):
        first.setdefault(v.team_id, v.start_location)
    return first


def day_costs(instance: Instance, routes: Sequence[Sequence[int]],
              ends: Sequence[int] | None = None) -> list[DayCost]:
    """The rupiah of every team-day of ``routes``.

    A day with no stop still drives from its start to its end when they differ (the team
    moves to or from its night place); a night away from the base costs the team's
    per-diem and the place's lodging when the day has a stop or the trip goes on.
    """
    end_locs = vehicle_ends(instance, ends)
    starts = vehicle_starts(instance, end_locs)
    bases = team_bases(instance)
    dist = instance.distance_m
    leg = instance.leg_rp
    out: list[DayCost] = []
    for k, route in enumerate(routes):
        veh = instance.vehicles[k]
        locs = [starts[k], *(instance.visits[i].location for i in route), end_locs[k]]
        if not route and starts[k] == end_locs[k]:
            out.append(DayCost())
            continue
        metres = sum(int(dist[a, b]) for a, b in pairwise(locs))
        boat = 0 if leg is None else sum(int(leg[a, b]) for a, b in pairwise(locs))
        night = end_locs[k] != bases.get(veh.team_id, end_locs[k])
        out.append(DayCost(metres * veh.rp_per_m, boat, veh.night_rp if night else 0,
                           instance.locations[end_locs[k]].lodging_rp if night else 0))
    return out


def week_cost_rp(instance: Instance, routes: Sequence[Sequence[int]],
                 ends: Sequence[int] | None = None) -> int:
    """Rupiah of the whole week."""
    return sum(c.total_rp for c in day_costs(instance, routes, ends))


def drop_idle_trips(instance: Instance, routes: Sequence[Sequence[int]],
                    ends: Sequence[int] | None = None) -> list[int]:
    """``ends`` with every trip that has no stop at all brought home (no night, no cost)."""
    end_locs = vehicle_ends(instance, ends)
    bases = team_bases(instance)
    by_tour: dict[str, list[int]] = {}
    for k, v in enumerate(instance.vehicles):
        by_tour.setdefault(v.tour or v.vehicle_id, []).append(k)
    for ks in by_tour.values():
        ks.sort(key=lambda k: instance.vehicles[k].tour_day)
        # a run of days away from base with no stop on any of them is not made
        run: list[int] = []
        for k in [*ks, -1]:
            team = instance.vehicles[ks[0]].team_id
            away = k >= 0 and end_locs[k] != bases.get(team, end_locs[k])
            if away:
                run.append(k)
                continue
            if run:
                days = [*run, k] if k >= 0 else run
                if not any(routes[d] for d in days):
                    for d in run:
                        end_locs[d] = bases[team]
            run = []
    return end_locs


def fit_to_budget(instance: Instance, routes: Sequence[Sequence[int]],
                  ends: Sequence[int] | None = None
                  ) -> tuple[list[list[int]], list[int], dict[int, int]]:
    """Routes within ``instance.budget_rp``: drop the visits worth least per rupiah saved.

    Returns the routes, the ends (idle trips brought home) and ``{visit: rupiah}``: each
    dropped visit with what keeping it would have needed on top of the budget.  Without a
    budget (or within it) nothing is dropped.
    """
    out = [list(r) for r in routes]
    end_locs = drop_idle_trips(instance, out, ends)
    dropped: dict[int, int] = {}
    budget = instance.budget_rp
    if budget is None:
        return out, end_locs, dropped
    cost = week_cost_rp(instance, out, end_locs)
    while cost > budget:
        best: tuple[float, int, int, int, list[int]] | None = None
        for k, route in enumerate(out):
            for pos, idx in enumerate(route):
                if instance.visits[idx].pinned_vehicle is not None:
                    continue
                trial = [*out[:k], route[:pos] + route[pos + 1:], *out[k + 1:]]
                trial_ends = drop_idle_trips(instance, trial, end_locs)
                saved = cost - week_cost_rp(instance, trial, trial_ends)
                ratio = instance.visits[idx].prize / max(1, saved)
                if saved > 0 and (best is None or ratio < best[0]):
                    best = (ratio, k, pos, saved, trial_ends)
        if best is None:
            break  # nothing left to save on (pins, or costs that do not depend on stops)
        _, k, pos, saved, end_locs = best
        idx = out[k].pop(pos)
        cost -= saved
        dropped[idx] = saved
    # what each would need: its own saving, shown as the amount over the budget
    return out, end_locs, dropped


def days_needed(expected: int, day_capacity: int, max_days: int) -> int:
    """Days of a trip for a village of ``expected`` people: out, record, back (2..max)."""
    return max(2, min(max(2, max_days), 1 + math.ceil(expected / max(1, day_capacity))))
