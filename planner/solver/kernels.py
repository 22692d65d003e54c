"""Compiled inner loops of the ruin-and-recreate search (numba): its hot spots.

The loop spends most of its time scoring every waiting visit at every position of a changed
route, picking the best insertion, re-timing routes, and shortening them with 2-opt.  In
numpy each call costs a few dozen array operations of fixed overhead on 30-stop routes;
compiled, one pass does it.

Each kernel gives exactly what the numpy and Python code it replaced gave (same float
scores, same tie-breaks: the first best), which ``tests/test_kernels.py`` checks against
plain-Python references.

The signatures are explicit, so the kernels are compiled (or loaded from the on-disk cache
next to this file) at import: the solver's forkserver imports them once and every solve
process starts with machine code.  Only the first import after an install compiles (a few
seconds).

Arrays: ``dur`` is the (location, location) duration matrix; per-visit arrays are indexed by
visit (``loc``, ``open_``, ``close``, ``service_k`` for one vehicle, ...); ``locs`` is a
route's locations with its start and end; times are integer seconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, types

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

_NEG = -np.inf
#: 2-opt moves tried per pass on a timed route, best gain first.
_TIMED_TRIALS = 12

#: The duration matrix (an :class:`~planner.instance.Instance` keeps it read-only) and the
#: contiguous per-visit arrays.
_DUR = types.Array(types.int64, 2, "C", readonly=True)
_I1 = types.Array(types.int64, 1, "C")
_F2 = types.Array(types.float64, 2, "C")
_B1 = types.Array(types.boolean, 1, "C")
_F1 = types.Array(types.float64, 1, "C")
_INT, _BOOL = types.int64, types.boolean
_SCORES = types.Tuple((_F1, _I1))  # type: ignore[no-untyped-call]
_SCHEDULE = types.Tuple((_I1, _I1, _I1))  # type: ignore[no-untyped-call]


@njit(_SCORES(_DUR, _I1, _I1, _I1, _I1, _I1, _I1, _I1, _I1, _BOOL, _I1, _B1, _I1, _INT, _INT,
              _B1, _F1, _BOOL, _I1), cache=True, nogil=True)
def evaluate_route(dur: Ints, locs: Ints, dep: Ints, start: Ints, shift: Ints, cand: Ints,
                   loc: Ints, open_: Ints, close: Ints, windowed_any: bool, service_k: Ints,
                   allowed_k: Bools, demand: Ints, load: int, capacity: int, blocked: Bools,
                   prize_pow: Floats, mandatory: bool, open_next: Ints
                   ) -> tuple[Floats, Ints]:  # pragma: no cover - compiled
    """Best score and position of each candidate on one route (see ``insertion._evaluate``).

    ``capacity`` < 0 means none; ``blocked`` marks candidates whose group the route has;
    ``open_next[p]`` is the window opening of the stop after position ``p`` (0 for the end).
    """
    n_cand = cand.shape[0]
    n_pos = locs.shape[0] - 1
    score = np.full(n_cand, _NEG)
    pos = np.zeros(n_cand, dtype=np.int64)
    for c in range(n_cand):
        u = cand[c]
        if not allowed_k[u] or blocked[c]:
            continue
        if capacity >= 0 and load + demand[u] > capacity:
            continue
        lu = loc[u]
        svc = service_k[u]
        best = _NEG
        where = 0
        for p in range(n_pos):
            prev = locs[p]
            nxt = locs[p + 1]
            st = dep[p] + dur[prev, lu]
            if windowed_any:
                if st < open_[u]:
                    st = open_[u]
                if st > close[u]:
                    continue
            arr_next = st + svc + dur[lu, nxt]
            delay = arr_next
            if windowed_any and delay < open_next[p]:
                delay = open_next[p]
            if delay - start[p + 1] > shift[p + 1]:
                continue
            cost = float(arr_next - dep[p] - dur[prev, nxt])
            # a matrix that breaks the triangle inequality (roads) can make the cost
            # negative: count it as free, never divide by zero or by a negative number
            s = -cost if mandatory else prize_pow[u] / (max(cost, 0.0) + 1.0)
            if s > best:
                best = s
                where = p
        score[c] = best
        pos[c] = where
    return score, pos


@njit(_SCHEDULE(_DUR, _I1, _I1, _I1, _I1, _I1, _B1, _INT, _INT), cache=True, nogil=True)
def schedule(dur: Ints, locs: Ints, visits: Ints, service_k: Ints, open_: Ints, close: Ints,
             windowed: Bools, shift_start: int, shift_end: int
             ) -> tuple[Ints, Ints, Ints]:  # pragma: no cover - compiled
    """Departure from each stop, service start at each stop, and each stop's max shift.

    The max shift of a stop is how much its start may be delayed without breaking its own
    window, any later one, or the end of the shift (0 for the start of the route).
    """
    n_stops = locs.shape[0]
    dep = np.empty(n_stops - 1, dtype=np.int64)
    starts = np.empty(n_stops, dtype=np.int64)
    waits = np.zeros(n_stops, dtype=np.int64)
    closes = np.empty(n_stops, dtype=np.int64)
    clock = shift_start
    dep[0] = clock
    starts[0] = clock
    closes[0] = shift_end
    for n in range(visits.shape[0]):
        i = visits[n]
        arrival = clock + dur[locs[n], locs[n + 1]]
        st = arrival if arrival >= open_[i] else open_[i]
        clock = st + service_k[i]
        starts[n + 1] = st
        waits[n + 1] = st - arrival
        closes[n + 1] = close[i] if windowed[i] else shift_end
        dep[n + 1] = clock
    arrival = clock + dur[locs[n_stops - 2], locs[n_stops - 1]]
    starts[n_stops - 1] = arrival
    closes[n_stops - 1] = shift_end
    shift = np.zeros(n_stops, dtype=np.int64)
    shift[n_stops - 1] = shift_end - arrival
    for p in range(n_stops - 2, 0, -1):
        a = closes[p] - starts[p]
        b = waits[p + 1] + shift[p + 1]
        shift[p] = a if a < b else b
    return dep, starts, shift


@njit(_INT(_DUR, _INT, _INT, _I1, _I1, _I1, _I1, _I1, _INT, _INT),
      cache=True, nogil=True)
def timed_travel(dur: Ints, start_loc: int, end_loc: int, order: Ints, loc: Ints, open_: Ints,
                 close: Ints, service_k: Ints, shift_start: int,
                 shift_end: int) -> int:  # pragma: no cover - compiled
    """Travel of ``order`` from ``start_loc`` to ``end_loc``, or -1 when a window or the
    shift breaks (service starts at the earliest, waiting for windows to open)."""
    here = start_loc
    clock = shift_start
    travel = 0
    for n in range(order.shape[0]):
        i = order[n]
        leg = dur[here, loc[i]]
        travel += leg
        clock += leg
        if clock < open_[i]:
            clock = open_[i]
        if clock > close[i]:
            return -1
        clock += service_k[i]
        here = loc[i]
    leg = dur[here, end_loc]
    return travel + leg if clock + leg <= shift_end else -1


@njit(_I1(_DUR, _INT, _INT, _I1, _BOOL, _I1, _I1, _I1, _I1, _INT, _INT),
      cache=True, nogil=True)
def two_opt(dur: Ints, start_loc: int, end_loc: int, route: Ints, exact: bool, loc: Ints,
            open_: Ints, close: Ints, service_k: Ints, shift_start: int,
            shift_end: int) -> Ints:  # pragma: no cover - compiled
    """2-opt of one route: reverse the stretch with the best gain while one helps.

    ``exact``: travel is symmetric and nothing on the route has a window, so the gain of a
    reversal is its travel gain.  Otherwise the best dozen reversals by travel gain are
    re-timed in order and the first that is feasible and shorter is taken.
    """
    order = route.copy()
    n = order.shape[0]
    m = n + 1  # legs
    travel = 0
    if not exact:
        travel = timed_travel(dur, start_loc, end_loc, order, loc, open_, close, service_k,
                              shift_start, shift_end)
        if travel < 0:
            return order
    locs = np.empty(n + 2, dtype=np.int64)
    gains = np.empty(m * m, dtype=np.int64)
    flats = np.empty(m * m, dtype=np.int64)
    for _ in range(4 * n):
        locs[0] = start_loc
        locs[n + 1] = end_loc
        for q in range(n):
            locs[q + 1] = loc[order[q]]
        # Every reversal that shortens the travel, in (i, j) order: reversing visits
        # i .. j-1 replaces legs i and j by (stop i -> stop j) and (stop i+1 -> stop j+1).
        count = 0
        for i in range(m):
            ai = locs[i]
            bi_ = locs[i + 1]
            d_i = dur[ai, bi_]
            for j in range(i + 2, m):
                g = dur[ai, locs[j]] + dur[bi_, locs[j + 1]] - d_i - dur[locs[j], locs[j + 1]]
                if g < 0:
                    gains[count] = g
                    flats[count] = i * m + j
                    count += 1
        if count == 0:
            break
        if exact:  # the best gain, the first on ties
            f = flats[np.argmin(gains[:count])]
            i = f // m
            j = f % m
            order[i:j] = order[i:j][::-1].copy()
            continue
        rank = np.argsort(gains[:count], kind="mergesort")
        moved = False
        for r in range(min(_TIMED_TRIALS, count)):
            f = flats[rank[r]]
            i = f // m
            j = f % m
            trial = order.copy()
            trial[i:j] = order[i:j][::-1]
            new = timed_travel(dur, start_loc, end_loc, trial, loc, open_, close, service_k,
                               shift_start, shift_end)
            if 0 <= new < travel:
                order, travel, moved = trial, new, True
                break
        if not moved:
            break
    return order


@njit(_INT(_F2, _B1), cache=True, nogil=True)
def best_alive(scaled: npt.NDArray[np.float64],
               alive: Bools) -> int:  # pragma: no cover - compiled
    """Flat index of the best score among alive columns (the first on ties), or -1 when no
    alive column has a finite score."""
    n_rows, n_cols = scaled.shape
    best = _NEG
    at = -1
    for k in range(n_rows):
        for j in range(n_cols):
            if alive[j] and scaled[k, j] > best:
                best = scaled[k, j]
                at = k * n_cols + j
    return at
