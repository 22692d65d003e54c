"""Multi-day tours in the checker and the solver (issue 18): chained days, night places,
nights away, rupiah and the budget."""

from __future__ import annotations

import dataclasses

import numpy as np

from planner.checking import check_routes
from planner.instance import Instance, Location, Vehicle, Visit
from planner.solution import SolveStatus
from planner.solver import solve
from planner.solver.search import core_search
from planner.solver.tours import chained

#: Positions (s of travel from the base) of: base, a lodge near the far villages, a second
#: lodge on the way, then the far villages around x = 20000.
XS = [0, 20000, 10000, 19500, 19800, 20200, 20500, 300]
SHIFT = 28800


def far_instance(*, days: int = 2, night_options: tuple[int, ...] | None = (0, 1, 2),
                 max_nights: int = 3, budget: int | None = None, night_rp: int = 0,
                 lodging_rp: int = 0, rp_per_m: int = 0,
                 leg_rp: np.ndarray | None = None) -> Instance:
    """One team, a tour of ``days`` days; four far villages (prize 10) no day trip reaches,
    one near village (prize 1)."""
    n = len(XS)
    dur = np.array([[abs(a - b) for b in XS] for a in XS], dtype=np.int64)
    locs = tuple([Location("base", kind="depot"), Location("lodge", lodging_rp=lodging_rp),
                  Location("midway", lodging_rp=lodging_rp)]
                 + [Location(f"p{i}") for i in range(3, n)])
    visits = tuple(Visit(f"v{i}", i, 10 if i < n - 1 else 1, 3000, 0) for i in range(3, n))
    vehs = tuple(Vehicle(f"d{d}", "t", 0, 0, 0, SHIFT, tour="t", tour_day=d,
                         night_options=night_options if d < days - 1 else None,
                         max_nights_away=max_nights, night_rp=night_rp, rp_per_m=rp_per_m)
                 for d in range(days))
    return Instance("far", locs, visits, vehs, dur, dur, leg_rp=leg_rp, budget_rp=budget)


def test_days_chain_from_the_night_place() -> None:
    """Day 2 starts where day 1 ended: the same routes are clean with the night at the
    lodge, and break the shift when both days must start and end at base."""
    inst = far_instance()
    routes = [(0, 1), (2, 3)]  # visits at 19500, 19800 | 20200, 20500
    ok = check_routes(inst, routes, ends=(1, 0))
    assert ok.ok, ok.violations
    assert ok.ends == (1, 0)
    assert ok.schedules[1].start_location == 1
    assert ok.travel_s == (19500 + 300 + 200) + (200 + 300 + 20500)
    bad = check_routes(inst, routes, ends=(0, 0))
    assert not bad.ok
    assert any("after its shift ends" in v for v in bad.violations)


def test_checker_rejects_broken_chains() -> None:
    """Nights outside the options, a last day away from base, a wrong count of ends."""
    inst = far_instance(night_options=(0, 1))
    empty: list[list[int]] = [[], []]
    assert check_routes(inst, empty, ends=(0, 0)).ok
    outside = check_routes(inst, empty, ends=(2, 0))
    assert any("not one of its night places" in v for v in outside.violations)
    last = check_routes(inst, empty, ends=(1, 1))
    assert any("last day" in v for v in last.violations)
    short = check_routes(inst, empty, ends=(1,))
    assert any("end locations for 2 vehicles" in v for v in short.violations)


def test_an_empty_day_still_travels_to_its_night_place() -> None:
    """A tour day that moves to another night place travels there even with no visits, and
    must fit the shift doing so."""
    inst = far_instance()
    report = check_routes(inst, [[], []], ends=(1, 0))
    assert report.ok
    assert report.travel_s == 2 * 20000
    far = dataclasses.replace(inst, vehicles=tuple(
        dataclasses.replace(v, shift_end_s=15000) for v in inst.vehicles))
    assert not check_routes(far, [[], []], ends=(1, 0)).ok


def test_independent_days_keep_their_end() -> None:
    """A vehicle outside any tour cannot be given another end."""
    inst = far_instance()
    plain = dataclasses.replace(inst, vehicles=tuple(
        dataclasses.replace(v, tour=None, night_options=None) for v in inst.vehicles))
    assert check_routes(plain, [[], []]).ok
    assert not check_routes(plain, [[], []], ends=(1, 0)).ok


def test_max_nights_away_in_a_row() -> None:
    """Two nights away in a row break a limit of one; a night back at base resets it."""
    inst = far_instance(days=4, max_nights=1)
    empty: list[list[int]] = [[], [], [], []]
    assert check_routes(inst, empty, ends=(2, 0, 2, 0)).ok
    report = check_routes(inst, empty, ends=(2, 2, 0, 0))
    assert any("more than the 1 allowed" in v for v in report.violations)


