"""Greedy insertion by prize density, vectorised with numpy; no OR-Tools here.

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
        vis = self.visits
        self.load = sum(t.demand_l[i] for i in vis)
        self.groups = {t.group[i] for i in vis} - {None}
        if not t.any_window:
            self._refresh_unwindowed()
            return
        end = veh.shift_end_s
        locs = [veh.start_location, *(t.loc_l[i] for i in vis), veh.end_location]
        legs = self.inst.duration_s[locs[:-1], locs[1:]].tolist()
        svc, opens, closes_of, windowed = t.service_l[self.k], t.open_l, t.close_l, t.windowed_l
        clock = veh.shift_start_s
        dep = [clock]
        starts = [clock]
        waits = [0]
        closes = [end]
        for n, i in enumerate(vis):
            arrival = clock + legs[n]
            start = arrival if arrival >= opens[i] else opens[i]
            clock = start + svc[i]
            starts.append(start)
            waits.append(start - arrival)
            closes.append(closes_of[i] if windowed[i] else end)
            dep.append(clock)
        arrival = clock + legs[-1]
        starts.append(arrival)
        waits.append(0)
        closes.append(end)
        n_stops = len(locs)
        shift = [0] * n_stops
        shift[-1] = end - arrival
        for p in range(n_stops - 2, 0, -1):
            shift[p] = min(closes[p] - starts[p], waits[p + 1] + shift[p + 1])
        self.locs = np.array(locs, dtype=np.int64)
        self.dep = np.array(dep, dtype=np.int64)  # departure from stop p (p < n - 1)
        self.start = np.array(starts, dtype=np.int64)
        self.shift = np.array(shift, dtype=np.int64)

    def _refresh_unwindowed(self) -> None:
        """:meth:`refresh` without windows, in numpy: no stop waits, so every stop may be
        delayed by the same slack, the end of the shift less the arrival back at base."""
        t, veh = self.t, self.inst.vehicles[self.k]
        vis = self.visits
        locs = np.empty(len(vis) + 2, dtype=np.int64)
        locs[0], locs[-1] = veh.start_location, veh.end_location
        locs[1:-1] = t.loc[vis]
        legs = self.inst.duration_s[locs[:-1], locs[1:]].astype(np.int64)
        dep = np.empty(len(vis) + 1, dtype=np.int64)
        dep[0] = veh.shift_start_s
        np.cumsum(legs[:-1] + t.service[vis, self.k], out=dep[1:])
        dep[1:] += veh.shift_start_s
        starts = np.empty(len(vis) + 2, dtype=np.int64)
        starts[0] = veh.shift_start_s
        np.add(dep, legs, out=starts[1:])
        shift = np.full(len(vis) + 2, veh.shift_end_s - int(starts[-1]), dtype=np.int64)
        shift[0] = 0
        self.locs, self.dep, self.start, self.shift = locs, dep, starts, shift


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
        # Plain-list copies for the per-stop loop of _Route.refresh (numpy scalars are slow).
        self.loc_l: list[int] = self.loc.tolist()
        self.demand_l: list[int] = self.demand.tolist()
        self.open_l: list[int] = self.open.tolist()
        self.close_l: list[int] = self.close.tolist()
        self.windowed_l = [v.time_window_s is not None for v in vis]
        #: Whether any visit has a window (else insertion skips the window arithmetic).
        self.any_window = any(self.windowed_l)
        self._powers: dict[float, npt.NDArray[np.float64]] = {}
        self.service_l: list[list[int]] = self.service.T.tolist()
        #: Visits that greedy insertion may add (positive prize, not pinned), and where each
        #: sits in that list (-1 for the others).
        self.optional = np.array([i for i, v in enumerate(vis)
                                  if v.prize > 0 and v.pinned_vehicle is None], dtype=np.int64)
        self.slot = np.full(len(vis), -1, dtype=np.int64)
        self.slot[self.optional] = np.arange(len(self.optional))
        #: Best insertion of every optional visit into a route, by (vehicle, route, power):
        #: the ruin-and-recreate loop leaves most routes alone from one step to the next.
        self._cache: dict[tuple[int, tuple[int, ...], float],
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
        key = (r.k, tuple(r.visits), power)
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

    Every array is (candidate, position).  The insertion cost is the time the insertion adds
    before the next stop's arrival: ``arrival_next - departure - direct leg``, i.e. both new
    legs, the wait at the candidate and its service, less the leg it replaces.
    """
    dur = inst.duration_s
    veh = inst.vehicles[r.k]
    prev = r.locs[:-1]
    nxt = r.locs[1:]
    lu = t.loc[cand]
    to_u = dur[prev[None, :], lu[:, None]]  # stop p -> u
    arr = to_u + r.dep[None, :]  # leave stop p, drive to u
    arr_next = dur[lu[:, None], nxt[None, :]]  # u -> the stop after p, then as named
    if t.any_window:
        st = np.maximum(arr, t.open[cand][:, None])
        ok = st <= t.close[cand][:, None]
        arr_next += st
    else:
        ok = np.ones(arr.shape, dtype=bool)
        arr_next += arr
    arr_next += t.service[cand, r.k][:, None]
    if t.any_window and r.visits:
        open_next = np.append(t.open[r.visits], 0)
        delay = np.maximum(arr_next, open_next[None, :])
    else:
        delay = arr_next.copy()
    delay -= r.start[1:][None, :]
    ok &= delay <= r.shift[1:][None, :]
    ok &= t.allowed[cand, r.k][:, None]
    if veh.capacity is not None:
        ok &= (r.load + t.demand[cand] <= veh.capacity)[:, None]
    if r.groups:
        grp = np.array([t.group[i] in r.groups for i in cand], dtype=bool)
        ok &= ~grp[:, None]
    arr_next -= (r.dep + dur[prev, nxt])[None, :]  # now the insertion cost
    cost = arr_next.astype(np.float64)
    if mandatory:
        score = np.negative(cost, out=cost)
    else:
        cost += 1.0
        score = np.divide(t.prize_power(power)[cand][:, None], cost, out=cost)
    score[~ok] = _NEG
    pos = np.argmax(score, axis=1)
    return score[np.arange(len(cand)), pos], pos


