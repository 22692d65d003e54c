"""The plan a coordinator publishes: routes with times, the villages that wait, a summary.

:func:`decode_plan` turns a solver's :class:`~planner.solution.Solution` into a :class:`Plan`
(and refuses to decode a solution that :func:`~planner.checking.check_routes` rejects);
:func:`plan_to_dict` / :func:`write_plan` give the plan JSON (``docs/plan.md``,
``planner/schemas/plan.schema.json``); :func:`check_plan` re-verifies any plan JSON against
an instance, so a plan made by any solver is scored the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import parts
from planner.checking import CheckReport, check_routes
from planner.covering import served_by, split_recorded
from planner.errors import InputError, Problem, SolverError
from planner.instance import Instance
from planner.numbers import format_number
from planner.params import PlanningParams
from planner.reasons import (
    REASON_TEXTS,
    Reason,
    budget_reason,
    covered_reason,
    is_waiting,
    trip_reason,
)
from planner.solution import Solution
from planner.trips import day_costs, fit_to_budget, team_bases, with_ends

if TYPE_CHECKING:
    from planner.problem import BuiltProblem

PLAN_SCHEMA_VERSION = "1.0"

UNITS = {"clock": "seconds since local midnight (WIB)", "duration": "s", "distance": "m",
         "recordings": "people", "prize": "weighted recordings x 100"}


@dataclass(frozen=True)
class Stop:
    """One visit of a route, with its schedule."""

    sequence: int
    visit_id: str
    village_code: str | None
    desa: str
    kecamatan: str
    arrival_s: int
    start_s: int
    departure_s: int
    travel_from_previous_s: int
    distance_from_previous_m: int
    expected_recordings: int
    prize: int
    chunk: int
    chunks: int
    pinned: bool
    lon: float | None
    lat: float | None
    priority_id: str = ""
    priority_en: str = ""
    #: People the visit's service time is planned for; ``expected_recordings`` is
    #: ``E[min(capacity, people who come)]`` under the turnout model (0: not said).
    capacity: int = 0
    #: How the team gets here from the previous place: ``{"mode": "road"}`` or
    #: ``{"mode": "boat", "harbour": ..., "crossing_s": ..., "crossing_min": ...,
    #: "crossings": [...]}`` (see :func:`leg_info`); ``None`` in plans that do not say.
    leg: dict[str, Any] | None = None
    #: Villages whose residents this stop records, its own first (a covering stop invites
    #: its neighbours too), and the expected people from each (aligned with ``serves``).
    serves: tuple[str, ...] = ()
    served: tuple[int, ...] = ()
    #: Names of the ``serves`` villages (for invitations: "warga Desa A, B dan C").
    serves_desa: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """One team-day."""

    vehicle_id: str
    team_id: str
    team_name: str
    date: str | None
    start_s: int
    end_s: int
    travel_s: int
    distance_m: int
    expected_recordings: int
    stops: tuple[Stop, ...]
    #: The way back from the last stop to the end of the route (as :attr:`Stop.leg`).
    return_leg: dict[str, Any] | None = None
    #: Where the team sleeps after this day when not at its base (issue 18):
    #: ``{"location_id", "name", "lon", "lat", "lodging_rp"}``; ``None`` = home.
    night: dict[str, Any] | None = None
    #: The multi-day trip this day belongs to (see ``Plan.trips``), if any.
    trip_id: str | None = None
    #: Rupiah of the day: fuel, boat hire, and the night after it (per-diem, lodging).
    cost_rp: int = 0


@dataclass(frozen=True)
class Unscheduled:
    """A village with no visit this week, and why."""

    village_code: str
    desa: str
    kecamatan: str
    expected_recordings: int
    weight: float | None
    reason: Reason


@dataclass(frozen=True)
class Plan:
    """A decoded, checked plan."""

    name: str
    regency: str | None
    week_start: str | None
    routes: tuple[Route, ...]
    unscheduled: tuple[Unscheduled, ...]
    summary: dict[str, Any]
    solver: dict[str, Any]
    schema_version: str = PLAN_SCHEMA_VERSION
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Where the travel times came from: ``{"source": "roads" | "estimate" | "osrm", ...}``
    #: (empty for an instance that does not say).
    travel: dict[str, Any] = field(default_factory=dict)
    #: Multi-day trips: ``{"trip_id", "team_id", "team_name", "days", "dates",
    #: "vehicle_ids", "nights": [{"date", "location_id", "name", "lon", "lat"}],
    #: "expected_recordings", "cost_rp"}``.
    trips: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    #: Rupiah of the week: ``fuel_rp``, ``boat_rp``, ``per_diem_rp``, ``lodging_rp``,
    #: ``total_rp`` and ``budget_rp`` (``None`` = no budget).
    costs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Parts of a big village read "bagian 1/3, 2/3, 3/3" down the week however the plan
        # was made (decoded, read back from JSON, edited): see planner/parts.py.
        object.__setattr__(self, "routes", parts.number_routes(self.routes))


def _village_names(instance: Instance, built: BuiltProblem | None) -> Mapping[str, Any]:
    if built is not None:
        return {str(k): {"desa": str(r.get("desa", "")), "kecamatan": str(r.get("kecamatan", ""))}
                for k, r in built.villages.iterrows()}
    names = instance.meta.get("villages", {})
    return names if isinstance(names, Mapping) else {}


def decode_plan(instance: Instance, solution: Solution, *, built: BuiltProblem | None = None,
                params: PlanningParams | None = None) -> Plan:
    """Decode and check a solution; raise :class:`SolverError` if it breaks a rule.

    Over the instance's weekly budget, the visits worth least per rupiah are dropped first
    (:func:`planner.trips.fit_to_budget`); their villages wait with the ``budget`` reason.
    A solver's chosen night places (``Solution.ends``) are used when it gives them.
    """
    kept, ends, dropped = fit_to_budget(instance, solution.routes,
                                        getattr(solution, "ends", None))
    report = check_routes(instance, kept, ends=ends)
    if not report.ok:
        raise SolverError("solver returned a plan that breaks its rules: "
                          + "; ".join(report.violations[:5]))
    names = _village_names(instance, built)
    costs = day_costs(instance, kept, ends)
    routes: list[Route] = []
    for vi, sched in enumerate(report.schedules):
        veh = instance.vehicles[vi]
        stops: list[Stop] = []
        # a tour day starts where the team slept (the solver's night, chained by check_routes)
        prev_loc = sched.start_location if sched.start_location >= 0 else veh.start_location
        for seq, idx in enumerate(sched.visits, start=1):
            visit = instance.visits[idx]
            loc = instance.locations[visit.location]
            info = names.get(visit.village_code or "", {})
            score = built.scores.get(visit.village_code or "") if built else None
            expected = (built.expected_by_visit.get(visit.visit_id, visit.demand)
                        if built is not None else visit.demand)
            pairs = served_by(visit)
            stops.append(Stop(
                sequence=seq, visit_id=visit.visit_id, village_code=visit.village_code,
                desa=str(info.get("desa", "")), kecamatan=str(info.get("kecamatan", "")),
                arrival_s=sched.arrival_s[seq - 1], start_s=sched.start_s[seq - 1],
                departure_s=sched.departure_s[seq - 1],
                travel_from_previous_s=int(instance.duration_s[prev_loc, visit.location]),
                distance_from_previous_m=int(instance.distance_m[prev_loc, visit.location]),
                expected_recordings=expected, prize=visit.prize, chunk=visit.chunk,
                chunks=visit.chunks, pinned=visit.pinned_vehicle is not None,
                lon=loc.lon, lat=loc.lat,
                priority_id=score.explain_id() if score else "",
                priority_en=score.explain_en() if score else "", capacity=visit.demand,
                leg=leg_info(built, prev_loc, visit.location),
                serves=tuple(c for c, _ in pairs), served=tuple(n for _, n in pairs),
                serves_desa=tuple(str(names.get(c, {}).get("desa", "")) for c, _ in pairs)))
            prev_loc = visit.location
        team_name = veh.team_id
        if built is not None:
            team_name = built.team_days[vi].team_name
        routes.append(Route(veh.vehicle_id, veh.team_id, team_name, veh.date,
                            veh.shift_start_s, sched.end_s if stops else veh.shift_start_s,
                            sched.travel_s, sched.distance_m,
                            sum(s.expected_recordings for s in stops), tuple(stops),
                            leg_info(built, prev_loc, ends[vi]) if stops else None,
                            night=_night(instance, built, vi, ends), cost_rp=costs[vi].total_rp))
    routes, trips = _trips(instance, routes)
    # why a village waits is asked of the days as they are: from and to the chosen nights
    unscheduled = _unscheduled(with_ends(instance, ends), kept, built, names,
                               params.service.setup_s if params else 1800, dropped)
    return Plan(
        name=instance.name,
        regency=str(instance.meta.get("regency")) if instance.meta.get("regency") else None,
        week_start=str(instance.meta.get("week_start")) if instance.meta.get("week_start")
        else None,
        routes=tuple(routes), unscheduled=unscheduled,
        summary=_summary(instance, report, routes, unscheduled, built),
        notes=built.notes if built is not None else (),
        travel=_travel(instance),
        trips=tuple(trips),
        costs={"fuel_rp": sum(c.fuel_rp for c in costs),
               "boat_rp": sum(c.boat_rp for c in costs),
               "per_diem_rp": sum(c.per_diem_rp for c in costs),
               "lodging_rp": sum(c.lodging_rp for c in costs),
               "total_rp": sum(c.total_rp for c in costs), "budget_rp": instance.budget_rp},
        solver={"status": solution.status.value, "seed": solution.seed,
                "wall_s": round(solution.wall_s, 3),
                "first_feasible_s": None if solution.first_feasible_s is None
                else round(solution.first_feasible_s, 3),
                "time_limit_s": params.solver.time_limit_s if params else None,
                "progress": [list(p) for p in solution.progress], "message": solution.message},
    )


def leg_info(built: BuiltProblem | None, start: int, end: int) -> dict[str, Any] | None:
    """How leg ``start -> end`` (locations) is travelled: by road, or with which crossings.

    ``None`` without a built problem (a benchmark instance does not know its harbours).
    """
    if built is None:
        return None
    legs = built.crossings
    used = legs.used(start, end) if legs is not None else []
    if not used:  # no crossing computed (no polygons): the island flags tell
        by_boat = ("island" in built.villages.columns
                   and _island_at(built, start) != _island_at(built, end))
        return {"mode": "boat", "harbour": None} if by_boat else {"mode": "road"}
    crossing_s = sum(c.duration_s for c, _ in used)
    return {
        "mode": "boat", "harbour": used[0][0].harbour, "crossing_s": crossing_s,
        "crossing_min": -(-crossing_s // 60),
        "crossings": [{"harbour": c.harbour, "direction": way, "crossing_s": c.duration_s,
                       "length_m": round(c.length_m), "virtual": c.virtual,
                       "landing": [c.landing_lon, c.landing_lat]} for c, way in used]}


def _duration_text(seconds: int, lang: str) -> str:
    minutes = -(-int(seconds) // 60)
    h, m = divmod(minutes, 60)
    if lang == "id":
        return f"{h} jam {m} menit" if h and m else f"{h} jam" if h else f"{m} menit"
    return f"{h} h {m} min" if h and m else f"{h} h" if h else f"{m} min"


def leg_text(leg: Mapping[str, Any] | None, lang: str = "id") -> str:
    """``kapal dari Pelabuhan X (penyeberangan 2 jam 16 menit)``; ``""`` for a road leg.

    ``lang`` is ``"id"`` or ``"en"``.
    """
    if not leg or leg.get("mode") != "boat":
        return ""
    parts = []
    for c in leg.get("crossings") or []:
        duration = _duration_text(int(c.get("crossing_s", 0)), lang)
        harbour = str(c.get("harbour", ""))
        if lang == "id":
            way = "dari" if c.get("direction") == "to_island" else "ke"
            parts.append(f"kapal {way} {harbour} (penyeberangan {duration})")
        else:
            way = "from" if c.get("direction") == "to_island" else "to"
            parts.append(f"boat {way} {harbour} ({duration} crossing)")
    if not parts:
        return "dengan kapal" if lang == "id" else "by boat"
    return ", lalu ".join(parts) if lang == "id" else ", then ".join(parts)


def _island_at(built: BuiltProblem, loc: int) -> bool:
    code = built.instance.locations[loc].location_id
    return code in built.villages.index and bool(built.villages.at[code, "island"])


def _place_name(instance: Instance, built: BuiltProblem | None, loc: int) -> str:
    if built is not None and loc in built.place_names:
        return built.place_names[loc]
    return instance.locations[loc].location_id


def _night(instance: Instance, built: BuiltProblem | None, vi: int, ends: Sequence[int]
           ) -> dict[str, Any] | None:
    """Where the team of vehicle ``vi`` sleeps after the day, when not at its base."""
    veh = instance.vehicles[vi]
    end = ends[vi]
    if end == team_bases(instance).get(veh.team_id, end):
        return None
    loc = instance.locations[end]
    return {"location_id": loc.location_id, "name": _place_name(instance, built, end),
            "lon": loc.lon, "lat": loc.lat, "lodging_rp": loc.lodging_rp}


def _trips(instance: Instance, routes: Sequence[Route]
           ) -> tuple[list[Route], list[dict[str, Any]]]:
    """Group the days of each trip (a run of nights away and the day that comes home)."""
    out = list(routes)
    trips: list[dict[str, Any]] = []
    by_team: dict[str, list[int]] = {}
    for i, r in enumerate(routes):
        by_team.setdefault(r.team_id, []).append(i)
    for ids in by_team.values():
        ids.sort(key=lambda i: (routes[i].date or "", instance.vehicles[i].tour_day))
        run: list[int] = []
        for i in ids:
            run.append(i)
            if routes[i].night is not None:
                continue
            if len(run) > 1:
                first = routes[run[0]]
                trip_id = f"{first.team_id}:{first.date}"
                for j in run:
                    out[j] = replace(out[j], trip_id=trip_id)
                trips.append({
                    "trip_id": trip_id, "team_id": first.team_id, "team_name": first.team_name,
                    "days": len(run), "dates": [routes[j].date for j in run],
                    "vehicle_ids": [routes[j].vehicle_id for j in run],
                    "nights": [{"date": routes[j].date, **(routes[j].night or {})}
                               for j in run[:-1]],
                    "expected_recordings": sum(routes[j].expected_recordings for j in run),
                    "cost_rp": sum(routes[j].cost_rp for j in run)})
            run = []
    return out, trips


def refresh_trips(instance: Instance, data: Mapping[str, Any]) -> dict[str, Any]:
    """A plan JSON whose day costs, trips and week costs are recomputed from its routes and
    nights (after an edit moved stops: a trip's nights stay, its cost follows the stops)."""
    out = dict(data)
    index = {v.vehicle_id: i for i, v in enumerate(instance.vehicles)}
    visit_index = {v.visit_id: i for i, v in enumerate(instance.visits)}
    by_id = {loc.location_id: i for i, loc in enumerate(instance.locations)}
    routes: list[list[int]] = [[] for _ in instance.vehicles]
    ends = [v.end_location for v in instance.vehicles]
    bases = team_bases(instance)
    for r in data.get("routes", []):
        k = index.get(str(r["vehicle_id"]))
        if k is None:
            continue
        routes[k] = [visit_index[str(s["visit_id"])] for s in r["stops"]
                     if str(s["visit_id"]) in visit_index]
        night = (r.get("night") or {}).get("location_id")
        ends[k] = by_id.get(str(night), ends[k]) if night else bases.get(
            instance.vehicles[k].team_id, ends[k])
    costs = day_costs(instance, routes, ends)
    plan = plan_from_dict(data)
    fresh = [replace(r, cost_rp=costs[index[r.vehicle_id]].total_rp, trip_id=None)
             if r.vehicle_id in index else r for r in plan.routes]
    fresh, trips = _trips(instance, fresh)
    out["routes"] = [{**old, "night": r.night, "trip_id": r.trip_id, "cost_rp": r.cost_rp}
                     for old, r in zip(data.get("routes", []), fresh, strict=True)]
    out["trips"] = json.loads(json.dumps(trips, ensure_ascii=False))
    out["costs"] = {"fuel_rp": sum(c.fuel_rp for c in costs),
                    "boat_rp": sum(c.boat_rp for c in costs),
                    "per_diem_rp": sum(c.per_diem_rp for c in costs),
                    "lodging_rp": sum(c.lodging_rp for c in costs),
                    "total_rp": sum(c.total_rp for c in costs),
                    "budget_rp": instance.budget_rp}
    return out


def _travel(instance: Instance) -> dict[str, Any]:
    travel = instance.meta.get("travel")
    return dict(travel) if isinstance(travel, Mapping) else {}


def _unscheduled(instance: Instance, routes: Sequence[Sequence[int]],
                 built: BuiltProblem | None, names: Mapping[str, Any], setup_s: int,
                 dropped: Mapping[int, int] | None = None) -> tuple[Unscheduled, ...]:
    from planner.why import Names, unreachable_reason, waiting_reason

    visited = {instance.visits[i].village_code for r in routes for i in r}
    over_budget: dict[str, int] = {}
    for idx, rp in (dropped or {}).items():
        code = instance.visits[idx].village_code or instance.visits[idx].visit_id
        over_budget[code] = over_budget.get(code, 0) + rp
    trip_needed = built.trip_needed if built is not None else {}
    # villages invited to a neighbour's covering stop: code -> (venue, people)
    covered: dict[str, tuple[str, int]] = {}
    for r in routes:
        for i in r:
            venue = instance.visits[i].village_code or ""
            for code, people in served_by(instance.visits[i])[1:]:
                covered[code] = (venue, people)
    covered = {k: v for k, v in covered.items() if k not in visited}
    weights = {k: s.weight for k, s in built.scores.items()} if built else {}
    expected = {k: s.expected_recordings for k, s in built.scores.items()} if built else {}
    island = ({str(k) for k in built.villages.index[built.villages["island"].astype(bool)]}
              if built is not None and "island" in built.villages.columns else set())
    who = Names({str(k): str(v.get("desa", "")) for k, v in names.items()},
                [td.team_name for td in built.team_days] if built is not None
                else [v.team_id for v in instance.vehicles])
    out: list[Unscheduled] = []
    seen: set[str] = set()
    for visit in instance.visits:
        code = visit.village_code or visit.visit_id
        if code in visited or code in seen:
            continue
        seen.add(code)
        info = names.get(code, {})
        if code in covered:
            venue, people = covered[code]
            out.append(Unscheduled(code, str(info.get("desa", "")),
                                   str(info.get("kecamatan", "")), people, weights.get(code),
                                   covered_reason(str(names.get(venue, {}).get("desa", "")),
                                                  venue, people)))
            continue
        if code in over_budget:
            why = budget_reason(over_budget[code])
        elif code in trip_needed:
            why = trip_reason(trip_needed[code], team_free=built is not None
                              and built.free_run >= trip_needed[code])
        else:
            why = waiting_reason(instance, routes, code, names=who, island=code in island)
        out.append(Unscheduled(code, str(info.get("desa", "")), str(info.get("kecamatan", "")),
                               expected.get(code, visit.demand), weights.get(code), why))
    if built is not None:
        for code, why in built.excluded.items():
            info = names.get(code, {})
            score = built.scores.get(code)
            if why.code in ("unreachable", "overnight", "no_boat_team") and score is not None:
                why = unreachable_reason(instance, code, why, names=who,
                                         people=score.expected_recordings, setup_s=setup_s,
                                         island=code in island)
            out.append(Unscheduled(code, str(info.get("desa", "")),
                                   str(info.get("kecamatan", "")),
                                   score.expected_recordings if score else 0,
                                   score.weight if score else None, why))
    return tuple(sorted(out, key=lambda u: u.village_code))


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _summary(instance: Instance, report: CheckReport, routes: Sequence[Route],
             unscheduled: Sequence[Unscheduled], built: BuiltProblem | None) -> dict[str, Any]:
    stops = [s for r in routes for s in r.stops]
    recordings = sum(s.expected_recordings for s in stops)
    # people expected from each village, wherever its stop is (covering stops serve several)
    people: dict[str, int] = {}
    for s in stops:
        # a covering stop's expected recordings shared as its reports are (planner.covering)
        shares = (split_recorded(s.expected_recordings, s.served) if len(s.serves) > 1
                  else [s.expected_recordings])
        for code, n in zip(s.serves or (s.village_code,), shares, strict=False):
            if code is not None:
                people[code] = people.get(code, 0) + n
    venues = {s.village_code for s in stops}
    summary: dict[str, Any] = {
        "team_days": len(routes),
        "team_days_used": sum(1 for r in routes if r.stops),
        "stops": len(stops),
        "villages_visited": len(venues),
        # served from a neighbour's covering stop without a stop of their own
        "villages_covered": len(set(people) - venues),
        # villages with nothing left to record, or served from a neighbour's stop, are listed
        # with their reason, not as waiting
        "villages_unscheduled": sum(1 for u in unscheduled if is_waiting(u.reason.code)),
        "expected_recordings": recordings,
        "prize": report.prize,
        "travel_s": report.travel_s,
        "distance_m": report.distance_m,
    }
    if built is not None:
        info = built.villages
        for flag in ("remote", "border", "island"):
            if flag not in info.columns:
                continue
            flagged = set(info.index[info[flag].astype(bool)])
            with_backlog = {k for k in flagged if k in built.scores
                            and built.scores[k].expected_recordings > 0}
            visited = set(people) & flagged
            rec = sum(n for code, n in people.items() if code in flagged)
            summary[f"{flag}_villages_visited"] = len(visited)
            summary[f"{flag}_villages_with_backlog"] = len(with_backlog)
            summary[f"{flag}_recordings_share"] = _share(rec, recordings)
        # working weekdays with no team-day: holidays, cuti bersama, days off, past days
        summary["days_excluded"] = [
            {"date": e.date.isoformat(), "team_id": e.team_id, "kind": e.kind,
             "reason": e.reason} for e in built.excluded_days]
    return summary


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan JSON (see ``planner/schemas/plan.schema.json``)."""
    data = asdict(plan)
    data["units"] = UNITS
    data["unscheduled"] = [
        {**{k: v for k, v in asdict(u).items() if k != "reason"}, "reason": u.reason.to_dict()}
        for u in plan.unscheduled]
    data["notes"] = list(plan.notes)
    if not plan.travel:
        del data["travel"]
    # through JSON once, so tuples become lists and the dict equals what is written
    result: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return result


def _fields(cls: type, data: Mapping[str, Any], **defaults: Any) -> dict[str, Any]:
    """The keyword arguments of dataclass ``cls`` found in ``data`` (``defaults`` fill gaps)."""
    names = {f.name for f in fields(cls)}
    return {**defaults, **{k: v for k, v in data.items() if k in names}}


def _stop_from_dict(data: Mapping[str, Any]) -> Stop:
    kwargs = _fields(Stop, data)
    for name in ("serves", "served", "serves_desa"):
        if name in kwargs:
            kwargs[name] = tuple(kwargs[name] or ())
    return Stop(**kwargs)


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """The :class:`Plan` of a plan JSON (the inverse of :func:`plan_to_dict`).

    Unknown keys (``units``) are ignored; ``priority_*``, ``notes``, ``summary``, ``solver``
    and ``schema_version`` may be missing (older or hand-made plans).  Raises
    :class:`InputError` when a route, stop or waiting village lacks a required field.
    """
    try:
        routes = tuple(
            Route(**{**_fields(Route, r), "stops": tuple(_stop_from_dict(s)
                                                          for s in r["stops"])})
            for r in data["routes"])
        unscheduled = []
        for u in data.get("unscheduled", []):
            why = u["reason"]
            unscheduled.append(Unscheduled(**{
                **_fields(Unscheduled, u, weight=None),
                "reason": Reason(str(why["code"]), str(why.get("text_id", "")),
                                 str(why.get("text_en", "")),
                                 str(why.get("what_it_would_take_id", "")),
                                 str(why.get("what_it_would_take_en", "")),
                                 dict(why.get("figures") or {}))}))
        return Plan(name=str(data.get("name", "")), regency=data.get("regency"),
                    week_start=data.get("week_start"), routes=routes,
                    unscheduled=tuple(unscheduled), summary=dict(data.get("summary") or {}),
                    solver=dict(data.get("solver") or {}),
                    schema_version=str(data.get("schema_version", PLAN_SCHEMA_VERSION)),
                    notes=tuple(data.get("notes") or ()),
                    travel=dict(data.get("travel") or {}),
                    trips=tuple(data.get("trips") or ()),
                    costs=dict(data.get("costs") or {}))
    except (KeyError, TypeError) as exc:
        raise InputError([Problem("plan", None, None, f"rencana tidak lengkap: {exc!r}",
                                  f"incomplete plan: {exc!r}")]) from exc


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write the plan JSON (UTF-8)."""
    Path(path).write_text(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=1),
                          encoding="utf-8")


