"""The compiled kernels of the search give exactly what the plain code they replaced gave.

Each reference below is the numpy or Python code the kernel replaced (session 9), kept here
as the oracle: same schedules, same float scores and positions (ties to the first), same
2-opt results, on random instances with and without windows, capacity, groups and
asymmetric travel.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.instance import Instance
from planner.solver import kernels
from planner.solver.insertion import Tables, _evaluate, _Route
from planner.solver.lns import RuinRecreate
from tests.test_solver import random_instance

_NEG = -np.inf


def _instance(seed: int, *, windows: bool, rate: int, asymmetric: bool,
              capacity: int | None) -> Instance:
    base = random_instance(seed, n_visits=12, windows=windows, capacity=capacity)
    dur = base.duration_s
    if asymmetric:
        rng = np.random.default_rng(seed)
        dur = dur + rng.integers(0, 300, size=dur.shape)
        np.fill_diagonal(dur, 0)
    return dataclasses.replace(
        base, duration_s=dur,
        vehicles=tuple(dataclasses.replace(k, service_s_per_demand=rate * (i % 2))
                       for i, k in enumerate(base.vehicles)))


def _reference_schedule(inst: Instance, t: Tables, k: int, vis: list[int]
                        ) -> tuple[list[int], list[int], list[int], list[int]]:
    """Locations, departures, starts and max shifts: the per-stop loop."""
    veh = inst.vehicles[k]
    end = veh.shift_end_s
    locs = [veh.start_location, *(int(t.loc[i]) for i in vis), veh.end_location]
    clock = veh.shift_start_s
    dep, starts, waits, closes = [clock], [clock], [0], [end]
    for n, i in enumerate(vis):
        arrival = clock + int(inst.duration_s[locs[n], locs[n + 1]])
        start = max(arrival, int(t.open[i]))
        clock = start + int(t.service[i, k])
        starts.append(start)
        waits.append(start - arrival)
        closes.append(int(t.close[i]) if t.windowed[i] else end)
        dep.append(clock)
    arrival = clock + int(inst.duration_s[locs[-2], locs[-1]])
    starts.append(arrival)
    waits.append(0)
    closes.append(end)
    shift = [0] * len(locs)
    shift[-1] = end - arrival
    for p in range(len(locs) - 2, 0, -1):
        shift[p] = min(closes[p] - starts[p], waits[p + 1] + shift[p + 1])
    return locs, dep, starts, shift


def _reference_evaluate(inst: Instance, t: Tables, r: _Route, cand: npt.NDArray[np.int64],
                        *, mandatory: bool, power: float
                        ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """The numpy scoring of every (candidate, position) pair."""
    dur = inst.duration_s
    veh = inst.vehicles[r.k]
    prev, nxt = r.locs[:-1], r.locs[1:]
    lu = t.loc[cand]
    arr = dur[prev[None, :], lu[:, None]] + r.dep[None, :]
    arr_next = dur[lu[:, None], nxt[None, :]]
    st_ = np.maximum(arr, t.open[cand][:, None])
    ok = st_ <= t.close[cand][:, None]
    arr_next = arr_next + st_ + t.service[cand, r.k][:, None]
    open_next = np.append(t.open[r.visits], 0) if r.visits else np.zeros(1, dtype=np.int64)
    delay = np.maximum(arr_next, open_next[None, :]) - r.start[1:][None, :]
    ok &= delay <= r.shift[1:][None, :]
    ok &= t.allowed[cand, r.k][:, None]
    if veh.capacity is not None:
        ok &= (r.load + t.demand[cand] <= veh.capacity)[:, None]
    if r.groups:
        ok &= ~np.array([t.group[i] in r.groups for i in cand], dtype=bool)[:, None]
    cost = (arr_next - (r.dep + dur[prev, nxt])[None, :]).astype(np.float64)
    score = (-cost if mandatory
             else (t.prize[cand] ** power)[:, None] / (np.maximum(cost, 0.0) + 1.0))
    score[~ok] = _NEG
    pos = np.argmax(score, axis=1)
    return score[np.arange(len(cand)), pos], pos


def _reference_timed_travel(lns: RuinRecreate, k: int, order: list[int]) -> int | None:
    veh = lns.inst.vehicles[k]
    dur = lns.inst.duration_s
    here, clock, travel = veh.start_location, veh.shift_start_s, 0
    for i in order:
        leg = int(dur[here, lns.loc[i]])
        travel += leg
        clock = max(clock + leg, int(lns.open[i]))
        if clock > lns.close[i]:
            return None
        clock += int(lns.service_t[k, i])
        here = int(lns.loc[i])
    leg = int(dur[here, veh.end_location])
    return travel + leg if clock + leg <= veh.shift_end_s else None


def _reference_two_opt(lns: RuinRecreate, k: int, route: tuple[int, ...]) -> tuple[int, ...]:
    if len(route) < 3:
        return route
    veh = lns.inst.vehicles[k]
    order = list(route)
    dur = lns.inst.duration_s
    exact = lns.symmetric and not lns.windowed[order].any()
    travel = None if exact else _reference_timed_travel(lns, k, order)
    for _ in range(4 * len(order)):
        locs = np.array([veh.start_location, *lns.loc[order], veh.end_location], dtype=np.int64)
        a, b = locs[:-1], locs[1:]
        gain = np.triu(dur[np.ix_(a, a)] + dur[np.ix_(b, b)]
                       - dur[a, b][:, None] - dur[a, b][None, :], 2)
        if exact:
            i, j = divmod(int(np.argmin(gain)), gain.shape[1])
            if gain[i, j] >= 0:
                break
            order[i:j] = order[i:j][::-1]
            continue
        if travel is None:
            break
        moved = False
        flat_gain = gain.ravel()
        for flat in np.argsort(flat_gain, kind="stable")[:12]:
            if flat_gain[flat] >= 0:
                break
            i, j = divmod(int(flat), gain.shape[1])
            trial = order[:i] + order[i:j][::-1] + order[j:]
            new = _reference_timed_travel(lns, k, trial)
            if new is not None and new < travel:
                order, travel, moved = trial, new, True
                break
        if not moved:
            break
    return tuple(order)


CASES = {"seed": st.integers(0, 10_000), "windows": st.booleans(), "rate": st.integers(0, 60),
         "asymmetric": st.booleans(), "capacity": st.sampled_from([None, 40])}


@settings(max_examples=60, deadline=None)
@given(**CASES)
def test_schedule_and_scores_match_the_reference(seed: int, windows: bool, rate: int,
                                                 asymmetric: bool, capacity: int | None) -> None:
    """Schedules (even of routes that overrun their shift) and insertion scores of every
    waiting visit, for prize powers 1 and 2 and for pinned (mandatory) insertion."""
    inst = _instance(seed, windows=windows, rate=rate, asymmetric=asymmetric, capacity=capacity)
    t = Tables(inst)
    rng = random.Random(seed)
    for k in range(len(inst.vehicles)):
        visits = rng.sample(range(len(inst.visits)), rng.randint(0, 9))
        route = _Route(inst, t, k, list(visits))
        locs, dep, starts, shift = _reference_schedule(inst, t, k, visits)
        assert route.locs.tolist() == locs
        assert route.dep.tolist() == dep
        assert route.start.tolist() == starts
        assert route.shift.tolist() == shift
        assert route.load == sum(inst.visits[i].demand for i in visits)
        cand = np.array([i for i in range(len(inst.visits)) if i not in visits], dtype=np.int64)
        if len(cand) == 0:
            continue
        for mandatory, power in ((False, 1.0), (False, 2.0), (True, 1.0)):
            got = _evaluate(inst, t, route, cand, mandatory=mandatory, power=power)
            want = _reference_evaluate(inst, t, route, cand, mandatory=mandatory, power=power)
            np.testing.assert_array_equal(got[0], want[0])
            fits = want[0] > _NEG
            np.testing.assert_array_equal(got[1][fits], want[1][fits])


@settings(max_examples=60, deadline=None)
@given(**CASES)
def test_timed_travel_and_two_opt_match_the_reference(seed: int, windows: bool, rate: int,
                                                      asymmetric: bool,
                                                      capacity: int | None) -> None:
    """Timing (window or shift broken -> None) and 2-opt, exact and re-timed."""
    inst = _instance(seed, windows=windows, rate=rate, asymmetric=asymmetric, capacity=capacity)
    rng = random.Random(seed)
    lns = RuinRecreate(inst, rng, 100.0)
    assert lns.symmetric is not asymmetric
    for k in range(len(inst.vehicles)):
        for _ in range(4):
            route = tuple(rng.sample(range(len(inst.visits)), rng.randint(0, 8)))
            assert lns._timed_travel(k, list(route)) == _reference_timed_travel(lns, k, list(route))
            assert lns.two_opt(k, route) == _reference_two_opt(lns, k, route)


@settings(max_examples=100, deadline=None)
@given(rows=st.integers(1, 4), cols=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_best_alive_is_the_first_best_alive_score(rows: int, cols: int, seed: int) -> None:
    """The greedy pick: argmax over alive columns, first on ties, -1 when nothing fits."""
    rng = np.random.default_rng(seed)
    scaled = rng.choice([_NEG, 1.0, 2.0, 2.5], size=(rows, cols))  # ties and -inf on purpose
    alive = rng.random(cols) < 0.7
    masked = np.where(alive[None, :], scaled, _NEG)
    flat = int(np.argmax(masked))
    want = -1 if masked.flat[flat] == _NEG else flat
    assert kernels.best_alive(scaled, alive) == want


def test_insertion_survives_a_matrix_that_breaks_the_triangle_inequality() -> None:
    """Road matrices need not be metric: inserting a visit can shorten the route (here by
    exactly 1 s, which divided by zero before).  The visit is taken, with a finite score."""
    from planner.instance import Location, Vehicle, Visit
    from planner.solver.insertion import insert_greedy

    dur = np.array([[0, 3, 10], [3, 0, 5], [10, 5, 0]], dtype=np.int64)
    inst = Instance(
        name="non-metric", locations=(Location("d", kind="depot"), Location("a"),
                                      Location("b")),
        visits=(Visit("a", 1, prize=5, service_s=1, demand=1),
                Visit("b", 2, prize=5, service_s=0, demand=1, pinned_vehicle=0)),
        vehicles=(Vehicle("v", "t", 0, 0, 0, 100),), duration_s=dur, distance_m=dur)
    routes, pinned = insert_greedy(inst, [[1]])
    assert pinned
    assert sorted(routes[0]) == [0, 1]
