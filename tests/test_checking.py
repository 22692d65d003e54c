"""check_routes catches every kind of broken rule, and passes a valid plan."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from planner.checking import check_routes, schedule_route
from planner.instance import Instance, Location, Vehicle, Visit


def make_instance(visits: list[dict[str, Any]] | None = None, *, vehicles: int = 2,
                  capacity: int | None = None, shift: tuple[int, int] = (0, 1000)) -> Instance:
    """Depot at 0 and points 1..4 on a line, 10 s apart; visits default to one per point."""
    n = 5
    dur = np.array([[abs(i - j) * 10 for j in range(n)] for i in range(n)], dtype=np.int64)
    specs = visits if visits is not None else [{} for _ in range(4)]
    vis = tuple(
        Visit(**{"visit_id": f"v{i}", "location": i + 1, "prize": 10, "service_s": 5,
                 "demand": 1, **spec})
        for i, spec in enumerate(specs)
    )
    vehs = tuple(Vehicle(f"k{k}", f"t{k}", 0, 0, shift[0], shift[1], capacity)
                 for k in range(vehicles))
    locs = tuple(Location(f"p{i}", kind="depot" if i == 0 else "village") for i in range(n))
    return Instance("tiny", locs, vis, vehs, dur, dur * 100)


def test_valid_plan_passes() -> None:
    """A plan that keeps every rule is ok, with its prize and travel."""
    inst = make_instance()
    report = check_routes(inst, [[0, 1], [2]])
    assert report.ok, report.violations
    assert report.prize == 30
    assert report.travel_s == 40 + 60
    assert report.distance_m == 100 * (40 + 60)


def test_schedule_waits_for_window() -> None:
    """The earliest schedule waits at a stop whose window has not opened."""
    inst = make_instance([{"time_window_s": (100, 200)}, {}, {}, {}])
    times = schedule_route(inst, 0, [0, 1])
    assert times.arrival_s == (10, 115)
    assert times.start_s == (100, 115)
    assert times.departure_s == (105, 120)
    assert times.end_s == 140


@pytest.mark.parametrize(
    ("visits", "routes", "kwargs", "needle"),
    [
        (None, [[0, 1], [1]], {}, "already made by vehicle k0"),
        (None, [[0, 9], []], {}, "index 9 does not exist"),
        ([{"allowed_vehicles": (1,)}, {}, {}, {}], [[0], []], {}, "not among its allowed"),
        ([{"pinned_vehicle": 1}, {}, {}, {}], [[0], []], {}, "pinned to another vehicle"),
        ([{"pinned_vehicle": 1}, {}, {}, {}], [[], []], {}, "pinned visit v0 is missing"),
        (None, [[0, 1, 2], []], {"capacity": 2}, "load 3 exceeds capacity 2"),
        ([{}, {"time_window_s": (0, 12)}, {}, {}], [[0, 1], []], {}, "after its window"),
        (None, [[3], []], {"shift": (0, 70)}, "after its shift ends"),
        ([{"group": "g"}, {"group": "g"}, {}, {}], [[0, 1], []], {}, "shares group 'g'"),
        (None, [[0]], {}, "1 routes for 2 vehicles"),
    ],
)
def test_each_violation_is_caught(visits: list[dict[str, Any]] | None, routes: list[list[int]],
                                  kwargs: dict[str, Any], needle: str) -> None:
    """Each broken rule yields a violation naming the vehicle and visit."""
    report = check_routes(make_instance(visits, **kwargs), routes)
    assert not report.ok
    assert any(needle in v for v in report.violations), report.violations


def test_group_on_different_vehicles_is_fine() -> None:
    """Chunks of one village on two vehicles keep the group rule."""
    inst = make_instance([{"group": "g"}, {"group": "g"}, {}, {}])
    assert check_routes(inst, [[0], [1]]).ok


def test_claimed_times_consistent_pass() -> None:
    """Claimed times that follow the matrix (with extra waiting) are accepted."""
    inst = make_instance()
    assert check_routes(inst, [[0, 1], []], times=[[(10, 15), (30, 40)], []]).ok


@pytest.mark.parametrize(
    ("claimed", "needle"),
    [
        ([(5, 10), (20, 25)], "before the earliest possible"),
        ([(10, 12), (22, 27)], "less than its service time"),
        ([(10, 15), (24, 30)], "before the earliest possible"),
        ([(10, 15), (25, 995)], "return at 1015"),
    ],
)
def test_claimed_times_inconsistent(claimed: list[tuple[int, int]], needle: str) -> None:
    """Claimed arrivals or departures that break travel, service or the shift are caught."""
    report = check_routes(make_instance(), [[0, 1], []], times=[claimed, []])
    assert not report.ok
    assert any(needle in v for v in report.violations), report.violations


def test_claimed_start_outside_window() -> None:
    """A claimed service start before the window opens is caught."""
    inst = make_instance([{"time_window_s": (50, 60)}, {}, {}, {}])
    report = check_routes(inst, [[0], []], times=[[(10, 15)], []])
    assert any("outside its window" in v for v in report.violations)


def test_service_time_depends_on_vehicle() -> None:
    """A team's seconds per person lengthen its service (and its day)."""
    base = make_instance(shift=(0, 100))
    slow = Vehicle("k0", "t0", 0, 0, 0, 100, None, service_s_per_demand=80)
    inst = Instance("slow", base.locations, base.visits, (slow, base.vehicles[1]),
                    base.duration_s, base.distance_m)
    assert check_routes(base, [[0], []]).ok
    report = check_routes(inst, [[0], []])
    assert not report.ok
    assert any("after its shift ends" in v for v in report.violations)


def test_unused_vehicle_travels_nowhere() -> None:
    """An empty route is clean even when its start-to-end trip would not fit the shift."""
    base = make_instance()
    far = Vehicle("k0", "t0", 0, 4, 0, 10)
    inst = Instance("far", base.locations, base.visits, (far, base.vehicles[1]),
                    base.duration_s, base.distance_m)
    report = check_routes(inst, [[], [0]])
    assert report.ok, report.violations
    assert report.schedules[0].travel_s == 0
