"""The OPHS bench (issue 18): parser, mapping to a tour, the bench's own checker."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from bench.ophs import ROOT, check_ophs, parse_ophs, references, to_instance
from planner.checking import check_routes
from planner.solver import solve

#: 2 trips, 1 extra hotel (index 2), 5 vertices; tab- and space-separated, a trailing tab
#: on the limits line, a blank line and the closing dashes, as in the real files.
TINY = """7\t1\t2
24.0
12.0\t12.0\t

0 0 0
10 0 0
5  4 0
2 1 5
4 5 8
6 5 7
8 1 6
5 -6 20
-----------------------------
"""


def brute_force(o) -> int:  # type: ignore[no-untyped-def]
    """Best score of the tiny instance by enumeration (hotel chain, subsets, orders)."""
    verts = list(range(o.n_hotels, len(o.xy)))

    def shortest(a: int, b: int, chosen: tuple[int, ...]) -> float:
        best = math.inf
        for order in itertools.permutations(chosen):
            stops = [a, *order, b]
            best = min(best, sum(math.dist(o.xy[p], o.xy[q])
                                 for p, q in itertools.pairwise(stops)))
        return best

    best = 0
    for mid in range(o.n_hotels):
        for assign in itertools.product((0, 1, 2), repeat=len(verts)):
            trips = [tuple(v for v, t in zip(verts, assign, strict=True) if t == d)
                     for d in (1, 2)]
            lengths = [shortest(0, mid, trips[0]), shortest(mid, 1, trips[1])]
            if all(length <= lim for length, lim in zip(lengths, o.limits, strict=True)) \
                    and sum(lengths) <= o.tmax:
                best = max(best, sum(o.scores[v] for t in trips for v in t))
    return best


def test_parser_reads_the_format() -> None:
    o = parse_ophs(TINY, "tiny")
    assert (o.n_hotels, o.trips, o.tmax, o.limits) == (3, 2, 24.0, (12.0, 12.0))
    assert o.n_vertices == 5
    assert o.xy[2] == (5.0, 4.0)
    assert o.scores[-1] == 20


def test_mapping_is_one_tour_with_hotels_as_nights() -> None:
    o = parse_ophs(TINY, "tiny")
    inst = to_instance(o)
    assert [v.tour_day for v in inst.vehicles] == [0, 1]
    assert inst.vehicles[0].night_options == (0, 1, 2)
    assert inst.vehicles[0].start_location == 0
    assert inst.vehicles[1].end_location == 1
    assert [v.prize for v in inst.visits] == [5, 8, 7, 6, 20]


def test_tiny_instance_reaches_its_optimum() -> None:
    o = parse_ophs(TINY, "tiny")
    inst = to_instance(o)
    optimum = brute_force(o)
    sol = solve(inst, time_limit_s=10.0, seed=0, solution_limit=4)
    assert check_routes(inst, sol.routes, ends=sol.ends).ok
    routes = [[inst.visits[i].location for i in r] for r in sol.routes]
    score, problems = check_ophs(o, routes, list(sol.ends))
    assert problems == []
    assert score == optimum == sol.prize


def test_independent_checker_catches_bad_solutions() -> None:
    o = parse_ophs(TINY, "tiny")
    # vertex 7 (5, -6) from H0 and back to H1 is about 7.8 + 7.8: over a 12 limit
    _score, problems = check_ophs(o, [[7], []], [0, 1])
    assert any("length" in p for p in problems)
    _, twice = check_ophs(o, [[3], [3]], [2, 1])
    assert any("twice" in p for p in twice)
    _, chain = check_ophs(o, [[3], [4]], [2, 2])
    assert any("not H1" in p for p in chain)
    _, hotel = check_ophs(o, [[3], [4]], [5, 1])
    assert any("not a hotel" in p for p in hotel)
    good, none = check_ophs(o, [[3, 4], [5, 6]], [2, 1])
    assert none == []
    assert good == 5 + 8 + 7 + 6


@pytest.mark.skipif(not (ROOT / "reference.csv").exists(),
                    reason="the OPHS files are not here (/work/shared/bench/ophs)")
def test_real_files_parse_and_references_load() -> None:
    refs = references()
    assert len(refs) == 211
    path = Path(ROOT / "instances" / "SET_1-2" / "64-45-1-2.ophs")
    o = parse_ophs(path.read_text(), path.stem)
    assert o.trips == 2
    assert o.n_hotels == 3
    assert o.n_vertices == 64 - 2
