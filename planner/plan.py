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
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.checking import CheckReport, check_routes
from planner.covering import served_by
from planner.errors import InputError, Problem, SolverError
from planner.instance import Instance
from planner.params import PlanningParams
from planner.reasons import REASON_TEXTS, Reason, covered_reason, reason
from planner.solution import Solution

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


def _village_names(instance: Instance, built: BuiltProblem | None) -> Mapping[str, Any]:
    if built is not None:
        return {str(k): {"desa": str(r.get("desa", "")), "kecamatan": str(r.get("kecamatan", ""))}
                for k, r in built.villages.iterrows()}
    names = instance.meta.get("villages", {})
    return names if isinstance(names, Mapping) else {}


def decode_plan(instance: Instance, solution: Solution, *, built: BuiltProblem | None = None,
                params: PlanningParams | None = None) -> Plan:
    """Decode and check a solution; raise :class:`SolverError` if it breaks a rule."""
    report = check_routes(instance, solution.routes)
    if not report.ok:
        raise SolverError("solver returned a plan that breaks its rules: "
                          + "; ".join(report.violations[:5]))
    names = _village_names(instance, built)
    routes: list[Route] = []
    for vi, sched in enumerate(report.schedules):
        veh = instance.vehicles[vi]
        stops: list[Stop] = []
        prev_loc = veh.start_location
        for seq, idx in enumerate(sched.visits, start=1):
            visit = instance.visits[idx]
            loc = instance.locations[visit.location]
            info = names.get(visit.village_code or "", {})
            score = built.scores.get(visit.village_code or "") if built else None
            pairs = served_by(visit)
            stops.append(Stop(
                sequence=seq, visit_id=visit.visit_id, village_code=visit.village_code,
                desa=str(info.get("desa", "")), kecamatan=str(info.get("kecamatan", "")),
                arrival_s=sched.arrival_s[seq - 1], start_s=sched.start_s[seq - 1],
                departure_s=sched.departure_s[seq - 1],
                travel_from_previous_s=int(instance.duration_s[prev_loc, visit.location]),
                distance_from_previous_m=int(instance.distance_m[prev_loc, visit.location]),
                expected_recordings=visit.demand, prize=visit.prize, chunk=visit.chunk,
                chunks=visit.chunks, pinned=visit.pinned_vehicle is not None,
                lon=loc.lon, lat=loc.lat,
                priority_id=score.explain_id() if score else "",
                priority_en=score.explain_en() if score else "",
                serves=tuple(c for c, _ in pairs), served=tuple(n for _, n in pairs),
                serves_desa=tuple(str(names.get(c, {}).get("desa", "")) for c, _ in pairs)))
            prev_loc = visit.location
        team_name = veh.team_id
        if built is not None:
            team_name = built.team_days[vi].team_name
        routes.append(Route(veh.vehicle_id, veh.team_id, team_name, veh.date,
                            veh.shift_start_s, sched.end_s if stops else veh.shift_start_s,
                            sched.travel_s, sched.distance_m,
                            sum(s.expected_recordings for s in stops), tuple(stops)))
    unscheduled = _unscheduled(instance, solution, built, names)
    return Plan(
        name=instance.name,
        regency=str(instance.meta.get("regency")) if instance.meta.get("regency") else None,
        week_start=str(instance.meta.get("week_start")) if instance.meta.get("week_start")
        else None,
        routes=tuple(routes), unscheduled=unscheduled,
        summary=_summary(instance, report, routes, unscheduled, built),
        notes=built.notes if built is not None else (),
        travel=_travel(instance),
        solver={"status": solution.status.value, "seed": solution.seed,
                "wall_s": round(solution.wall_s, 3),
                "first_feasible_s": None if solution.first_feasible_s is None
                else round(solution.first_feasible_s, 3),
                "time_limit_s": params.solver.time_limit_s if params else None,
                "progress": [list(p) for p in solution.progress], "message": solution.message},
    )


def _travel(instance: Instance) -> dict[str, Any]:
    travel = instance.meta.get("travel")
    return dict(travel) if isinstance(travel, Mapping) else {}


