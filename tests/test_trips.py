"""Multi-day trips (issue 18): night places, costs, budget, reasons, check_plan, simulation."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import jsonschema
import pandas as pd
import pytest

from planner.dataset import Dataset
from planner.errors import ParameterError
from planner.instance import Instance
from planner.io.lodging import read_lodging
from planner.params import PlanningParams, load_params
from planner.plan import check_plan, decode_plan, plan_from_dict, plan_to_dict
from planner.problem import BuiltProblem, build_problem
from planner.simulation import SimulationConfig, far_line, simulate
from planner.solver import solve
from planner.trips import consecutive_runs, day_costs, fit_to_budget, week_cost_rp
from tests.factories import REGENCY, island_regency

MONDAY = date(2026, 11, 30)
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "planner" / "schemas"
                     / "plan.schema.json").read_text())


def _params(**trips: object) -> PlanningParams:
    base = PlanningParams()
    return replace(base, trips=replace(base.trips, **trips))


def _build(params: PlanningParams, data: dict[str, pd.DataFrame] | None = None,
           **kw: object) -> BuiltProblem:
    d = data or island_regency()
    return build_problem(d["villages"], teams=d["teams"], offices=d["offices"],
                         harbours=d["harbours"], regency=REGENCY, week_start=MONDAY,
                         params=params, **kw)  # type: ignore[arg-type]


def _recorded(built: BuiltProblem, routes: object) -> tuple[int, int]:
    inst = built.instance
    visits = [inst.visits[i] for r in routes for i in r]  # type: ignore[attr-defined]
    island = sum(v.demand for v in visits if bool(built.villages.loc[v.village_code, "island"]))
    return island, sum(v.demand for v in visits)


@pytest.fixture(scope="module")
def on() -> BuiltProblem:
    return _build(PlanningParams())


@pytest.fixture(scope="module")
def off() -> BuiltProblem:
    return _build(_params(enabled=False))


@pytest.fixture(scope="module")
def plan_on(on: BuiltProblem):
    solution = solve(on.instance, time_limit_s=20, seed=0, solution_limit=12)
    return decode_plan(on.instance, solution, built=on)


def test_trips_params_load_and_validate(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[trips]\nenabled = false\nmax_days = 3\nboat_hire_rp = 500000\n'
                    '[trips.weekly_budget_rp]\n"36.90" = 9000000\n', encoding="utf-8")
    p = load_params(path)
    assert (p.trips.enabled, p.trips.max_days, p.trips.boat_hire_rp) == (False, 3, 500_000)
    assert p.trips.weekly_budget_rp == {"36.90": 9_000_000}
    assert p.trips.fuel_rp_per_km["car"] > 0  # a partial table keeps the defaults
    path.write_text("[trips]\nmax_days = 1\nper_diem_rp = -5\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert "trips.max_days" in str(err.value)
    assert "trips.per_diem_rp" in str(err.value)


def test_switched_off_every_day_is_a_day_trip(off: BuiltProblem, on: BuiltProblem):
    """``[trips] enabled = false``: today's shape (every team-day base to base, no tour,
    no lodging location, far islands left out as ``overnight``)."""
    inst = off.instance
    depot = {v.team_id: v.start_location for v in inst.vehicles}
    assert all(v.start_location == v.end_location == depot[v.team_id] for v in inst.vehicles)
    assert all(v.tour is None and v.night_options is None for v in inst.vehicles)
    assert all(loc.kind in ("depot", "village") and loc.lodging_rp == 0
               for loc in inst.locations)
    assert not off.trips
    far_island = [c for c, r in off.excluded.items() if r.code == "overnight"]
    assert far_island
    assert all(c not in on.excluded or on.excluded[c].code == "trip"
                              for c in far_island)


def test_switched_off_solves_as_before(off: BuiltProblem):
    """The day-trip instance is what the builder made before trips existed: stripping the
    cost fields changes nothing the solver sees, so the same routes come out."""
    bare = Instance(off.instance.name, off.instance.locations, off.instance.visits,
                    tuple(replace(v, rp_per_m=0, night_rp=0) for v in off.instance.vehicles),
                    off.instance.duration_s, off.instance.distance_m, meta=off.instance.meta)
    a = solve(off.instance, time_limit_s=20, seed=0, solution_limit=10)
    b = solve(bare, time_limit_s=20, seed=0, solution_limit=10)
    assert a.routes == b.routes


def test_island_trips_sleep_on_the_island_and_come_home(on: BuiltProblem):
    inst = on.instance
    table = island_regency()["villages"]
    land = dict(zip(table["kode"], table["landmass"], strict=True))
    boat_trips = [t for t in on.trips if t.team_id.startswith("perahu")]
    assert len(boat_trips) == 2
    for trip in on.trips:
        assert 2 <= trip.days <= 4
        first, *middle, last = (inst.vehicles[k] for k in trip.vehicles)
        assert (first.start_location, first.end_location) == (trip.base, trip.camp)
        assert all((v.start_location, v.end_location) == (trip.camp, trip.camp) for v in middle)
        assert (last.start_location, last.end_location) == (trip.camp, trip.base)
        assert consecutive_runs([inst.vehicles[k].date for k in trip.vehicles]) == [
            list(range(trip.days))]
        assert all(v.tour == trip.team_id and v.night_options and trip.camp in v.night_options
                   for v in (first, *middle))
        assert first.max_nights_away == 3
    for trip in boat_trips:  # sleeping on a far island: out on one crossing, back on another
        assert land[inst.locations[trip.camp].location_id] > 1
    road = [t for t in on.trips if t.team_id == "darat2"]
    assert all(land.get(inst.locations[t.camp].location_id, 0) == 0 for t in road)


def test_trips_plan_more_island_recordings_and_no_fewer_in_total(on, off):
    with_trips = solve(on.instance, time_limit_s=20, seed=0, solution_limit=12)
    without = solve(off.instance, time_limit_s=20, seed=0, solution_limit=12)
    isl_on, tot_on = _recorded(on, with_trips.routes)
    isl_off, tot_off = _recorded(off, without.routes)
    assert isl_on >= 1.5 * isl_off
    assert tot_on >= tot_off


def test_plan_shows_nights_trips_and_costs(on: BuiltProblem, plan_on):
    data = plan_to_dict(plan_on)
    jsonschema.validate(data, SCHEMA)
    assert plan_on.trips
    for trip in plan_on.trips:
        days = [r for r in plan_on.routes if r.trip_id == trip["trip_id"]]
        assert len(days) == trip["days"] == len(trip["nights"]) + 1
        assert all(r.night is not None for r in days[:-1])
        assert days[-1].night is None
        assert trip["cost_rp"] == sum(r.cost_rp for r in days) > 0
        assert all(n["name"] for n in trip["nights"])
    assert plan_on.costs["total_rp"] == sum(r.cost_rp for r in plan_on.routes)
    assert plan_on.costs["boat_rp"] > 0
    assert plan_on.costs["per_diem_rp"] > 0
    back = plan_from_dict(data)
    assert back.trips == plan_on.trips
    assert check_plan(on.instance, back).ok


def test_check_plan_refuses_a_night_the_trip_cannot_have(on: BuiltProblem, plan_on):
    trip_day = next(r for r in plan_on.routes if r.night is not None)
    veh = next(v for v in on.instance.vehicles if v.vehicle_id == trip_day.vehicle_id)
    outside = next(loc.location_id for i, loc in enumerate(on.instance.locations)
                   if i not in (veh.night_options or ()) and i != veh.end_location)
    moved = replace(trip_day, night={**trip_day.night, "location_id": outside})
    bad = replace(plan_on, routes=tuple(moved if r is trip_day else r for r in plan_on.routes))
    report = check_plan(on.instance, bad)
    assert not report.ok
    assert any("cannot end" in v for v in report.violations)
    # home is a night place the day may have, but its stops and the next day's no longer
    # fit: the next day starts where the team slept (the plan's nights are its ends)
    home = replace(trip_day, night={**trip_day.night, "location_id": "office:kantor"})
    bad = replace(plan_on, routes=tuple(home if r is trip_day else r for r in plan_on.routes))
    report = check_plan(on.instance, bad)
    assert not report.ok
    assert any("after its shift ends" in v or "earliest possible" in v
               for v in report.violations)
    last = next(r for r in plan_on.routes if r.trip_id and r.night is None)
    away = replace(last, night=dict(trip_day.night or {}))
    bad = replace(plan_on, routes=tuple(away if r is last else r for r in plan_on.routes))
    assert any(re.search("must end at the base|cannot end|nights away, at most", v)
               for v in check_plan(on.instance, bad).violations)


def test_costs_count_fuel_boat_and_nights(on: BuiltProblem):
    inst = on.instance
    trip = next(t for t in on.trips if t.team_id == "perahu2")
    routes: list[list[int]] = [[] for _ in inst.vehicles]
    costs = day_costs(inst, routes)
    first, last = trip.vehicles[0], trip.vehicles[-1]
    # an empty first day still crosses to the island and sleeps there
    assert costs[first].boat_rp == PlanningParams().trips.boat_hire_rp
    assert costs[first].per_diem_rp == 3 * PlanningParams().trips.per_diem_rp
    assert costs[first].fuel_rp > 0
    assert costs[last].per_diem_rp == 0
    assert costs[last].boat_rp == PlanningParams().trips.boat_hire_rp


def test_budget_drops_visits_with_the_amount_needed(on: BuiltProblem):
    solution = solve(on.instance, time_limit_s=20, seed=0, solution_limit=12)
    full = week_cost_rp(on.instance, *fit_to_budget(on.instance, solution.routes)[:2])
    tight = replace(on, instance=replace(on.instance, budget_rp=full // 2))
    plan = decode_plan(tight.instance, solution, built=tight)
    assert plan.costs["total_rp"] <= full // 2
    assert plan.costs["budget_rp"] == full // 2
    waiting = [u for u in plan.unscheduled if u.reason.code == "budget"]
    assert waiting
    assert all(re.search(r"Rp \d", u.reason.text_id) for u in waiting)
    assert plan.summary["expected_recordings"] < sum(
        on.instance.visits[i].demand for r in solution.routes for i in r)


def test_a_village_no_trip_reaches_says_how_long_a_trip_it_needs():
    data = island_regency()
    teams = data["teams"].assign(max_trip_days=pd.array([1, 1, 1], dtype="Int64"))
    built = _build(PlanningParams(), {**data, "teams": teams})
    assert not built.trips
    trip = [r for r in built.excluded.values() if r.code == "trip"]
    assert trip
    assert "malam" in trip[0].text_id
    assert "tidak ada tim yang bebas" in trip[0].text_id


def test_lodging_file_gives_night_places_with_their_price(tmp_path):
    path = tmp_path / "lodging.csv"
    path.write_text("kabupaten_kode,name,lat,lng,biaya_malam,kapasitas\n"
                    "36.90,Losmen Pulau Dua,-6.05,106.10,125000,2\n"
                    "36.90,Wisma Timur,-6.55,106.38,,1\n", encoding="utf-8")
    lodging, _ = read_lodging(str(path))
    assert list(lodging["cost_rp"].astype("object")) == [125000, pd.NA] or \
        lodging["cost_rp"].iloc[0] == 125000
    assert list(lodging["capacity"]) == [2, 1]
    built = _build(PlanningParams(), lodging=lodging)
    kinds = {loc.location_id: loc for loc in built.instance.locations if loc.kind == "lodging"}
    assert {loc.lodging_rp for loc in kinds.values()} == {125000,
                                                         PlanningParams().trips.lodging_rp}
    assert any(built.instance.locations[t.camp].kind == "lodging" for t in built.trips)


def _island_dataset() -> tuple[Dataset, pd.DataFrame]:
    d = island_regency()
    empty = pd.DataFrame({"kode": pd.Series(dtype="str")})
    ds = Dataset(villages=d["villages"], backlog=empty, offices=d["offices"],
                 harbours=d["harbours"], teams=d["teams"],
                 neighbours=gpd.GeoDataFrame({"kode": []}, geometry=[]),
                 overrides=empty, warnings=(), sources={})
    return ds, d["villages"]


def test_simulation_counts_far_recordings_of_both_policies():
    ds, table = _island_dataset()
    config = SimulationConfig(weeks=1, seed=0, time_limit_s=20, solution_limit=10)
    result = simulate(ds, PlanningParams(), config=config, classified=table)
    line = far_line(result)
    m = re.fullmatch(r"far_cleared minutes=90 planner=(\d+) manual=(\d+)", line)
    assert m
    assert int(m.group(1)) > int(m.group(2)) > 0
    assert any(v.far for v in result.visits if v.policy == "manual")


def test_whatsapp_and_calendar_say_where_the_team_sleeps(plan_on):
    from planner.exports.ics import plan_to_ics
    from planner.exports.share import whatsapp_text

    day = next(r for r in plan_on.routes if r.night is not None)
    text = whatsapp_text(plan_on, day.team_id, day.date)
    assert f"Malam ini menginap di {day.night['name']}" in text
    assert "Kembali ke kantor" not in text
    ics = plan_to_ics(plan_on, day.team_id).decode()
    assert f"SUMMARY:Menginap di {day.night['name']}" in ics
    home = next(r for r in plan_on.routes if r.night is None and r.stops)
    assert "Kembali ke kantor" in whatsapp_text(plan_on, home.team_id, home.date)


def test_replanning_keeps_the_published_trips(on: BuiltProblem):
    """Re-planning on Wednesday keeps the trips of the published plan (its nights): the days
    already worked started and ended where the team really was."""
    inst = on.instance
    nights = {}
    for trip in on.trips:
        for k in trip.vehicles[:-1]:
            v = inst.vehicles[k]
            nights[(v.team_id, v.date)] = inst.locations[trip.camp].location_id
    again = _build(PlanningParams(), closed_before=date(2026, 12, 2), kept_nights=nights)
    shape = {(v.vehicle_id, inst.locations[v.start_location].location_id,
              inst.locations[v.end_location].location_id) for v in inst.vehicles}
    kept = {(v.vehicle_id, again.instance.locations[v.start_location].location_id,
             again.instance.locations[v.end_location].location_id)
            for v in again.instance.vehicles}
    assert kept == shape
    fresh = _build(PlanningParams(), closed_before=date(2026, 12, 2))
    assert {t.vehicles for t in fresh.trips} != {t.vehicles for t in on.trips}


def test_map_exports_end_a_trip_day_at_its_night_place(on: BuiltProblem, plan_on):
    import gpxpy

    from planner.exports._common import depot_locations
    from planner.exports.gpx import plan_to_gpx

    day = next(r for r in plan_on.routes if r.night is not None and r.stops)
    gpx = gpxpy.parse(plan_to_gpx(plan_on, day.team_id, depots=depot_locations(on.instance)))
    rte = next(r for r in gpx.routes if r.name.endswith(day.date or ""))
    assert rte.points[-1].name == day.night["name"]
    assert (round(rte.points[-1].longitude, 5), round(rte.points[-1].latitude, 5)) == (
        round(day.night["lon"], 5), round(day.night["lat"], 5))
