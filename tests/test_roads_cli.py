"""The sample regency's road network through the command line: inspect and plan."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from planner.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SCHEMA = json.loads((ROOT / "planner" / "schemas" / "plan.schema.json").read_text())
RIVER_LON = 105.25  # the sample's river (lower course); its one bridge is far north


def _estimate_params(tmp_path: Path) -> str:
    path = tmp_path / "estimate.toml"
    path.write_text('[travel]\nprovider = "estimate"\n')
    return str(path)


def _inspect(tmp_path: Path, *extra: str) -> dict[str, dict]:
    out = tmp_path / f"v{len(extra)}.json"
    result = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE), "--json", str(out),
                                       *extra])
    assert result.exit_code == 0, result.output
    assert "road network: " in result.output  # the file is read either way
    return {r["kode"]: r for r in json.loads(out.read_text())}


def test_inspect_names_the_road_network():
    """inspect says which road file travel is routed on, and its lines per class."""
    result = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "roads.gpkg:roads: 381 garis / lines (jalan arteri" in result.output


def test_across_the_river_is_far_by_road_and_so_remote(tmp_path: Path):
    """Just beyond the river's lower course villages are twice as far by road, and remote."""
    by_road = _inspect(tmp_path)
    by_estimate = _inspect(tmp_path, "--params", _estimate_params(tmp_path))
    def bank(west: float, east: float) -> list[str]:
        return [k for k, r in by_road.items() if not r["island"]
                and west < r["stop_lon"] < east and r["stop_lat"] < -7.2]

    beyond, facing = bank(RIVER_LON + 0.005, RIVER_LON + 0.07), bank(RIVER_LON - 0.04, RIVER_LON)
    assert len(beyond) >= 4
    assert len(facing) >= 4
    for kode in beyond:
        assert by_road[kode]["office_travel_s"] > 1.8 * by_estimate[kode]["office_travel_s"]
    # the facing bank, as far from the office, is no slower by road than estimated
    for kode in facing:
        assert by_road[kode]["office_travel_s"] < by_estimate[kode]["office_travel_s"]
    assert sum(by_road[k]["remote"] for k in beyond) >= len(beyond) - 1
    assert not any(by_estimate[k]["remote"] for k in beyond)


def test_plan_says_its_travel_came_from_the_roads(tmp_path: Path):
    """The sample plan is routed on roads.gpkg and says so; the estimate gives another plan."""
    week = ["--regency", "36.90", "--week", "2026-11-30", "--time-limit", "2", "--seed", "1"]
    plans = {}
    for name, extra in (("roads", []), ("estimate", ["--params", _estimate_params(tmp_path)])):
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(main, ["plan", "--data", str(SAMPLE), *week, "--out",
                                           str(out), *extra])
        assert result.exit_code == 0, result.output
        plans[name] = json.loads(out.read_text())
        jsonschema.validate(plans[name], SCHEMA)
    travel = plans["roads"]["travel"]
    assert travel["source"] == "roads"
    assert travel["file"].endswith("roads.gpkg:roads")
    assert travel["speeds_kmh"] == {"jalan arteri": 45.0, "jalan lain": 20.0,
                                    "jalan lokal": 30.0}
    # only the four island villages and their boat landings on the islands' coasts lie off
    # the mainland's roads (they are reached by boat; at most one landing per village)
    assert travel["points_off_network"] <= 4 + 4
    assert travel["points_on_network"] >= 130
    assert plans["estimate"]["travel"]["source"] == "estimate"
    legs = {name: [s["travel_from_previous_s"] for r in p["routes"] for s in r["stops"]]
            for name, p in plans.items()}
    assert legs["roads"] != legs["estimate"]