def _unscheduled(instance: Instance, solution: Solution, built: BuiltProblem | None,
                 names: Mapping[str, Any]) -> tuple[Unscheduled, ...]:
    visited = {instance.visits[i].village_code for r in solution.routes for i in r}
    # villages invited to a neighbour's covering stop: code -> (venue, people)
    covered: dict[str, tuple[str, int]] = {}
    for r in solution.routes:
        for i in r:
            venue = instance.visits[i].village_code or ""
            for code, people in served_by(instance.visits[i])[1:]:
                covered[code] = (venue, people)
    covered = {k: v for k, v in covered.items() if k not in visited}
    visited_prize = [instance.visits[i].prize / max(1, instance.visits[i].demand)
                     for r in solution.routes for i in r]
    cutoff = min(visited_prize) if visited_prize else None
    weights = {k: s.weight for k, s in built.scores.items()} if built else {}
    expected = {k: s.expected_recordings for k, s in built.scores.items()} if built else {}
    saturday_free = built is not None and all(td.date.isoweekday() != 6 for td in built.team_days)
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
        density = visit.prize / max(1, visit.demand)
        detail_id = detail_en = ""
        if cutoff is not None:
            detail_id = (f"prioritas desa ini {density / 100:.2f} per orang, batas terendah yang "
                         f"dijadwalkan {cutoff / 100:.2f}")
            detail_en = (f"this village's priority {density / 100:.2f} per person, lowest "
                         f"scheduled {cutoff / 100:.2f}")
        kec = str(info.get("kecamatan", ""))
        what_id = f"Satu hari-tim lagi di Kecamatan {kec}" if kec else "Satu hari-tim lagi"
        what_en = f"One more team-day in kecamatan {kec}" if kec else "One more team-day"
        if saturday_free:
            what_id += ", misalnya hari Sabtu"
            what_en += ", e.g. a Saturday"
        out.append(Unscheduled(code, str(info.get("desa", "")), kec,
                               expected.get(code, visit.demand), weights.get(code),
                               reason("capacity", detail_id=detail_id, detail_en=detail_en,
                                      what_id=what_id, what_en=what_en)))
    if built is not None:
        for code, why in built.excluded.items():
            info = names.get(code, {})
            score = built.scores.get(code)
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
        for code, n in zip(s.serves or (s.village_code,), s.served or (s.expected_recordings,),
                           strict=False):
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
        "villages_unscheduled": sum(1 for u in unscheduled
                                    if u.reason.code not in ("no_backlog", "covered")),
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
                                 str(why.get("what_it_would_take_en", "")))}))
        return Plan(name=str(data.get("name", "")), regency=data.get("regency"),
                    week_start=data.get("week_start"), routes=routes,
                    unscheduled=tuple(unscheduled), summary=dict(data.get("summary") or {}),
                    solver=dict(data.get("solver") or {}),
                    schema_version=str(data.get("schema_version", PLAN_SCHEMA_VERSION)),
                    notes=tuple(data.get("notes") or ()),
                    travel=dict(data.get("travel") or {}))
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


def read_plan_routes(path: str | Path) -> PlanRoutes:
    """Read the routes of any plan JSON (ours, or another solver's in the same shape)."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        routes: dict[str, list[tuple[str, int | None, int | None]]] = {}
        duplicates: list[str] = []
        for r in data["routes"]:
            vid = str(r["vehicle_id"])
            if vid in routes:
                duplicates.append(vid)
                continue
            routes[vid] = [(str(s["visit_id"]), s.get("arrival_s"), s.get("departure_s"))
                           for s in r["stops"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(source, None, None, f"berkas rencana tidak valid: {exc}",
                                  f"invalid plan file: {exc}")]) from exc
    return PlanRoutes(routes, tuple(duplicates))


def check_plan(instance: Instance, plan: PlanRoutes | Plan) -> CheckReport:
    """Re-verify every constraint of ``plan`` against ``instance`` (ids, rules and times)."""
    if isinstance(plan, Plan):
        plan = PlanRoutes({r.vehicle_id: [(s.visit_id, s.arrival_s, s.departure_s)
                                          for s in r.stops] for r in plan.routes})
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
    report = check_routes(instance, routes, times=times if claimed else None)
    if problems:
        return CheckReport(False, tuple(problems) + report.violations, report.prize,
                           report.travel_s, report.distance_m, report.schedules)
    return report


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
                     f"{_clock(r.end_s)}, perjalanan {r.travel_s // 60} menit, "
                     f"perkiraan rekam {_id_number(r.expected_recordings)}")
        for s in r.stops:
            chunk = f" (bagian {s.chunk}/{s.chunks})" if s.chunks > 1 else ""
            lines.append(f"   {s.sequence}. {_clock(s.arrival_s)} {s.desa or s.village_code}"
                         f"{chunk}, Kec. {s.kecamatan}: {_id_number(s.expected_recordings)} orang")
            if len(s.serves) > 1:  # a covering stop: who else is invited, and how many
                names = [*s.serves_desa, *[""] * len(s.serves)]
                lines.append("      juga warga " + ", ".join(
                    f"Desa {names[j] or s.serves[j]} ({_id_number(s.served[j])})"
                    for j in range(1, len(s.serves))))
    sm = plan.summary
    lines += ["", f"Total: {_id_number(sm['stops'])} kunjungan di "
              f"{_id_number(sm['villages_visited'])} desa, "
              f"{_id_number(sm['expected_recordings'])} perkiraan rekam, perjalanan "
              f"{sm['travel_s'] // 3600} jam {sm['travel_s'] % 3600 // 60} menit, "
              f"{_id_number(round(sm['distance_m'] / 1000))} km; hari-tim terpakai "
              f"{sm['team_days_used']}/{sm['team_days']}"]
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
            lines.append(f"  desa {name}: {sm[f'{flag}_villages_visited']} dari "
                         f"{sm[f'{flag}_villages_with_backlog']} dikunjungi; "
                         f"{round(100 * sm[f'{flag}_recordings_share'])}% dari perkiraan rekam")
    if plan.unscheduled:
        lines += ["", f"Belum dijadwalkan / waiting: {plan.summary['villages_unscheduled']} desa"
                  " (tanpa desa yang tidak punya sisa / not counting villages with none left)"]
        by_code: dict[str, int] = {}
        for u in plan.unscheduled:
            by_code[u.reason.code] = by_code.get(u.reason.code, 0) + 1
        for code, n in sorted(by_code.items(), key=lambda kv: -kv[1]):
            text = REASON_TEXTS.get(code, (code, code))[0]
            lines.append(f"  {_id_number(n)} desa: {text}")
    return "\n".join(lines)


def _id_number(n: int) -> str:
    """``1.687``: a whole number as Indonesian text writes it."""
    return f"{n:,}".replace(",", ".")
