"""What it would take to schedule a waiting village: concrete changes, each verified.

A *change* is made to the planning inputs of the week (the team-days the instance holds):
another team-day of a named team on a named day, a longer shift of a named team-day by N
minutes, or a team that becomes boat-capable.  It is **verified** by re-planning the changed
week (warm-started from the plan, a short time limit) and checking the village is then
scheduled.  Only verified changes are shown.

Two kinds of verification are counted apart, because they ask different things of the
coordinator:

* ``change``: the change alone; the re-plan schedules the village by itself;
* ``change_and_place``: the change, and the village placed on the new (or longer) team-day
  (the edit page does that); the re-plan keeps it there and the plan stays valid.

For each kind the smallest change that works is looked for: the shortest shift extension,
then 1, 2, ... extra team-days up to ``[remedies] max_extra_days``.  A village the search
missed (``search_gap``) needs no change: adding it on the edit page is checked against the
plan's rules (``edit``).  Everything runs within ``[remedies]`` limits: at most ``villages``
villages per plan (the most valuable first), ``time_limit_s`` per re-plan and in all no
more than ``budget_share`` of the plan's own search time.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from planner.instance import Instance, Visit
from planner.params import PlanningParams
from planner.plan import Plan, Unscheduled
from planner.problem import MIN_SHARE, BuiltProblem, chunk_sizes
from planner.scoring import prize_for
from planner.solution import Solution, SolveStatus
from planner.trips import vehicle_ends, with_ends
from planner.why import day_en, day_id, id_num, minutes_en, minutes_id

#: ``replan(instance, time_limit_s, initial_routes) -> Solution``
Replan = Callable[[Instance, float, Sequence[Sequence[int]]], Solution]

#: Waiting reasons a planning change may help.
CHANGEABLE = frozenset({"capacity", "boat_team_full", "unreachable", "overnight",
                        "no_boat_team", "no_team_day"})


@dataclass(frozen=True)
class Change:
    """A change to the week's team-days."""

    #: ``(team_id, date)`` of each extra team-day (a copy of one of the team's days).
    extra_days: tuple[tuple[str, str], ...] = ()
    #: ``(vehicle index, minutes)``: a team-day whose shift ends later.
    longer: tuple[int, int] | None = None
    #: A team that becomes boat-capable.
    boat_team: str | None = None


@dataclass(frozen=True)
class Remedy:
    """A verified suggestion for one waiting village."""

    village_code: str
    #: ``change`` | ``change_and_place`` | ``edit``
    kind: str
    change: Change
    text_id: str
    text_en: str
    seconds: float


def _cap(inst: Instance, loc: int, k: int, setup_s: int, island: bool) -> int:
    veh = inst.vehicles[k]
    if island and not veh.boat_capable:
        return 0
    free = (veh.shift_end_s - veh.shift_start_s - int(inst.duration_s[veh.start_location, loc])
            - int(inst.duration_s[loc, veh.end_location]) - setup_s)
    fit = free // veh.service_s_per_demand if veh.service_s_per_demand > 0 else 10**9
    return max(0, min(fit, veh.capacity if veh.capacity is not None else fit))


def village_visits(inst: Instance, built: BuiltProblem, code: str, params: PlanningParams
                   ) -> list[Visit]:
    """The visits ``build_problem`` would make for ``code`` on ``inst``'s team-days."""
    loc = next((i for i, x in enumerate(inst.locations) if x.location_id == code), None)
    score = built.scores.get(code)
    if loc is None or score is None or score.expected_recordings < 1:
        return []
    island = _island(built, code)
    setup = params.service.setup_s
    caps = [_cap(inst, loc, k, setup, island) for k in range(len(inst.vehicles))]
    usable = [k for k, c in enumerate(caps) if c >= 1]
    if not usable:
        return []
    useful = [caps[k] for k in usable if caps[k] >= MIN_SHARE]
    big = max(caps[k] for k in usable)
    parts, share = chunk_sizes(score.expected_recordings, big, min(useful) if useful else big,
                               len(usable))
    sizes = parts if share is None else [*parts, share]
    out = []
    for j, demand in enumerate(sizes, start=1):
        allowed = tuple(k for k in usable if caps[k] >= demand)
        out.append(Visit(
            visit_id=code if len(sizes) == 1 else f"{code}#{j}", location=loc,
            prize=prize_for(demand, score.weight, params.scoring.chunk_decay ** (j - 1)
                            if j <= len(parts) else 1),
            service_s=setup, demand=demand, village_code=code, allowed_vehicles=allowed,
            group=code if len(parts) > 1 and j <= len(parts) else None,
            chunk=j, chunks=len(sizes)))
    return out


