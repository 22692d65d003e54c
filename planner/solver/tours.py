"""Multi-day trips in the search: night places are chosen together with the day routes.

A tour's days are vehicles chained by their night places (``ends``): fixing ``ends`` gives an
ordinary instance (each day from its chained start to its night place), which the day search
(:func:`planner.solver.search.core_search`) solves.  Around it, the night places are searched:

1. *Screening* (a third of the time at most): one greedy insertion per night sequence (all
   sequences of a tour when few, else random ones), then a climb of the best by single-night
   changes; the best 24 get a quick plan (insertion, 2-opt of each day, insertion again).
   Sequences whose direct legs do not fit a day, with too many nights away in a row, or whose
   nights alone break the budget, are never tried.
2. *Successive halving* (until 60 % of the time): the eight best sequences get the day search
   in turns; the weaker half drops out after each turn, the survivors continue from their
   own plans.
3. *Night moves and the incumbent*: for single-night changes of the best plan, the two days
   around the changed night keep what the new start or end allows and are re-planned
   quickly; two days may also trade their visits (:meth:`TourSearch.swapped_days`); a move
   that looks better gets a short day search, and the incumbent's nights get most of the
   remaining time in long day searches from its plan.

In the deterministic mode (``solution_limit``) every phase is bounded by counts, not by the
clock, so a seed gives the same routes and nights.

A plan counts only when :func:`~planner.checking.check_routes` passes it with its ``ends``
(chain, night places, nights away, budget).  Prize first, then travel, as everywhere.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.checking import check_routes, tour_days
from planner.instance import Instance
from planner.solution import ProgressCallback, Solution, SolveStatus
from planner.solver import kernels
from planner.solver.insertion import Tables, insert_greedy

if TYPE_CHECKING:
    from planner.solver.search import SearchConfig

Routes = tuple[tuple[int, ...], ...]
Ends = tuple[int, ...]
#: Most night sequences of one tour enumerated whole; above, sequences are sampled.
ENUMERATE_CAP = 4000
#: Night sequences that enter the successive halving.
HALVING_START = 8
#: Share of the time limit by which the halving ends (the night moves get the rest).
HALVING_UNTIL = 0.6
#: Most single-night changes re-planned per round of night moves.
MOVES_PER_ROUND = 30
#: Most pairs of days whose visits are traded per round.
SWAPS_PER_ROUND = 10


def has_tours(instance: Instance) -> bool:
    """Whether any vehicle is a day of a multi-day tour."""
    return any(v.tour is not None for v in instance.vehicles)


def default_ends(instance: Instance) -> Ends:
    """Each vehicle's ``end_location`` (the instance's current night choice)."""
    return tuple(v.end_location for v in instance.vehicles)


def chained(instance: Instance, ends: Sequence[int]) -> Instance:
    """The instance with every tour day running from its chained start to ``ends``."""
    vehicles = list(instance.vehicles)
    for days in tour_days(instance).values():
        prev: int | None = None
        for k in days:
            veh = vehicles[k]
            start = veh.start_location if prev is None else prev
            vehicles[k] = dataclasses.replace(veh, start_location=start, end_location=ends[k])
            prev = ends[k]
    return dataclasses.replace(instance, vehicles=tuple(vehicles))


def night_days(instance: Instance) -> list[tuple[int, tuple[int, ...]]]:
    """``(vehicle, night options)`` of every tour day that is not its tour's last."""
    out = []
    for days in tour_days(instance).values():
        for k in days[:-1]:
            veh = instance.vehicles[k]
            options = veh.night_options if veh.night_options is not None \
                else (veh.end_location,)
            out.append((k, tuple(dict.fromkeys(options))))
    return out


