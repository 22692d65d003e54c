"""TOP and TOPTW files parse into integer instances whose feasible plans stay feasible on floats."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.instances import (  # noqa: E402
    BENCH_DIR,
    SCALE,
    BenchCase,
    parse_top,
    parse_toptw,
    score_exact,
)
from planner.checking import check_routes  # noqa: E402
from planner.solver.insertion import insert_greedy  # noqa: E402

pytestmark = pytest.mark.skipif(not BENCH_DIR.exists(), reason="shared/bench is absent")


def test_top_file() -> None:
    """p4.2.a: 98 optional points between a start and an end point, tmax per path."""
    case = BenchCase("top", "p4.2.a", 2, 206.0, BENCH_DIR / "top" / "p4.2.a.txt")
    parsed = parse_top(case)
    inst = parsed.instance
    assert len(inst.visits) == 98
    assert len(inst.vehicles) == 2
    assert inst.vehicles[0].start_location == 0
    assert inst.vehicles[0].end_location == 99
    assert inst.vehicles[0].shift_end_s == 25 * SCALE
    assert all(v.service_s == 0 and v.time_window_s is None for v in inst.visits)
    assert inst.visits[0].prize == 7


def test_toptw_file() -> None:
    """c101: depot 0, 100 customers with service times and windows on the service start."""
    case = BenchCase("toptw", "c101", 2, 590.0, BENCH_DIR / "toptw" / "c101.txt")
    parsed = parse_toptw(case)
    inst = parsed.instance
    assert len(inst.visits) == 100
    assert inst.vehicles[0].start_location == inst.vehicles[0].end_location == 0
    assert inst.vehicles[0].shift_end_s == 1236 * SCALE
    assert inst.visits[0].service_s == 90 * SCALE
    assert inst.visits[0].time_window_s == (912 * SCALE, 967 * SCALE)
    assert inst.visits[0].prize == 10


@pytest.mark.parametrize("family", ["top", "toptw"])
def test_integer_feasible_is_float_feasible(family: str) -> None:
    """A plan that is clean on the rounded integer instance is clean on exact floats."""
    name = "p4.2.a" if family == "top" else "r101"
    case = BenchCase(family, name, 2, 0.0, BENCH_DIR / family / f"{name}.txt")
    parsed = parse_top(case) if family == "top" else parse_toptw(case)
    routes, _ = insert_greedy(parsed.instance, [[], []])
    report = check_routes(parsed.instance, routes)
    assert report.ok
    prize, problems = score_exact(parsed, routes)
    assert problems == []
    assert prize == report.prize > 0


def test_exact_scoring_catches_a_late_route() -> None:
    """The float re-scoring flags a route longer than tmax."""
    case = BenchCase("top", "p4.2.a", 2, 206.0, BENCH_DIR / "top" / "p4.2.a.txt")
    parsed = parse_top(case)
    _, problems = score_exact(parsed, [list(range(98)), []])
    assert any("ends at" in p for p in problems)


def test_report_caps_a_listed_score_only_in_the_second_summary() -> None:
    """A proven optimum below the listed score changes the capped summary, not the first."""
    from bench.top_toptw import report

    case = BenchCase("top", "p5.3.e", 3, 110.0, BENCH_DIR / "top" / "p5.3.e.txt")
    scores = {("p5.3.e", "project"): 95.0, ("p5.3.e", "pyvrp"): 90.0}
    lines = report([case], scores, ["project", "pyvrp"], {"p5.3.e": 95.0})
    text = "\n".join(lines)
    first, capped = text.split("gap % vs max(listed capped by proven optimum, best peer)")
    assert "all    project                           13.64   13.64  (1)" in first
    assert "all    project                            0.00    0.00  (1)" in capped
    assert "all    pyvrp                              5.26    5.26  (1)" in capped
    assert "capped" not in "\n".join(report([case], scores, ["project", "pyvrp"], {}))