def _island(built: BuiltProblem, code: str) -> bool:
    info = built.villages
    return bool("island" in info.columns and code in info.index and info.loc[code, "island"])


def apply_change(inst: Instance, built: BuiltProblem, code: str, change: Change,
                 params: PlanningParams) -> Instance:
    """``inst`` with ``change`` made, and village ``code``'s visits made afresh for it."""
    vehicles = list(inst.vehicles)
    copies: list[int] = []  # vehicle copied by each extra day
    for team_id, day in change.extra_days:
        src = next(k for k, v in enumerate(inst.vehicles) if v.team_id == team_id)
        copies.append(src)
        vehicles.append(replace(inst.vehicles[src], vehicle_id=f"{team_id}@{day}", date=day))
    if change.longer is not None:
        k, minutes = change.longer
        vehicles[k] = replace(vehicles[k], shift_end_s=vehicles[k].shift_end_s + 60 * minutes)
    if change.boat_team is not None:
        vehicles = [replace(v, boat_capable=True) if v.team_id == change.boat_team else v
                    for v in vehicles]
    n = len(inst.vehicles)
    visits = []
    for v in inst.visits:
        if v.village_code == code:
            continue
        if v.allowed_vehicles is not None and copies:
            extra = tuple(n + j for j, src in enumerate(copies) if src in v.allowed_vehicles)
            v = replace(v, allowed_vehicles=v.allowed_vehicles + extra)
        visits.append(v)
    changed = replace(inst, vehicles=tuple(vehicles), visits=tuple(visits))
    return replace(changed, visits=(*visits, *village_visits(changed, built, code, params)))


def _padded(routes: Sequence[Sequence[int]], inst: Instance, old: Instance
                 ) -> list[list[int]]:
    """The plan's routes on the changed instance (visit indices remapped by id)."""
    index = {v.visit_id: i for i, v in enumerate(inst.visits)}
    out = [[index[old.visits[i].visit_id] for i in r if old.visits[i].visit_id in index]
           for r in routes]
    return out + [[] for _ in range(len(inst.vehicles) - len(out))]


def _scheduled(inst: Instance, sol: Solution, code: str) -> bool:
    if sol.status not in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL):
        return False
    return any(inst.visits[i].village_code == code for r in sol.routes for i in r)


def _placed(inst: Instance, routes: list[list[int]], code: str, k: int) -> Instance | None:
    """Pin one visit of ``code`` on vehicle ``k`` at its best place in ``routes`` (in place);
    ``None`` when no visit of the village fits there."""
    from planner.checking import check_routes

    best: tuple[int, int, int] | None = None  # (added travel, visit, position)
    for x, v in enumerate(inst.visits):
        if v.village_code != code or not inst.allowed(x, k):
            continue
        for pos in range(len(routes[k]) + 1):
            trial = [*routes[k][:pos], x, *routes[k][pos:]]
            rs = [*routes[:k], trial, *routes[k + 1:]]
            if check_routes(inst, rs).ok:
                cost = len(trial)  # any valid place will do; keep the first
                if best is None or cost < best[0]:
                    best = (cost, x, pos)
                break
    if best is None:
        return None
    _, x, pos = best
    routes[k] = [*routes[k][:pos], x, *routes[k][pos:]]
    visits = list(inst.visits)
    visits[x] = replace(visits[x], pinned_vehicle=k)
    return replace(inst, visits=tuple(visits))


@dataclass
class _Budget:
    end: float
    per_plan: float

    def left(self) -> float:
        return self.end - time.monotonic()