@dataclass(frozen=True)
class PlanRoutes:
    """The part of a plan JSON that :func:`check_plan` needs: ids and claimed times."""

    #: vehicle_id -> [(visit_id, arrival_s, departure_s)]
    routes: dict[str, list[tuple[str, int | None, int | None]]]
    #: vehicle ids that appear more than once in the file (each is a violation)
    duplicates: tuple[str, ...] = ()
    #: vehicle_id -> its night place's ``location_id`` (``None``: home), for the routes
    #: whose file says (``night``); the others end at their ``end_location``
    nights: dict[str, str | None] = field(default_factory=dict)


def night_ends(instance: Instance, nights: Mapping[str, str | None]) -> list[int]:
    """Each vehicle's end location from a plan's nights (``vehicle_id -> location_id`` of the
    night place, ``None`` = home), as :func:`check_routes` takes them (``ends=``).

    A tour day without a night ends at its team's base; a vehicle not in ``nights`` (or a
    night place not in the instance, which :func:`trip_violations` reports) at its
    ``end_location``.
    """
    by_id = {loc.location_id: i for i, loc in enumerate(instance.locations)}
    bases = team_bases(instance)
    ends = [v.end_location for v in instance.vehicles]
    for k, veh in enumerate(instance.vehicles):
        if veh.vehicle_id not in nights:
            continue
        night = nights[veh.vehicle_id]
        if night is not None:
            ends[k] = by_id.get(str(night), ends[k])
        elif veh.tour is not None:
            ends[k] = bases.get(veh.team_id, ends[k])
    return ends


