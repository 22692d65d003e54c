"""Travel from an office's OSRM server, against a local stub of OSRM's ``table`` service."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from planner.osrm import BLOCK, OsrmProvider, TravelServiceError
from planner.params import PlanningParams, TravelParams, load_params
from planner.plan import decode_plan, plan_to_dict
from planner.problem import build_problem
from planner.solution import Solution, SolveStatus
from planner.travel import EstimateProvider, Harbour, TravelPoint
from tests.factories import (
    REGENCY,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

#: the stub cannot route to or from this longitude (as OSRM answers ``null``)
UNROUTABLE_LON = 106.5


#: seconds per Manhattan degree, per profile the stub serves ("slow" also answers late)
PROFILE_S_PER_DEG = {"driving": 10_000, "foot": 60_000, "slow": 10_000}


def stub_leg(a: tuple[float, float], b: tuple[float, float], profile: str = "driving"
             ) -> tuple[float, float] | None:
    """The stub's "road": Manhattan degrees x 10,000 s and x 120,000 m; null at UNROUTABLE."""
    if UNROUTABLE_LON in (a[0], b[0]) and a != b:
        return None
    deg = abs(a[0] - b[0]) + abs(a[1] - b[1])
    return deg * PROFILE_S_PER_DEG[profile], deg * 120_000


class _Stub(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)  # urlparse would cut the path at its first ";"
        parts = url.path.split("/")
        assert parts[1:3] == ["table", "v1"], url.path
        profile = parts[3]
        if profile == "slow":
            time.sleep(1.0)
        coords = [tuple(float(x) for x in c.split(",")) for c in parts[4].split(";")]
        query = parse_qs(url.query)
        src = [int(i) for i in query["sources"][0].split(";")]
        dst = [int(i) for i in query["destinations"][0].split(";")]
        assert query["annotations"] == ["duration,distance"]
        assert len(coords) <= 100  # OSRM's default --max-table-size
        legs = [[stub_leg(coords[i], coords[j], profile) for j in dst] for i in src]
        body = {"code": "Ok",
                "durations": [[None if x is None else x[0] for x in r] for r in legs],
                "distances": [[None if x is None else x[1] for x in r] for r in legs]}
        type(self).requests.append(self.path)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def osrm_url() -> Iterator[str]:
    """A stub OSRM server on a free local port, for the test's duration."""
    _Stub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _params(url: str) -> PlanningParams:
    return load_params(overrides={"travel": {"provider": "osrm", "osrm_url": url}})


def test_matrix_comes_from_the_table_service_in_blocks(osrm_url: str):
    """Every road leg is the server's, in blocks of at most 100 coordinates per request."""
    points = [TravelPoint(106.0 + 0.003 * k, -6.5 - 0.002 * (k % 7)) for k in range(BLOCK + 12)]
    provider = OsrmProvider(_params(osrm_url).travel)
    m = provider.matrices(points)
    for i in (0, 5, BLOCK + 3):
        for j in (1, BLOCK, BLOCK + 11):
            t, d = stub_leg((points[i].lon, points[i].lat), (points[j].lon, points[j].lat))
            assert m.duration_s[i, j] == pytest.approx(t, abs=1)
            assert m.distance_m[i, j] == pytest.approx(d, abs=1)
    assert len(_Stub.requests) == 4  # two blocks each way
    assert m.info == {"source": "osrm", "url": osrm_url, "profile": "driving", "requests": 4,
                      "points": len(points), "pairs_estimated": 0}


def test_unroutable_pairs_fall_back_to_the_estimate(osrm_url: str):
    """A ``null`` from the server becomes the estimate for that pair, and is counted."""
    points = [TravelPoint(106.0, -6.5), TravelPoint(UNROUTABLE_LON, -6.5),
              TravelPoint(106.1, -6.5)]
    m = OsrmProvider(_params(osrm_url).travel).matrices(points)
    est = EstimateProvider(TravelParams()).matrices(points)
    assert m.duration_s[0, 1] == est.duration_s[0, 1]
    assert m.duration_s[0, 2] == pytest.approx(stub_leg((106.0, -6.5), (106.1, -6.5))[0], abs=1)
    assert m.info["pairs_estimated"] == 4


