"""The CP-SAT bound of ``bench/exact_bounds.py`` is a true upper bound and a real plan."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.exact_bounds import bound  # noqa: E402
from bench.instances import BENCH_DIR, BenchCase  # noqa: E402

pytestmark = pytest.mark.skipif(not BENCH_DIR.exists(), reason="shared/bench is absent")


def _case(name: str, vehicles: int, listed: float) -> BenchCase:
    return BenchCase("top", name, vehicles, listed, BENCH_DIR / "top" / f"{name}.txt")


@pytest.mark.parametrize(("name", "vehicles", "listed"),
                         [("p5.3.d", 3, 60.0), ("p5.2.e", 2, 180.0)])
def test_bound_meets_a_reachable_listed_score(name: str, vehicles: int, listed: float) -> None:
    """Where the listed score is reachable, the proven optimum is that score, and CP-SAT's
    plan scores it on exact floats: the model neither over- nor under-constrains."""
    b = bound(_case(name, vehicles, listed), time_limit=60, scale=10_000, workers=2)
    assert b.optimal
    assert b.upper_bound == b.best_plan == listed


def test_p5_3_e_listed_score_is_out_of_reach() -> None:
    """p5.3.e: 95 is optimal under unrounded distances, 15 below the listed 110."""
    b = bound(_case("p5.3.e", 3, 110.0), time_limit=60, scale=10_000, workers=2)
    assert b.optimal
    assert b.upper_bound == b.best_plan == 95


def test_distances_truncated_to_one_decimal_reach_the_listed_score() -> None:
    """At scale 10 the distances are truncated to one decimal, the older convention: then
    p5.3.e's optimum is exactly the listed 110, and that plan breaks the exact budget."""
    b = bound(_case("p5.3.e", 3, 110.0), time_limit=60, scale=10, workers=2)
    assert b.optimal
    assert b.upper_bound == 110
    assert b.best_plan == 0  # infeasible once re-scored on unrounded distances


def test_labelling_proves_a_one_vehicle_optimum_with_narrow_windows() -> None:
    """r101/v1: a route scoring the listed 198 exists (and re-scores exactly), none scores 199."""
    from bench.exact_optw import search
    from bench.instances import parse_case, score_exact

    case = BenchCase("toptw", "r101", 1, 198.0, BENCH_DIR / "toptw" / "r101.txt")
    reach = search(case, 198)
    assert reach.complete
    assert reach.found is not None
    score, problems = score_exact(parse_case(case), [list(reach.found)])
    assert score >= 198
    assert problems == []
    beyond = search(case, 199)
    assert beyond.complete
    assert beyond.found is None
