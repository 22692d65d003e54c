"""The solver's night places (``Solution.ends``) carried through the product: the decoded
plan sleeps where the solver chose, its check, the plan file, web edits, the simulation, and
the instance JSON keep the trip fields."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.checking import check_routes
from planner.errors import InputError
from planner.instance import Instance
from planner.instance_io import instance_from_dict, instance_to_dict
from planner.params import PlanningParams
from planner.plan import check_plan, decode_plan, plan_to_dict, read_plan_routes, write_plan
from planner.problem import BuiltProblem, build_problem
from planner.simulation.engine import SimulationConfig, _routes
from planner.solution import Solution, SolveStatus
from planner.solver import solve
from planner.trips import fit_to_budget, team_bases
from tests.factories import REGENCY, island_regency

SCHEMA = Path(__file__).resolve().parents[1] / "planner" / "schemas" / "instance.schema.json"


@pytest.fixture(scope="module")
def built() -> BuiltProblem:
    d = island_regency()
    return build_problem(d["villages"], teams=d["teams"], offices=d["offices"],
                         harbours=d["harbours"], regency=REGENCY, week_start=date(2026, 11, 30),
                         params=PlanningParams())


@pytest.fixture(scope="module")
def solution(built: BuiltProblem) -> Solution:
    return solve(built.instance, time_limit_s=5, seed=0, solution_limit=12)


def _moved(inst: Instance, solution: Solution) -> list[int]:
    return [k for k, v in enumerate(inst.vehicles)
            if solution.ends and solution.ends[k] != v.end_location]


def test_the_plan_sleeps_where_the_solver_chose(built: BuiltProblem, solution: Solution):
    inst = built.instance
    moved = _moved(inst, solution)
    # the builder's night is only the solver's starting point: here it moves at least one
    assert moved, "the solver kept every night of the builder"
    assert not check_routes(inst, solution.routes).ok  # the builder's nights do not fit
    plan = decode_plan(inst, solution, built=built)
    by_vid = {r.vehicle_id: r for r in plan.routes}
    bases = team_bases(inst)
    _, ends, _ = fit_to_budget(inst, solution.routes, solution.ends)
    for k in moved:
        veh = inst.vehicles[k]
        night = by_vid[veh.vehicle_id].night
        if ends[k] == bases[veh.team_id]:
            assert night is None
        else:
            assert night is not None
            assert night["location_id"] == inst.locations[ends[k]].location_id
        # the next day leaves from there
        nxt = next((j for j, v in enumerate(inst.vehicles)
                    if v.tour == veh.tour and v.tour_day == veh.tour_day + 1), None)
        if nxt is not None and solution.routes[nxt]:
            first = by_vid[inst.vehicles[nxt].vehicle_id].stops[0]
            loc = inst.visits[solution.routes[nxt][0]].location
            assert first.travel_from_previous_s == int(inst.duration_s[ends[k], loc])
    report = check_plan(inst, plan)
    assert report.ok, report.violations


def test_a_plan_file_keeps_its_nights_for_the_check(built: BuiltProblem, solution: Solution,
                                                    tmp_path: Path):
    inst = built.instance
    plan = decode_plan(inst, solution, built=built)
    write_plan(plan, tmp_path / "plan.json")
    routes = read_plan_routes(tmp_path / "plan.json")
    assert any(routes.nights.values())
    report = check_plan(inst, routes)
    assert report.ok, report.violations
    # a night moved to where the next day cannot have started is refused
    data = plan_to_dict(plan)
    k = _moved(inst, solution)[0]
    vid = inst.vehicles[k].vehicle_id
    other = next(i for i in (inst.vehicles[k].night_options or ())
                 if i not in (solution.ends[k], team_bases(inst)[inst.vehicles[k].team_id]))
    for r in data["routes"]:
        if r["vehicle_id"] == vid:
            r["night"] = {"location_id": inst.locations[other].location_id}
    (tmp_path / "moved.json").write_text(json.dumps(data), encoding="utf-8")
    assert not check_plan(inst, read_plan_routes(tmp_path / "moved.json")).ok


def test_decode_without_solver_ends_uses_the_end_locations(built: BuiltProblem):
    inst = built.instance
    empty = Solution(routes=tuple(() for _ in inst.vehicles), status=SolveStatus.FEASIBLE)
    plan = decode_plan(inst, empty, built=built)
    assert check_plan(inst, plan).ok
    assert all(r.night is None for r in plan.routes)  # no stop: no trip made


def test_a_web_edit_keeps_the_solver_nights(built: BuiltProblem, solution: Solution):
    from web.services.plan_edits import recheck

    inst = built.instance
    data = plan_to_dict(decode_plan(inst, solution, built=built))
    routes = {str(r["vehicle_id"]): [str(s["visit_id"]) for s in r["stops"]]
              for r in data["routes"]}
    result = recheck(data, inst, routes, set(), {})
    assert result.plan is not None, result.violations
    nights = {r["vehicle_id"]: r.get("night") for r in result.plan["routes"]}
    for k in _moved(inst, solution):
        night = nights[inst.vehicles[k].vehicle_id]
        assert (night or {}).get("location_id") in (
            None, inst.locations[solution.ends[k]].location_id)


def test_the_simulation_checks_the_solver_nights(built: BuiltProblem, solution: Solution):
    def fake_solve(instance: Instance, **_: object) -> Solution:
        return solution

    routes, ends = _routes("planner", built, {}, SimulationConfig(), fake_solve)
    kept, expected, _ = fit_to_budget(built.instance, solution.routes, solution.ends)
    assert [list(r) for r in routes] == kept
    assert ends == expected
    assert any(ends[k] == solution.ends[k] for k in _moved(built.instance, solution))
    assert check_routes(built.instance, routes, ends=ends).ok


def test_instance_json_keeps_the_trip_fields(built: BuiltProblem):
    inst = replace(built.instance, budget_rp=12_345_000)
    assert any(v.tour for v in inst.vehicles)
    assert inst.leg_rp is not None
    inst = replace(inst, locations=(replace(inst.locations[0], lodging_rp=150_000),
                                    *inst.locations[1:]))
    data = json.loads(json.dumps(instance_to_dict(inst)))
    again = instance_from_dict(data)
    assert again.vehicles == inst.vehicles
    assert again.locations == inst.locations
    assert again.budget_rp == 12_345_000
    assert again.leg_rp is not None
    assert (again.leg_rp == inst.leg_rp).all()
    assert instance_to_dict(again) == data
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(data)


def test_instance_json_refuses_a_night_option_out_of_range(built: BuiltProblem):
    data = instance_to_dict(built.instance)
    k = next(i for i, v in enumerate(data["vehicles"]) if v["night_options"])
    data["vehicles"][k]["night_options"] = [len(data["locations"])]
    with pytest.raises(InputError) as err:
        instance_from_dict(data)
    assert [p.column for p in err.value.problems] == [f"vehicles[{k}].night_options"]


def test_the_map_starts_a_trip_day_where_the_team_slept(built: BuiltProblem,
                                                        solution: Solution):
    from planner.exports._common import depot_locations

    inst = built.instance
    plan = decode_plan(inst, solution, built=built)
    depots = depot_locations(inst, plan)
    assert depots == depot_locations(inst, plan_to_dict(plan))
    by_vid = {r.vehicle_id: r for r in plan.routes}
    checked = 0
    for k in _moved(inst, solution):
        veh = inst.vehicles[k]
        night = by_vid[veh.vehicle_id].night
        nxt = next((v for v in inst.vehicles
                    if v.tour == veh.tour and v.tour_day == veh.tour_day + 1), None)
        if night is None or nxt is None:
            continue
        assert depots[f"{nxt.vehicle_id}:start"] == (night["lon"], night["lat"])
        checked += 1
    assert checked
