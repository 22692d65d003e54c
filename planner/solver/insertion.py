"""Greedy insertion by prize density (compiled scoring in :mod:`~planner.solver.kernels`).

Used three ways: to build the first plan in milliseconds, to recreate routes after a ruin in
the large-neighbourhood loop, and as a final pass that inserts every visit that still fits
(any feasible insertion raises the prize, which comes first in the objective).

Feasibility of inserting visit ``u`` between two stops is O(1) per candidate thanks to the
classic *max shift* of each stop: how much its service start may be delayed without breaking
its own window or any later one, nor the end of the shift.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from planner.instance import Instance
from planner.solver import kernels

Routes = tuple[tuple[int, ...], ...]
_NEG = -np.inf
#: Cached route evaluations kept before the cache starts afresh (a few MB on big regencies).
_CACHE_SIZE = 4096


class _Route:
    """One vehicle's route with its earliest-start schedule and max shifts."""

    def __init__(self, inst: Instance, t: Tables, k: int, visits: list[int], *,
                 lazy: bool = False) -> None:
        self.inst = inst
        self.t = t
        self.k = k
        self.visits = visits
        self.stale = True
        if not lazy:
            self.refresh()

    def ensure(self) -> None:
        """Compute the schedule if the visits changed since it was last computed."""
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        t, veh = self.t, self.inst.vehicles[self.k]
        vis = np.array(self.visits, dtype=np.int64)
        self.load = int(t.demand[vis].sum())
        self.groups = ({t.group[i] for i in self.visits} - {None}) if t.any_group else set()
        locs = np.empty(len(vis) + 2, dtype=np.int64)
        locs[0], locs[-1] = veh.start_location, veh.end_location
        locs[1:-1] = t.loc[vis]
        self.locs = locs
        # dep: departure from stop p (p < n - 1); start: service start; shift: max delay
        self.dep, self.start, self.shift = kernels.schedule(
            self.inst.duration_s, locs, vis, t.service_t[self.k], t.open, t.close,
            t.windowed, veh.shift_start_s, veh.shift_end_s)


