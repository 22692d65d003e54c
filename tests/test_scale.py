"""A nation's villages in one run: same flags as before, one regency at its own cost, cache.

The old classification (one union and negative buffer of all land) is kept verbatim in
``legacy_geography.py`` as the oracle: the per-cluster coastline and the per-regency
classification must not change any village's flags, lengths, stop points or travel.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import legacy_geography
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from planner import geography
from planner.classify_cache import ClassificationCache, dataset_key
from planner.cli import main
from planner.dataset import Dataset, load_dataset, load_dataset_from_folder
from planner.errors import ParameterError
from planner.geography import classify_villages, needed_land
from planner.landmass import clusters, degree_gap
from planner.params import PlanningParams
from planner.workflow import classify_dataset

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
BANTEN = Path(os.environ.get("JEMPUT_BOLA_BANTEN",
                             ROOT.parent / "shared" / "data" / "banten"))
#: Every column the classification computes, compared exactly with the oracle.
COMPUTED = ("island", "border", "coastal", "remote", "island_computed", "border_computed",
            "coastal_computed", "remote_computed", "border_kind", "landmass", "stop_lon",
            "stop_lat", "office_travel_s", "office_distance_m", "border_length_m",
            "coast_length_m", "overridden")


def _same_classification(new: pd.DataFrame, old: pd.DataFrame, *,
                         landmass_ids: bool = True) -> None:
    assert new["kode"].tolist() == old["kode"].tolist()
    for column in COMPUTED:
        if column == "landmass" and not landmass_ids:
            # Ids ranked among the land measured: the same partition, maybe other numbers.
            pairs = pd.crosstab(new["landmass"], old["landmass"]) > 0
            assert (pairs.sum(axis=0) == 1).all()
            assert (pairs.sum(axis=1) == 1).all()
            assert ((new["landmass"] == 0) == (old["landmass"] == 0)).all()
            continue
        assert new[column].tolist() == old[column].tolist(), column


def _classify_both(dataset: Dataset, *, neighbours: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    kw = {"harbours": dataset.harbours,
          "neighbours": dataset.neighbours if neighbours else None,
          "overrides": dataset.overrides}
    new = classify_villages(dataset.villages, dataset.offices, **kw)
    old = legacy_geography.classify_villages(dataset.villages, dataset.offices, **kw)
    return new, old


@pytest.fixture(scope="module")
def sample_dataset() -> Dataset:
    return load_dataset_from_folder(SAMPLE)


@pytest.mark.parametrize(("neighbours", "chunk"), [(True, 4_000), (False, 4_000), (True, 7)])
def test_sample_flags_unchanged(sample_dataset: Dataset, neighbours: bool, chunk: int,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample regency: every computed column equals the old algorithm's (also when the
    boundaries are measured a few villages at a time, as at a nation's scale)."""
    monkeypatch.setattr(geography, "_CANDIDATES_PER_CHUNK", chunk)
    new, old = _classify_both(sample_dataset, neighbours=neighbours)
    assert new["coastal"].sum() > 10  # the comparison covers a real coast
    _same_classification(new, old)
    assert new.attrs["geography_notes"] == old.attrs["geography_notes"]