def ends_ok(instance: Instance, ends: Sequence[int]) -> bool:
    """Whether ``ends`` can carry a plan at all: every direct leg of a tour day fits its
    shift, the nights away in a row stay within the limit, and the nights fit the budget."""
    vehicles = instance.vehicles
    dur = instance.duration_s
    nights = 0
    for days in tour_days(instance).values():
        base = vehicles[days[0]].start_location
        limit = vehicles[days[0]].max_nights_away
        here = base
        run = 0
        for pos, k in enumerate(days):
            veh = vehicles[k]
            if here != ends[k] and veh.shift_start_s + dur[here, ends[k]] > veh.shift_end_s:
                return False
            if pos < len(days) - 1:
                if ends[k] != base:
                    run += 1
                    nights += veh.night_rp + instance.locations[ends[k]].lodging_rp
                else:
                    run = 0
                if run > limit:
                    return False
            here = ends[k]
    return instance.budget_rp is None or nights <= instance.budget_rp


def budget_trim(instance: Instance, routes: Routes) -> Routes:
    """Drop visits, least prize per rupiah saved first, until the plan keeps the budget.

    ``instance`` has its ends fixed (see :func:`chained`); returns ``routes`` unchanged when
    there is no budget or nothing to drop helps.
    """
    budget = instance.budget_rp
    if budget is None:
        return routes
    out = [list(r) for r in routes]
    for _ in range(sum(len(r) for r in out) + 1):
        report = check_routes(instance, out)
        if report.cost_rp <= budget:
            return tuple(tuple(r) for r in out)
        best: tuple[float, int, int] | None = None
        for k, r in enumerate(out):
            for pos, i in enumerate(r):
                if instance.visits[i].pinned_vehicle is not None:
                    continue
                trial = out[k][:pos] + out[k][pos + 1:]
                saved = report.schedules[k].cost_rp - _route_cost(instance, k, trial)
                ratio = instance.visits[i].prize / max(saved, 1)
                if best is None or ratio < best[0]:
                    best = (ratio, k, pos)
        if best is None:
            break
        del out[best[1]][best[2]]
    return routes


def _route_cost(instance: Instance, k: int, route: list[int]) -> int:
    routes: list[list[int]] = [[] for _ in instance.vehicles]
    routes[k] = route
    return check_routes(instance, routes).schedules[k].cost_rp


class _Best:
    """The best plan over all night sequences, checked with its ``ends``."""

    def __init__(self, instance: Instance, progress: ProgressCallback | None,
                 observer: Any, started: float) -> None:
        self.instance = instance
        self.progress = progress
        self.observer = observer
        self.started = started
        self.prize_of = np.array([v.prize for v in instance.visits], dtype=np.int64)
        self.routes: Routes | None = None
        self.ends: Ends = default_ends(instance)
        self.key = (-1, 0)
        self.first_feasible_s: float | None = None
        self.history: list[tuple[float, int, int]] = []

    def offer(self, routes: Sequence[Sequence[int]], ends: Ends) -> bool:
        rt: Routes = tuple(tuple(r) for r in routes)
        prize = int(sum(int(self.prize_of[list(r)].sum()) for r in rt if r))
        if prize < self.key[0]:
            return False
        report = check_routes(self.instance, rt, ends=ends)
        key = (report.prize, -report.travel_s)
        if not report.ok or key <= self.key:
            return False
        self.routes, self.ends, self.key = rt, tuple(ends), key
        elapsed = time.monotonic() - self.started
        if self.first_feasible_s is None:
            self.first_feasible_s = elapsed
        self.history.append((elapsed, report.prize, report.travel_s))
        if self.progress is not None:
            self.progress(elapsed, report.prize, report.travel_s)
        if self.observer is not None:
            self.observer(rt, elapsed, report.prize, report.travel_s, tuple(ends))
        return True