def _night_id(route: Mapping[str, Any]) -> str | None:
    night = (route.get("night") or {}).get("location_id")
    return None if night is None else str(night)


def read_plan_routes(path: str | Path) -> PlanRoutes:
    """Read the routes of any plan JSON (ours, or another solver's in the same shape)."""
    source = str(path)
    try:
        return plan_routes_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(source, None, None, f"berkas rencana tidak valid: {exc}",
                                  f"invalid plan file: {exc}")]) from exc


def plan_routes_from_dict(data: Mapping[str, Any]) -> PlanRoutes:
    """The routes (ids, claimed times, nights) of a plan JSON already read."""
    routes: dict[str, list[tuple[str, int | None, int | None]]] = {}
    duplicates: list[str] = []
    nights: dict[str, str | None] = {}
    for r in data["routes"]:
        vid = str(r["vehicle_id"])
        if vid in routes:
            duplicates.append(vid)
            continue
        routes[vid] = [(str(s["visit_id"]), s.get("arrival_s"), s.get("departure_s"))
                       for s in r["stops"]]
        if "night" in r:
            nights[vid] = _night_id(r)
    return PlanRoutes(routes, tuple(duplicates), nights)


def check_plan(instance: Instance, plan: PlanRoutes | Plan) -> CheckReport:
    """Re-verify every constraint of ``plan`` against ``instance`` (ids, rules and times).

    For a :class:`Plan`, its trips are checked too (:func:`trip_violations`): each night's
    place is one the day may end at, the next day starts there, no trip is longer than the
    team may be away and the week ends at home.
    """
    trip_problems: list[str] = []
    if isinstance(plan, Plan):
        trip_problems = trip_violations(instance, plan)
        plan = PlanRoutes({r.vehicle_id: [(s.visit_id, s.arrival_s, s.departure_s)
                                          for s in r.stops] for r in plan.routes},
                          nights={r.vehicle_id: _night_id({"night": r.night})
                                  for r in plan.routes})
    vehicle_index = {v.vehicle_id: i for i, v in enumerate(instance.vehicles)}
    visit_index = {v.visit_id: i for i, v in enumerate(instance.visits)}
    problems: list[str] = [f"vehicle {vid} has more than one route in the plan"
                           for vid in plan.duplicates]
    routes: list[list[int]] = [[] for _ in instance.vehicles]
    times: list[list[tuple[int, int]]] = [[] for _ in instance.vehicles]
    claimed = True
    for vid, stops in plan.routes.items():
        if vid not in vehicle_index:
            problems.append(f"vehicle {vid} is not in the instance")
            continue
        vi = vehicle_index[vid]
        for visit_id, arrival, departure in stops:
            if visit_id not in visit_index:
                problems.append(f"vehicle {vid}: visit {visit_id} is not in the instance")
                continue
            routes[vi].append(visit_index[visit_id])
            if arrival is None or departure is None:
                claimed = False
            else:
                times[vi].append((int(arrival), int(departure)))
    # a tour day's night place (the solver's choice, kept by edits) is where it ends and
    # where the tour's next day starts
    report = check_routes(instance, routes, times=times if claimed else None,
                          ends=night_ends(instance, plan.nights) if plan.nights else None)
    problems += trip_problems
    if problems:
        return CheckReport(False, tuple(problems) + report.violations, report.prize,
                           report.travel_s, report.distance_m, report.schedules)
    return report


