"""Keep the best plan seen so far, by *our* objective, and report improvements.

OR-Tools minimises one number (travel + penalties of dropped visits); the project's objective
is lexicographic: prize first, then travel.  Every solution the search passes through is offered
here, so the best plan by prize is kept even when OR-Tools' own cost would rank it lower.  A
plan is only accepted after :func:`~planner.checking.check_routes` finds it clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from planner.checking import check_routes
from planner.instance import Instance
from planner.solution import ProgressCallback

Routes = tuple[tuple[int, ...], ...]
#: ``observer(routes, elapsed_s, prize, travel_s)``: like progress, with the plan itself.
Observer = Callable[[Routes, float, int, int], None]


class BestTracker:
    """The best check-clean routes so far, with the improvement history."""

    def __init__(self, instance: Instance, progress: ProgressCallback | None,
                 started: float, observer: Observer | None = None,
                 repair: Callable[[Routes], Routes] | None = None) -> None:
        self.instance = instance
        #: Makes a plan the check rejects acceptable (drops visits to keep a budget), or None.
        self.repair = repair
        self.progress = progress
        self.observer = observer
        self.started = started
        self.prize_of = np.array([v.prize for v in instance.visits], dtype=np.int64)
        self.routes: Routes | None = None
        self.prize = -1
        self.travel_s = 0
        self.first_feasible_s: float | None = None
        self.history: list[tuple[float, int, int]] = []
        self.rejected = 0

    def _travel(self, routes: Routes) -> int:
        inst = self.instance
        dur = inst.duration_s
        total = 0
        for k, route in enumerate(routes):
            if not route:  # an unused vehicle travels nowhere
                continue
            veh = inst.vehicles[k]
            locs = [veh.start_location, *(inst.visits[i].location for i in route),
                    veh.end_location]
            total += int(dur[locs[:-1], locs[1:]].sum())
        return total

    def offer(self, routes: Sequence[Sequence[int]]) -> bool:
        """Keep ``routes`` if clean and better (more prize, or equal prize and less travel)."""
        rt: Routes = tuple(tuple(r) for r in routes)
        prize = int(sum(int(self.prize_of[list(r)].sum()) for r in rt if r))
        if prize < self.prize:
            return False
        travel = self._travel(rt)
        if prize == self.prize and travel >= self.travel_s:
            return False
        report = check_routes(self.instance, rt)
        if not report.ok:
            self.rejected += 1
            if self.repair is None:
                return False
            fixed = self.repair(rt)
            if fixed == rt:
                return False
            # the repaired plan is offered on its own merits (without a second repair)
            repair, self.repair = self.repair, None
            try:
                return self.offer(fixed)
            finally:
                self.repair = repair
        self.routes, self.prize, self.travel_s = rt, prize, travel
        elapsed = time.monotonic() - self.started
        if self.first_feasible_s is None:
            self.first_feasible_s = elapsed
        self.history.append((elapsed, prize, travel))
        if self.progress is not None:
            self.progress(elapsed, prize, travel)
        if self.observer is not None:
            self.observer(rt, elapsed, prize, travel)
        return True