class TourSearch:
    """The night-place search around the day search (see the module docstring)."""

    def __init__(self, instance: Instance, *, time_limit_s: float, seed: int,
                 solution_limit: int | None, config: SearchConfig | None,
                 best: _Best) -> None:
        self.inst = instance
        self.started = best.started
        self.deadline = self.started + time_limit_s
        self.time_limit_s = time_limit_s
        self.seed = seed
        self.rng = random.Random(seed)
        self.det = solution_limit is not None
        self.solution_limit = solution_limit
        self.config = config
        self.best = best
        self.tables = Tables(instance)
        self.nights = night_days(instance)
        self._derived: dict[Ends, Instance] = {}
        #: Best plan found for each night sequence tried with the day search.
        self.plans: dict[Ends, tuple[tuple[int, int], Routes]] = {}
        self.searched = 0
        self.screened = 0

    # -- helpers -------------------------------------------------------------------------
    def derived(self, ends: Ends) -> Instance:
        hit = self._derived.get(ends)
        if hit is None:
            if len(self._derived) > 20000:
                self._derived.clear()
            hit = self._derived[ends] = chained(self.inst, ends)
        return hit

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def quick(self, ends: Ends, routes: Sequence[Sequence[int]]) -> tuple[tuple[int, int],
                                                                            Routes]:
        """A quick plan for ``ends`` grown from ``routes``: insert, 2-opt, insert."""
        inst = self.derived(ends)
        t = self.tables
        best_key: tuple[int, int] = (-1, 0)
        best_routes: Routes = tuple(tuple(r) for r in routes)
        for power in (1.0, 2.0):
            plan, _ = insert_greedy(inst, routes, tables=t, power=power)
            for _ in range(2):
                tidy = tuple(self._two_opt(inst, k, r) for k, r in enumerate(plan))
                plan, _ = insert_greedy(inst, tidy, tables=t, power=power)
            if inst.budget_rp is not None:
                plan = budget_trim(inst, plan)
            key = self._key(inst, plan)
            if key > best_key:
                best_key, best_routes = key, plan
        return best_key, best_routes

    def _two_opt(self, inst: Instance, k: int, route: tuple[int, ...]) -> tuple[int, ...]:
        if len(route) < 3:
            return route
        veh = inst.vehicles[k]
        t = self.tables
        order = np.array(route, dtype=np.int64)
        return tuple(kernels.two_opt(
            inst.duration_s, veh.start_location, veh.end_location, order,
            bool(not t.windowed[order].any() and self._symmetric), t.loc, t.open, t.close,
            t.service_t[k], veh.shift_start_s, veh.shift_end_s).tolist())

    @property
    def _symmetric(self) -> bool:
        sym = getattr(self, "_sym", None)
        if sym is None:
            d = self.inst.duration_s
            sym = self._sym = bool(np.array_equal(d, d.T))
        return sym

    def _key(self, inst: Instance, routes: Routes) -> tuple[int, int]:
        report = check_routes(inst, routes)
        if not report.ok:
            return (-1, 0)
        return (report.prize, -report.travel_s)

    def day_search(self, ends: Ends, routes: Routes | None, limit_s: float,
                   seed: int) -> tuple[tuple[int, int], Routes] | None:
        """The day search on ``ends`` from ``routes`` for ``limit_s`` seconds."""
        from planner.solver.search import core_search

        inst = self.derived(ends)
        # deterministic mode: rounds stop the day search; the time limit only caps it
        limit = max(0.0, self.left()) if self.det else min(limit_s, max(0.0, self.left()))
        if limit <= 0.02:
            return None
        rounds = None
        if self.det:
            rounds = max(1, (self.solution_limit or 1) // 4)
        sol = core_search(inst, time_limit_s=limit, seed=seed, solution_limit=rounds,
                          initial_routes=routes, config=self.config)
        self.searched += 1
        if sol.status not in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL):
            return None
        key = (sol.prize, -sol.travel_s)
        self.best.offer(sol.routes, ends)
        old = self.plans.get(ends)
        if old is None or key > old[0]:
            self.plans[ends] = (key, sol.routes)
        return key, sol.routes

    # -- candidate night sequences ---------------------------------------------------------
    def candidates(self, start: Ends, budget: int) -> list[Ends]:
        """Night sequences to screen: ``start`` first, then every feasible sequence of each
        tour (when few), else random ones."""
        out: list[Ends] = [start]
        seen = {start}
        tours = tour_days(self.inst)
        options = dict(self.nights)
        for days in tours.values():
            free = [k for k in days if k in options]
            if not free:
                continue
            count = 1
            for k in free:
                count *= len(options[k])
            if count <= min(ENUMERATE_CAP, budget):
                combos: Any = itertools.product(*(options[k] for k in free))
            else:
                combos = (tuple(self.rng.choice(options[k]) for k in free)
                          for _ in range(budget))
            for combo in combos:
                ends = list(start)
                for k, h in zip(free, combo, strict=True):
                    ends[k] = h
                e = tuple(ends)
                if e not in seen and ends_ok(self.inst, e):
                    seen.add(e)
                    out.append(e)
        return out

    def _cheap(self, e: Ends, cheap: dict[Ends, tuple[int, int]], empty: Routes
               ) -> tuple[int, int]:
        """One greedy insertion for ``e`` (stage 1 of the screening), kept in ``cheap``."""
        inst = self.derived(e)
        plan, _ = insert_greedy(inst, empty, tables=self.tables)
        # insertion keeps every rule: score without the full check (offer() checks)
        prize = int(sum(self.tables.prize[list(r)].sum() for r in plan if r))
        travel = 0
        dur = inst.duration_s
        for k, r in enumerate(plan):
            veh = inst.vehicles[k]
            locs = [veh.start_location, *(int(self.tables.loc[i]) for i in r),
                    veh.end_location]
            travel += int(dur[locs[:-1], locs[1:]].sum())
        cheap[e] = (prize, -travel)
        if prize >= self.best.key[0]:
            self.best.offer(plan, e)
        self.screened += 1
        return cheap[e]

    def neighbours(self, ends: Ends) -> list[Ends]:
        """Every sequence that differs from ``ends`` in one night."""
        out = []
        for k, options in self.nights:
            for h in options:
                if h != ends[k]:
                    e = list(ends)
                    e[k] = h
                    te = tuple(e)
                    if ends_ok(self.inst, te):
                        out.append(te)
        return out

    def _next_day(self, k: int) -> int | None:
        for days in tour_days(self.inst).values():
            if k in days[:-1]:
                return days[days.index(k) + 1]
        return None

    def reopt_two_days(self, routes: Routes, old: Ends, new: Ends
                       ) -> tuple[tuple[int, int], Routes]:
        """Quick plan for ``new`` from ``routes``: the days around each changed night keep
        their visits as far as the new start or end allows (the visits whose removal saves
        the most time per prize go first), then everything is re-planned by insertion."""
        inst = self.derived(new)
        touched = set()
        for k, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                touched.add(k)
                nxt = self._next_day(k)
                if nxt is not None:
                    touched.add(nxt)
        return self.quick(new, self._repair(inst, routes, touched))

    def _repair(self, inst: Instance, routes: Sequence[Sequence[int]], touched: set[int]
                ) -> list[list[int]]:
        """``routes`` with the ``touched`` days cut down until each fits its day: the visits
        whose removal saves the most time per prize go first."""
        t = self.tables
        base = [list(r) for r in routes]
        for k in touched:
            veh = inst.vehicles[k]
            r = base[k]
            while r and self._travel_of(inst, k, r) < 0:
                locs = [veh.start_location, *(int(t.loc[i]) for i in r), veh.end_location]
                dur = inst.duration_s
                worst, at = -1.0, 0
                for pos, i in enumerate(r):
                    saved = (dur[locs[pos], locs[pos + 1]] + dur[locs[pos + 1], locs[pos + 2]]
                             - dur[locs[pos], locs[pos + 2]] + t.service_t[k][i])
                    ratio = float(saved) / (t.prize[i] + 1e-9)
                    if inst.visits[i].pinned_vehicle is None and ratio > worst:
                        worst, at = ratio, pos
                if worst < 0:
                    break
                del r[at]
        return base

    def swapped_days(self, ends: Ends, routes: Routes
                     ) -> list[tuple[tuple[int, int], Ends, Routes]]:
        """Quick plans where two days of a tour trade their visits (each put in its best
        direction, shortened by 2-opt and cut to fit), the rest re-planned by insertion.

        The day search moves visits between days but never a whole day's villages: with two
        days between different places (out to a night place, back from it), the plan where
        they trade regions is out of its reach (OPHS ``T1-70-1-2``: 245 against 260).
        """
        inst = self.derived(ends)
        out = []
        pairs = [(a, b) for days in tour_days(self.inst).values()
                 for a, b in itertools.combinations(days, 2) if routes[a] or routes[b]]
        if len(pairs) > SWAPS_PER_ROUND:
            pairs = self.rng.sample(pairs, SWAPS_PER_ROUND)
        for a, b in pairs:
            r = [list(x) for x in routes]
            r[a], r[b] = list(routes[b]), list(routes[a])
            for k in (a, b):
                if r[k]:
                    fwd = self._two_opt(inst, k, tuple(r[k]))
                    back = self._two_opt(inst, k, tuple(reversed(r[k])))
                    tf, tb = self._travel_of(inst, k, list(fwd)), \
                        self._travel_of(inst, k, list(back))
                    r[k] = list(back if (tf < 0 <= tb) or (0 <= tb < tf) else fwd)
            key, plan = self.quick(ends, self._repair(inst, r, {a, b}))
            out.append((key, ends, plan))
        return out

    def _travel_of(self, inst: Instance, k: int, route: list[int]) -> int:
        veh = inst.vehicles[k]
        t = self.tables
        return int(kernels.timed_travel(
            inst.duration_s, veh.start_location, veh.end_location,
            np.array(route, dtype=np.int64), t.loc, t.open, t.close, t.service_t[k],
            veh.shift_start_s, veh.shift_end_s))

    # -- the search ----------------------------------------------------------------------
    def run(self, start: Ends, initial: Routes | None) -> None:
        t0 = time.monotonic()
        total = self.time_limit_s
        empty: Routes = tuple(() for _ in self.inst.vehicles)
        # 1. screening
        screen_until = t0 + 0.33 * total
        pool: dict[Ends, tuple[tuple[int, int], Routes]] = {}
        if initial is not None:
            pool[start] = (self._key(self.derived(start), initial), initial)
        # stage 1: one greedy insertion per sequence, over as many sequences as time allows
        cands = self.candidates(start, 3000)
        cheap: dict[Ends, tuple[int, int]] = {}
        stage1_until = t0 + 0.25 * total
        order = cands
        sample_until = t0 + 0.08 * total
        for e in dict.fromkeys(order):
            if not self.det and time.monotonic() > sample_until and len(cheap) >= 8:
                break
            if self.det and len(cheap) >= 300:
                break
            self._cheap(e, cheap, empty)
        # then climb: single-night changes of the best sequences, first improvement
        climbed: set[Ends] = set()
        while self.det or time.monotonic() < stage1_until:
            tops = [e for e in sorted(cheap, key=lambda x: cheap[x], reverse=True)[:3]
                    if e not in climbed]
            if not tops:
                break
            e = tops[0]
            climbed.add(e)
            for n in self.neighbours(e):
                if n in cheap:
                    continue
                if (not self.det and time.monotonic() > stage1_until) or (
                        self.det and len(cheap) >= 600):
                    break
                if self._cheap(n, cheap, empty) > cheap[e]:
                    break
            if self.det and len(cheap) >= 600:
                break
        # stage 2: the quick plan for the best of them
        for e in sorted(cheap, key=lambda x: cheap[x], reverse=True)[:24]:
            if not self.det and time.monotonic() > screen_until and len(pool) >= 2:
                break
            got = self.quick(e, empty)
            self.best.offer(got[1], e)
            pool[e] = max(pool.get(e, ((-1, 0), empty)), got, key=lambda x: x[0])
        # single-night changes of the best few, while they improve
        for _ in range(3):
            if not self.det and time.monotonic() > screen_until:
                break
            ranked = sorted(pool.items(), key=lambda kv: kv[1][0], reverse=True)[:3]
            grew = False
            for e, (_key, routes) in ranked:
                for n in self.neighbours(e):
                    if n in pool:
                        continue
                    if not self.det and time.monotonic() > screen_until:
                        break
                    pool[n] = self.reopt_two_days(routes, e, n)
                    grew = grew or pool[n][0] > ranked[0][1][0]
            if not grew:
                break
        for e, (_, routes) in pool.items():
            self.best.offer(routes, e)
        # 2. successive halving over the best sequences
        alive = [e for e, _ in sorted(pool.items(), key=lambda kv: kv[1][0],
                                      reverse=True)[:HALVING_START]]
        plans = {e: pool[e][1] for e in alive}
        halving_until = t0 + HALVING_UNTIL * total
        turn = 0
        while len(alive) > 1 and (self.det or time.monotonic() < halving_until):
            share = (halving_until - time.monotonic()) / (2 * len(alive))
            scores = {}
            for e in alive:
                found = self.day_search(e, plans[e], max(0.05, share), self.seed + turn)
                scores[e] = found[0] if found else (-1, 0)
                if found:
                    plans[e] = found[1]
            alive = sorted(alive, key=lambda e: scores[e], reverse=True)[:max(1,
                                                                              len(alive) // 2)]
            turn += 1
            if self.det and turn > 3:
                break
        # 3. night moves and restarts from the incumbent
        rounds = 0
        while self.left() > 0.05:
            rounds += 1
            if self.det and rounds > 4:
                break
            if self.best.routes is None:
                break
            cur_e, cur_r = self.best.ends, self.best.routes
            moves = []
            near = self.neighbours(cur_e)
            if len(near) > MOVES_PER_ROUND:
                near = self.rng.sample(near, MOVES_PER_ROUND)
            for n in near:
                if self.left() < 0.05:
                    break
                key, routes = self.reopt_two_days(cur_r, cur_e, n)
                self.best.offer(routes, n)
                moves.append((key, n, routes))
            for key, n, routes in self.swapped_days(cur_e, cur_r):
                self.best.offer(routes, n)
                moves.append((key, n, routes))
            moves.sort(key=lambda m: m[0], reverse=True)
            if moves and moves[0][0] > self.best.key:
                # a night move that looks better at once gets its own day search
                self.day_search(moves[0][1], moves[0][2],
                                max(0.1, min(0.15 * total, self.left() / 3)),
                                self.seed + 100 + rounds)
            elif moves and rounds % 2 == 0:
                self.day_search(moves[0][1], moves[0][2],
                                max(0.1, min(0.1 * total, self.left() / 4)),
                                self.seed + 100 + rounds)
            # most of the time: the incumbent's nights, searched on from its plan (the day
            # search converges slowly; short pieces would start it again and again)
            if self.best.routes is not None:
                left = self.left()
                self.day_search(self.best.ends, self.best.routes,
                                left if left < 0.25 * total else max(0.25 * total, left / 2),
                                self.seed + 1000 + rounds)


def run_tour_search(instance: Instance, *, time_limit_s: float, seed: int,
                    solution_limit: int | None = None,
                    progress: ProgressCallback | None = None,
                    initial_routes: Sequence[Sequence[int]] | None = None,
                    initial_ends: Sequence[int] | None = None,
                    config: SearchConfig | None = None, observer: Any = None) -> Solution:
    """Routes and night places of an instance with tours (see the module docstring)."""
    started = time.monotonic()
    best = _Best(instance, progress, observer, started)
    start = default_ends(instance)
    if initial_ends is not None and len(initial_ends) == len(instance.vehicles) \
            and check_routes(instance, [[] for _ in instance.vehicles],
                             ends=initial_ends).ok:
        start = tuple(int(e) for e in initial_ends)
    initial: Routes | None = None
    if initial_routes is not None:
        rt = tuple(tuple(r) for r in initial_routes)
        if check_routes(instance, rt, ends=start).ok:
            initial = rt
            best.offer(rt, start)
    search = TourSearch(instance, time_limit_s=time_limit_s, seed=seed,
                        solution_limit=solution_limit, config=config, best=best)
    if instance.vehicles:
        search.run(start, initial)
    wall = time.monotonic() - started
    if best.routes is None:
        empty = tuple(() for _ in instance.vehicles)
        return Solution(empty, SolveStatus.NO_SOLUTION, wall_s=wall, seed=seed,
                        message="no plan found for any night sequence", ends=best.ends)
    report = check_routes(instance, best.routes, ends=best.ends)
    status = SolveStatus.FEASIBLE if report.ok else SolveStatus.FAILED
    return Solution(best.routes, status, report.prize, report.travel_s, wall,
                    best.first_feasible_s, tuple(best.history), seed,
                    f"{search.screened} night sequence(s) screened, {search.searched} day "
                    f"search(es) over {len(search.plans)}", ends=best.ends)
