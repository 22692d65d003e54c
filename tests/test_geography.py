"""Island, border, coastal and remote classification on the sample regency and on Banten."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner.errors import InputError
from planner.geography import FLAGS, classify_villages, summarize_geography
from planner.params import GeographyParams, PlanningParams

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
BANTEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "banten"
SAMPLE_ISLANDS = {"Karang Kembang", "Sangkur Kaler", "Sangkur Kidul", "Pulo Dua"}
KUGI = {"KDEPUM": "kode", "WADMKD": "desa", "KDCPUM": "kecamatan_kode", "WADMKC": "kecamatan",
        "KDPKAB": "kabupaten_kode", "WADMKK": "kabupaten", "kantor_lon": "office_lon",
        "kantor_lat": "office_lat"}


def _sites(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"kabupaten_kode": str}).rename(columns={"lng": "lon"})
    frame["office_id"] = frame["kabupaten_kode"]
    frame["harbour_id"] = frame["name"]
    return frame


def _projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(frame.estimate_utm_crs())


@pytest.fixture(scope="module")
def sample_inputs() -> dict[str, pd.DataFrame]:
    """The sample regency in the readers' normalised form (renamed by hand here)."""
    villages = gpd.read_file(SAMPLE / "villages.gpkg", layer="villages").rename(columns=KUGI)
    villages["jenis"] = np.where(villages["kode"].str[9] == "1", "kelurahan", "desa")
    villages["hilly"] = villages["medan"].eq("perbukitan")
    return {
        "villages": villages,
        "offices": _sites(SAMPLE / "offices.csv"),
        "harbours": _sites(SAMPLE / "harbours.csv"),
        "neighbours": gpd.read_file(SAMPLE / "neighbours.gpkg", layer="neighbour_regencies"),
    }


