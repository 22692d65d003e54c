"""The solver returns plans that keep every rule, prefers prize, and is reproducible."""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checking import check_routes
from planner.instance import Instance, Location, Vehicle, Visit
from planner.solution import Solution, SolveStatus
from planner.solver import solve, solve_isolated
from planner.solver.insertion import insert_greedy
from planner.solver.isolated import run_isolated
from planner.solver.lns import RuinRecreate
from planner.solver.search import RESTART_FROM, SearchConfig, run_search


def random_instance(seed: int, *, n_visits: int = 14, vehicles: int = 3,
                    capacity: int | None = None, windows: bool = True) -> Instance:
    """Random points in a 10 km square; some windows, demands, groups and boat-only visits."""
    rng = random.Random(seed)
    pts = [(5000.0, 5000.0)] + [(rng.uniform(0, 10000), rng.uniform(0, 10000))
                                for _ in range(n_visits)]
    xy = np.array(pts)
    dist = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))).astype(np.int64)
    dur = dist // 5  # 5 m/s
    visits = []
    for i in range(n_visits):
        window = None
        if windows and rng.random() < 0.3:
            open_s = 28800 + rng.randrange(0, 3 * 3600)
            window = (open_s, open_s + 2 * 3600)
        visits.append(Visit(
            f"v{i}", i + 1, rng.randint(1, 50), rng.choice([600, 1200, 1800]),
            rng.randint(5, 40), time_window_s=window,
            allowed_vehicles=(0,) if rng.random() < 0.1 else None,
            group="g" if i in (2, 3) else None))
    vehs = tuple(Vehicle(f"k{k}", f"t{k}", 0, 0, 28800, 28800 + 3 * 3600, capacity,
                         boat_capable=k == 0) for k in range(vehicles))
    locs = tuple(Location(f"p{i}") for i in range(n_visits + 1))
    return Instance(f"rand{seed}", locs, tuple(visits), vehs, dur, dist)


def line_instance(visits: list[dict[str, Any]], *, vehicles: int = 2, shift_s: int = 1000,
                  capacity: int | None = None) -> Instance:
    """Depot at 0 and points 1..5 on a line, 10 s apart."""
    n = 6
    dur = np.array([[abs(i - j) * 10 for j in range(n)] for i in range(n)], dtype=np.int64)
    vis = tuple(Visit(**{"visit_id": f"v{i}", "location": 1, "prize": 10, "service_s": 5,
                         "demand": 1, **spec}) for i, spec in enumerate(visits))
    vehs = tuple(Vehicle(f"k{k}", f"t{k}", 0, 0, 0, shift_s, capacity) for k in range(vehicles))
    locs = tuple(Location(f"p{i}") for i in range(n))
    return Instance("line", locs, vis, vehs, dur, dur)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("capacity", [30, None])
def test_plans_are_check_clean(seed: int, capacity: int | None) -> None:
    """Plans on random instances, tight or loose capacity, keep every rule."""
    inst = random_instance(seed, capacity=capacity)
    sol = solve(inst, time_limit_s=1.0, seed=seed, solution_limit=2)
    report = check_routes(inst, sol.routes)
    assert sol.status is SolveStatus.FEASIBLE
    assert report.ok, report.violations
    assert sol.prize == report.prize > 0
    assert sol.travel_s == report.travel_s


def test_scarce_room_goes_to_the_higher_prize() -> None:
    """Two visits at one place with room for only one: the higher prize is made."""
    inst = line_instance([{"prize": 5, "service_s": 50}, {"prize": 9, "service_s": 50}],
                         vehicles=1, shift_s=80)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=2)
    assert sol.routes == ((1,),)


def test_boat_only_visits_ride_boat_teams() -> None:
    """Island visits allowed only to the boat team are made only by it."""
    inst = line_instance([{"allowed_vehicles": (1,), "location": k % 5 + 1} for k in range(6)],
                         vehicles=3)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=2)
    assert check_routes(inst, sol.routes).ok
    assert sorted(sol.routes[1]) == list(range(6))
    assert sol.routes[0] == sol.routes[2] == ()


def test_pins_are_honoured() -> None:
    """A pinned zero-prize visit (never worth it by prize) is made, on its vehicle."""
    inst = line_instance([{"prize": 0, "location": 5, "pinned_vehicle": 1},
                          {"prize": 50, "location": 5},
                          {"prize": 40, "location": 1}], vehicles=2, shift_s=110)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=2)
    assert check_routes(inst, sol.routes).ok
    assert 0 in sol.routes[1]


