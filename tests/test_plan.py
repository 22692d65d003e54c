"""Decoding a solution into the plan people read, the plan JSON, and check_plan."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from planner.errors import SolverError
from planner.params import CoveringParams, PlanningParams
from planner.plan import check_plan, decode_plan, plan_to_dict, read_plan_routes, write_plan
from planner.problem import build_problem
from planner.solution import Solution, SolveStatus
from planner.turnout_model import expected_recordings
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "planner" / "schemas"
                     / "plan.schema.json").read_text())


@pytest.fixture
def built():
    """Three villages, one of them without backlog, and one team."""
    villages = villages_frame(
        make_village("36.90.01.2001", stop_lon=106.02, remote=True),
        make_village("36.90.01.2002", stop_lon=106.03, belum_rekam=20),
        make_village("36.90.02.2003", stop_lon=106.04, belum_rekam=0))
    return build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY,
                         week_start=date(2026, 11, 30),
                         # one visit per village: the tests below index the visits
                         params=PlanningParams(covering=CoveringParams(enabled=False)))


def _solution(built, first_route):
    routes = [tuple(first_route)] + [() for _ in built.instance.vehicles[1:]]
    return Solution(routes=tuple(routes), status=SolveStatus.FEASIBLE)


def test_decoded_plan_has_times_recordings_and_reasons(built):
    """Stops carry arrival/departure and expected recordings; others wait with a reason."""
    plan = decode_plan(built.instance, _solution(built, [0]), built=built)
    stop = plan.routes[0].stops[0]
    assert stop.village_code == "36.90.01.2001"
    assert stop.desa == "Desa 2001"
    assert 8 * 3600 < stop.arrival_s == stop.start_s < stop.departure_s
    # 50 less 10 % who never come = 45; capacity 27 (their mean at 0.6); expected
    # recordings E[min(27, Binomial(45, 0.6))]
    assert stop.capacity == 27
    assert stop.expected_recordings == round(expected_recordings(27, 45, 0.6)) == 26
    assert "terpencil" in stop.priority_id
    reasons = {u.village_code: u.reason.code for u in plan.unscheduled}
    # the other team-days are empty: the village fits one as it is (the search missed it)
    assert reasons == {"36.90.01.2002": "search_gap", "36.90.02.2003": "no_backlog"}
    assert plan.summary["remote_villages_visited"] == 1
    assert plan.summary["remote_recordings_share"] == 1.0


def test_plan_json_matches_its_schema_and_checks_back(built, tmp_path):
    """The plan JSON validates against the schema and check_plan accepts it from disk."""
    plan = decode_plan(built.instance, _solution(built, [1, 0]), built=built)
    jsonschema.validate(plan_to_dict(plan), SCHEMA)
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    report = check_plan(built.instance, read_plan_routes(path))
    assert report.ok, report.violations
    assert report.prize == sum(v.prize for v in built.instance.visits)


def test_check_plan_catches_tampered_times(built, tmp_path):
    """A plan whose claimed arrival is earlier than travel allows is refused."""
    plan = decode_plan(built.instance, _solution(built, [0]), built=built)
    data = plan_to_dict(plan)
    data["routes"][0]["stops"][0]["arrival_s"] = 8 * 3600
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    report = check_plan(built.instance, read_plan_routes(path))
    assert not report.ok
    assert any("arrival" in v for v in report.violations)


def test_check_plan_catches_unknown_ids(built, tmp_path):
    """Vehicle and visit ids not in the instance are violations, not crashes."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"routes": [
        {"vehicle_id": "ghost@2026-11-30", "stops": []},
        {"vehicle_id": built.instance.vehicles[0].vehicle_id,
         "stops": [{"visit_id": "36.99.99.9999"}]}]}))
    report = check_plan(built.instance, read_plan_routes(path))
    assert not report.ok
    assert len(report.violations) == 2


def test_decode_refuses_a_broken_solution(built):
    """A solution that visits the same village twice is never decoded into a plan."""
    with pytest.raises(SolverError):
        decode_plan(built.instance, _solution(built, [0, 0]), built=built)


def test_plan_example_validates_and_checks_against_the_instance_example():
    """docs/examples/plan.small.json matches the plan schema and passes check_plan."""
    from planner.instance_io import read_instance

    examples = Path(__file__).resolve().parent.parent / "docs" / "examples"
    jsonschema.validate(json.loads((examples / "plan.small.json").read_text()), SCHEMA)
    report = check_plan(read_instance(examples / "instance.small.json"),
                        read_plan_routes(examples / "plan.small.json"))
    assert report.ok, report.violations


def test_check_plan_refuses_a_vehicle_listed_twice(built, tmp_path):
    """A plan giving one team-day two routes is a violation, not a silent overwrite."""
    vid = built.instance.vehicles[0].vehicle_id
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"routes": [{"vehicle_id": vid, "stops": []},
                                           {"vehicle_id": vid, "stops": []}]}))
    report = check_plan(built.instance, read_plan_routes(path))
    assert not report.ok
    assert any("more than one route" in v for v in report.violations)


def test_villages_with_nothing_left_are_not_counted_as_waiting(built):
    """no_backlog villages are listed with their reason but not counted as waiting."""
    plan = decode_plan(built.instance, _solution(built, [0]), built=built)
    assert {u.reason.code for u in plan.unscheduled} == {"search_gap", "no_backlog"}
    assert plan.summary["villages_unscheduled"] == 1


def test_summary_text_gives_reasons_in_words_and_indonesian_numbers(built):
    """The CLI summary lists waiting villages by reason text (never a key like 'capacity: 1')
    and writes numbers as Indonesian text does."""
    from dataclasses import replace

    from planner.plan import plan_summary_text

    plan = decode_plan(built.instance, _solution(built, [0]), built=built)
    text = plan_summary_text(replace(plan, summary={**plan.summary, "distance_m": 1_687_000}))
    assert "capacity:" not in text
    assert "search_gap" not in text
    assert "1 desa: Sebenarnya bisa dijadwalkan, tetapi pencarian belum menemukannya" in text
    assert "1.687 km" in text


def test_summary_text_counts_the_verified_suggestions_by_kind(built):
    """The CLI summary says how many waiting villages carry a verified suggestion, and of
    which kind (issue 17 §2)."""
    from dataclasses import replace

    from planner.plan import plan_summary_text

    plan = decode_plan(built.instance, _solution(built, [0]), built=built)
    marked = tuple(replace(u, reason=replace(u.reason, figures={"remedy": "change"}))
                   if u.reason.code != "no_backlog" else u for u in plan.unscheduled)
    text = plan_summary_text(replace(plan, unscheduled=marked))
    assert "Saran yang sudah diuji dengan rencana ulang: 1 desa (perubahan saja 1" in text
    assert "Saran yang sudah diuji" not in plan_summary_text(plan)
