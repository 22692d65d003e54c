"""plan_from_dict rebuilds the Plan that plan_to_dict wrote (the web app stores plan JSON)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from planner.errors import InputError
from planner.params import PlanningParams
from planner.plan import Plan, decode_plan, plan_from_dict, plan_to_dict
from planner.problem import build_problem
from planner.solution import Solution, SolveStatus
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Two stops of team a on Monday, a waiting village with capacity, one without backlog."""
    villages = villages_frame(
        make_village("36.90.01.2001", stop_lon=106.02, remote=True, desa="Désa Ūji"),
        make_village("36.90.01.2002", stop_lon=106.03, belum_rekam=20),
        make_village("36.90.01.2004", stop_lon=106.05, belum_rekam=30),
        make_village("36.90.02.2003", stop_lon=106.04, belum_rekam=0))
    built = build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                          harbours=harbours_frame(), regency=REGENCY,
                          week_start=date(2026, 11, 30), params=PlanningParams())
    routes = [(0, 1)] + [() for _ in built.instance.vehicles[1:]]
    return decode_plan(built.instance, Solution(routes=tuple(routes),
                                                status=SolveStatus.FEASIBLE), built=built)


def test_round_trip_rebuilds_the_same_plan(plan: Plan) -> None:
    """from_dict(to_dict(p)) == p, and its dict is the same JSON again."""
    data = plan_to_dict(plan)
    again = plan_from_dict(data)
    assert again == plan
    assert plan_to_dict(again) == data
    assert {u.reason.code for u in again.unscheduled} >= {"search_gap", "no_backlog"}
    assert again.routes[0].stops[0].desa == "Désa Ūji"


def test_round_trip_through_json_text(plan: Plan) -> None:
    """What the database gives back (JSON text) rebuilds the same plan."""
    stored = json.loads(json.dumps(plan_to_dict(plan)))
    assert plan_from_dict(stored) == plan


def test_optional_fields_may_be_missing(plan: Plan) -> None:
    """A hand-made plan without units, notes, schema version or priorities still loads."""
    data = plan_to_dict(plan)
    for key in ("units", "notes", "schema_version", "solver"):
        data.pop(key)
    for route in data["routes"]:
        for stop in route["stops"]:
            stop.pop("priority_id")
            stop.pop("priority_en")
    for item in data["unscheduled"]:
        item.pop("weight")
    rebuilt = plan_from_dict(data)
    assert rebuilt.routes == tuple(
        replace(r, stops=tuple(replace(s, priority_id="", priority_en="") for s in r.stops))
        for r in plan.routes)
    assert rebuilt.notes == ()
    assert rebuilt.solver == {}
    assert all(u.weight is None for u in rebuilt.unscheduled)


def test_missing_required_field_is_an_input_error(plan: Plan) -> None:
    """A stop without its visit id is refused with a readable problem."""
    data = plan_to_dict(plan)
    del data["routes"][0]["stops"][0]["visit_id"]
    with pytest.raises(InputError):
        plan_from_dict(data)
