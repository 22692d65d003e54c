"""Harbours' sailing days and departure times (issue 17): a plan crosses only when a boat
sails, waits for the departure, and says ``no_sailing`` when no boat fits."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from planner.dataset import Dataset, load_dataset_from_folder
from planner.errors import InputError
from planner.io import read_harbours
from planner.params import PlanningParams
from planner.plan import decode_plan
from planner.sailing import (
    describe_id,
    first_departure,
    harbour_schedules,
    parse_days,
    parse_times,
)
from planner.solver import solve
from planner.workflow import build_week, classify_dataset
from tests.factories import simple_turnout

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MONDAY = date(2026, 11, 30)
THURSDAY = "2026-12-03"


def write_csv(path: Path, rows: list[list[object]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return str(path)


def test_parse_days_and_times() -> None:
    assert parse_days("Senin, Kamis") == frozenset({1, 4})
    assert parse_days("1;4 7") == frozenset({1, 4, 7})
    assert parse_days("Jum'at") == frozenset({5})
    assert parse_days("") is None
    assert parse_days(float("nan")) is None
    with pytest.raises(ValueError, match="Kemis"):
        parse_days("Senin, Kemis")
    assert parse_times("13.30; 07:00") == (7 * 3600, 13 * 3600 + 1800)
    assert parse_times("7") == (7 * 3600,)
    assert parse_times(None) == ()
    with pytest.raises(ValueError, match="25:00"):
        parse_times("25:00")
    assert first_departure((7 * 3600, 13 * 3600), 8 * 3600) == 13 * 3600
    assert first_departure((7 * 3600,), 8 * 3600) is None
    assert first_departure((), 8 * 3600) == 8 * 3600
    assert describe_id(frozenset({1, 4}), (7 * 3600,)) == "Sen, Kam pukul 07.00"


def test_reader_keeps_schedule_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "harbours.csv", [
        ["kabupaten_kode", "name", "lat", "lng", "hari_berlayar", "jam_berangkat"],
        ["36.04", "Karangantu", -6.03, 106.16, "Senin, Kamis", "07:00; 13.00"],
        ["36.04", "Bojonegara", -5.99, 106.11, "", ""],
    ])
    frame, _ = read_harbours(path)
    assert list(frame["sailing_days"]) == ["Senin, Kamis", None]
    assert list(frame["departures"]) == ["07:00; 13.00", None]
    assert harbour_schedules(frame, "36.04") == {
        "Karangantu": (frozenset({1, 4}), (7 * 3600, 13 * 3600))}
    bad = write_csv(tmp_path / "bad.csv", [
        ["kabupaten_kode", "name", "lat", "lng", "sailing_days"],
        ["36.04", "Karangantu", -6.03, 106.16, "Senen"],
    ])
    with pytest.raises(InputError, match="Senen"):
        read_harbours(bad)


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, pd.DataFrame]:
    dataset = load_dataset_from_folder(SAMPLE)
    return dataset, classify_dataset(dataset, PlanningParams())


def _built(sample: tuple[Dataset, pd.DataFrame], params: PlanningParams | None = None,
           **schedule: str):  # type: ignore[no-untyped-def]
    dataset, classified = sample
    harbours = dataset.harbours.assign(**schedule)
    return build_week(replace(dataset, harbours=harbours), classified, regency="36.90",
                      week_start=MONDAY, params=params or PlanningParams())


def _island_codes(sample: tuple[Dataset, pd.DataFrame]) -> set[str]:
    classified = sample[1]
    return set(classified.loc[classified["island"].astype(bool), "kode"])


def test_crossing_only_on_sailing_days(sample: tuple[Dataset, pd.DataFrame]) -> None:
    islands = _island_codes(sample)
    free = _built(sample)
    built = _built(sample, sailing_days="Kamis")
    inst = built.instance
    on_thursday = {k for k, v in enumerate(inst.vehicles) if v.date == THURSDAY}
    island_visits = [v for v in inst.visits if v.village_code in islands]
    assert island_visits
    for visit in island_visits:
        assert visit.allowed_vehicles is not None
        assert set(visit.allowed_vehicles) <= on_thursday
    # without a schedule the boat team could go on other days too
    other = [v for v in free.instance.visits if v.village_code in islands]
    assert any(v.allowed_vehicles is None or set(v.allowed_vehicles) - on_thursday
               for v in other)
    solution = solve(inst, time_limit_s=10, seed=0, solution_limit=1)
    plan = decode_plan(inst, solution, built=built, params=PlanningParams())
    dates = {r.date for r in plan.routes for s in r.stops if s.village_code in islands}
    assert dates <= {THURSDAY}


def test_team_waits_for_the_departure(sample: tuple[Dataset, pd.DataFrame]) -> None:
    islands = _island_codes(sample)
    # the counts this test was written for (turnout model off): see tests/factories
    free = _built(sample, simple_turnout())
    built = _built(sample, simple_turnout(), departures="09:30")
    boarding = PlanningParams().travel.boarding_s
    assert built.crossings is not None
    for visit in built.instance.visits:
        if visit.village_code not in islands:
            assert visit.time_window_s is None
            continue
        assert visit.time_window_s is not None
        office = 0
        sailing_on = (int(built.instance.duration_s[office, visit.location])
                      - int(built.crossings.to_quay_s[office, visit.location]) - boarding)
        # the boat leaves at 09:30: work starts after the crossing and the way on
        assert visit.time_window_s[0] == 9 * 3600 + 1800 + sailing_on
    assert all(v.time_window_s is None for v in free.instance.visits)
    # the timed boat is caught from the office only: no mainland village before it
    inst = built.instance
    loc = {v.village_code: v.location for v in inst.visits}
    mainland = [loc[k] for k in loc if k not in islands]
    island_locs = [loc[k] for k in loc if k in islands]
    assert all(inst.duration_s[i, j] >= 86_400 for i in mainland for j in island_locs)
    assert all(free.instance.duration_s[i, j] < 86_400 for i in mainland for j in island_locs)
    solution = solve(built.instance, time_limit_s=10, seed=0)
    plan = decode_plan(built.instance, solution, built=built, params=PlanningParams())
    starts = [s.start_s for r in plan.routes for s in r.stops if s.village_code in islands]
    assert starts
    assert min(starts) > 9 * 3600 + 1800
    for route in plan.routes:
        on = [s.village_code in islands for s in route.stops]
        if any(on):  # the island stops come first, straight from the office
            assert on == sorted(on, reverse=True)


@pytest.mark.parametrize("schedule", [{"sailing_days": "Minggu"}, {"departures": "05:00"}])
def test_no_sailing_reason(sample: tuple[Dataset, pd.DataFrame],
                           schedule: dict[str, str]) -> None:
    islands = _island_codes(sample)
    built = _built(sample, **schedule)
    assert not any(v.village_code in islands for v in built.instance.visits)
    for code in islands:
        why = built.excluded[code]
        assert why.code == "no_sailing"
        assert "Pelabuhan Muara Harapan berlayar" in why.text_id