@pytest.fixture(scope="module")
def banten_dataset() -> Dataset:
    if not (BANTEN / "banten.gpkg").is_file():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    return load_dataset(
        villages=f"{BANTEN / 'banten.gpkg'}:villages", backlog=str(BANTEN / "belum_rekam.csv"),
        offices=str(BANTEN / "offices.csv"), harbours=str(BANTEN / "harbours.csv"),
        teams=str(BANTEN / "teams.csv"),
        neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")


@pytest.mark.banten
@pytest.mark.parametrize("neighbours", [True, False])
def test_banten_flags_unchanged(banten_dataset: Dataset, neighbours: bool) -> None:
    """All 1,552 Banten villages: every computed column equals the old algorithm's; and
    each regency classified on its own gets exactly its rows of the whole."""
    new, old = _classify_both(banten_dataset, neighbours=neighbours)
    assert new["coastal"].sum() > 100
    _same_classification(new, old)
    kw = {"harbours": banten_dataset.harbours,
          "neighbours": banten_dataset.neighbours if neighbours else None}
    for code in ("36.04", "36.71"):  # with islands and harbours; landlocked city
        one = classify_villages(banten_dataset.villages, banten_dataset.offices,
                                regencies=[code], **kw)
        whole = new[new["kabupaten_kode"] == code].reset_index(drop=True)
        _same_classification(one, whole, landmass_ids=False)


def _shifted_copy(src: Path, dst: Path, *, code: str, dlat: float) -> None:
    """Two regencies far apart: the sample regency and a copy ``dlat`` degrees north."""
    dst.mkdir()
    old = "36.90"

    def recode(series: pd.Series) -> pd.Series:
        return series.astype(str).str.replace(old, code, regex=False)

    v = gpd.read_file(src / "villages.gpkg", layer="villages")
    c = v.copy()
    c["geometry"] = c.geometry.translate(0.0, dlat)
    c["kantor_lat"] = c["kantor_lat"] + dlat
    for col in ("KDEPUM", "KDCPUM", "KDPKAB"):
        c[col] = recode(c[col])
    pd.concat([v, c], ignore_index=True).pipe(gpd.GeoDataFrame, crs=v.crs).to_file(
        dst / "villages.gpkg", layer="villages", driver="GPKG")
    n = gpd.read_file(src / "neighbours.gpkg", layer="neighbour_regencies")
    m = n.copy()
    m["geometry"] = m.geometry.translate(0.0, dlat)
    pd.concat([n, m], ignore_index=True).pipe(gpd.GeoDataFrame, crs=n.crs).to_file(
        dst / "neighbours.gpkg", layer="neighbour_regencies", driver="GPKG")
    b = pd.read_excel(src / "belum_rekam.xlsx", dtype={"Kode Desa": str})
    b2 = b.assign(**{"Kode Desa": recode(b["Kode Desa"])})
    pd.concat([b, b2]).to_csv(dst / "belum_rekam.csv", index=False)
    for name in ("offices.csv", "harbours.csv", "teams.csv"):
        f = pd.read_csv(src / name, dtype={"kabupaten_kode": str})
        g = f.assign(kabupaten_kode=recode(f["kabupaten_kode"]))
        if "lat" in g:
            g["lat"] = g["lat"] + dlat
        for col in ("name", "team"):
            if col in g:
                g[col] = g[col] + " Utara"
        pd.concat([f, g]).to_csv(dst / name, index=False)
    text = (src / "manifest.toml").read_text(encoding="utf-8")
    # the copy is about land: no road network or days off travel with it
    text = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("roads", "days_off")))
    (dst / "manifest.toml").write_text(text.replace("belum_rekam.xlsx", "belum_rekam.csv"),
                                       encoding="utf-8")


@pytest.fixture(scope="module")
def two_regencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nation") / "data"
    _shifted_copy(SAMPLE, folder, code="36.91", dlat=0.8)
    return folder


def test_one_regency_measures_only_its_own_land(two_regencies: Path) -> None:
    """Planning one regency measures its villages and neighbours, not the other copy's."""
    ds = load_dataset_from_folder(two_regencies)
    land = np.concatenate([np.asarray(ds.villages.geometry.values, dtype=object),
                           np.asarray(ds.neighbours.geometry.values, dtype=object)])
    bounds = shapely.bounds(land)
    gap = degree_gap(400.0, bounds)
    cluster = clusters(bounds, gap)
    keep, output = needed_land(ds.villages, land, bounds, cluster, gap, ds.offices,
                               ds.harbours, {"36.91"})
    n = len(ds.villages)
    north = ds.villages["kabupaten_kode"].eq("36.91").to_numpy()
    assert output.tolist() == north.tolist()
    assert keep[:n].tolist() == north.tolist()
    assert keep[n:].tolist() == [False, True]  # the copy's own neighbour area only


def test_one_regency_same_rows_as_all(two_regencies: Path) -> None:
    """Each regency classified alone has exactly its rows of the classification of all,
    which equals the old algorithm's."""
    ds = load_dataset_from_folder(two_regencies)
    params = PlanningParams()
    whole = classify_dataset(ds, params)
    new, old = _classify_both(ds, neighbours=True)  # two clusters, one per thread
    _same_classification(new, old)
    for code in ("36.90", "36.91"):
        one = classify_dataset(ds, params, regencies=[code])
        _same_classification(one, whole[whole["kabupaten_kode"] == code].reset_index(
            drop=True), landmass_ids=False)
        assert one["belum_rekam"].notna().all()
    with pytest.raises(ParameterError, match=r"36\.99"):
        classify_dataset(ds, params, regencies=["36.99"])


