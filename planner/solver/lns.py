"""A fast ruin-and-recreate loop in numpy, between the OR-Tools rounds.

Each step removes a few visits (near a random visit, a stretch of one route, or at random),
shortens the touched routes with 2-opt where that is safe (symmetric travel, no windows),
and re-inserts by noisy prize density (:func:`insert_greedy`).  Acceptance is simulated
annealing on ``prize - travel_s / travel_per_prize``, so a plan that keeps the prize but
travels less (more room for the next insertion) is an improvement too.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

import numpy as np

from planner.instance import Instance
from planner.solver.insertion import insert_greedy

Routes = tuple[tuple[int, ...], ...]
T0, T1, RUIN, NOISE, EXCL = 0.3, 0.01, 0.3, 0.3, 0.5
POWERS = (1.0,)


class RuinRecreate:
    """State of the loop: the current plan, its value, and the temperature schedule."""

    def __init__(self, instance: Instance, rng: random.Random, travel_per_prize: float) -> None:
        self.inst = instance
        self.rng = rng
        self.unit = max(travel_per_prize, 1e-9)
        dur = instance.duration_s
        self.symmetric = bool(np.array_equal(dur, dur.T))
        self.prize = np.array([v.prize for v in instance.visits], dtype=np.int64)
        self.windowed = np.array([v.time_window_s is not None for v in instance.visits],
                                 dtype=bool)
        self.loc = np.array([v.location for v in instance.visits], dtype=np.int64)
        mean_prize = float(self.prize[self.prize > 0].mean()) if (self.prize > 0).any() else 1.0
        self.t_start = T0 * mean_prize
        self.t_end = T1 * mean_prize

    def value(self, routes: Routes) -> float:
        """Annealing value: prize minus travel converted to prize units."""
        prize = sum(int(self.prize[list(r)].sum()) for r in routes if r)
        return prize - self.travel(routes) / self.unit

    def travel(self, routes: Routes) -> int:
        """Total travel duration of ``routes``."""
        inst = self.inst
        total = 0
        for k, r in enumerate(routes):
            veh = inst.vehicles[k]
            locs = np.concatenate([[veh.start_location], self.loc[list(r)],
                                   [veh.end_location]]).astype(np.int64)
            total += int(inst.duration_s[locs[:-1], locs[1:]].sum())
        return total

    def two_opt(self, k: int, route: tuple[int, ...]) -> tuple[int, ...]:
        """Best-improvement 2-opt of one route, only when reversal cannot break a rule."""
        if len(route) < 3 or not self.symmetric or self.windowed[list(route)].any():
            return route
        veh = self.inst.vehicles[k]
        order = list(route)
        dur = self.inst.duration_s
        while True:
            locs = np.array([veh.start_location, *self.loc[order], veh.end_location],
                            dtype=np.int64)
            a, b = locs[:-1], locs[1:]
            gain = (dur[np.ix_(a, a)] + dur[np.ix_(b, b)]
                    - dur[a, b][:, None] - dur[a, b][None, :])
            gain = np.triu(gain, 2)
            flat = int(np.argmin(gain))
            i, j = divmod(flat, gain.shape[1])
            if gain[i, j] >= 0:
                return tuple(order)
            # Reverse stops i+1 .. j of the location list = visits i .. j-1.
            order[i:j] = order[i:j][::-1]

    def ruin(self, routes: Routes) -> Routes:
        """Remove a few visits, never pinned ones."""
        inst, rng = self.inst, self.rng
        routed = [i for r in routes for i in r if inst.visits[i].pinned_vehicle is None]
        if not routed:
            return routes
        count = rng.randint(1, max(1, min(40, int(RUIN * len(routed)))))
        kind = rng.random()
        if kind < 0.5:
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

    def step(self, current: Routes, temperature: float) -> Routes:
        """One ruin, 2-opt and recreate step; returns the candidate plan."""
        ruined = self.ruin(current)
        removed = {i for r in current for i in r} - {i for r in ruined for i in r}
        shortened = tuple(self.two_opt(k, r) for k, r in enumerate(ruined))
        # Others first: the removed visits may only come back where room is left, so a step
        # cannot simply undo its own ruin.
        power = self.rng.choice(POWERS)
        others, _ = insert_greedy(self.inst, shortened, rng=self.rng, noise=NOISE,
                                  exclude=sorted(removed) if self.rng.random() < EXCL else (),
                                  power=power)
        rebuilt, _ = insert_greedy(self.inst, others, rng=self.rng, noise=NOISE, power=power)
        tidy = tuple(self.two_opt(k, r) for k, r in enumerate(rebuilt))
        if tidy == rebuilt:
            return tidy
        final, _ = insert_greedy(self.inst, tidy)
        return final

    def run(self, start: Routes, *, until: float, max_steps: int | None,
            offer: Callable[[Routes], bool], progress_of_time: Callable[[], float]
            ) -> Routes:
        """Anneal from ``start`` until the monotonic clock reaches ``until``.

        ``offer`` receives every improving candidate; ``progress_of_time`` says how far the
        whole search is (0..1) and sets the temperature.
        """
        current, cur_val = start, self.value(start)
        steps = 0
        while time.monotonic() < until and (max_steps is None or steps < max_steps):
            frac = min(1.0, max(0.0, progress_of_time()))
            temp = self.t_start * (self.t_end / self.t_start) ** frac
            cand = self.step(current, temp)
            val = self.value(cand)
            if val >= cur_val or self.rng.random() < math.exp((val - cur_val) / temp):
                current, cur_val = cand, val
                offer(cand)
            steps += 1
        return current
