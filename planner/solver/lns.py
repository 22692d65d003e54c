"""A fast ruin-and-recreate loop (numpy, compiled kernels) between the OR-Tools rounds.

Each step removes a few visits (near a random visit, a stretch of one route, or at random),
shortens the touched routes with 2-opt (each reversal re-timed where windows or asymmetric
travel make that necessary), and re-inserts by noisy prize density (:func:`insert_greedy`).
Acceptance is simulated annealing on ``prize - travel_s / travel_per_prize``, so a plan that
keeps the prize but travels less (more room for the next insertion) is an improvement too.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.instance import Instance
from planner.solver import kernels
from planner.solver.insertion import Tables, insert_greedy

Routes = tuple[tuple[int, ...], ...]
#: 2-opt results kept before the cache starts afresh.
_CACHE_SIZE = 8192


@dataclass(frozen=True)
class LnsParams:
    """Knobs of the ruin-and-recreate loop (defaults measured in docs/benchmarks.md)."""

    #: Start and end temperature, in mean prizes.
    t_start: float = 1.0
    t_end: float = 0.03
    #: Largest share of routed visits one ruin removes.
    ruin_max: float = 0.3
    #: Random factor on insertion scores: ``1 + noise * U(0, 1)``.
    noise: float = 0.3
    #: Chance that removed visits may only come back after the others were tried.
    exclude_prob: float = 0.3
    #: Exponents of the prize in the insertion score, one drawn per step.
    powers: tuple[float, ...] = (1.0, 2.0)
    #: Chance of emptying one route and restarting it from a far, valuable visit (with the
    #: search's restarts this moved the hard dev set's mean gap 1.74 -> 1.15 %).
    route_ruin: float = 0.1


class RuinRecreate:
    """State of the loop: the current plan, its value, and the temperature schedule."""

    def __init__(self, instance: Instance, rng: random.Random, travel_per_prize: float,
                 params: LnsParams | None = None) -> None:
        self.p = params or LnsParams()
        self.inst = instance
        self.rng = rng
        self.unit = max(travel_per_prize, 1e-9)
        dur = instance.duration_s
        self.symmetric = bool(np.array_equal(dur, dur.T))
        self.prize = np.array([v.prize for v in instance.visits], dtype=np.int64)
        # The per-visit arrays of the insertion tables, shared rather than built twice.
        t = self.tables = Tables(instance)
        self.loc, self.open, self.close, self.windowed = t.loc, t.open, t.close, t.windowed
        #: Service time of each visit, one contiguous row per vehicle.
        self.service_t = t.service_t
        mean_prize = float(self.prize[self.prize > 0].mean()) if (self.prize > 0).any() else 1.0
        self.t_start = self.p.t_start * mean_prize
        self.t_end = self.p.t_end * mean_prize
        #: Best annealing value of the current trajectory, and the step count when it was set.
        self.trajectory_best = -math.inf
        self.steps = 0
        self.improved_at = 0
        #: 2-opt results by (vehicle, route): most routes are untouched from step to step.
        self._shortened: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = {}

    def note(self, routes: Routes) -> None:
        """Count ``routes`` (a plan the trajectory reached) towards the stall detection."""
        val = self.value(routes)
        if val > self.trajectory_best + 1e-9:
            self.trajectory_best = val
            self.improved_at = self.steps

    def restart(self) -> None:
        """Forget the trajectory's best: a new trajectory starts."""
        self.trajectory_best = -math.inf
        self.improved_at = self.steps

    def value(self, routes: Routes) -> float:
        """Annealing value: prize minus travel converted to prize units."""
        prize = sum(int(self.prize[list(r)].sum()) for r in routes if r)
        return prize - self.travel(routes) / self.unit

    def travel(self, routes: Routes) -> int:
        """Total travel duration of ``routes``."""
        inst = self.inst
        total = 0
        for k, r in enumerate(routes):
            if not r:
                continue
            veh = inst.vehicles[k]
            locs = np.concatenate([[veh.start_location], self.loc[list(r)],
                                   [veh.end_location]]).astype(np.int64)
            total += int(inst.duration_s[locs[:-1], locs[1:]].sum())
        return total

    def _timed_travel(self, k: int, order: list[int]) -> int | None:
        """Travel of ``order`` on vehicle ``k``, or ``None`` when a window or the shift breaks."""
        veh = self.inst.vehicles[k]
        travel = kernels.timed_travel(
            self.inst.duration_s, veh.start_location, veh.end_location,
            np.array(order, dtype=np.int64), self.loc, self.open, self.close,
            self.service_t[k], veh.shift_start_s, veh.shift_end_s)
        return None if travel < 0 else int(travel)

    def two_opt(self, k: int, route: tuple[int, ...]) -> tuple[int, ...]:
        """2-opt of one route (cached: the result depends on the route alone).

        With windows or asymmetric travel each reversal is re-timed (the best dozen by travel
        gain, in order); otherwise the best reversal is taken while one shortens the route.
        """
        if len(route) < 3:
            return route
        key = (k, route)
        hit = self._shortened.get(key)
        if hit is None:
            if len(self._shortened) >= _CACHE_SIZE:
                self._shortened.clear()
            veh = self.inst.vehicles[k]
            order = np.array(route, dtype=np.int64)
            exact = self.symmetric and not self.windowed[order].any()
            hit = self._shortened[key] = tuple(kernels.two_opt(
                self.inst.duration_s, veh.start_location, veh.end_location, order,
                bool(exact), self.loc, self.open, self.close, self.service_t[k],
                veh.shift_start_s, veh.shift_end_s).tolist())
        return hit

    def ruin(self, routes: Routes) -> Routes:
        """Remove a few visits, never pinned ones."""
        inst, rng = self.inst, self.rng
        routed = [i for r in routes for i in r if inst.visits[i].pinned_vehicle is None]
        if not routed:
            return routes
        count = rng.randint(1, max(1, min(40, int(self.p.ruin_max * len(routed)))))
        kind = rng.random()
        if kind < self.p.route_ruin:
            return self._reseed(routes)
        elif kind < 0.5:
            here = self.loc[rng.choice(routed)]
            dist = self.inst.duration_s[here, self.loc[routed]]
            removed = {routed[j] for j in np.argsort(dist, kind="stable")[:count]}
        elif kind < 0.8:
            k = rng.choice([k for k, r in enumerate(routes) if r])
            r = routes[k]
            length = min(len(r), count)
            at = rng.randint(0, len(r) - length)
            removed = {i for i in r[at:at + length] if inst.visits[i].pinned_vehicle is None}
        else:
            removed = set(rng.sample(routed, count))
        return tuple(tuple(i for i in r if i not in removed) for r in routes)

    def _reseed(self, routes: Routes) -> Routes:
        """Empty one route and restart it from a far, valuable visit (a new route shape).

        Greedy insertion grows a route from its depot outwards by prize per second, so it
        never sends a team to a distant cluster of big prizes; a seed out there does.
        """
        inst, rng = self.inst, self.rng
        k = rng.randrange(len(routes))
        if any(inst.visits[i].pinned_vehicle is not None for i in routes[k]):
            return routes
        veh = inst.vehicles[k]
        taken = {i for j, r in enumerate(routes) if j != k for i in r}
        if self.tables.any_conflict:  # nor a visit that would serve a village twice
            taken |= {int(c) for i in list(taken) for c in self.tables.conflicts[i]}
        far = inst.duration_s[veh.start_location, self.loc] + inst.duration_s[
            self.loc, veh.end_location]
        order = np.argsort(-(self.prize * far), kind="stable")
        # Lazily: the first five that fit, without timing every visit of a large instance.
        picks = list(itertools.islice(
            (int(i) for i in order if int(i) not in taken and self.prize[i] > 0
             and self.tables.allowed[i, k]
             and (veh.capacity is None or self.tables.demand[i] <= veh.capacity)
             and self._timed_travel(k, [int(i)]) is not None), 5))
        out = list(routes)
        out[k] = (rng.choice(picks),) if picks else ()
        return tuple(out)

    def step(self, current: Routes, temperature: float) -> Routes:
        """One ruin, 2-opt and recreate step; returns the candidate plan."""
        ruined = self.ruin(current)
        removed = {i for r in current for i in r} - {i for r in ruined for i in r}
        shortened = tuple(self.two_opt(k, r) for k, r in enumerate(ruined))
        # Others first: the removed visits may only come back where room is left, so a step
        # cannot simply undo its own ruin.
        p = self.p
        power = self.rng.choice(p.powers)
        exclude = sorted(removed) if self.rng.random() < p.exclude_prob else ()
        others, _ = insert_greedy(self.inst, shortened, tables=self.tables, rng=self.rng,
                                  noise=p.noise, exclude=exclude, power=power)
        rebuilt = others
        if exclude:
            rebuilt, _ = insert_greedy(self.inst, others, tables=self.tables, rng=self.rng,
                                       noise=p.noise, power=power)
        tidy = tuple(self.two_opt(k, r) for k, r in enumerate(rebuilt))
        if tidy == rebuilt:
            return tidy
        final, _ = insert_greedy(self.inst, tidy, tables=self.tables)
        return final

    def run(self, start: Routes, *, until: float, max_steps: int | None,
            offer: Callable[[Routes], bool], progress_of_time: Callable[[], float]
            ) -> Routes:
        """Anneal from ``start`` until the monotonic clock reaches ``until``.

        ``offer`` receives every improving candidate; ``progress_of_time`` says how far the
        whole search is (0..1) and sets the temperature.
        """
        current, cur_val = start, self.value(start)
        self.note(start)
        steps = 0
        while time.monotonic() < until and (max_steps is None or steps < max_steps):
            frac = min(1.0, max(0.0, progress_of_time()))
            temp = self.t_start * (self.t_end / self.t_start) ** frac
            cand = self.step(current, temp)
            val = self.value(cand)
            if val >= cur_val or self.rng.random() < math.exp((val - cur_val) / temp):
                current, cur_val = cand, val
                offer(cand)
                if val > self.trajectory_best + 1e-9:
                    self.trajectory_best, self.improved_at = val, self.steps
            steps += 1
            self.steps += 1
        return current
