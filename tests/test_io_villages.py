"""Reading village boundaries: formats, CRS, KUGI names, geometry repair and refusals."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from planner.errors import InputError
from planner.io.layers import read_neighbours, split_layer_path
from planner.io.villages import VILLAGE_COLUMNS, read_villages
from tests.conftest import VILLAGE_ROWS

KODES = [r[0] for r in VILLAGE_ROWS]


def _kugi(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.rename(columns={"kode": "KDEPUM", "desa": "WADMKD", "kecamatan": "WADMKC",
                                 "kabupaten": "WADMKK"})


def _zip_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, prj: bool = True) -> Path:
    shp = folder / "shp"
    shp.mkdir()
    frame.to_file(shp / "desa.shp")
    target = folder / "desa.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for part in shp.iterdir():
            if prj or part.suffix != ".prj":
                archive.write(part, part.name)
    return target


def _assert_same_villages(frame: gpd.GeoDataFrame, original: gpd.GeoDataFrame) -> None:
    assert list(frame.columns) == list(VILLAGE_COLUMNS)
    assert frame.crs.to_epsg() == 4326
    assert frame["kode"].tolist() == KODES
    assert frame["desa"].tolist() == [r[1] for r in VILLAGE_ROWS]
    assert frame["jenis"].tolist() == ["kelurahan", "desa", "desa", "desa"]
    assert frame["kecamatan_kode"].tolist() == [k[:8] for k in KODES]
    assert frame["kabupaten_kode"].tolist() == [k[:5] for k in KODES]
    assert not frame["hilly"].any()
    assert frame["office_lon"].isna().all()
    assert frame.index.equals(gpd.pd.RangeIndex(4))
    bounds = frame.geometry.bounds.to_numpy()
    assert np.allclose(bounds, original.geometry.bounds.to_numpy(), atol=1e-6)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "zip", "gpkg-utm", "zip-utm-kugi"])
def test_round_trip(tmp_path: Path, villages_gdf: gpd.GeoDataFrame, fmt: str) -> None:
    """GPKG, GeoJSON and zipped Shapefile, in WGS84 or UTM 48S, read back the same villages."""
    frame = villages_gdf.iloc[::-1]  # unsorted on disk: the reader sorts by kode
    if "utm" in fmt:
        frame = frame.to_crs("EPSG:32748")
    if "kugi" in fmt:
        frame = _kugi(frame)
    if fmt.startswith("gpkg"):
        path = str(tmp_path / "v.gpkg")
        frame.to_file(path, layer="desa_layer")
        spec = f"{path}:desa_layer"
    elif fmt == "geojson":
        spec = str(tmp_path / "v.geojson")
        frame.to_file(spec)
    else:
        spec = str(_zip_shapefile(frame, tmp_path))
    result, warnings = read_villages(spec)
    assert warnings == []
    _assert_same_villages(result, villages_gdf)


def test_kugi_names_with_parent_codes_and_optional_columns(
        tmp_path: Path, villages_gdf: gpd.GeoDataFrame) -> None:
    """KDCPUM/KDPKAB codes, terrain and village-office points are read."""
    frame = _kugi(villages_gdf).assign(
        KDCPUM=[k[:8] for k in KODES], KDPKAB=[k[:5] for k in KODES],
        medan=["Perbukitan", "dataran", None, "pegunungan"],
        kantor_lon=[106.005, None, -6.495, 106.065], kantor_lat=[-6.495, None, 106.045, -6.495])
    path = str(tmp_path / "v.gpkg")
    frame.to_file(path)
    result, warnings = read_villages(path)
    assert result["hilly"].tolist() == [True, False, False, True]
    assert result["office_lon"].iloc[2] == pytest.approx(106.045)
    assert np.isnan(result["office_lat"].iloc[1])
    assert [(w.row, "swapped" in w.message_en) for w in warnings] == [(4, True)]


def test_invalid_geometry_is_repaired_with_a_warning(
        tmp_path: Path, villages_gdf: gpd.GeoDataFrame) -> None:
    """A self-crossing polygon is made valid and reported as a warning."""
    bowtie = Polygon([(106.0, -6.5), (106.01, -6.49), (106.01, -6.5), (106.0, -6.49)])
    frame = villages_gdf.copy()
    frame.loc[1, "geometry"] = bowtie
    path = str(tmp_path / "v.geojson")
    frame.to_file(path)
    result, warnings = read_villages(path)
    assert result.geometry.is_valid.all()
    assert [(w.row, w.column, w.severity) for w in warnings] == [(3, "geometry", "warning")]


def test_geojson_without_crs_is_wgs84(tmp_path: Path) -> None:
    """A GeoJSON file without a CRS member is read as WGS84, as the spec says."""
    path = tmp_path / "v.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"properties": {"kode": "36.01.01.2001", "desa": "A"}, "geometry": '
                    '{"type": "Polygon", "coordinates": [[[106, -6.5], [106.01, -6.5], '
                    '[106.01, -6.49], [106, -6.5]]]}}]}')
    result, _ = read_villages(str(path))
    assert result.crs.to_epsg() == 4326
    assert len(result) == 1


def _bad_frame(villages_gdf: gpd.GeoDataFrame, case: str) -> gpd.GeoDataFrame:
    frame = villages_gdf.copy()
    if case == "bad code":
        frame.loc[1, "kode"] = "36.01.01.20"
    elif case == "duplicate code":
        frame.loc[2, "kode"] = frame.loc[0, "kode"]
    elif case == "blank name":
        frame.loc[1, "desa"] = ""
    elif case == "point":
        frame.loc[1, "geometry"] = Point(106.0, -6.5)
    elif case == "empty":
        frame.loc[1, "geometry"] = Polygon()
    elif case == "outside":
        frame.loc[1, "geometry"] = box(2.0, 48.0, 2.1, 48.1)
    elif case == "unrepairable":
        frame.loc[1, "geometry"] = Polygon([(106.0, -6.5), (106.01, -6.5), (106.0, -6.5)])
    elif case == "parent code mismatch":
        frame["kecamatan_kode"] = [k[:8] for k in KODES]
        frame.loc[1, "kecamatan_kode"] = "36.01.09"
    elif case == "hilly word":
        frame["hilly"] = ["ya", "mungkin", "", "0"]
    elif case == "office point outside":
        frame["office_lon"] = [2.0, None, None, None]
        frame["office_lat"] = [48.0, None, None, None]
    elif case == "no kode column":
        frame = frame.rename(columns={"kode": "id"})
    elif case == "line":
        frame.loc[1, "geometry"] = LineString([(106.0, -6.5), (106.01, -6.5)])
    return frame


# (case, expected row, expected column, words of the English reason)
FAILING = [
    ("bad code", 3, "kode", "NN.NN.NN.NNNN"),
    ("duplicate code", 2, "kode", "duplicate"),
    ("blank name", 3, "desa", "blank"),
    ("point", 3, "geometry", "must be a polygon"),
    ("line", 3, "geometry", "must be a polygon"),
    ("empty", 3, "geometry", "empty"),
    ("outside", 3, "geometry", "outside Indonesia"),
    ("unrepairable", 3, "geometry", "cannot be repaired"),
    ("parent code mismatch", 3, "kecamatan_kode", "does not match"),
    ("hilly word", 3, "hilly", "not yes/no"),
    ("office point outside", 2, "office_lon", "outside Indonesia"),
    ("no kode column", 1, "kode", "required column"),
]


@pytest.mark.parametrize(("case", "row", "column", "words"), FAILING, ids=[c[0] for c in FAILING])
def test_failing_villages_name_file_row_and_column(
        tmp_path: Path, villages_gdf: gpd.GeoDataFrame, case: str, row: int, column: str,
        words: str) -> None:
    """Each geometry and attribute rule refuses the layer with file, row, column and reason."""
    path = str(tmp_path / "v.geojson")
    _bad_frame(villages_gdf, case).to_file(path)
    with pytest.raises(InputError) as info:
        read_villages(path)
    hits = [p for p in info.value.errors if p.file == path and p.row == row
            and p.column == column and words in p.message_en]
    assert hits, str(info.value)


def test_shapefile_without_crs_is_refused_with_advice(
        tmp_path: Path, villages_gdf: gpd.GeoDataFrame) -> None:
    """A zipped Shapefile without .prj is refused with what to do about it."""
    path = _zip_shapefile(_kugi(villages_gdf), tmp_path, prj=False)
    with pytest.raises(InputError, match=r"\.prj"):
        read_villages(str(path))


@pytest.mark.parametrize(("spec", "words"), [
    ("missing.gpkg", "file not found"),
    ("v.gpkg:nope", "no layer 'nope'"),
    ("two.gpkg", "several layers"),
    ("corrupt.gpkg", "cannot read the map file"),
])
def test_unreadable_sources(tmp_path: Path, villages_gdf: gpd.GeoDataFrame, spec: str,
                            words: str) -> None:
    """Missing files, unknown layers, ambiguous layers and corrupt files are plain errors."""
    villages_gdf.to_file(tmp_path / "v.gpkg", layer="a")
    villages_gdf.to_file(tmp_path / "two.gpkg", layer="a")
    villages_gdf.to_file(tmp_path / "two.gpkg", layer="b")
    (tmp_path / "corrupt.gpkg").write_bytes(b"SQLite format 3\x00 broken")
    with pytest.raises(InputError, match=words):
        read_villages(str(tmp_path / spec))


def test_nik_column_in_a_layer_is_refused(tmp_path: Path,
                                          villages_gdf: gpd.GeoDataFrame) -> None:
    """A boundary layer carrying 16-digit numbers is refused as personal data."""
    path = str(tmp_path / "v.gpkg")
    villages_gdf.assign(ref=["3601014501900001"] * 4).to_file(path)
    with pytest.raises(InputError, match="personal data") as info:
        read_villages(path)
    assert "3601014501900001" not in str(info.value)


def test_split_layer_path(tmp_path: Path) -> None:
    """A trailing :LAYER is split off only when the part before it is an existing file."""
    gpkg = tmp_path / "v.gpkg"
    gpkg.write_bytes(b"")
    assert split_layer_path(f"{gpkg}:villages") == (str(gpkg), "villages")
    assert split_layer_path(str(gpkg)) == (str(gpkg), None)
    assert split_layer_path(f"{tmp_path}/nope.gpkg:x") == (f"{tmp_path}/nope.gpkg:x", None)
    odd = tmp_path / "a:b.gpkg"
    odd.write_bytes(b"")
    assert split_layer_path(str(odd)) == (str(odd), None)
    assert split_layer_path(r"C:\data\desa.gpkg") == (r"C:\data\desa.gpkg", None)


def test_neighbours_layer(tmp_path: Path) -> None:
    """Neighbouring areas are read with their codes into WGS84."""
    path = str(tmp_path / "n.gpkg")
    gpd.GeoDataFrame({"kode": ["32.01"], "kabupaten": ["Kabupaten Bogor"]},
                     geometry=[box(106.7, -6.6, 106.8, -6.5)], crs="EPSG:4326").to_crs(
        "EPSG:32748").to_file(path, layer="tetangga")
    frame, _ = read_neighbours(f"{path}:tetangga")
    assert frame["kode"].tolist() == ["32.01"]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].bounds[0] == pytest.approx(106.7)
