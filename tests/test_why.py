"""Reasons computed from the plan (issue 17 §2): the binding cause, with figures that are
true of the plan and never contradict the sentence they are in."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.checking import check_routes
from planner.dataset import load_dataset, load_dataset_from_folder
from planner.params import PlanningParams, SolverParams
from planner.plan import decode_plan
from planner.problem import build_problem
from planner.solution import Solution, SolveStatus
from planner.solver import solve
from planner.trips import fit_to_budget, with_ends
from planner.why import CAPACITY_CODES, consistent, id_num, route_duration
from planner.workflow import build_week, classify_dataset
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MONDAY = date(2026, 11, 30)
BANTEN = Path(os.environ.get("JEMPUT_BANTEN", "/work/shared/data/banten"))


def _sample_plan(seconds: float = 4.0):
    dataset = load_dataset_from_folder(SAMPLE)
    params = PlanningParams()
    built = build_week(dataset, classify_dataset(dataset, params), regency="36.90",
                       week_start=MONDAY, params=params)
    solution = solve(built.instance, time_limit_s=seconds, seed=0)
    return built, solution, decode_plan(built.instance, solution, built=built, params=params)


@pytest.fixture(scope="module")
def sample():
    return _sample_plan()


def _check_capacity_claims(built, solution, plan) -> int:
    """Every capacity-type reason: its figures agree with its sentence, and they are true of
    the plan: no team-day takes the village as it is, and taking out the named visits makes
    room for it on the named team-day (each day from and to the solver's nights)."""
    inst = with_ends(built.instance,
                     fit_to_budget(built.instance, solution.routes, solution.ends)[1])
    vehicles = {v.vehicle_id: k for k, v in enumerate(inst.vehicles)}
    visit_ids = {v.visit_id: i for i, v in enumerate(inst.visits)}
    n = 0
    for u in plan.unscheduled:
        why = u.reason
        assert "batas terendah" not in why.text_id
        if why.code not in CAPACITY_CODES:
            continue
        n += 1
        f = why.figures
        assert consistent(why), (u.village_code, why.text_id, f)
        if f["basis"] == "per_hour":
            assert f["value_per_hour"] < f["displaced_value_per_hour"]
            assert id_num(f["displaced_value_per_hour"]) in why.text_id
        else:
            assert f["value"] <= f["displaced_value"]
        k = vehicles[f["vehicle_id"]]
        route = list(solution.routes[k])
        removed = [visit_ids[v] for v in f["displaced"]]
        assert removed
        assert all(i in route for i in removed)
        rest = [i for i in route if i not in removed]
        mine = [i for i, v in enumerate(inst.visits) if v.village_code == u.village_code]
        fits = any(check_routes(inst, [*solution.routes[:k], [*rest[:p], x, *rest[p:]],
                                       *solution.routes[k + 1:]]).ok
                   for x in mine for p in range(len(rest) + 1))
        assert fits, u.village_code
        # and as the routes are, no team-day takes it (else the reason would be a search gap)
        for j, r in enumerate(solution.routes):
            for x in mine:
                if not inst.allowed(x, j):
                    continue
                for p in range(len(r) + 1):
                    trial = [*solution.routes[:j], [*r[:p], x, *r[p:]], *solution.routes[j + 1:]]
                    assert not check_routes(inst, trial).ok, (u.village_code, j)
        # value and time of the displaced visits are the plan's own
        assert f["displaced_value"] == round(sum(inst.visits[i].prize for i in removed) / 100, 2)
        freed = route_duration(inst, k, route) - route_duration(inst, k, rest)
        assert f["displaced_min"] == round(freed / 60, 1)
    return n


def test_sample_capacity_reasons_are_true_and_consistent(sample):
    """On the sample regency every capacity-type reason names visits worth more per hour (or
    in total) than the village, and those figures hold on the plan itself."""
    built, solution, plan = sample
    assert _check_capacity_claims(built, solution, plan) >= 20


def test_sample_boat_team_full_is_an_island_with_every_boat_day_used(sample):
    built, solution, plan = sample
    inst = built.instance
    boat_days = [k for k, v in enumerate(inst.vehicles) if v.boat_capable]
    full = [u for u in plan.unscheduled if u.reason.code == "boat_team_full"]
    for u in full:
        assert bool(built.villages.loc[u.village_code, "island"])
        assert all(solution.routes[k] for k in boat_days)
        assert "bisa menyeberang" in u.reason.text_id


def test_summary_counts_what_the_list_shows(sample):
    _, _, plan = sample
    waiting = [u for u in plan.unscheduled if u.reason.code != "no_backlog"]
    assert plan.summary["villages_unscheduled"] == len(waiting)


def test_a_village_too_far_for_a_day_names_the_closest_team_day_and_the_minutes_short():
    """Unreachable: which team-day came closest, and by how many minutes it falls short."""
    built = build_problem(
        villages_frame(make_village("36.90.01.2001"),
                       make_village("36.90.01.2002", stop_lon=106.81)),
        teams=teams_frame(make_team("a"), make_team("b", day_end="16:30")),
        offices=offices_frame(), harbours=harbours_frame(), regency=REGENCY,
        # day trips only (issue 18 off): with trips the village waits for a trip instead
        week_start=MONDAY, params=replace(PlanningParams(), trips=replace(
            PlanningParams().trips, enabled=False)))
    assert built.excluded["36.90.01.2002"].code in {"unreachable", "overnight"}
    sol = Solution(routes=tuple(() for _ in built.instance.vehicles), status=SolveStatus.FEASIBLE)
    plan = decode_plan(built.instance, sol, built=built)
    why = next(u.reason for u in plan.unscheduled if u.village_code == "36.90.01.2002")
    f = why.figures
    # team b works an hour longer: it comes closest, by 60 minutes less
    assert f["vehicle_id"].startswith("b@")
    assert f["short_min"] == f["need_min"] - f["shift_min"] or \
        f["short_min"] == f["need_min"] - f["shift_min"] + 1
    assert 0 < f["short_min"] < 180
    assert "Tim b" in why.text_id
    assert "kurang" in why.text_id


def test_a_full_day_names_what_it_would_displace():
    """One team-day, two villages that do not both fit: the one left out names the other,
    which is worth more per hour of team time (it is nearer and as big)."""
    villages = villages_frame(
        make_village("36.90.01.2001", belum_rekam=160),
        make_village("36.90.01.2002", belum_rekam=160, stop_lon=106.2))
    params = replace(PlanningParams(), solver=SolverParams(time_limit_s=1))
    built = build_problem(villages, teams=teams_frame(make_team("a", workdays=(1,))),
                          offices=offices_frame(), harbours=harbours_frame(), regency=REGENCY,
                          week_start=MONDAY, params=params)
    inst = built.instance
    near = next(i for i, v in enumerate(inst.visits) if v.village_code == "36.90.01.2001")
    sol = Solution(routes=((near,),), status=SolveStatus.FEASIBLE)
    assert check_routes(inst, sol.routes).ok
    plan = decode_plan(inst, sol, built=built)
    why = next(u.reason for u in plan.unscheduled if u.village_code == "36.90.01.2002")
    assert why.code == "capacity", why.text_id
    assert why.figures["basis"] == "per_hour"
    assert consistent(why)
    assert "Desa 2001" in why.text_id
    assert "per jam tim" in why.text_id


@pytest.mark.banten
@pytest.mark.skipif(not BANTEN.exists(), reason="Banten data absent")
def test_serang_capacity_reasons_are_true_and_consistent():
    """Kabupaten Serang (island villages, one boat team)."""
    ds = load_dataset(villages=f"{BANTEN / 'banten.gpkg'}:villages",
                      backlog=str(BANTEN / "belum_rekam.csv"),
                      offices=str(BANTEN / "offices.csv"), harbours=str(BANTEN / "harbours.csv"),
                      teams=str(BANTEN / "teams.csv"),
                      neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")
    params = PlanningParams()
    built = build_week(ds, classify_dataset(ds, params, regencies=["36.04"]), regency="36.04",
                       week_start=MONDAY, params=params)
    solution = solve(built.instance, time_limit_s=4, seed=0)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    assert _check_capacity_claims(built, solution, plan) >= 1