def _try(inst: Instance, built: BuiltProblem, routes: Sequence[Sequence[int]], code: str,
         change: Change, target: int | None, params: PlanningParams, replan: Replan,
         budget: _Budget) -> bool:
    """Whether the re-plan with ``change`` (and, with ``target``, the village placed on that
    vehicle of the changed instance) schedules ``code``."""
    limit = min(budget.per_plan, budget.left())
    if limit <= 0.05:
        return False
    changed = apply_change(inst, built, code, change, params)
    start = _padded(routes, changed, inst)
    if target is not None:
        placed = _placed(changed, start, code, target)
        if placed is None:
            return False
        changed = placed
    sol = replan(changed, limit, start)
    return _scheduled(changed, sol, code)


def _free_days(built: BuiltProblem, inst: Instance, team_id: str) -> list[str]:
    """Days of the week (Saturday, Sunday, then weekdays off) the team has no team-day."""
    have = {v.date for v in inst.vehicles if v.team_id == team_id}
    week = [built.week_start + timedelta(days=d) for d in (5, 6, 0, 1, 2, 3, 4)]
    return [d.isoformat() for d in week if d.isoformat() not in have]


def _team_order(inst: Instance, built: BuiltProblem, code: str, first: str | None) -> list[str]:
    """Teams by travel from their base to the village (``first`` first)."""
    loc = next((i for i, x in enumerate(inst.locations) if x.location_id == code), None)
    island = _island(built, code)
    teams: dict[str, int] = {}
    for v in inst.vehicles:
        if loc is None:
            continue
        d = int(inst.duration_s[v.start_location, loc]) + int(inst.duration_s[loc, v.end_location])
        if island and not v.boat_capable:
            d += 10**7
        teams[v.team_id] = min(teams.get(v.team_id, d), d)
    order = sorted(teams, key=lambda t: (t != first, teams[t]))
    return order


def _name(built: BuiltProblem, team_id: str) -> str:
    return next((td.team_name for td in built.team_days if td.team_id == team_id), team_id)


