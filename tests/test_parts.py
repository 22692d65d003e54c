"""Parts of a big village read "bagian 1/3, 2/3, 3/3" down the week, on every page."""

from __future__ import annotations

from datetime import date

import pytest

from planner.exports import whatsapp_text
from planner.parts import number_parts_dict, part_numbers
from planner.plan import Plan, decode_plan, plan_from_dict, plan_summary_text, plan_to_dict
from planner.problem import BuiltProblem, build_problem
from planner.solution import Solution, SolveStatus
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    simple_turnout,
    teams_frame,
    villages_frame,
)

DAYS = ("2026-11-30", "2026-12-01", "2026-12-02")


@pytest.fixture(scope="module")
def built() -> BuiltProblem:
    """A village of three parts and a small one; one team."""
    villages = villages_frame(
        make_village("36.90.01.2001", stop_lon=106.02, desa="Sukamaju", belum_rekam=600),
        make_village("36.90.01.2002", stop_lon=106.03, desa="Kecil", belum_rekam=20))
    return build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY,
                         week_start=date(2026, 11, 30), params=simple_turnout())


@pytest.fixture(scope="module")
def plan(built: BuiltProblem) -> Plan:
    """The solver's order: part 3 on Monday, part 1 on Tuesday, part 2 on Wednesday."""
    index = {v.visit_id: i for i, v in enumerate(built.instance.visits)}
    ids = [v.vehicle_id for v in built.instance.vehicles]
    routes: list[tuple[int, ...]] = [() for _ in ids]
    for day, part in zip(DAYS, (3, 1, 2), strict=True):
        routes[ids.index(f"a@{day}")] = (index[f"36.90.01.2001#{part}"],)
    solution = Solution(routes=tuple(routes), status=SolveStatus.FEASIBLE)
    return decode_plan(built.instance, solution, built=built)


def _labels(plan: Plan) -> list[tuple[str | None, str, int, int]]:
    return [(r.date, s.visit_id, s.chunk, s.chunks) for r in plan.routes for s in r.stops]


def test_part_numbers_follow_the_calendar() -> None:
    """Date first, then arrival, then the route's position; villages are numbered apart."""
    numbers = part_numbers([
        ("v", "2026-12-02", 100, 0, "v#1"), ("v", "2026-11-30", 900, 1, "v#2"),
        ("v", "2026-11-30", 300, 2, "v#3"), ("w", "2026-12-03", 0, 0, "w#2"),
        ("w", "2026-12-01", 0, 3, "w#1")])
    assert numbers == {"v#3": 1, "v#2": 2, "v#1": 3, "w#1": 1, "w#2": 2}


def test_decoded_plan_numbers_parts_in_visiting_order(plan: Plan) -> None:
    """Monday's visit is part 1/3 whatever part the solver took; visit ids are kept."""
    assert _labels(plan) == [
        ("2026-11-30", "36.90.01.2001#3", 1, 3),
        ("2026-12-01", "36.90.01.2001#1", 2, 3),
        ("2026-12-02", "36.90.01.2001#2", 3, 3)]


def test_stored_plans_are_renumbered_when_read(plan: Plan) -> None:
    """A plan JSON stored with the solver's numbers reads in visiting order again."""
    data = plan_to_dict(plan)
    for route in data["routes"]:
        for stop in route["stops"]:
            stop["chunk"] = int(stop["visit_id"].split("#")[1])
    assert _labels(plan_from_dict(data)) == _labels(plan)
    renumbered = number_parts_dict(data)
    assert [s["chunk"] for r in renumbered["routes"] for s in r["stops"]] == [1, 2, 3]
    assert [s["chunk"] for r in data["routes"] for s in r["stops"]] == [3, 1, 2]  # a copy


def test_texts_follow_the_numbers(plan: Plan) -> None:
    """The CLI summary and Monday's WhatsApp text say "(bagian 1/3)" first."""
    summary = plan_summary_text(plan)
    assert summary.index("(bagian 1/3)") < summary.index("(bagian 2/3)") \
        < summary.index("(bagian 3/3)")
    assert "Sukamaju (bagian 1/3)" in whatsapp_text(plan, "a", DAYS[0])
    assert "Sukamaju (bagian 3/3)" in whatsapp_text(plan, "a", DAYS[2])