def test_islands_keep_boats_from_the_routed_harbour(osrm_url: str):
    """Office -> island goes by OSRM to the harbour, boards, and crosses by boat."""
    p = _params(osrm_url).travel
    harbour = Harbour("Dermaga", 106.05, -6.45, landmass=0)
    points = [TravelPoint(106.0, -6.5, 0, "urban"), TravelPoint(106.35, -6.45, 1)]
    m = OsrmProvider(p, [harbour]).matrices(points)
    road_s = stub_leg((106.0, -6.5), (106.05, -6.45))[0]
    boat_s = EstimateProvider(p).matrices(
        [TravelPoint(106.05, -6.45, 0), TravelPoint(106.35, -6.45, 1)]).duration_s[0, 1]
    assert m.by_boat[0, 1]
    assert m.duration_s[0, 1] == pytest.approx(road_s + boat_s, abs=2)


def test_plan_uses_the_server_and_says_so(osrm_url: str):
    """``provider = "osrm"`` changes the plan's legs to the server's and ``travel.source``."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=106.03, stop_lat=-6.52))

    def plan(params: PlanningParams) -> dict:
        built = build_problem(villages, teams=teams_frame(make_team("a")),
                              offices=offices_frame(), harbours=None, regency=REGENCY,
                              week_start=date(2026, 11, 30), params=params)
        routes = [(0,)] + [() for _ in built.instance.vehicles[1:]]
        return plan_to_dict(decode_plan(built.instance,
                                        Solution(tuple(routes), SolveStatus.FEASIBLE),
                                        built=built))

    by_server = plan(_params(osrm_url))
    by_estimate = plan(PlanningParams())
    leg = by_server["routes"][0]["stops"][0]["travel_from_previous_s"]
    assert leg == pytest.approx(stub_leg((106.0, -6.5), (106.03, -6.52))[0], abs=1)
    assert by_estimate["routes"][0]["stops"][0]["travel_from_previous_s"] != leg
    assert by_server["travel"]["source"] == "osrm"
    assert by_estimate["travel"]["source"] == "estimate"


def test_profile_is_the_servers_profile(osrm_url: str):
    """``osrm_profile`` picks the server's profile: on foot the same leg takes six times as long."""
    points = [TravelPoint(106.0, -6.5), TravelPoint(106.03, -6.52)]
    legs = {}
    for profile in ("driving", "foot"):
        params = load_params(overrides={"travel": {"provider": "osrm", "osrm_url": osrm_url,
                                                   "osrm_profile": profile}})
        legs[profile] = OsrmProvider(params.travel).matrices(points).duration_s[0, 1]
    assert legs["foot"] == pytest.approx(6 * legs["driving"], abs=6)
    assert all("/table/v1/foot/" in r for r in _Stub.requests[1:])


def test_a_slow_server_runs_into_the_timeout(osrm_url: str):
    """A server slower than ``osrm_timeout_s`` is an error; with time to answer it is used."""
    slow = replace(TravelParams(), provider="osrm", osrm_url=osrm_url, osrm_profile="slow",
                   osrm_timeout_s=0.3)
    points = [TravelPoint(106.0, -6.5), TravelPoint(106.1, -6.5)]
    with pytest.raises(TravelServiceError, match="did not answer"):
        OsrmProvider(slow).matrices(points)
    patient = replace(slow, osrm_timeout_s=10.0)
    assert OsrmProvider(patient).matrices(points).duration_s[0, 1] == pytest.approx(1000, abs=1)


def test_unreachable_server_is_a_clear_error():
    """No server at the URL: a TravelServiceError naming it, not a traceback."""
    params = replace(TravelParams(), provider="osrm", osrm_url="http://127.0.0.1:9",
                     osrm_timeout_s=2.0)
    with pytest.raises(TravelServiceError, match=r"127\.0\.0\.1:9"):
        OsrmProvider(params).matrices([TravelPoint(106.0, -6.5), TravelPoint(106.1, -6.5)])


def test_osrm_needs_a_url():
    """``provider = "osrm"`` without ``osrm_url`` is refused when parameters are read."""
    from planner.errors import ParameterError

    with pytest.raises(ParameterError, match="osrm_url"):
        load_params(overrides={"travel": {"provider": "osrm"}})