def _extra_day_text(built: BuiltProblem, days: Sequence[tuple[str, str]]) -> tuple[str, str]:
    parts_id = [f"{_name(built, t)} pada {day_id(d)}" for t, d in days]
    parts_en = [f"{_name(built, t)} on {day_en(d)}" for t, d in days]
    if len(days) == 1:
        return f"Satu hari-tim tambahan: {parts_id[0]}", f"One more team-day: {parts_en[0]}"
    return (f"{id_num(len(days), 0)} hari-tim tambahan: {'; '.join(parts_id)}",
            f"{len(days)} more team-days: {'; '.join(parts_en)}")


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}.{seconds % 3600 // 60:02d}"


def _changes(inst: Instance, built: BuiltProblem, u: Unscheduled, params: PlanningParams,
             days_needed: int = 1) -> list[tuple[Change, int | None, str, str]]:
    """Candidate changes for a waiting village, smallest first, each with the vehicle of the
    changed instance the village would be placed on, and its text.  Extra team-days are
    tried from ``days_needed`` (the estimate) on, and one more."""
    rp = params.remedies
    figs = u.reason.figures
    code = u.village_code
    out: list[tuple[Change, int | None, str, str]] = []
    n = len(inst.vehicles)
    vid = str(figs.get("vehicle_id", ""))
    k = next((i for i, v in enumerate(inst.vehicles) if v.vehicle_id == vid), None)
    # a longer shift: the minutes the team-day falls short, in steps of 15
    short = figs.get("short_min")
    if short is not None and k is not None:
        minutes = 15 * math.ceil(float(short) / 15)
        if 0 < minutes <= rp.max_extra_shift_min:
            veh = inst.vehicles[k]
            team = _name(built, veh.team_id)
            end = _clock(veh.shift_end_s + 60 * minutes)
            out.append((Change(longer=(k, minutes)), k,
                        f"{team} pada {day_id(veh.date)} bekerja {minutes_id(60 * minutes)} "
                        f"lebih lama (pulang paling lambat {end})",
                        f"{team} on {day_en(veh.date)} works {minutes_en(60 * minutes)} "
                        f"longer (back by {end.replace('.', ':')})"))
    if u.reason.code == "no_boat_team" or (u.reason.code == "boat_team_full" and k is not None):
        for team in _team_order(inst, built, code, None):
            if any(v.boat_capable for v in inst.vehicles if v.team_id == team):
                continue
            first = next(i for i, v in enumerate(inst.vehicles) if v.team_id == team)
            out.append((Change(boat_team=team), first,
                        f"{_name(built, team)} diberi kapal (bisa menyeberang)",
                        f"{_name(built, team)} gets a boat (boat-capable)"))
            break
    # (a copy of a team-day cannot reach what no team-day reaches: not for unreachable)
    if u.reason.code in ("capacity", "boat_team_full", "no_team_day"):
        first_team = inst.vehicles[k].team_id if k is not None else None
        teams = [t for t in _team_order(inst, built, code, first_team)
                 if not (_island(built, code)
                         and not any(v.boat_capable for v in inst.vehicles if v.team_id == t))]
        free = {t: _free_days(built, inst, t)[:2] for t in teams}
        # the nearest team's first free day, then the others' (Saturdays before Sundays)
        slots = sorted(((t, d) for t in teams for d in free[t]),
                       key=lambda td: (free[td[0]].index(td[1]), teams.index(td[0])))
        # one day (the day a village is placed on), the estimate, one more, and every free
        # day there is (the estimate may be pessimistic)
        most = min(len(slots), rp.max_extra_days)
        for m in sorted({1, most} | ({days_needed, days_needed + 1}
                                     if days_needed <= most else set())):
            if m > len(slots) or m > rp.max_extra_days:
                break
            days = tuple(slots[:m])
            tid, tt = _extra_day_text(built, days)
            out.append((Change(extra_days=days), n, tid, tt))
    return out


def remedies_for(plan: Plan, built: BuiltProblem, solution: Solution, params: PlanningParams,
                 *, replan: Replan | None = None, codes: Sequence[str] | None = None,
                 budget_s: float | None = None) -> dict[str, Remedy]:
    """Verified remedies for the plan's waiting villages (``codes``, else the most valuable).

    Returns ``village_code -> Remedy`` for the villages a verified change was found for.
    """
    rp = params.remedies
    # the days as the solver made them: from and to its chosen nights (tour days)
    inst = with_ends(built.instance, vehicle_ends(built.instance, solution.ends))
    run = replan or _default_replan(params)
    total = budget_s if budget_s is not None else rp.budget_share * params.solver.time_limit_s
    budget = _Budget(time.monotonic() + total, rp.time_limit_s)
    waiting = [u for u in plan.unscheduled
               if u.reason.code in CHANGEABLE | {"search_gap"}]
    routes = [list(r) for r in solution.routes]
    rates = one_stop_rates(inst)
    needed = {u.village_code: days_needed(inst, routes, u.village_code, rates) for u in waiting}
    if codes is not None:
        chosen = [u for c in codes for u in waiting if u.village_code == c]
    else:
        # the villages a change would reach first (fewest extra team-days, then worth most
        # per hour of team time)
        chosen = sorted(waiting, key=lambda u: (needed[u.village_code], -_rate(u),
                                                u.village_code))[:rp.villages]
    out: dict[str, Remedy] = {}
    # first pass: the smallest change with the village placed on it (one re-plan each), so
    # every village tried gets a verified suggestion; then, round by round while time is
    # left, the changes alone (smallest first), which replace it when they verify
    alone: dict[str, list[tuple[Change, str, str]]] = {}
    for u in chosen:
        if budget.left() <= 0.05:
            break
        t0 = time.monotonic()
        found = _placing(inst, built, routes, u, params, run, budget, needed[u.village_code])
        if found is not None:
            out[u.village_code] = replace(found, seconds=round(time.monotonic() - t0, 2))
        if u.reason.code != "search_gap":
            alone[u.village_code] = [
                (c, tid, ten) for c, _t, tid, ten in
                _changes(inst, built, _with_short(inst, routes, u), params,
                         needed[u.village_code])
                # one extra day alone is not tried when the estimate says more are needed
                if not (len(c.extra_days) == 1 and needed[u.village_code] > 1)]
    for step in range(max((len(v) for v in alone.values()), default=0)):
        for code, cands in alone.items():
            if budget.left() <= 0.05 or step >= len(cands):
                continue
            if code in out and out[code].kind == "change":
                continue
            change, tid, ten = cands[step]
            t0 = time.monotonic()
            if _try(inst, built, routes, code, change, None, params, run, budget):
                spent = (out[code].seconds if code in out else 0.0) + time.monotonic() - t0
                out[code] = Remedy(code, "change", change,
                                   f"{tid} (teruji: rencana ulang menjadwalkan desa ini)",
                                   f"{ten} (verified: a re-plan schedules this village)",
                                   round(spent, 2))
    return out


def _rate(u: Unscheduled) -> float:
    return float(u.reason.figures.get("value_per_hour", 0.0))


def one_stop_rates(inst: Instance) -> list[tuple[float, int]]:
    """``(value per hour, seconds)`` of each visit as a one-stop day of its best team-day
    (round trip from the base plus time at the stop); ``(0, 0)`` when no team-day may go."""
    out = []
    for x, v in enumerate(inst.visits):
        best = (0.0, 0)
        for k, veh in enumerate(inst.vehicles):
            if not inst.allowed(x, k):
                continue
            secs = (int(inst.duration_s[veh.start_location, v.location])
                    + int(inst.duration_s[v.location, veh.end_location])
                    + inst.service_time_s(x, k))
            rate = v.prize / 100 / max(1, secs) * 3600
            if rate > best[0]:
                best = (rate, secs)
        out.append(best)
    return out


def days_needed(inst: Instance, routes: Sequence[Sequence[int]], code: str,
                rates: Sequence[tuple[float, int]] | None = None) -> int:
    """How many extra team-days a re-plan likely fills before it reaches village ``code``:
    the time of the visits left out that are worth more per hour (chunks of visited villages
    included), and its own, in days of the shortest shift."""
    rates = one_stop_rates(inst) if rates is None else rates
    on = {i for r in routes for i in r}
    mine = [x for x, v in enumerate(inst.visits) if v.village_code == code]
    if not mine:
        return 1
    own = max(mine, key=lambda x: rates[x][0])
    ahead = sum(rates[x][1] for x, v in enumerate(inst.visits)
                if x not in on and v.village_code != code and rates[x][0] > rates[own][0])
    day = min(v.shift_end_s - v.shift_start_s for v in inst.vehicles)
    return max(1, math.ceil((ahead + rates[own][1]) / max(3600, day)))


def _placing(inst: Instance, built: BuiltProblem, routes: list[list[int]], u: Unscheduled,
             params: PlanningParams, run: Replan, budget: _Budget, needed: int = 1
             ) -> Remedy | None:
    """An edit (a village the search missed), or the smallest change of each kind with the
    village placed on the changed team-day, verified by a re-plan."""
    code = u.village_code
    if u.reason.code == "search_gap":
        vid = str(u.reason.figures.get("vehicle_id", ""))
        where = next((i for i, v in enumerate(inst.vehicles) if v.vehicle_id == vid), None)
        if where is None:
            return None
        name = _name(built, inst.vehicles[where].team_id)
        day = inst.vehicles[where].date
        return Remedy(code, "edit", Change(),
                      f"Tambahkan desa ini ke {name} pada {day_id(day)} di halaman sunting "
                      "(sudah diperiksa: rencana tetap memenuhi aturan)",
                      f"Add this village to {name} on {day_en(day)} on the edit page "
                      "(checked: the plan still keeps the rules)", 0.0)
    cands = _changes(inst, built, _with_short(inst, routes, u), params, needed)
    kinds: set[tuple[bool, bool, bool]] = set()
    for change, target, tid, ten in cands:
        kind = (change.longer is not None, change.boat_team is not None,
                bool(change.extra_days))
        if target is None or kind in kinds:
            continue
        kinds.add(kind)
        if _try(inst, built, routes, code, change, target, params, run, budget):
            return Remedy(code, "change_and_place", change,
                          f"{tid}, lalu tempatkan desa ini pada hari-tim itu di halaman sunting "
                          "(teruji: rencana ulang mempertahankannya; tanpa ditempatkan, "
                          f"perkiraan perlu {id_num(needed, 0)} hari-tim tambahan)",
                          f"{ten}, then place this village on that team-day on the edit page "
                          "(verified: a re-plan keeps it; without placing it, about "
                          f"{needed} more team-days would be needed)", 0.0)
    return None


def _with_short(inst: Instance, routes: Sequence[Sequence[int]], u: Unscheduled) -> Unscheduled:
    """``u`` with ``short_min``: how much longer its best team-day would need to be to take
    it as well as what it does now (for a capacity reason)."""
    figs = u.reason.figures
    if "short_min" in figs or "vehicle_id" not in figs or "added_min" not in figs:
        return u
    from planner.why import route_duration

    k = next((i for i, v in enumerate(inst.vehicles) if v.vehicle_id == figs["vehicle_id"]),
             None)
    if k is None:
        return u
    veh = inst.vehicles[k]
    used = route_duration(inst, k, routes[k])
    # the village's time there (added after the removal) on top of the whole day as it is
    need = used + float(figs["added_min"]) * 60 - (veh.shift_end_s - veh.shift_start_s)
    figs = {**figs, "short_min": max(1, math.ceil(need / 60))}
    return replace(u, reason=replace(u.reason, figures=figs))


def _default_replan(params: PlanningParams) -> Replan:
    def run(inst: Instance, limit: float, start: Sequence[Sequence[int]]) -> Solution:
        from planner.solver import solve

        return solve(inst, time_limit_s=limit, seed=params.solver.seed, initial_routes=start)

    return run


def _remedies_until(plan: Plan, built: BuiltProblem, solution: Solution,
                    params: PlanningParams, deadline: float) -> dict[str, Remedy]:
    """:func:`remedies_for` in a child process, re-planning in it, until wall-clock
    ``deadline`` (``time.time()``: the child's start-up counts against the budget)."""
    return remedies_for(plan, built, solution, params,
                        budget_s=max(0.0, deadline - time.time()))


def add_remedies(plan: Plan, built: BuiltProblem, solution: Solution,
                 params: PlanningParams, *, replan: Replan | None = None) -> Plan:
    """``plan`` with verified remedies for its waiting villages (when ``[remedies]`` is on).

    Without ``replan``, the search for remedies and all its re-plans run in one child
    process (the search is not loaded into the caller, e.g. the web worker); its start-up
    counts against the budget.
    """
    rp = params.remedies
    if not rp.enabled or rp.villages <= 0 or not plan.unscheduled or not solution.routes:
        return plan
    if replan is not None:
        return with_remedies(plan, remedies_for(plan, built, solution, params, replan=replan))
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    deadline = time.time() + rp.budget_share * params.solver.time_limit_s
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    try:
        with ProcessPoolExecutor(1, mp_context=mp.get_context(method)) as pool:
            found = pool.submit(_remedies_until, plan, built, solution, params,
                                deadline).result(timeout=max(30.0, 3 * (deadline - time.time())))
    except Exception:  # a failed remedy search leaves the plan as it is (said in the log)
        logging.getLogger(__name__).warning("remedy search failed", exc_info=True)
        return plan
    return with_remedies(plan, found)


def with_remedies(plan: Plan, remedies: dict[str, Remedy]) -> Plan:
    """``plan`` whose waiting villages carry their verified remedy as what it would take."""
    if not remedies:
        return plan
    waiting = []
    for u in plan.unscheduled:
        r = remedies.get(u.village_code)
        if r is not None:
            figs = {**u.reason.figures, "remedy": r.kind}
            u = replace(u, reason=replace(u.reason, what_id=r.text_id, what_en=r.text_en,
                                          figures=figs))
        waiting.append(u)
    return replace(plan, unscheduled=tuple(waiting))