class Tables:
    """Per-visit arrays shared by every evaluation; build once per instance and reuse."""

    def __init__(self, inst: Instance) -> None:
        vis = inst.visits
        self.loc = np.array([v.location for v in vis], dtype=np.int64)
        self.prize = np.array([v.prize for v in vis], dtype=np.float64)
        self.demand = np.array([v.demand for v in vis], dtype=np.int64)
        big = np.iinfo(np.int64).max // 4
        self.open = np.array([v.time_window_s[0] if v.time_window_s else 0 for v in vis],
                             dtype=np.int64)
        self.close = np.array([v.time_window_s[1] if v.time_window_s else big for v in vis],
                              dtype=np.int64)
        self.allowed = np.array([[inst.allowed(i, k) for k in range(len(inst.vehicles))]
                                 for i in range(len(vis))], dtype=bool).reshape(
                                     len(vis), len(inst.vehicles))
        self.group = [v.group for v in vis]
        base = np.array([v.service_s for v in vis], dtype=np.int64)
        self.service = np.stack(
            [base + self.demand * k.service_s_per_demand for k in inst.vehicles], axis=1
        ) if inst.vehicles else np.zeros((len(vis), 0), dtype=np.int64)
        self.windowed = np.array([v.time_window_s is not None for v in vis], dtype=bool)
        #: Whether any visit has a window (else insertion skips the window arithmetic).
        self.any_window = bool(self.windowed.any())
        self.any_group = any(g is not None for g in self.group)
        #: Per visit, the visits it may not share a plan with (``Visit.exclusive``).
        self.conflicts = [np.array(c, dtype=np.int64) for c in inst.conflicts()]
        self.any_conflict = any(len(c) for c in self.conflicts)
        # Per-vehicle rows, contiguous, for the compiled kernels.
        self.service_t = np.ascontiguousarray(self.service.T)
        self.allowed_t = np.ascontiguousarray(self.allowed.T)
        self._powers: dict[float, npt.NDArray[np.float64]] = {}
        #: Visits that greedy insertion may add (positive prize, not pinned), and where each
        #: sits in that list (-1 for the others).
        self.optional = np.array([i for i, v in enumerate(vis)
                                  if v.prize > 0 and v.pinned_vehicle is None], dtype=np.int64)
        self.slot = np.full(len(vis), -1, dtype=np.int64)
        self.slot[self.optional] = np.arange(len(self.optional))
        #: Best insertion of every optional visit into a route, by (vehicle, route, power):
        #: the ruin-and-recreate loop leaves most routes alone from one step to the next.
        self._cache: dict[tuple[int, int, int, tuple[int, ...], float],
                          tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]] = {}

    def prize_power(self, power: float) -> npt.NDArray[np.float64]:
        """Every visit's prize to ``power`` (the numerator of the insertion score)."""
        hit = self._powers.get(power)
        if hit is None:
            hit = self._powers[power] = self.prize ** power
        return hit

    def best_insertions(self, inst: Instance, r: _Route, power: float
                        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Score and position of inserting each optional visit into ``r`` (cached)."""
        veh = inst.vehicles[r.k]
        # start and end in the key: a tour day's ends change while the search picks nights
        key = (r.k, veh.start_location, veh.end_location, tuple(r.visits), power)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            r.ensure()
            hit = _evaluate(inst, self, r, self.optional, mandatory=False, power=power)
            self._cache[key] = hit
        return hit


def _evaluate(inst: Instance, t: Tables, r: _Route, cand: npt.NDArray[np.int64],
              *, mandatory: bool, power: float = 1.0
              ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Best score and position per candidate on route ``r`` (score ``-inf`` when infeasible).

    The insertion cost at position ``p`` (between stop ``p`` and the next) is the time the
    insertion adds before the next stop's arrival: ``arrival_next - departure - direct leg``,
    i.e. both new legs, the wait at the candidate and its service, less the leg it replaces.
    It fits when the candidate starts within its window and the next stop's start moves by
    at most that stop's max shift.  The score is ``prize ** power / (max(cost, 0) + 1)``
    (a matrix that breaks the triangle inequality can make the cost negative), or ``-cost``
    for a ``mandatory`` (pinned) visit; ties go to the first position.
    """
    veh = inst.vehicles[r.k]
    if r.groups:
        blocked = np.array([t.group[i] in r.groups for i in cand], dtype=bool)
    else:
        blocked = np.zeros(len(cand), dtype=bool)
    open_next = np.zeros(len(r.visits) + 1, dtype=np.int64)
    open_next[:-1] = t.open[r.visits]
    score, pos = kernels.evaluate_route(
        inst.duration_s, r.locs, r.dep, r.start, r.shift, cand, t.loc, t.open, t.close,
        t.any_window, t.service_t[r.k], t.allowed_t[r.k], t.demand, r.load,
        -1 if veh.capacity is None else veh.capacity, blocked, t.prize_power(power),
        mandatory, open_next)
    return score, pos


def insert_greedy(instance: Instance, routes: Sequence[Sequence[int]], *,
                  rng: random.Random | None = None, noise: float = 0.0,
                  exclude: Sequence[int] = (), power: float = 1.0,
                  tables: Tables | None = None) -> tuple[Routes, bool]:
    """Insert visits into ``routes`` by best prize per second consumed while any fits.

    Pinned visits not yet routed go first, each at its cheapest feasible place.  ``noise``
    (with ``rng``) multiplies each score by a random factor in ``[1, 1 + noise]``, for
    diversification; ``power`` > 1 favours big prizes over cheap detours.  ``exclude`` visits
    are left out, and so is any visit sharing an ``exclusive`` key with a routed one;
    ``tables`` (from :class:`Tables`) saves rebuilding per-visit arrays.  Returns
    the routes and whether every pinned visit is routed.
    """
    inst = instance
    if not inst.vehicles:
        return (), all(v.pinned_vehicle is None for v in inst.visits)
    t = tables if tables is not None else Tables(inst)
    rs = [_Route(inst, t, k, list(r), lazy=True) for k, r in enumerate(routes)]
    used = {i for r in routes for i in r} | set(exclude)
    pins_ok = True
    for i, v in enumerate(inst.visits):
        if v.pinned_vehicle is None or i in used:
            continue
        k = v.pinned_vehicle
        if not 0 <= k < len(rs):
            pins_ok = False
            continue
        rs[k].ensure()
        score, pos = _evaluate(inst, t, rs[k], np.array([i], dtype=np.int64), mandatory=True)
        if score[0] == _NEG:
            pins_ok = False
            continue
        rs[k].visits.insert(int(pos[0]), i)
        rs[k].stale = True
        used.add(i)
    free = np.ones(len(inst.visits), dtype=bool)
    free[list(used)] = False
    if t.any_conflict:
        # a visit that shares a key with a routed one may not come in (village served twice)
        for i in {i for r in rs for i in r.visits}:
            free[t.conflicts[i]] = False
    cand = t.optional[free[t.optional]]
    if len(cand) == 0:
        return tuple(tuple(r.visits) for r in rs), pins_ok
    factor = np.ones(len(inst.visits))
    if rng is not None and noise > 0:
        factor = 1.0 + noise * np.array([rng.random() for _ in range(len(inst.visits))])
    factor_c = factor[cand]
    # scaled[k, j]: noisy score of candidate j on route k; where: its position there.
    scaled = np.empty((len(rs), len(cand)))
    where = np.empty((len(rs), len(cand)), dtype=np.int64)
    alive = np.ones(len(cand), dtype=bool)
    cols = t.slot[cand]
    at = np.full(len(inst.visits), -1, dtype=np.int64)
    at[cand] = np.arange(len(cand))
    for k, r in enumerate(rs):
        score, pos = t.best_insertions(inst, r, power)
        np.multiply(score[cols], factor_c, out=scaled[k])
        where[k] = pos[cols]
    for _ in range(len(cand)):
        flat = kernels.best_alive(scaled, alive)
        if flat < 0:
            break
        k, j = divmod(flat, len(cand))
        r = rs[k]
        r.visits.insert(int(where[k, j]), int(cand[j]))
        r.stale = True
        alive[j] = False
        if t.any_conflict:
            gone = at[t.conflicts[int(cand[j])]]
            alive[gone[gone >= 0]] = False
        score, pos = t.best_insertions(inst, r, power)
        np.multiply(score[cols], factor_c, out=scaled[k])
        where[k] = pos[cols]
    return tuple(tuple(r.visits) for r in rs), pins_ok
