"""The steps from a loaded dataset to a plan, in one place for the CLI and the web app."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from planner.classify_cache import ARRAY_COLUMNS, ClassificationCache, dataset_key
from planner.dataset import Dataset
from planner.errors import ParameterError, Problem
from planner.geography import classify_villages
from planner.instance import Instance
from planner.io.days_off import days_off_list
from planner.params import PlanningParams
from planner.plan import Plan, decode_plan
from planner.problem import BuiltProblem, Pin, build_problem
from planner.remedies import add_remedies
from planner.solution import ProgressCallback, Solution
from planner.solver import solve_isolated

_OVERRIDE_FLAGS = ("island", "border", "coastal", "remote")


def classify_dataset(dataset: Dataset, params: PlanningParams, *,
                     cache: ClassificationCache | None = None,
                     regencies: Collection[str] | None = None) -> pd.DataFrame:
    """Villages with their backlog and geography flags (the coordinator's overrides win).

    With ``cache``, a classification of the same data and parameters done before is read
    back instead of redone, and a new classification of all villages is kept for the next
    command (the web app, the simulation, the next regency).  With ``regencies``, only
    their villages are returned; without a cached classification only the land they touch
    is measured (see :func:`planner.geography.classify_villages`), with the same flags.
    """
    overrides = dataset.overrides
    villages = dataset.villages
    if "hilly" in overrides.columns:
        given = villages["kode"].map(overrides.set_index("kode")["hilly"])
        villages = villages.assign(
            hilly=given.where(given.notna(), villages["hilly"]).astype(bool))
    key = dataset_key(dataset, params) if cache is not None else None
    stored = cache.load(key) if cache is not None and key is not None else None
    if stored is not None and list(stored["kode"]) == villages["kode"].astype(str).tolist():
        classified = _restore(villages, stored)
        if regencies is not None:
            _check_regencies(classified, regencies)
            classified = classified[classified["kabupaten_kode"].isin(set(regencies))]
            classified = classified.reset_index(drop=True)
    else:
        classified = classify_villages(villages, dataset.offices, harbours=dataset.harbours,
                                       neighbours=dataset.neighbours,
                                       overrides=overrides[["kode", *_OVERRIDE_FLAGS]],
                                       params=params, roads=dataset.roads,
                                       regencies=regencies)
        if cache is not None and key is not None and regencies is None:
            cache.store(key, classified)
    counts = dataset.backlog[["kode", "wajib_ktp", "sudah_rekam", "belum_rekam"]]
    merged = pd.DataFrame(classified.merge(counts, on="kode", how="left"))
    merged.attrs["geography_notes"] = classified.attrs.get("geography_notes", ())
    return merged


def _restore(villages: gpd.GeoDataFrame, stored: dict[str, Any]) -> gpd.GeoDataFrame:
    """The classified frame from the villages and a cache entry of theirs."""
    out = villages.reset_index(drop=True).copy()
    for column in ARRAY_COLUMNS:
        out[column] = stored[column]
    out["border_kind"] = pd.Series(stored["border_kind"], dtype="object")
    out["overridden"] = pd.Series(stored["overridden"], dtype="object")
    if stored["columns"] and set(stored["columns"]) == set(out.columns):
        out = out[stored["columns"]]  # the order classify_villages gives
    out.attrs["geography_notes"] = stored["notes"]
    return out


def _check_regencies(classified: pd.DataFrame, regencies: Collection[str]) -> None:
    missing = sorted(set(regencies) - set(classified["kabupaten_kode"].astype(str)))
    if missing:
        raise ParameterError([Problem("parameter", None, "regency",
                                      f"kabupaten/kota {code} tidak ada di data desa",
                                      f"regency {code} is not in the villages data")
                              for code in missing])


@dataclass(frozen=True)
class WeekPlan:
    """A solved week: the built problem, the raw solution and the decoded plan."""

    built: BuiltProblem
    solution: Solution
    plan: Plan


def build_week(dataset: Dataset, classified: pd.DataFrame, *, regency: str, week_start: date,
               params: PlanningParams, pins: Sequence[Pin] = (),
               first_day: date | None = None, trip_rule: str = "planner",
               kept_nights: dict[tuple[str, str], str] | None = None) -> BuiltProblem:
    """The routing problem of one regency's week (no team-day on holidays, cuti bersama or
    the dataset's days off; none before ``first_day`` when the week has started); trips
    are chosen by ``trip_rule`` (``planner`` or the office's ``manual`` rule)."""
    return build_problem(classified, teams=dataset.teams, offices=dataset.offices,
                         harbours=dataset.harbours, regency=regency, week_start=week_start,
                         params=params, pins=pins, roads=dataset.roads,
                         days_off=days_off_list(dataset.days_off), first_day=first_day,
                         land=(dataset.villages, dataset.neighbours),
                         lodging=dataset.lodging, trip_rule=trip_rule,
                         kept_nights=kept_nights)


def solve_week(built: BuiltProblem, params: PlanningParams, *,
               progress: ProgressCallback | None = None) -> WeekPlan:
    """Solve in an isolated process and decode (the plan is checked while decoding)."""
    solution = solve_instance(built.instance, params, progress=progress)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    return WeekPlan(built, solution, add_remedies(plan, built, solution, params))


def solve_instance(instance: Instance, params: PlanningParams, *,
                   progress: ProgressCallback | None = None) -> Solution:
    """Solve any instance with the solver parameters of ``params``."""
    return solve_isolated(instance, time_limit_s=params.solver.time_limit_s,
                          seed=params.solver.seed, solution_limit=params.solver.solution_limit,
                          progress=progress)