def test_cache_reads_back_the_same_table(tmp_path: Path, sample_dataset: Dataset) -> None:
    """A cached classification reads back equal; another geometry is another key."""
    cache = ClassificationCache(tmp_path / "cache")
    params = PlanningParams()
    fresh = classify_dataset(sample_dataset, params, cache=cache)
    key = dataset_key(sample_dataset, params)
    assert cache.load(key) is not None
    again = classify_dataset(sample_dataset, params, cache=cache)
    pd.testing.assert_frame_equal(again, fresh)
    assert again.attrs["geography_notes"] == fresh.attrs["geography_notes"]
    one = classify_dataset(sample_dataset, params, cache=cache, regencies=["36.90"])
    pd.testing.assert_frame_equal(one, fresh)
    moved = sample_dataset.villages.copy()
    moved.loc[0, "geometry"] = shapely.affinity.translate(moved.geometry.iloc[0], 0.001)
    other = Dataset(**{**vars(sample_dataset), "villages": moved})
    assert dataset_key(other, params) != key
    faster = PlanningParams(travel=type(params.travel)(
        **{**vars(params.travel), "boat_speed_kmh": params.travel.boat_speed_kmh + 1}))
    assert dataset_key(sample_dataset, faster) != key


def test_cache_entry_is_what_is_read(tmp_path: Path, sample_dataset: Dataset) -> None:
    """The second run reads the entry (an edited entry shows), a damaged one is redone."""
    cache = ClassificationCache(tmp_path)
    params = PlanningParams()
    fresh = classify_dataset(sample_dataset, params, cache=cache)
    key = dataset_key(sample_dataset, params)
    meta_path = tmp_path / f"{key}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["notes"] = ["read from the cache"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert classify_dataset(sample_dataset, params, cache=cache).attrs[
        "geography_notes"] == ("read from the cache",)
    (tmp_path / f"{key}.npz").write_bytes(b"not an npz")
    redone = classify_dataset(sample_dataset, params, cache=cache)
    pd.testing.assert_frame_equal(redone, fresh)
    assert redone.attrs["geography_notes"] == fresh.attrs["geography_notes"]


def test_cli_plan_instance_same_cold_and_cached(tmp_path: Path, two_regencies: Path) -> None:
    """The instance of one regency is the same classified alone, from a cache written by
    ``inspect``, and with the whole dataset classified without cache."""
    runner = CliRunner()
    cache = tmp_path / "cache"
    out = {}
    for name, extra in (("cold", ["--no-cache"]), ("inspect", None),
                        ("cached", ["--cache-dir", str(cache)])):
        if extra is None:
            result = runner.invoke(main, ["inspect", "--data", str(two_regencies),
                                          "--cache-dir", str(cache)])
            assert result.exit_code == 0, result.output
            assert len(list(cache.glob("*.npz"))) == 1
            continue
        path = tmp_path / f"{name}.json"
        result = runner.invoke(main, ["export-instance", "--data", str(two_regencies),
                                      "--regency", "36.91", "--week", "2026-12-07",
                                      "--out", str(path), *extra])
        assert result.exit_code == 0, result.output
        out[name] = json.loads(path.read_text(encoding="utf-8"))
    assert out["cold"] == out["cached"]
    assert len(out["cold"]["visits"]) > 50


def test_bench_nation_generator(tmp_path: Path, banten_dataset: Dataset) -> None:
    """The benchmark's synthetic nation reads as a dataset with unique codes per copy."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from nation import make_nation
    finally:
        sys.path.pop(0)
    n = make_nation(BANTEN, tmp_path / "n", 2, layout="row", seed=3)
    ds = load_dataset_from_folder(tmp_path / "n")
    assert n == len(ds.villages) == 2 * 1552
    assert ds.villages["kabupaten_kode"].nunique() == 16
    assert ds.teams["base_office_id"].notna().all()
    shutil.rmtree(tmp_path / "n")


def test_cache_key_changes_with_the_road_network():
    """The remote flag is routed on the roads: a dataset with other roads (or none) never
    reads another's cached classification."""
    from dataclasses import replace

    sample = load_dataset_from_folder(Path(__file__).resolve().parent.parent / "sample_data")
    assert sample.roads is not None
    params = PlanningParams()
    assert dataset_key(sample, params) != dataset_key(replace(sample, roads=None), params)
