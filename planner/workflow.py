"""The steps from a loaded dataset to a plan, in one place for the CLI and the web app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from planner.dataset import Dataset
from planner.geography import classify_villages
from planner.instance import Instance
from planner.io.days_off import days_off_list
from planner.params import PlanningParams
from planner.plan import Plan, decode_plan
from planner.problem import BuiltProblem, Pin, build_problem
from planner.solution import ProgressCallback, Solution
from planner.solver import solve_isolated

_OVERRIDE_FLAGS = ("island", "border", "coastal", "remote")


def classify_dataset(dataset: Dataset, params: PlanningParams) -> pd.DataFrame:
    """Villages with their backlog and geography flags (the coordinator's overrides win)."""
    overrides = dataset.overrides
    villages = dataset.villages
    if "hilly" in overrides.columns:
        given = villages["kode"].map(overrides.set_index("kode")["hilly"])
        villages = villages.assign(
            hilly=given.where(given.notna(), villages["hilly"]).astype(bool))
    classified = classify_villages(villages, dataset.offices, harbours=dataset.harbours,
                                   neighbours=dataset.neighbours,
                                   overrides=overrides[["kode", *_OVERRIDE_FLAGS]],
                                   params=params, roads=dataset.roads)
    counts = dataset.backlog[["kode", "wajib_ktp", "sudah_rekam", "belum_rekam"]]
    return pd.DataFrame(classified.merge(counts, on="kode", how="left"))


@dataclass(frozen=True)
class WeekPlan:
    """A solved week: the built problem, the raw solution and the decoded plan."""

    built: BuiltProblem
    solution: Solution
    plan: Plan


def build_week(dataset: Dataset, classified: pd.DataFrame, *, regency: str, week_start: date,
               params: PlanningParams, pins: Sequence[Pin] = (),
               first_day: date | None = None) -> BuiltProblem:
    """The routing problem of one regency's week (no team-day on holidays, cuti bersama or
    the dataset's days off; none before ``first_day`` when the week has started)."""
    return build_problem(classified, teams=dataset.teams, offices=dataset.offices,
                         harbours=dataset.harbours, regency=regency, week_start=week_start,
                         params=params, pins=pins, roads=dataset.roads,
                         days_off=days_off_list(dataset.days_off), first_day=first_day)


def solve_week(built: BuiltProblem, params: PlanningParams, *,
               progress: ProgressCallback | None = None) -> WeekPlan:
    """Solve in an isolated process and decode (the plan is checked while decoding)."""
    solution = solve_instance(built.instance, params, progress=progress)
    return WeekPlan(built, solution, decode_plan(built.instance, solution, built=built,
                                                 params=params))


def solve_instance(instance: Instance, params: PlanningParams, *,
                   progress: ProgressCallback | None = None) -> Solution:
    """Solve any instance with the solver parameters of ``params``."""
    return solve_isolated(instance, time_limit_s=params.solver.time_limit_s,
                          seed=params.solver.seed, solution_limit=params.solver.solution_limit,
                          progress=progress)