def trip_violations(instance: Instance, plan: Plan) -> list[str]:
    """What is wrong with the nights of ``plan`` against ``instance`` (empty = fine)."""
    out: list[str] = []
    index = {v.vehicle_id: i for i, v in enumerate(instance.vehicles)}
    by_id = {loc.location_id: i for i, loc in enumerate(instance.locations)}
    bases = team_bases(instance)
    by_team: dict[str, list[tuple[int, Route]]] = {}
    for r in plan.routes:
        if r.vehicle_id in index:
            by_team.setdefault(r.team_id, []).append((index[r.vehicle_id], r))
    for team, days in by_team.items():
        days.sort(key=lambda d: (instance.vehicles[d[0]].date or "",
                                 instance.vehicles[d[0]].tour_day))
        away = 0
        for pos, (k, r) in enumerate(days):
            veh = instance.vehicles[k]
            base = bases.get(team, veh.end_location)
            night = r.night.get("location_id") if r.night else None
            end = base if night is None else by_id.get(str(night))
            if end is None:
                out.append(f"{r.vehicle_id}: night place {night} is not in the instance")
                continue
            allowed = {veh.end_location, *(veh.night_options or ())}
            if end not in allowed:
                where = "home" if night is None else f"at {night}"
                out.append(f"{r.vehicle_id}: the day cannot end {where}")
            nxt = days[pos + 1][0] if pos + 1 < len(days) else None
            # a tour's next day starts where the team slept (check_routes chains the ends);
            # another day is timed from its instance start location, which must be there
            chained = nxt is not None and veh.tour is not None \
                and instance.vehicles[nxt].tour == veh.tour
            if nxt is not None and not chained and instance.vehicles[nxt].start_location != end:
                out.append(f"{r.vehicle_id}: the next day does not start where the team "
                           "slept")
            away = away + 1 if end != base else 0
            limit = veh.max_nights_away if veh.tour is not None else 0
            if away > limit:
                out.append(f"{r.vehicle_id}: {away} nights away, at most {limit}")
            if nxt is None and end != base:
                out.append(f"{r.vehicle_id}: the last day of the week must end at the base")
    return out


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def plan_summary_text(plan: Plan) -> str:
    """A readable summary: per team-day stops, hours and recordings; totals; the waiting."""
    lines = [f"Rencana / plan {plan.name}  (status: {plan.solver.get('status')})", ""]
    if plan.notes:
        lines += [*(f"Catatan: {n}" for n in plan.notes), ""]
    for r in plan.routes:
        if not r.stops:
            lines.append(f"{r.date} {r.team_name}: tidak ada kunjungan / no stops")
            continue
        lines.append(f"{r.date} {r.team_name}: {len(r.stops)} desa, {_clock(r.start_s)}-"
                     f"{_clock(r.end_s)}, perjalanan {_id_number(r.travel_s // 60)} menit, "
                     f"perkiraan rekam {_id_number(r.expected_recordings)}")
        for s in r.stops:
            chunk = f" (bagian {s.chunk}/{s.chunks})" if s.chunks > 1 else ""
            boat = leg_text(s.leg)
            lines.append(f"   {s.sequence}. {_clock(s.arrival_s)} {s.desa or s.village_code}"
                         f"{chunk}, Kec. {s.kecamatan}: {_id_number(s.expected_recordings)} orang"
                         + (f"; {boat}" if boat else ""))
            if len(s.serves) > 1:  # a covering stop: who else is invited, and how many
                names = [*s.serves_desa, *[""] * len(s.serves)]
                lines.append("      juga warga " + ", ".join(
                    f"Desa {names[j] or s.serves[j]} ({_id_number(s.served[j])})"
                    for j in range(1, len(s.serves))))
        back = leg_text(r.return_leg)
        if back:
            lines.append(f"   pulang: {back}" if not r.night else f"   {back}")
        if r.night:
            lines.append(f"   malam ini menginap di {r.night.get('name', '')}")
    sm = plan.summary
    lines += ["", f"Total: {_id_number(sm['stops'])} kunjungan di "
              f"{_id_number(sm['villages_visited'])} desa, "
              f"{_id_number(sm['expected_recordings'])} perkiraan rekam, perjalanan "
              f"{sm['travel_s'] // 3600} jam {sm['travel_s'] % 3600 // 60} menit, "
              f"{_id_number(round(sm['distance_m'] / 1000))} km; hari-tim terpakai "
              f"{_id_number(sm['team_days_used'])}/{_id_number(sm['team_days'])}"]
    for t in plan.trips:
        places = ", ".join(dict.fromkeys(str(n.get("name", "")) for n in t["nights"]))
        lines.append(f"  perjalanan {t['team_name']}: {t['days']} hari, {len(t['nights'])} "
                     f"malam di {places}; biaya Rp {_id_number(int(t['cost_rp']))}")
    if plan.costs:
        budget = plan.costs.get("budget_rp")
        lines.append(f"  biaya minggu ini Rp {_id_number(int(plan.costs.get('total_rp', 0)))}"
                     + (f" dari anggaran Rp {_id_number(int(budget))}" if budget is not None
                        else ""))
    if sm.get("villages_covered"):
        lines.append(f"  {_id_number(sm['villages_covered'])} desa lain dilayani dari titik di "
                     "desa tetangga / villages served from a neighbour's stop")
    source = plan.travel.get("source")
    if source == "roads":
        lines.append(f"  waktu tempuh dari jaringan jalan / travel times from the road network "
                     f"{Path(str(plan.travel.get('file', ''))).name}")
    elif source == "osrm":
        lines.append(f"  waktu tempuh dari server OSRM / travel times from the OSRM server "
                     f"{plan.travel.get('url', '')}")
    elif source == "estimate":
        lines.append("  waktu tempuh diperkirakan dari jarak garis lurus / travel times "
                     "estimated from straight-line distances")
    for flag, name in (("remote", "terpencil"), ("border", "perbatasan"), ("island", "pulau")):
        if f"{flag}_villages_visited" in sm:
            lines.append(f"  desa {name}: {_id_number(sm[f'{flag}_villages_visited'])} dari "
                         f"{_id_number(sm[f'{flag}_villages_with_backlog'])} dikunjungi; "
                         f"{round(100 * sm[f'{flag}_recordings_share'])}% dari perkiraan rekam")
    if plan.unscheduled:
        lines += ["", "Belum dijadwalkan / waiting: "
                  f"{_id_number(plan.summary['villages_unscheduled'])} desa"
                  " (tanpa desa yang tidak punya sisa / not counting villages with none left)"]
        by_code: dict[str, int] = {}
        for u in plan.unscheduled:
            by_code[u.reason.code] = by_code.get(u.reason.code, 0) + 1
        for code, n in sorted(by_code.items(), key=lambda kv: -kv[1]):
            text = REASON_TEXTS.get(code, (code, code))[0]
            lines.append(f"  {_id_number(n)} desa: {text}")
        kinds = [str(u.reason.figures.get("remedy")) for u in plan.unscheduled
                 if u.reason.figures.get("remedy")]
        if kinds:
            lines.append(
                f"  Saran yang sudah diuji dengan rencana ulang: {_id_number(len(kinds))} desa "
                f"(perubahan saja {_id_number(kinds.count('change'))}, perubahan lalu "
                f"menempatkan desa {_id_number(kinds.count('change_and_place'))}, sunting saja "
                f"{_id_number(kinds.count('edit'))})")
    return "\n".join(lines)


def _id_number(n: int) -> str:
    """``1.687``: a whole number as Indonesian text writes it."""
    return format_number(n)
