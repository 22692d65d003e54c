"""Boat legs run over water between a harbour and a landing on the island (issue 17).

A crossing used to be a straight boat line from wherever the leg started: to Pulau Tunda,
17 km of the 34 km line ran over land from the inland office.  Now the drive to the harbour
is a road leg and the boat leg must stay over water: at most 500 m over land (the village
and neighbour polygons), on the sample regency and on Banten's Kabupaten Serang.
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pypdf
import pytest
import shapely

from planner.crossings import (
    Crossing,
    crossing_matrices,
    land_crossed_m,
    plan_crossings,
    water_route,
)
from planner.dataset import Dataset, load_dataset, load_dataset_from_folder
from planner.exports import route_sheet_pdf, whatsapp_text
from planner.params import PlanningParams, TravelParams
from planner.plan import (
    Plan,
    decode_plan,
    leg_text,
    plan_from_dict,
    plan_summary_text,
    plan_to_dict,
)
from planner.solver import solve
from planner.travel import EstimateProvider, Harbour, TravelPoint
from planner.workflow import build_week, classify_dataset

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
#: The read-only Banten reference data (``JEMPUT_BANTEN`` points elsewhere).
BANTEN = Path(os.environ.get("JEMPUT_BANTEN")
              or Path(__file__).resolve().parents[2] / "shared" / "data" / "banten")
MONDAY = date(2026, 11, 30)
MAX_LAND_M = 500.0


def _land(dataset: Dataset) -> np.ndarray:
    parts = [np.asarray(dataset.villages.to_crs(4326).geometry.values, dtype=object)]
    if dataset.neighbours is not None and len(dataset.neighbours):
        parts.append(np.asarray(dataset.neighbours.to_crs(4326).geometry.values, dtype=object))
    return np.concatenate(parts)


def _check_crossings(dataset: Dataset, regency: str, islands: set[str], *,
                     alone: bool = False) -> list[Crossing]:
    params = PlanningParams()
    # ``alone``: only the regency is classified (``planner plan --regency``); the boats
    # must still go round the other regencies' land
    classified = classify_dataset(dataset, params, regencies=[regency] if alone else None)
    built = build_week(dataset, classified, regency=regency, week_start=MONDAY, params=params)
    assert built.crossings is not None
    crossings = list(built.crossings.crossings)
    assert crossings
    land = _land(dataset)
    for c in crossings:
        over = land_crossed_m(c.route, land)
        assert over <= MAX_LAND_M, (c.harbour, c.landmass, over)
        assert not c.virtual  # both have harbours
    # every leg from the office to an island village is by road to a harbour, then boat
    inst = built.instance
    office = 0
    codes = {loc.location_id: k for k, loc in enumerate(inst.locations)}
    for code in islands:
        j = codes[code]
        used = built.crossings.used(office, j)
        assert [way for _, way in used] == ["to_island"]
        assert [way for _, way in built.crossings.used(j, office)] == ["from_island"]
        crossing = used[0][0]
        # road to the harbour + crossing + landing to the stop: more than the crossing alone
        assert inst.duration_s[office, j] > crossing.duration_s
    return crossings


def test_sample_boat_legs_stay_over_water() -> None:
    dataset = load_dataset_from_folder(SAMPLE)
    classified = classify_dataset(dataset, PlanningParams())
    islands = set(classified.loc[classified["island"].astype(bool), "kode"])
    crossings = _check_crossings(dataset, "36.90", islands)
    # one island lies behind a headland: its route bends round it instead of crossing land
    assert any(len(c.route) > 2 for c in crossings)


@pytest.mark.banten
@pytest.mark.parametrize("alone", [False, True])
def test_serang_boat_legs_stay_over_water(alone: bool) -> None:
    if not (BANTEN / "banten.gpkg").is_file():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    dataset = load_dataset(
        villages=f"{BANTEN / 'banten.gpkg'}:villages", backlog=str(BANTEN / "belum_rekam.csv"),
        offices=str(BANTEN / "offices.csv"), harbours=str(BANTEN / "harbours.csv"),
        teams=str(BANTEN / "teams.csv"),
        neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")
    # Pulo Panjang; Wargasara on Pulau Tunda
    crossings = _check_crossings(dataset, "36.04", {"36.04.08.2009", "36.04.13.2009"},
                                 alone=alone)
    # the old straight line from the office to Pulau Tunda ran 17 km over land
    tunda = [c for c in crossings if c.landing_lat > -5.85]
    assert tunda
    assert all(c.length_m > 20_000 for c in tunda)


def test_route_goes_round_land_between() -> None:
    """A wall of land between the harbour and the island: the boat goes round it."""
    wall = shapely.box(106.0, -6.1, 106.02, -5.95)  # a peninsula-like strip
    main = shapely.box(105.8, -6.3, 106.2, -6.1)    # the mainland it hangs from
    island = shapely.box(106.06, -6.04, 106.08, -6.02)
    harbour = Harbour("Dermaga Barat", 105.97, -6.099)
    land = np.array([wall, main, island], dtype=object)
    [c] = plan_crossings({3: island}, [harbour], land, TravelParams())
    straight = land_crossed_m([(c.harbour_lon, c.harbour_lat), (c.landing_lon, c.landing_lat)],
                              land)
    assert straight > 1_000  # the straight line would cross the strip
    assert land_crossed_m(c.route, land) <= MAX_LAND_M
    assert len(c.route) > 2
    assert c.landing_lon == pytest.approx(106.06, abs=1e-3)  # the island's west coast


def test_inland_harbour_boards_at_the_shore() -> None:
    """A harbour point given 1 km inland: the boat leaves from the shore next to it."""
    main = shapely.box(105.8, -6.3, 106.2, -6.1)
    island = shapely.box(106.0, -6.0, 106.02, -5.98)
    harbour = Harbour("Pelabuhan Darat", 106.0, -6.109)  # ~1 km inside the coast at -6.1
    land = np.array([main, island], dtype=object)
    [c] = plan_crossings({2: island}, [harbour], land, TravelParams())
    assert c.route[0][1] == pytest.approx(-6.1, abs=2e-3)
    assert land_crossed_m(c.route, land) <= MAX_LAND_M


def test_without_harbour_the_boat_leaves_from_the_nearest_coast() -> None:
    main = shapely.box(105.8, -6.3, 106.2, -6.1)
    island = shapely.box(106.0, -6.0, 106.02, -5.98)
    [c] = plan_crossings({2: island}, [], np.array([main, island], dtype=object),
                         TravelParams(), mainland=np.array([main], dtype=object))
    assert c.virtual
    assert c.route[0][1] == pytest.approx(-6.1, abs=1e-3)
    assert c.length_m == pytest.approx(11_000, rel=0.05)


def test_water_route_is_straight_over_open_water() -> None:
    from planner.crossings import _Frame, _Land
    frame = _Frame(-6.0)
    land = _Land(frame.geom(np.array([shapely.box(105.0, -6.5, 105.1, -6.4)], dtype=object)))
    a, b = frame.xy(106.0, -6.0), frame.xy(106.1, -6.0)
    assert water_route((float(a[0]), float(a[1])), (float(b[0]), float(b[1])), land) == [
        (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))]


def test_matrix_legs_between_landmasses_use_the_crossing() -> None:
    main = shapely.box(105.8, -6.3, 106.2, -6.1)
    island = shapely.box(106.0, -6.0, 106.05, -5.95)
    harbour = Harbour("Dermaga", 106.0, -6.1)
    params = TravelParams()
    [c] = plan_crossings({2: island}, [harbour], np.array([main, island], dtype=object), params)
    office = TravelPoint(106.0, -6.25, 0, "urban")
    village = TravelPoint(106.04, -5.96, 2, "rural")
    other = TravelPoint(106.01, -5.99, 2, "rural")
    mats, legs = crossing_matrices(EstimateProvider(params, [harbour]),
                                   [office, village, other], [c])
    road = EstimateProvider(params).road_legs([office, TravelPoint(106.0, -6.1, 0, "urban"),
                                               TravelPoint(c.landing_lon, c.landing_lat, 2),
                                               village])[0]
    expected = road[0, 1] + c.duration_s + road[2, 3]
    assert mats.duration_s[0, 1] == pytest.approx(expected, abs=2)
    assert mats.duration_s[1, 0] == pytest.approx(expected, abs=2)
    assert [w for _, w in legs.used(0, 1)] == ["to_island"]
    assert [w for _, w in legs.used(1, 0)] == ["from_island"]
    assert legs.used(1, 2) == []  # on the island: road
    assert mats.by_boat[0, 1]
    assert not mats.by_boat[1, 2]


@pytest.fixture(scope="module")
def sample_plan() -> tuple[Plan, set[str]]:
    dataset = load_dataset_from_folder(SAMPLE)
    # day trips (multi-day trips, issue 18, off): every island stop is reached by boat
    params = replace(PlanningParams(), trips=replace(PlanningParams().trips, enabled=False))
    classified = classify_dataset(dataset, params)
    built = build_week(dataset, classified, regency="36.90", week_start=MONDAY, params=params)
    solution = solve(built.instance, time_limit_s=10, seed=0, solution_limit=1)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    return plan, set(classified.loc[classified["island"].astype(bool), "kode"])


def test_plan_says_which_legs_go_by_boat(sample_plan: tuple[Plan, set[str]]) -> None:
    plan, island = sample_plan
    data = plan_to_dict(plan)
    boat_stops = 0
    for route in data["routes"]:
        prev_island = False
        for stop in route["stops"]:
            here = stop["village_code"] in island
            assert stop["leg"]["mode"] == ("boat" if here != prev_island else "road")
            if stop["leg"]["mode"] == "boat":
                boat_stops += 1
                assert stop["leg"]["harbour"] == "Pelabuhan Muara Harapan"
                assert stop["leg"]["crossing_min"] >= 30  # boarding alone is 30 minutes
                assert stop["travel_from_previous_s"] > stop["leg"]["crossing_s"]
            prev_island = here
        if route["stops"]:
            assert route["return_leg"]["mode"] == ("boat" if prev_island else "road")
    assert boat_stops >= 1
    text = plan_summary_text(plan)
    assert "kapal dari Pelabuhan Muara Harapan (penyeberangan" in text
    assert "pulang: kapal ke Pelabuhan Muara Harapan" in text
    assert plan_from_dict(data).routes == plan.routes  # legs survive the JSON


def test_whatsapp_and_route_sheet_name_the_harbour(sample_plan: tuple[Plan, set[str]]) -> None:
    plan, island = sample_plan
    route = next(r for r in plan.routes if any(s.village_code in island for s in r.stops))
    text = whatsapp_text(plan, route.team_id, str(route.date))
    assert "Naik kapal dari Pelabuhan Muara Harapan (penyeberangan" in text
    assert "Pulang naik kapal ke Pelabuhan Muara Harapan" in text
    pdf = pypdf.PdfReader(io.BytesIO(route_sheet_pdf(plan, route.team_id)))
    sheet = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "naik kapal dari Pelabuhan Muara Harapan" in sheet
    assert "pulang naik kapal ke Pelabuhan Muara Harapan" in sheet


def test_leg_text() -> None:
    leg = {"mode": "boat", "harbour": "P", "crossing_s": 4500, "crossing_min": 75,
           "crossings": [{"harbour": "P", "direction": "to_island", "crossing_s": 4500}]}
    assert leg_text(leg) == "kapal dari P (penyeberangan 1 jam 15 menit)"
    assert leg_text(leg, "en") == "boat from P (1 h 15 min crossing)"
    assert leg_text({"mode": "road"}) == ""
    assert leg_text(None) == ""


def test_two_islands_are_joined_through_the_mainland() -> None:
    main = shapely.box(105.8, -6.3, 106.2, -6.1)
    west = shapely.box(105.9, -6.0, 105.92, -5.98)
    east = shapely.box(106.1, -6.0, 106.12, -5.98)
    harbours = [Harbour("Barat", 105.91, -6.1), Harbour("Timur", 106.11, -6.1)]
    params = TravelParams()
    land = np.array([main, west, east], dtype=object)
    crossings = plan_crossings({2: west, 3: east}, harbours, land, params)
    assert {(c.harbour, c.landmass) for c in crossings} == {
        ("Barat", 2), ("Timur", 2), ("Barat", 3), ("Timur", 3)}
    a = TravelPoint(105.91, -5.99, 2, "rural")
    b = TravelPoint(106.11, -5.99, 3, "rural")
    mats, legs = crossing_matrices(EstimateProvider(params, harbours), [a, b], crossings)
    used = legs.used(0, 1)
    assert [(c.landmass, way) for c, way in used] == [(2, "from_island"), (3, "to_island")]
    # the quickest of the four ways (out over either harbour, in over either)
    road = EstimateProvider(params).road_legs
    options = []
    for out in (c for c in crossings if c.landmass == 2):
        for into in (c for c in crossings if c.landmass == 3):
            pts = [a, TravelPoint(out.landing_lon, out.landing_lat, 2),
                   TravelPoint(out.harbour_lon, out.harbour_lat, 0, "urban"),
                   TravelPoint(into.harbour_lon, into.harbour_lat, 0, "urban"),
                   TravelPoint(into.landing_lon, into.landing_lat, 3), b]
            r = road(pts)[0]
            options.append(r[0, 1] + out.duration_s + r[2, 3] + into.duration_s + r[4, 5])
    assert mats.duration_s[0, 1] == pytest.approx(min(options), abs=3)


def test_far_harbours_are_not_tried() -> None:
    main = shapely.box(105.0, -6.3, 106.2, -6.1)
    island = shapely.box(106.0, -6.0, 106.02, -5.98)
    near = Harbour("Dekat", 106.01, -6.1)
    far = Harbour("Jauh", 105.1, -6.1)  # ~100 km along the coast
    crossings = plan_crossings({2: island}, [near, far], np.array([main, island], dtype=object),
                               TravelParams())
    assert [c.harbour for c in crossings] == ["Dekat"]


def test_without_polygons_a_boat_leg_still_says_boat() -> None:
    """Villages without geometry (no crossing computed): island legs still say ``boat``."""
    dataset = load_dataset_from_folder(SAMPLE)
    params = PlanningParams()
    classified = classify_dataset(dataset, params).drop(columns=["geometry"])
    built = build_week(dataset, classified, regency="36.90", week_start=MONDAY, params=params)
    assert built.crossings is None
    solution = solve(built.instance, time_limit_s=5, seed=0, solution_limit=1)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    island = set(classified.loc[classified["island"].astype(bool), "kode"])
    legs = [s.leg for r in plan.routes for s in r.stops if s.village_code in island
            and s.sequence == 1]
    assert legs
    assert all(leg == {"mode": "boat", "harbour": None} for leg in legs)
    assert leg_text(legs[0]) == "dengan kapal"


def test_a_harbour_on_the_island_is_the_landing() -> None:
    main = shapely.box(105.8, -6.3, 106.2, -6.1)
    island = shapely.box(106.0, -6.0, 106.1, -5.9)
    harbours = [Harbour("Dermaga Darat", 106.05, -6.1),
                Harbour("Dermaga Pulau", 106.09, -5.95, landmass=2)]  # east side, inland
    land = np.array([main, island], dtype=object)
    [c] = plan_crossings({2: island}, harbours, land, TravelParams())
    assert c.harbour == "Dermaga Darat"
    assert (c.landing_lon, c.landing_lat) == pytest.approx((106.1, -5.95), abs=1e-3)
    assert land_crossed_m(c.route, land) <= MAX_LAND_M
