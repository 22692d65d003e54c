"""Shared fixtures: tiny hand-made office files written into ``tmp_path``, the Banten folder."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pg_scratch
import pytest
from shapely.geometry import box

#: The read-only reference data beside the repository (absent on some machines);
#: ``JEMPUT_BANTEN`` points elsewhere (a git worktree is not beside it).
BANTEN = Path(os.environ.get("JEMPUT_BANTEN")
              or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "banten")

#: Four villages in two regencies; codes sorted.
VILLAGE_ROWS: list[tuple[str, str, str, str]] = [
    ("36.01.01.1001", "Kota Satu", "Kec Satu", "Kabupaten Uji"),
    ("36.01.01.2002", "Desa Dua", "Kec Satu", "Kabupaten Uji"),
    ("36.01.02.2003", "Desa Tiga", "Kec Dua", "Kabupaten Uji"),
    ("36.02.01.2001", "Desa Empat", "Kec Tiga", "Kabupaten Lain"),
]


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, delimiter: str = ",",
              encoding: str = "utf-8") -> str:
    """Write rows (the first is the header) as CSV and return the path as text."""
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return str(path)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``postgres`` are skipped, with the reason, when the server is absent."""
    if item.get_closest_marker("postgres") is not None:
        reason = pg_scratch.unavailable_reason()
        if reason is not None:
            pytest.skip(reason)


@pytest.fixture
def villages_gdf() -> gpd.GeoDataFrame:
    """Four square villages in Banten, WGS84, with our own column names."""
    geoms = [box(106.0 + 0.02 * i, -6.5, 106.01 + 0.02 * i, -6.49) for i in range(4)]
    return gpd.GeoDataFrame(
        {"kode": [r[0] for r in VILLAGE_ROWS], "desa": [r[1] for r in VILLAGE_ROWS],
         "kecamatan": [r[2] for r in VILLAGE_ROWS], "kabupaten": [r[3] for r in VILLAGE_ROWS]},
        geometry=geoms, crs="EPSG:4326")


@pytest.fixture
def good_files(tmp_path: Path, villages_gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """A complete, valid set of office files for :func:`planner.dataset.load_dataset`."""
    villages = tmp_path / "villages.gpkg"
    villages_gdf.to_file(villages, layer="villages")
    return {
        "villages": f"{villages}:villages",
        "backlog": write_csv(tmp_path / "backlog.csv", [
            ["kode", "desa", "wajib_ktp", "belum_rekam"],
            *[[r[0], r[1], 100 + i, 10 + i] for i, r in enumerate(VILLAGE_ROWS)],
        ]),
        "offices": write_csv(tmp_path / "offices.csv", [
            ["kabupaten_kode", "name", "lat", "lng"],
            ["36.01", "Kantor Uji", -6.3, 106.1],
            ["36.02", "Kantor Lain", -6.35, 106.25],
        ]),
        "harbours": write_csv(tmp_path / "harbours.csv", [
            ["kabupaten_kode", "name", "lat", "lng"],
            ["36.01", "Dermaga Uji", -6.0, 106.1],
        ]),
        "teams": write_csv(tmp_path / "teams.csv", [
            ["kabupaten_kode", "team", "recording_kits", "boat_capable"],
            ["36.01", "Tim Uji 1", 2, "True"],
            ["36.02", "Tim Lain", 1, "False"],
        ]),
    }


@pytest.fixture
def banten() -> Path:
    """The Banten reference folder; the test is skipped when it is not on this machine."""
    if not (BANTEN / "banten.gpkg").is_file():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    return BANTEN


@pytest.fixture(autouse=True)
def _private_classification_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run by tests keep classifications in the test's own folder, never in ~."""
    monkeypatch.setenv("JEMPUT_BOLA_CACHE", str(tmp_path / "classification-cache"))
