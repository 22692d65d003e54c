"""Canonical chunk order after a search."""

from __future__ import annotations

import numpy as np

from planner.checking import check_routes
from planner.instance import Instance, Location, Vehicle, Visit
from planner.solver.chunks import canonical_chunks


def _instance(demands: list[int], prizes: list[int]) -> Instance:
    """One village in chunks at one place, two team-days."""
    locs = (Location("depot", kind="depot"), Location("v"))
    visits = tuple(Visit(f"v#{k + 1}", 1, prize=p, service_s=100, demand=d, village_code="v",
                         group="v", chunk=k + 1, chunks=len(demands))
                   for k, (d, p) in enumerate(zip(demands, prizes, strict=True)))
    vehicles = tuple(Vehicle(f"t@{d}", "t", 0, 0, 0, 1000, date=str(d), service_s_per_demand=10)
                     for d in range(2))
    dur = np.array([[0, 50], [50, 0]])
    return Instance("chunks", locs, visits, vehicles, dur, dur)


def test_waiting_first_chunk_replaces_a_visited_later_one():
    """Chunk 3 on a route while chunk 1 (same demand) waits: they swap, prize goes up."""
    inst = _instance([50, 50, 50], [1000, 850, 720])
    routes = canonical_chunks(inst, [(2,), (1,)])
    assert sorted(i for r in routes for i in r) == [0, 1]
    assert check_routes(inst, routes).ok
    assert check_routes(inst, routes).prize == 1850


def test_no_swap_when_the_earlier_chunk_does_not_fit():
    """A bigger earlier chunk that would break the shift is not swapped in."""
    inst = _instance([80, 20], [1000, 200])
    # 50 + 100 + 80*10 + 50 = 1000 fits only just; chunk 2 sits on a route with extra time
    routes = canonical_chunks(inst, [(1,), ()])
    assert routes == ((0,), ())
    tight = Instance("t", inst.locations, inst.visits,
                     (Vehicle("t@0", "t", 0, 0, 0, 500, service_s_per_demand=10),
                      inst.vehicles[1]), inst.duration_s, inst.distance_m)
    assert canonical_chunks(tight, [(1,), ()]) == ((1,), ())