def test_costs_and_budget() -> None:
    """Fuel per metre, leg charges and nights (per-diem + lodging) add up per route; a plan
    over the budget is refused."""
    leg = np.zeros((len(XS), len(XS)), dtype=np.int64)
    leg[0, 3] = 500  # a crossing on the way out
    inst = far_instance(night_rp=1000, lodging_rp=250, rp_per_m=2, leg_rp=leg)
    routes = [(0, 1), (2, 3)]
    report = check_routes(inst, routes, ends=(1, 0))
    day1, day2 = report.schedules
    assert day1.nights_rp == 1250
    assert day1.cost_rp == 2 * day1.distance_m + 500 + 1250
    assert day2.cost_rp == 2 * day2.distance_m
    assert day2.nights_rp == 0
    assert report.cost_rp == day1.cost_rp + day2.cost_rp
    assert report.nights_rp == 1250
    tight = dataclasses.replace(inst, budget_rp=report.cost_rp - 1)
    over = check_routes(tight, routes, ends=(1, 0))
    assert any("over the budget" in v for v in over.violations)
    assert check_routes(dataclasses.replace(inst, budget_rp=report.cost_rp), routes,
                        ends=(1, 0)).ok


def test_the_search_chooses_the_night_place() -> None:
    """The far villages are out of reach of day trips: the search sleeps at the lodge and
    makes them; with the night fixed at base it cannot."""
    inst = far_instance()
    sol = solve(inst, time_limit_s=10.0, seed=0, solution_limit=4)
    assert sol.status is SolveStatus.FEASIBLE
    report = check_routes(inst, sol.routes, ends=sol.ends)
    assert report.ok, report.violations
    assert sol.ends[0] in (1,)
    assert sol.ends[1] == 0
    assert sol.prize == 40
    fixed = solve(far_instance(night_options=(0,)), time_limit_s=10.0, seed=0,
                  solution_limit=4)
    assert fixed.ends == (0, 0)
    assert fixed.prize == 1


def test_the_search_keeps_max_nights_away() -> None:
    """With no night away allowed, the team sleeps at base every night."""
    inst = far_instance(days=3, max_nights=0)
    sol = solve(inst, time_limit_s=10.0, seed=0, solution_limit=4)
    assert sol.ends == (0, 0, 0)
    assert check_routes(inst, sol.routes, ends=sol.ends).ok


def test_the_search_keeps_the_budget() -> None:
    """A budget that pays one night away but not the fuel of every far village."""
    free = far_instance(night_rp=1000, rp_per_m=1)
    rich = solve(free, time_limit_s=10.0, seed=0, solution_limit=4)
    cost = check_routes(free, rich.routes, ends=rich.ends).cost_rp
    assert rich.prize == 40
    tight = dataclasses.replace(free, budget_rp=cost - 1)
    sol = solve(tight, time_limit_s=10.0, seed=0, solution_limit=4)
    report = check_routes(tight, sol.routes, ends=sol.ends)
    assert report.ok, report.violations
    assert report.cost_rp <= cost - 1
    assert sol.prize < 40


def test_initial_ends_seed_the_search() -> None:
    """``initial_ends`` with ``initial_routes`` is a valid start the result never falls
    below; the night places of a plain solve are the vehicles' ends."""
    inst = far_instance()
    sol = solve(inst, time_limit_s=5.0, seed=1, solution_limit=1,
                initial_routes=[(0, 1), (2, 3)], initial_ends=(1, 0))
    assert sol.prize >= 40
    plain = dataclasses.replace(inst, vehicles=tuple(
        dataclasses.replace(v, tour=None, night_options=None) for v in inst.vehicles))
    assert solve(plain, time_limit_s=5.0, seed=0, solution_limit=1).ends == (0, 0)


def test_chained_instance_is_what_the_day_search_sees() -> None:
    """Fixing the nights gives ordinary days; the day search on it reaches the far
    villages, and its plan is clean on the tour instance with those ends."""
    inst = far_instance()
    fixed = chained(inst, (1, 0))
    assert [(v.start_location, v.end_location) for v in fixed.vehicles] == [(0, 1), (1, 0)]
    sol = core_search(fixed, time_limit_s=5.0, seed=0, solution_limit=2)
    assert sol.prize == 40
    assert check_routes(inst, sol.routes, ends=(1, 0)).ok


def test_tours_are_reproducible_in_the_deterministic_mode() -> None:
    """``solution_limit`` with a fixed seed gives the same routes and nights."""
    inst = far_instance(days=3)
    first = solve(inst, time_limit_s=20.0, seed=3, solution_limit=2)
    again = solve(inst, time_limit_s=20.0, seed=3, solution_limit=2)
    assert (first.routes, first.ends) == (again.routes, again.ends)
    assert check_routes(inst, first.routes, ends=first.ends).ok


def test_isolated_solve_returns_the_nights() -> None:
    """The web's path (a child process) carries the night places back and checks them."""
    from planner.solver import solve_isolated

    inst = far_instance()
    sol = solve_isolated(inst, time_limit_s=3.0, seed=0, solution_limit=2)
    assert sol.status is SolveStatus.FEASIBLE, sol.message
    assert sol.ends == (1, 0)
    assert check_routes(inst, sol.routes, ends=sol.ends).ok
