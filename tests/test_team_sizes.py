"""Teams of different sizes all work (issue 17 §1): a small team can take a share of any
village it can reach, and no team-day stays empty while a waiting village would fit it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.checking import check_routes
from planner.dataset import load_dataset, load_dataset_from_folder
from planner.idle import idle_day_misses
from planner.params import PlanningParams, ShiftParams
from planner.problem import build_problem, chunk_sizes
from planner.solver import solve
from planner.workflow import build_week, classify_dataset
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

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MONDAY = date(2026, 11, 30)


def _build(villages, teams, params=None):
    return build_problem(villages, teams=teams, offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                         params=params or PlanningParams())


def test_a_one_kit_team_can_take_a_share_of_a_village_too_big_for_its_day():
    """A village whose turnout exceeds a 1-kit day: some visit of it fits the 1-kit team."""
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=400)),
                   teams_frame(make_team("besar", kits=2), make_team("kecil", kits=1)))
    inst = built.instance
    small = [k for k, v in enumerate(inst.vehicles) if v.team_id == "kecil"]
    makers = {k for i in range(len(inst.visits)) for k in small if inst.allowed(i, k)}
    assert makers == set(small)
    # nothing is recorded twice: the visits share out the expected turnout exactly
    expected = built.scores["36.90.01.2001"].expected_recordings
    assert sum(v.demand for v in inst.visits) == expected
    # the big team still takes big visits: the largest is more than the 1-kit team's day
    one_kit_day = max(v.demand for v in inst.visits if inst.allowed(inst.visits.index(v),
                                                                    small[0]))
    assert max(v.demand for v in inst.visits) > one_kit_day


@pytest.mark.parametrize(("expected", "big", "small", "slots", "parts", "share"), [
    (50, 160, 80, 10, [50], None),            # fits the small team: one visit
    (150, 160, 160, 10, [150], None),         # one team size: as before
    (400, 160, 160, 10, [134, 133, 133], None),
    (400, 160, 140, 10, [134, 133, 133], None),  # the small team can take these already
    (150, 160, 80, 10, [70], 80),             # a share for the small team, the rest for the big
    (100, 160, 80, 10, [50], 50),             # the rest would be tiny: halves
    (400, 160, 80, 10, [160, 160], 80),
    (500, 160, 80, 3, [160, 160], 80),        # at most one chunk per team-day
    (150, 160, 80, 1, [150], None),
])
def test_chunk_sizes(expected, big, small, slots, parts, share):
    """Chunks for the largest team plus one share the smallest team can take."""
    assert chunk_sizes(expected, big, small, slots) == (parts, share)


def test_the_big_team_can_still_record_the_whole_village_in_one_day():
    """The share is not grouped with the big team's chunk: one team-day may make both."""
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=250)),
                   teams_frame(make_team("besar", kits=2), make_team("kecil", kits=1)),
                   simple_turnout())  # 150 expected: floor(250 x 0.6)
    inst = built.instance
    assert len(inst.visits) == 2
    assert sum(v.demand for v in inst.visits) == 150
    big = next(k for k, v in enumerate(inst.vehicles) if v.team_id == "besar")
    small = next(k for k, v in enumerate(inst.vehicles) if v.team_id == "kecil")
    routes = [[] for _ in inst.vehicles]
    routes[big] = [0, 1]
    report = check_routes(inst, routes)
    assert report.ok, report.violations
    assert inst.allowed(1, small)  # the share


def _misses(built, seconds=5.0, seed=0):
    solution = solve(built.instance, time_limit_s=seconds, seed=seed)
    return idle_day_misses(built, solution.routes, PlanningParams().service.setup_s)


def test_no_idle_team_day_next_to_a_waiting_village_small_case():
    """Two big villages near the office, one team of each size: both teams work every day."""
    villages = villages_frame(*[make_village(f"36.90.01.20{i:02d}", belum_rekam=300)
                                for i in range(1, 9)])
    built = _build(villages, teams_frame(make_team("besar", kits=2),
                                         make_team("kecil", kits=1)))
    solution = solve(built.instance, time_limit_s=3, seed=0)
    assert all(solution.routes), "a team-day stayed empty"
    assert idle_day_misses(built, solution.routes, 1800) == []


def test_sample_regency_has_no_idle_team_day_next_to_a_waiting_village():
    """The sample regency (teams of 1 and 2 kits, Monday-Saturday)."""
    dataset = load_dataset_from_folder(SAMPLE)
    params = replace(PlanningParams(), shift=ShiftParams(workdays=(1, 2, 3, 4, 5, 6)))
    built = build_week(dataset, classify_dataset(dataset, params), regency="36.90",
                       week_start=MONDAY, params=params)
    assert _misses(built) == []


@pytest.mark.banten
def test_banten_regencies_have_no_idle_team_day_next_to_a_waiting_village(banten):
    """All 8 Banten regencies, Monday-Saturday as in bench/bench_regencies.py."""
    ds = load_dataset(villages=f"{banten / 'banten.gpkg'}:villages",
                      backlog=str(banten / "belum_rekam.csv"),
                      offices=str(banten / "offices.csv"), harbours=str(banten / "harbours.csv"),
                      teams=str(banten / "teams.csv"),
                      neighbours=f"{banten / 'banten.gpkg'}:neighbour_regencies")
    params = replace(PlanningParams(), shift=ShiftParams(workdays=(1, 2, 3, 4, 5, 6)))
    classified = classify_dataset(ds, params)
    found = {}
    for code in sorted(ds.teams["kabupaten_kode"].unique()):
        built = build_week(ds, classified, regency=code, week_start=MONDAY, params=params)
        misses = _misses(built)
        if misses:
            found[code] = misses[:3]
    assert found == {}


def test_a_pin_keeps_the_visit_that_was_made():
    """Chunks differ in size now: a pin from a published plan keeps the same visit (the
    share stays the share), and falls back to the village's first chunk without an id."""
    from planner.problem import Pin

    villages = villages_frame(make_village("36.90.01.2001", belum_rekam=400))
    teams = teams_frame(make_team("besar", kits=2), make_team("kecil", kits=1))
    plain = _build(villages, teams)
    share = plain.instance.visits[-1].visit_id
    assert share == "36.90.01.2001#2"

    def pinned(pin):
        built = build_problem(villages, teams=teams, offices=offices_frame(),
                              harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                              params=PlanningParams(), pins=[pin])
        return [v.visit_id for v in built.instance.visits if v.pinned_vehicle is not None]

    assert pinned(Pin("36.90.01.2001", "besar", MONDAY, visit_id=share)) == [share]
    assert pinned(Pin("36.90.01.2001", "besar", MONDAY)) == ["36.90.01.2001#1"]
