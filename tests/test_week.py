"""A whole week on the sample regency: data -> instance -> OR-Tools -> checked plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from planner.dataset import Dataset, load_dataset_from_folder
from planner.params import PlanningParams, SolverParams
from planner.plan import check_plan, decode_plan
from planner.problem import Pin
from planner.solver import solve
from planner.workflow import build_week, classify_dataset, solve_week

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MONDAY = date(2026, 11, 30)
REGENCY = "36.90"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The sample regency as shipped."""
    return load_dataset_from_folder(SAMPLE)


@pytest.fixture(scope="module")
def classified(dataset: Dataset) -> pd.DataFrame:
    """Its villages, classified with default parameters."""
    return classify_dataset(dataset, PlanningParams())


def _with_teams(dataset: Dataset, **changes: object) -> Dataset:
    return replace(dataset, teams=dataset.teams.assign(**changes))


def _plan(dataset, classified, *, seed=0, pins=(), params=None):
    params = params or PlanningParams()
    built = build_week(dataset, classified, regency=REGENCY, week_start=MONDAY, params=params,
                       pins=pins)
    solution = solve(built.instance, time_limit_s=20, seed=seed, solution_limit=1)
    return built, solution, decode_plan(built.instance, solution, built=built, params=params)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("daily_cap", [None, 25])
def test_every_plan_passes_check_plan(dataset, classified, seed, daily_cap):
    """Plans for several seeds, loose and tight daily caps, pass check_plan."""
    data = _with_teams(dataset, daily_cap=pd.array([daily_cap] * len(dataset.teams),
                                                   dtype="Int64"))
    built, solution, plan = _plan(data, classified, seed=seed)
    report = check_plan(built.instance, plan)
    assert report.ok, report.violations
    assert report.prize == solution.prize > 0
    if daily_cap:
        assert all(r.expected_recordings <= daily_cap for r in plan.routes)


def test_islands_only_by_boat_capable_teams(dataset, classified):
    """Island villages appear only on routes of boat-capable teams."""
    _built, _, plan = _plan(dataset, classified)
    boat = set(dataset.teams.loc[dataset.teams["boat_capable"], "team_id"])
    islands = set(classified.loc[classified["island"], "kode"])
    for route in plan.routes:
        for stop in route.stops:
            if stop.village_code in islands:
                assert route.team_id in boat


def test_without_boat_team_islands_wait_with_reason(dataset, classified):
    """With no boat-capable team, every island village gets reason no_boat_team."""
    _built, _, plan = _plan(_with_teams(dataset, boat_capable=False), classified)
    islands = set(classified.loc[classified["island"], "kode"])
    reasons = {u.village_code: u.reason.code for u in plan.unscheduled}
    assert islands
    assert all(reasons[k] in {"no_boat_team", "no_backlog"} for k in islands)


def test_capacity_reason_names_what_it_would_displace(dataset, classified):
    """Villages left for lack of capacity name the visits their best place would displace,
    worth more per hour of team time (issue 17 §2), and the figures agree with the text."""
    from planner.why import consistent

    _, _, plan = _plan(dataset, classified)
    waiting = [u for u in plan.unscheduled if u.reason.code == "capacity"]
    assert waiting
    assert all(consistent(u.reason) for u in waiting)
    assert any("per jam tim" in u.reason.text_id for u in waiting)


def test_pins_are_honoured(dataset, classified):
    """A village pinned to a team-day is on that team-day."""
    built0, _, plan0 = _plan(dataset, classified)
    whole = {v.village_code for v in built0.instance.visits if v.allowed_vehicles is None}
    waiting = next(u.village_code for u in plan0.unscheduled
                   if u.reason.code == "capacity" and u.village_code in whole)
    team = str(dataset.teams["team_id"].iloc[-1])
    pin = Pin(waiting, team, date(2026, 12, 2))
    built, _, plan = _plan(dataset, classified, pins=[pin])
    route = next(r for r in plan.routes if r.team_id == team and r.date == "2026-12-02")
    assert waiting in {s.village_code for s in route.stops}
    assert check_plan(built.instance, plan).ok


def test_big_villages_are_split_over_days_or_teams(dataset, classified):
    """A village bigger than a team-day is visited in chunks, never twice on one route."""
    built, _, plan = _plan(dataset, classified)
    chunked = [s for r in plan.routes for s in r.stops if s.chunks > 1]
    assert chunked, "the sample regency has villages bigger than a team-day"
    # the parts of the largest team go to different team-days; the remaining share (no
    # group) may ride with one of them: a big team records the whole village in one day
    group = {v.visit_id: v.group for v in built.instance.visits}
    for route in plan.routes:
        codes = [s.village_code for s in route.stops if group[s.visit_id] is not None]
        assert len(codes) == len(set(codes))


def test_same_seed_same_plan(dataset, classified):
    """The deterministic mode gives the same routes for the same seed."""
    built = build_week(dataset, classified, regency=REGENCY, week_start=MONDAY,
                       params=PlanningParams())
    a = solve(built.instance, time_limit_s=20, seed=7, solution_limit=1)
    b = solve(built.instance, time_limit_s=20, seed=7, solution_limit=1)
    assert a.routes == b.routes


def test_isolated_solve_through_the_workflow(dataset, classified):
    """solve_week runs the solver in its own process and returns a checked plan."""
    params = replace(PlanningParams(), solver=SolverParams(time_limit_s=3, seed=0))
    built = build_week(dataset, classified, regency=REGENCY, week_start=MONDAY, params=params)
    week = solve_week(built, params)
    assert week.solution.status.value == "feasible"
    assert check_plan(built.instance, week.plan).ok