def insert_greedy(instance: Instance, routes: Sequence[Sequence[int]], *,
                  rng: random.Random | None = None, noise: float = 0.0,
                  exclude: Sequence[int] = (), power: float = 1.0,
                  tables: Tables | None = None) -> tuple[Routes, bool]:
    """Insert visits into ``routes`` by best prize per second consumed while any fits.

    Pinned visits not yet routed go first, each at its cheapest feasible place.  ``noise``
    (with ``rng``) multiplies each score by a random factor in ``[1, 1 + noise]``, for
    diversification; ``power`` > 1 favours big prizes over cheap detours.  ``exclude`` visits
    are left out; ``tables`` (from :class:`Tables`) saves rebuilding per-visit arrays.  Returns
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
    cand = t.optional[free[t.optional]]
    if len(cand) == 0:
        return tuple(tuple(r.visits) for r in rs), pins_ok
    factor = np.ones(len(inst.visits))
    if rng is not None and noise > 0:
        factor = 1.0 + noise * np.array([rng.random() for _ in range(len(inst.visits))])
    best = np.full((len(rs), len(cand)), _NEG)
    where = np.zeros((len(rs), len(cand)), dtype=np.int64)
    alive = np.ones(len(cand), dtype=bool)
    cols = t.slot[cand]
    for k, r in enumerate(rs):
        score, pos = t.best_insertions(inst, r, power)
        best[k], where[k] = score[cols], pos[cols]
    while True:
        scored = np.where(alive[None, :], best * factor[cand][None, :], _NEG)
        flat = int(np.argmax(scored))
        k, j = divmod(flat, len(cand))
        if scored[k, j] == _NEG:
            break
        r = rs[k]
        r.visits.insert(int(where[k, j]), int(cand[j]))
        r.stale = True
        alive[j] = False
        live = np.flatnonzero(alive)
        if len(live) == 0:
            break
        score, pos = t.best_insertions(inst, r, power)
        best[k, live], where[k, live] = score[cols[live]], pos[cols[live]]
    return tuple(tuple(r.visits) for r in rs), pins_ok
