"""The generated sample regency: regenerable, consistent, small."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SCRIPT = SAMPLE / "make_sample_data.py"
BANTEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "banten"
WRITTEN = ("villages.gpkg", "neighbours.gpkg", "belum_rekam.xlsx", "offices.csv",
           "harbours.csv", "teams.csv", "manifest.toml", "roads.gpkg", "days_off.csv")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample written afresh into a temporary directory."""
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True,
                   capture_output=True)
    return out


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    """The committed village layer."""
    return gpd.read_file(SAMPLE / "villages.gpkg", layer="villages")


@pytest.fixture(scope="module")
def backlog() -> pd.DataFrame:
    """The committed backlog workbook."""
    return pd.read_excel(SAMPLE / "belum_rekam.xlsx", dtype={"Kode Desa": str})


@pytest.mark.parametrize("name", WRITTEN)
def test_regenerating_writes_the_same_bytes(regenerated: Path, name: str) -> None:
    """Re-running the seeded script reproduces every committed file byte for byte."""
    assert (regenerated / name).read_bytes() == (SAMPLE / name).read_bytes()


def test_manifest_names_files_that_exist() -> None:
    """Every manifest entry points at a file (and layer) the sample ships."""
    manifest = tomllib.loads((SAMPLE / "manifest.toml").read_text())
    assert set(manifest) == {"villages", "backlog", "offices", "harbours", "teams", "neighbours",
                             "roads", "days_off"}
    for value in manifest.values():
        path, _, layer = value.partition(":")
        assert (SAMPLE / path).is_file()
        if layer:
            assert layer in gpd.list_layers(SAMPLE / path)["name"].tolist()


def test_sample_is_small() -> None:
    """All sample files together stay well under 1 MB."""
    total = sum((SAMPLE / name).stat().st_size for name in WRITTEN)
    assert total < 600_000


def test_villages_have_kugi_fields_and_codes(villages: gpd.GeoDataFrame) -> None:
    """About 150 villages with BIG field names, unique dotted codes and 8–10 districts."""
    assert {"KDEPUM", "WADMKD", "KDCPUM", "WADMKC", "KDPKAB", "WADMKK", "WADMPR",
            "medan"} <= set(villages.columns)
    assert 140 <= len(villages) <= 160
    assert villages["KDEPUM"].is_unique
    assert villages["WADMKD"].is_unique
    assert villages["KDEPUM"].str.fullmatch(r"36\.90\.\d{2}\.[12]\d{3}").all()
    assert (villages["KDEPUM"].str[:8] == villages["KDCPUM"]).all()
    assert 8 <= villages["KDCPUM"].nunique() <= 10
    assert villages["KDEPUM"].str[9].eq("1").sum() >= 5  # a town of kelurahan
    assert set(villages["medan"]) == {"datar", "perbukitan"}
    assert villages.crs.to_epsg() == 4326
    assert villages.is_valid.all()


def test_some_village_offices_are_given_inside_their_polygon(villages: gpd.GeoDataFrame) -> None:
    """The optional village-office columns hold a few points, each inside its village."""
    given = villages.dropna(subset=["kantor_lon", "kantor_lat"])
    assert 1 <= len(given) < len(villages)
    points = gpd.GeoSeries(gpd.points_from_xy(given["kantor_lon"], given["kantor_lat"]),
                           index=given.index, crs=4326)
    crs = villages.estimate_utm_crs()
    assert (given.geometry.to_crs(crs).distance(points.to_crs(crs)) < 1.0).all()


def test_backlog_counts_add_up(backlog: pd.DataFrame, villages: gpd.GeoDataFrame) -> None:
    """lk + pr = not recorded, recorded + not recorded = wajib KTP, one row per village."""
    assert set(backlog["Kode Desa"]) == set(villages["KDEPUM"])
    assert (backlog["belum_rekam_lk"] + backlog["belum_rekam_pr"]
            == backlog["jumlah_belum_rekaman"]).all()
    assert (backlog["jumlah_sudah_rekam"] + backlog["jumlah_belum_rekaman"]
            == backlog["jumlah_wajib_ktp"]).all()
    assert (backlog.select_dtypes("number") >= 0).all().all()


def test_backlog_has_zeros_big_villages_and_remote_rates(backlog: pd.DataFrame) -> None:
    """Some villages have nothing left, two exceed a team-day, islands lag behind."""
    belum = backlog["jumlah_belum_rekaman"]
    assert (belum == 0).sum() >= 3
    assert (belum >= 400).sum() >= 2
    rate = belum / backlog["jumlah_wajib_ktp"]
    islands = backlog["Nama Desa"].isin(["Karang Kembang", "Sangkur Kaler", "Sangkur Kidul",
                                         "Pulo Dua"])
    assert islands.sum() == 4
    assert rate[islands].min() > rate.median()
    assert 0.02 < belum.sum() / backlog["jumlah_wajib_ktp"].sum() < 0.08


def test_sites_and_teams() -> None:
    """One office, a harbour, 3–4 teams with one boat team and one Saturday team."""
    offices = pd.read_csv(SAMPLE / "offices.csv", dtype=str)
    harbours = pd.read_csv(SAMPLE / "harbours.csv", dtype=str)
    teams = pd.read_csv(SAMPLE / "teams.csv", dtype={"kabupaten_kode": str, "workdays": str})
    assert offices["kabupaten_kode"].tolist() == ["36.90"]
    assert len(harbours) >= 1
    assert 3 <= len(teams) <= 4
    assert teams["recording_kits"].isin([1, 2]).all()
    assert teams["boat_capable"].sum() == 1
    assert teams["workdays"].eq("1-6").any()


def test_neighbour_shares_the_land_border(villages: gpd.GeoDataFrame) -> None:
    """The neighbour regency of another province touches the sample along a long border."""
    neighbours = gpd.read_file(SAMPLE / "neighbours.gpkg", layer="neighbour_regencies")
    assert neighbours["kode"].tolist() == ["32.90"]
    crs = villages.estimate_utm_crs()
    shared = villages.to_crs(crs).boundary.intersection(
        neighbours.to_crs(crs).buffer(1.0).union_all()).length.sum()
    assert shared > 30_000


def test_roads_wind_in_the_hills_and_cross_the_river_once(villages: gpd.GeoDataFrame) -> None:
    """RBI-style roads: winding slow roads in the hills, one bridge over the river, all inland."""
    roads = gpd.read_file(SAMPLE / "roads.gpkg", layer="roads")
    river = gpd.read_file(SAMPLE / "roads.gpkg", layer="rivers").union_all()
    assert set(roads["REMARK"]) == {"Jalan Arteri", "Jalan Lokal", "Jalan Lain"}
    hills = villages[villages["medan"] == "perbukitan"].union_all()
    winding = roads[roads["REMARK"] == "Jalan Lain"]
    assert winding.intersects(hills).all()
    straight = winding.geometry.apply(
        lambda g: g.interpolate(0).distance(g.interpolate(1, normalized=True)))
    length = winding.geometry.apply(lambda g: g.length)
    assert length.sum() > 1.8 * straight.sum()  # the hairpins double the way
    assert roads.intersects(river).sum() == 1
    assert roads.union_all().within(villages.union_all().buffer(0.01))


@pytest.mark.banten
def test_sample_does_not_overlap_banten(villages: gpd.GeoDataFrame) -> None:
    """The fictional regency lies away from the real Banten villages."""
    if not (BANTEN / "banten.gpkg").is_file():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    banten = gpd.read_file(BANTEN / "banten.gpkg", layer="kabupaten")
    assert not villages.union_all().intersects(banten.union_all())