def test_chunks_of_a_group_never_share_a_vehicle() -> None:
    """Visits of one group are spread over vehicles, one each at most."""
    inst = line_instance([{"group": "desa-a"} for _ in range(4)] + [{"location": 2}],
                         vehicles=2)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=2)
    assert check_routes(inst, sol.routes).ok
    for route in sol.routes:
        assert sum(1 for i in route if inst.visits[i].group == "desa-a") == 1


def test_unkeepable_pin_is_reported_not_raised() -> None:
    """A pin that no route can keep yields no plan, with a status saying so."""
    inst = line_instance([{"location": 5, "pinned_vehicle": 0}], vehicles=1, shift_s=50)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=1)
    assert sol.status in (SolveStatus.INFEASIBLE, SolveStatus.NO_SOLUTION)
    assert sol.routes == ((),)


def test_same_seed_same_routes() -> None:
    """In the deterministic solution_limit mode a fixed seed gives identical routes."""
    inst = random_instance(7, n_visits=25, capacity=60)
    first = solve(inst, time_limit_s=20.0, seed=3, solution_limit=3)
    second = solve(inst, time_limit_s=20.0, seed=3, solution_limit=3)
    assert first.routes == second.routes
    assert check_routes(inst, first.routes).ok


@pytest.mark.parametrize("restart_from", RESTART_FROM)
def test_stalled_search_restarts_reproducibly_and_stays_clean(restart_from: str) -> None:
    """A trajectory that stops improving restarts (from a new noisy greedy plan, from where
    it stalled, or from the best plan, each reheated); the best plan is kept across restarts,
    the result keeps every rule, and the seed fixes it all."""
    inst = random_instance(4, n_visits=20)
    cfg = SearchConfig(restart_stall=0.1, restart_min_steps=0, steps_per_round=5,
                       restart_from=restart_from)
    runs = [run_search(inst, time_limit_s=60, seed=1, solution_limit=30, config=cfg)
            for _ in range(2)]
    restarts = int(runs[0].message.split(" restart")[0].rsplit(" ", 1)[1])
    assert restarts >= 1, runs[0].message
    assert runs[0].routes == runs[1].routes
    report = check_routes(inst, runs[0].routes)
    assert report.ok, report.violations
    greedy, _ = insert_greedy(inst, [[] for _ in inst.vehicles])
    assert runs[0].prize >= check_routes(inst, greedy).prize


def test_unknown_restart_start_is_refused() -> None:
    """A misspelt restart mode is a clear error, not a silent greedy restart."""
    with pytest.raises(ValueError, match="restart_from must be one of greedy, current, best"):
        SearchConfig(restart_from="bestt")


def test_progress_reports_improvements() -> None:
    """Progress is called at each improvement, with a rising (prize, -travel)."""
    seen: list[tuple[float, int, int]] = []
    inst = random_instance(4, n_visits=20)
    sol = solve(inst, time_limit_s=0.5, seed=0, progress=lambda *a: seen.append(a))
    assert seen
    assert seen[-1][1] == sol.prize
    keys = [(p, -t) for _, p, t in seen]
    assert keys == sorted(keys)
    assert sol.first_feasible_s is not None
    assert sol.first_feasible_s < 0.5


def test_initial_routes_seed_the_search() -> None:
    """A valid starting plan is never worsened."""
    inst = random_instance(5)
    start = solve(inst, time_limit_s=0.5, seed=1)
    sol = solve(inst, time_limit_s=0.3, seed=2, initial_routes=start.routes)
    assert sol.prize >= start.prize
    assert check_routes(inst, sol.routes).ok


def test_isolated_solve_returns_a_clean_plan() -> None:
    """The same search in its own process returns a check-clean plan and streams progress."""
    inst = random_instance(6)
    seen: list[int] = []
    sol = solve_isolated(inst, time_limit_s=0.5, seed=0, progress=lambda t, p, d: seen.append(p))
    assert sol.status is SolveStatus.FEASIBLE
    assert check_routes(inst, sol.routes).ok
    assert seen
    assert seen[-1] == sol.prize