@pytest.fixture(scope="module")
def sample(sample_inputs: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    """The sample regency, classified."""
    return classify_villages(sample_inputs["villages"], sample_inputs["offices"],
                             harbours=sample_inputs["harbours"],
                             neighbours=sample_inputs["neighbours"])


def test_sample_islands_are_exactly_the_island_villages(sample: gpd.GeoDataFrame) -> None:
    """The four villages on offshore islands are island villages; no mainland village is."""
    assert set(sample.loc[sample["island"], "desa"]) == SAMPLE_ISLANDS
    assert (sample.loc[sample["island"], "landmass"] > 0).all()
    assert (sample.loc[~sample["island"], "landmass"] == 0).all()
    # Both villages of Pulau Sangkur share one landmass; other islands have their own.
    by_name = sample.set_index("desa")["landmass"]
    assert by_name["Sangkur Kaler"] == by_name["Sangkur Kidul"]
    assert by_name["Pulo Dua"] != by_name["Karang Kembang"]


def test_sample_mainland_village_owning_an_islet_is_not_island(
        sample: gpd.GeoDataFrame) -> None:
    """The coastal village that owns an uninhabited islet stays a mainland village."""
    multi = sample[shapely.get_num_geometries(sample.geometry.values) > 1]
    assert len(multi) == 1
    assert not multi["island"].iloc[0]
    assert multi["coastal"].iloc[0]


def test_sample_islands_are_reached_by_boat(sample: gpd.GeoDataFrame) -> None:
    """Island travel includes the boarding time, so islands are remote."""
    islands = sample[sample["island"]]
    assert (islands["office_travel_s"] > PlanningParams().travel.boarding_s).all()
    assert islands["remote"].all()
    assert islands["coastal"].all()


def test_sample_border_villages_touch_the_neighbour(
        sample: gpd.GeoDataFrame, sample_inputs: dict[str, pd.DataFrame]) -> None:
    """Border villages share the boundary with the neighbour; far villages are not border."""
    villages = _projected(sample)
    neighbour = sample_inputs["neighbours"].to_crs(villages.crs).union_all()
    distance = villages.distance(neighbour)
    assert villages["border"].sum() >= 10
    assert (distance[villages["border"]] < 10.0).all()
    assert not villages.loc[distance > 1_000.0, "border"].any()
    assert set(villages.loc[villages["border"], "border_kind"]) == {"province"}
    assert villages.loc[~villages["border"], "border_kind"].isna().all()


def test_sample_coastal_villages_lie_on_the_sea_side(
        sample: gpd.GeoDataFrame, sample_inputs: dict[str, pd.DataFrame]) -> None:
    """Coastal villages touch the outer edge of the land; inland ones and the border do not."""
    villages = _projected(sample)
    neighbour = sample_inputs["neighbours"].to_crs(villages.crs)
    land = shapely.union_all([*villages.geometry, *neighbour.geometry])
    coast = shapely.union_all([p.exterior for p in shapely.get_parts(land)])
    distance = villages.distance(coast)
    mainland = ~villages["island"]
    assert villages.loc[mainland, "coastal"].sum() >= 15
    assert (distance[villages["coastal"]] < 50.0).all()
    assert not villages.loc[distance > 1_000.0, "coastal"].any()
    # The sea is west and south: coastal mainland villages are never on the east border.
    east = villages.loc[mainland & villages["coastal"]].geometry.centroid.x
    assert east.max() < villages.geometry.centroid.x.max()


def test_sample_remote_is_about_the_top_quartile(sample: gpd.GeoDataFrame) -> None:
    """About a quarter of villages are remote, and each is farther than every other one."""
    share = sample["remote"].mean()
    assert 0.2 <= share <= 0.3
    assert (sample.loc[sample["remote"], "office_travel_s"].min()
            > sample.loc[~sample["remote"], "office_travel_s"].max())
    assert (sample["office_distance_m"] > 0).all()


def test_remote_threshold_in_seconds_replaces_the_quantile(
        sample_inputs: dict[str, pd.DataFrame]) -> None:
    """A fixed threshold makes exactly the villages above it remote."""
    params = replace(PlanningParams(), geography=GeographyParams(remote_threshold_s=3_600))
    out = classify_villages(sample_inputs["villages"], sample_inputs["offices"],
                            harbours=sample_inputs["harbours"],
                            neighbours=sample_inputs["neighbours"], params=params)
    assert (out["remote"] == (out["office_travel_s"] > 3_600)).all()


def test_stop_points_are_inside_and_use_village_offices(
        sample: gpd.GeoDataFrame) -> None:
    """Stop points lie in their village; a given village office is used as the stop."""
    points = gpd.GeoSeries(gpd.points_from_xy(sample["stop_lon"], sample["stop_lat"]),
                           crs=4326)
    projected = _projected(sample)
    assert (projected.distance(points.to_crs(projected.crs)) < 1.0).all()
    given = sample["office_lon"].notna()
    assert given.any()
    assert np.allclose(sample.loc[given, "stop_lon"], sample.loc[given, "office_lon"])
    assert np.allclose(sample.loc[given, "stop_lat"], sample.loc[given, "office_lat"])


def test_far_village_office_falls_back_with_a_note(
        sample_inputs: dict[str, pd.DataFrame]) -> None:
    """A village office 10 km away is not trusted: a point inside is used and noted."""
    villages = sample_inputs["villages"].copy()
    villages.loc[0, ["office_lon", "office_lat"]] = [villages.geometry.iloc[0].centroid.x + 0.1,
                                                     villages.geometry.iloc[0].centroid.y]
    out = classify_villages(villages, sample_inputs["offices"],
                            neighbours=sample_inputs["neighbours"])
    stop = shapely.Point(out.loc[0, "stop_lon"], out.loc[0, "stop_lat"])
    assert shapely.dwithin(villages.geometry.iloc[0], stop, 1e-6)
    assert any(villages.loc[0, "kode"] in note for note in summarize_geography(out).notes)


def test_overrides_win_and_are_reported(sample: gpd.GeoDataFrame,
                                        sample_inputs: dict[str, pd.DataFrame]) -> None:
    """Override values replace computed flags; the computed ones and the changes are kept."""
    inland = sample.loc[~sample[list(FLAGS)].any(axis=1), "kode"].iloc[0]
    island = sample.loc[sample["island"], "kode"].iloc[0]
    overrides = pd.DataFrame({
        "kode": [inland, island, "36.90.99.2999"],
        "island": pd.array([True, pd.NA, pd.NA], dtype="boolean"),
        "remote": pd.array([pd.NA, False, True], dtype="boolean"),
    })
    out = classify_villages(sample_inputs["villages"], sample_inputs["offices"],
                            harbours=sample_inputs["harbours"],
                            neighbours=sample_inputs["neighbours"], overrides=overrides)
    row = out.set_index("kode")
    assert row.at[inland, "island"]
    assert not row.at[inland, "island_computed"]
    assert row.at[inland, "landmass"] != 0  # travels by boat from now on
    assert row.at[inland, "overridden"] == ("island",)
    assert not row.at[island, "remote"]
    assert row.at[island, "remote_computed"]
    assert row.at[island, "overridden"] == ("remote",)
    untouched = ~out["kode"].isin([inland, island])
    assert (out.loc[untouched, "overridden"].map(len) == 0).all()
    summary = summarize_geography(out)
    assert summary.regencies[0].overridden == 2
    assert any("36.90.99.2999" in note for note in summary.notes)


def test_input_is_not_modified(sample_inputs: dict[str, pd.DataFrame],
                               sample: gpd.GeoDataFrame) -> None:
    """Classifying returns a copy with the new columns and leaves the input alone."""
    assert "island" not in sample_inputs["villages"].columns
    assert len(sample) == len(sample_inputs["villages"])
    assert sample.crs.to_epsg() == 4326
    expected = {"island", "border", "border_kind", "coastal", "remote", "office_travel_s",
                "office_distance_m", "stop_lon", "stop_lat", "landmass", "overridden",
                *(f"{flag}_computed" for flag in FLAGS)}
    assert expected <= set(sample.columns)


def test_regency_without_office_is_refused(sample_inputs: dict[str, pd.DataFrame]) -> None:
    """A regency with villages but no office raises an input error naming it."""
    offices = sample_inputs["offices"].assign(kabupaten_kode="36.91")
    with pytest.raises(InputError, match=r"36\.90"):
        classify_villages(sample_inputs["villages"], offices)


def test_without_neighbours_layer_the_border_is_coast_and_noted(
        sample_inputs: dict[str, pd.DataFrame], sample: gpd.GeoDataFrame) -> None:
    """Without the neighbours layer one regency has no border and the summary says why."""
    out = classify_villages(sample_inputs["villages"], sample_inputs["offices"],
                            harbours=sample_inputs["harbours"])
    assert not out["border"].any()
    assert out["coastal"].sum() > sample["coastal"].sum()
    assert any("no neighbours layer" in note for note in summarize_geography(out).notes)


def test_summary_counts_flags_per_regency(sample: gpd.GeoDataFrame) -> None:
    """The summary counts each flag of the regency."""
    (counts,) = summarize_geography(sample).regencies
    assert counts.kabupaten_kode == "36.90"
    assert counts.villages == len(sample)
    for flag in FLAGS:
        assert getattr(counts, flag) == int(sample[flag].sum())
    assert len(summarize_geography(sample).to_frame()) == 1


# --- Banten reference data -------------------------------------------------------------

BANTEN_ISLANDS = {"36.04.08.2009", "36.04.13.2009"}  # Pulo Panjang, Wargasara (Pulau Tunda)


@pytest.fixture(scope="module")
def banten_inputs() -> dict[str, pd.DataFrame]:
    """Banten villages and sites in the normalised form, or skip when absent."""
    if not (BANTEN / "banten.gpkg").is_file():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    villages = gpd.read_file(BANTEN / "banten.gpkg", layer="villages")
    villages["hilly"] = False
    villages["office_lon"] = np.nan
    villages["office_lat"] = np.nan
    return {
        "villages": villages,
        "offices": _sites(BANTEN / "offices.csv"),
        "harbours": _sites(BANTEN / "harbours.csv"),
        "neighbours": gpd.read_file(BANTEN / "banten.gpkg", layer="neighbour_regencies"),
    }


@pytest.fixture(scope="module")
def banten(banten_inputs: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    """All 1,552 Banten villages, classified."""
    return classify_villages(banten_inputs["villages"].drop(columns=["lat", "lng"]),
                             banten_inputs["offices"], harbours=banten_inputs["harbours"],
                             neighbours=banten_inputs["neighbours"])


@pytest.mark.banten
def test_banten_islands_are_pulo_panjang_and_wargasara(banten: gpd.GeoDataFrame) -> None:
    """Exactly the inhabited island villages are island; gaps never cut off a mainland one."""
    assert len(banten) == 1552
    assert set(banten.loc[banten["island"], "kode"]) == BANTEN_ISLANDS
    # Cikoneng owns Pulau Sangiang but its balai desa is on the mainland.
    assert not banten.set_index("kode").at["36.04.30.2003", "island"]


@pytest.mark.banten
def test_banten_border_regencies_have_border_villages(banten: gpd.GeoDataFrame) -> None:
    """Lebak, Kab. and Kota Tangerang and Tangsel border other provinces; Kab. Serang not."""
    per_regency = banten.groupby("kabupaten_kode")["border"].sum()
    for code in ("36.02", "36.03", "36.71", "36.74"):
        assert per_regency[code] >= 10, code
    for code in ("36.01", "36.04", "36.72", "36.73"):
        assert per_regency[code] == 0, code
    assert set(banten.loc[banten["border"], "border_kind"]) == {"province"}


@pytest.mark.banten
def test_banten_border_villages_lie_along_the_neighbours(
        banten: gpd.GeoDataFrame, banten_inputs: dict[str, pd.DataFrame]) -> None:
    """Border villages are within 1 km of the neighbour layer; villages beyond 1 km are not."""
    villages = _projected(banten)
    neighbours = banten_inputs["neighbours"].to_crs(villages.crs).union_all()
    distance = villages.distance(neighbours)
    assert (distance[villages["border"]] < 1_000.0).all()
    assert not villages.loc[distance >= 1_000.0, "border"].any()


@pytest.mark.banten
def test_banten_stop_points_inside_unlike_source_centroids(
        banten: gpd.GeoDataFrame, banten_inputs: dict[str, pd.DataFrame]) -> None:
    """Every stop point lies in its village, while 18 source centroids do not."""
    stops = gpd.GeoSeries(gpd.points_from_xy(banten["stop_lon"], banten["stop_lat"]), crs=4326)
    projected = _projected(banten)
    assert (projected.distance(stops.to_crs(projected.crs)) < 1.0).all()
    source = banten_inputs["villages"]
    centroids = gpd.GeoSeries(gpd.points_from_xy(source["lng"], source["lat"]), crs=4326)
    assert (~source.geometry.contains(centroids)).sum() == 18


@pytest.mark.banten
def test_banten_coast_and_islands_counted(banten: gpd.GeoDataFrame) -> None:
    """Coastal regencies have coastal villages; landlocked Tangerang cities have none."""
    per_regency = banten.groupby("kabupaten_kode")["coastal"].sum()
    for code in ("36.01", "36.02", "36.03", "36.04", "36.72"):
        assert per_regency[code] >= 10, code
    assert per_regency["36.71"] == 0
    assert per_regency["36.74"] == 0
    assert banten.loc[banten["island"], "coastal"].all()


@pytest.mark.banten
def test_banten_without_neighbours_labels_regency_borders(
        banten_inputs: dict[str, pd.DataFrame]) -> None:
    """Without the neighbours layer, borders between Banten's own regencies are found."""
    out = classify_villages(banten_inputs["villages"], banten_inputs["offices"],
                            harbours=banten_inputs["harbours"])
    assert out["border"].sum() > 100
    assert set(out.loc[out["border"], "border_kind"]) == {"regency"}
    # Lebak's villages along Pandeglang are regency-border villages.
    lebak = out[out["kabupaten_kode"] == "36.02"]
    assert lebak["border"].sum() >= 10