@pytest.mark.parametrize("fault", ["crash", "raise"])
def test_isolated_survives_a_dying_child(fault: str) -> None:
    """A child that crashes or raises gives FAILED, never an exception in the caller."""
    sol = run_isolated(random_instance(1), time_limit_s=0.5, seed=0, fault=fault, margin_s=1.0)
    assert sol.status is SolveStatus.FAILED
    assert "ended without a result" in sol.message


def test_isolated_kills_a_hanging_child() -> None:
    """A child that overruns is killed; the best plan it reported comes back as FAILED."""
    inst = random_instance(2)
    sol = run_isolated(inst, time_limit_s=0.3, seed=0, fault="hang", margin_s=0.7)
    assert sol.status is SolveStatus.FAILED
    assert "killed" in sol.message
    assert sol.wall_s < 5
    assert check_routes(inst, sol.routes).ok
    assert sol.prize > 0


def test_isolated_kills_a_stuck_child_that_keeps_streaming() -> None:
    """The overrun check does not wait for a quiet queue: a child that floods it with
    progress after its limit is killed all the same."""
    inst = random_instance(2)
    sol = run_isolated(inst, time_limit_s=0.3, seed=0, fault="chatty", margin_s=0.7)
    assert sol.status is SolveStatus.FAILED
    assert "killed" in sol.message
    assert sol.wall_s < 5
    assert check_routes(inst, sol.routes).ok


def test_cancel_kills_only_its_own_solve() -> None:
    """Cancelling one of two solves running side by side stops that one at once; the
    other, in the same parent process, still finishes with its own result."""
    import threading

    inst = random_instance(2)
    stop = threading.Event()
    out: dict[str, Solution] = {}

    def run(name: str, limit: float, cancelled: Callable[[], bool] | None) -> None:
        out[name] = solve_isolated(inst, time_limit_s=limit, seed=0, cancelled=cancelled)

    long = threading.Thread(target=run, args=("long", 30.0, stop.is_set))
    short = threading.Thread(target=run, args=("short", 3.0, None))
    long.start()
    short.start()
    time.sleep(1.0)
    stop.set()
    long.join(timeout=5)
    assert not long.is_alive()
    short.join(timeout=30)
    cancelled, finished = out["long"], out["short"]
    assert cancelled.status is SolveStatus.FAILED
    assert "cancelled" in cancelled.message
    assert cancelled.wall_s < 5
    assert finished.status is SolveStatus.FEASIBLE
    assert check_routes(inst, finished.routes).ok


def test_vehicle_that_cannot_even_drive_home_stays_unused() -> None:
    """A vehicle whose empty trip breaks its shift is left unused; the others still work."""
    base = line_instance([{"location": 2}, {"location": 3}], vehicles=2)
    stuck = Vehicle("k0", "t0", 0, 5, 0, 20)
    inst = Instance("stuck", base.locations, base.visits, (stuck, base.vehicles[1]),
                    base.duration_s, base.distance_m)
    sol = solve(inst, time_limit_s=1.0, seed=0, solution_limit=2)
    assert sol.status is SolveStatus.FEASIBLE
    assert sol.routes[0] == ()
    assert sorted(sol.routes[1]) == [0, 1]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.integers(0, 60), capacity=st.sampled_from([None, 40]))
def test_insertion_and_ruin_recreate_keep_every_rule(seed: int, rate: int,
                                                     capacity: int | None) -> None:
    """Greedy insertion and ruin-and-recreate steps only build check-clean plans."""
    base = random_instance(seed, n_visits=12, capacity=capacity)
    rng = random.Random(seed)
    vehicles = tuple(dataclasses.replace(k, service_s_per_demand=rate * (i % 2))
                     for i, k in enumerate(base.vehicles))
    visits = tuple(dataclasses.replace(v, pinned_vehicle=1) if rng.random() < 0.1 and
                   v.allowed_vehicles is None and v.group is None else v for v in base.visits)
    inst = dataclasses.replace(base, vehicles=vehicles, visits=visits)
    routes, pins_ok = insert_greedy(inst, [[] for _ in inst.vehicles])
    if pins_ok:
        assert check_routes(inst, routes).ok, check_routes(inst, routes).violations
    loop = RuinRecreate(inst, rng, 100.0)
    current = routes
    for _ in range(10):
        current = loop.step(current, 1.0)
        if pins_ok:
            assert check_routes(inst, current).ok, check_routes(inst, current).violations
