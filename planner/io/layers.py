"""Polygon layers (GeoPackage, GeoJSON, zipped Shapefile): open, CRS, geometry repair.

Everything leaves here in WGS84 (EPSG:4326) with 2-D Polygon/MultiPolygon geometries.
Rows are numbered as the attribute table would be in a spreadsheet: feature 1 is row 2.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from planner.errors import InputError, Problem
from planner.limits import DEFAULT_LIMITS, ReadLimits, too_large
from planner.validation import INDONESIA_LAT, INDONESIA_LON, ProblemCollector, is_blank

WGS84 = "EPSG:4326"
#: Layer names tried, in order, when a multi-layer file is given without ``:LAYER``.
DEFAULT_LAYERS: tuple[str, ...] = ("villages", "desa", "village", "wilayah")
_GEOJSON = (".geojson", ".json", ".geojsonl")


def split_layer_path(spec: str) -> tuple[str, str | None]:
    """Split ``PATH[:LAYER]``; the layer is split off only when the part before is a file.

    ``C:\\data\\desa.gpkg`` and paths with colons in folder names stay whole.
    """
    if Path(spec).exists() or ":" not in spec:
        return spec, None
    path, layer = spec.rsplit(":", 1)
    if layer and Path(path).is_file():
        return path, layer
    return spec, None


def _fail(source: str, message_id: str, message_en: str) -> InputError:
    return InputError([Problem(source, None, None, message_id, message_en)])


def _check_size(path: str, layer: str, source: str, limits: ReadLimits) -> None:
    """Refuse a layer with too many features or attributes before reading it."""
    try:
        info = pyogrio.read_info(path, layer=layer, force_feature_count=True)
    except Exception as exc:
        raise _fail(source, f"layer tidak dapat dibaca ({type(exc).__name__})",
                    f"cannot read the layer ({type(exc).__name__})") from exc
    features, fields = int(info["features"]), len(info["fields"])
    if features > limits.max_rows:
        raise InputError([too_large(source, features, limits.max_rows, "fitur (baris)",
                                    "features (rows)")])
    if fields > limits.max_columns:
        raise InputError([too_large(source, fields, limits.max_columns, "kolom atribut",
                                    "attribute columns")])
    if features * fields > limits.max_cells:
        raise InputError([too_large(source, features * fields, limits.max_cells,
                                    "sel atribut (fitur × kolom)",
                                    "attribute cells (features × columns)")])


def open_layer(spec: str, layer: str | None = None, *,
               defaults: tuple[str, ...] = DEFAULT_LAYERS,
               limits: ReadLimits = DEFAULT_LIMITS) -> tuple[gpd.GeoDataFrame, str]:
    """Read a layer as-is; returns the frame and the source text used in messages.

    The layer's feature and attribute counts are checked against ``limits`` first.
    """
    path, spec_layer = split_layer_path(spec)
    layer = layer or spec_layer
    source = f"{path}:{layer}" if layer else path
    if not Path(path).is_file():
        raise _fail(source, "berkas tidak ditemukan", "file not found")
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # unreadable source: never a traceback
        raise _fail(source, "berkas peta tidak dapat dibaca (GeoPackage, GeoJSON atau "
                    "Shapefile dalam .zip)", "cannot read the map file (GeoPackage, GeoJSON "
                    "or zipped Shapefile)") from exc
    if layer is None:
        if len(names) == 1:
            layer = names[0]
        else:
            layer = next((n for n in defaults if n in names), None)
            if layer is None:
                raise _fail(source, f"berkas memiliki beberapa layer; pilih satu dengan "
                            f"PATH:LAYER ({', '.join(names)})", f"the file has several layers; "
                            f"choose one as PATH:LAYER ({', '.join(names)})")
            source = f"{path}:{layer}"
    elif layer not in names:
        raise _fail(source, f"layer '{layer}' tidak ada; layer yang ada: {', '.join(names)}",
                    f"no layer '{layer}'; layers present: {', '.join(names)}")
    _check_size(path, layer, source, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise _fail(source, f"layer tidak dapat dibaca ({type(exc).__name__})",
                    f"cannot read the layer ({type(exc).__name__})") from exc
    return frame, source


def to_wgs84(frame: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; GeoJSON without CRS is WGS84 by spec, other formats refused."""
    if frame.crs is None:
        if source.split(":")[0].casefold().endswith(_GEOJSON):
            return frame.set_crs(WGS84)
        raise _fail(source, "sistem koordinat (CRS) tidak diketahui: simpan ulang dengan CRS "
                    "(mis. di QGIS: Export > Save Features As, pilih EPSG:4326) atau sertakan "
                    "berkas .prj di dalam .zip", "the coordinate reference system (CRS) is "
                    "unknown: save the file again with a CRS (e.g. QGIS: Export > Save "
                    "Features As, EPSG:4326) or include the .prj file in the .zip")
    if frame.crs.to_epsg() == 4326:
        return frame
    try:
        return frame.to_crs(WGS84)
    except Exception as exc:
        raise _fail(source, f"koordinat tidak dapat diubah ke WGS84 ({frame.crs})",
                    f"coordinates cannot be converted to WGS84 ({frame.crs})") from exc


def clean_polygons(frame: gpd.GeoDataFrame, collector: ProblemCollector) -> gpd.GeoSeries:
    """2-D polygons in Indonesia: invalid ones repaired (warning), others reported as errors.

    Lat/lng stored the wrong way round are swapped back with a warning.  Bad rows keep
    ``None`` so the caller can still report other problems of the same file.
    """
    geoms = np.asarray(shapely.force_2d(frame.geometry.to_numpy()), dtype=object)
    rows = np.arange(len(geoms)) + 2
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        collector.error(int(rows[i]), "geometry", "geometri kosong", "geometry is empty")
        geoms[i] = None
    for j in np.flatnonzero(~missing & ~shapely.is_valid(geoms)):
        repaired = _polygonal(shapely.make_valid(geoms[j]))
        if repaired is None:
            collector.error(int(rows[j]), "geometry", "geometri tidak valid dan tidak dapat "
                            "diperbaiki menjadi poligon", "invalid geometry that cannot be "
                            "repaired into a polygon")
        else:
            collector.warning(int(rows[j]), "geometry", "geometri tidak valid telah diperbaiki",
                              "invalid geometry was repaired")
        geoms[j] = repaired
    kinds = shapely.get_type_id(geoms)
    for k in np.flatnonzero(kinds == 7):  # a GeometryCollection: keep its polygons
        geoms[k] = _polygonal(geoms[k])
        if geoms[k] is None:
            collector.error(int(rows[k]), "geometry", "harus poligon; kumpulan geometri tanpa "
                            "poligon", "must be a polygon; a geometry collection without one")
    kinds = shapely.get_type_id(geoms)
    for k in np.flatnonzero(~np.isin(kinds, (-1, 3, 6))):
        collector.error(int(rows[k]), "geometry", f"harus poligon, bukan {geoms[k].geom_type}",
                        f"must be a polygon, not a {geoms[k].geom_type}")
        geoms[k] = None
    return _fix_swapped(gpd.GeoSeries(geoms, crs=WGS84, index=frame.index), rows, collector)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def _inside(bounds: np.ndarray) -> np.ndarray:
    return np.asarray((bounds[:, 0] >= INDONESIA_LON[0]) & (bounds[:, 2] <= INDONESIA_LON[1])
                      & (bounds[:, 1] >= INDONESIA_LAT[0]) & (bounds[:, 3] <= INDONESIA_LAT[1]))


def _fix_swapped(geoms: gpd.GeoSeries, rows: np.ndarray,
                 collector: ProblemCollector) -> gpd.GeoSeries:
    present = geoms.notna().to_numpy()
    bounds = geoms.bounds.to_numpy()
    ok = _inside(bounds) | ~present
    if ok.all():
        return geoms
    swapped_ok = _inside(bounds[:, [1, 0, 3, 2]]) & ~ok
    out = geoms.copy()
    idx = np.flatnonzero(swapped_ok)
    out.iloc[idx] = shapely.transform(geoms.iloc[idx].to_numpy(), lambda c: c[:, ::-1])
    for i in idx:
        collector.warning(int(rows[i]), "geometry", "lintang/bujur tertukar; telah dibalik",
                          "latitude/longitude were swapped; swapped back")
    for i in np.flatnonzero(~ok & ~swapped_ok):
        collector.error(int(rows[i]), "geometry", "geometri di luar Indonesia: CRS salah?",
                        "geometry lies outside Indonesia: wrong CRS?")
        out.iloc[i] = None
    return out


def read_neighbours(spec: str, layer: str | None = None, *,
                    limits: ReadLimits = DEFAULT_LIMITS
                    ) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Neighbouring regencies/provinces: ``kode`` (text as given), ``name``, ``geometry``."""
    frame, source = open_layer(spec, layer, defaults=("neighbour_regencies", "neighbours"),
                               limits=limits)
    frame = to_wgs84(frame, source)
    collector = ProblemCollector(source, limits)
    lower = {str(c).casefold(): str(c) for c in frame.columns}
    kode_col = next((lower[c] for c in ("kode", "kode_wilayah", "kdpkab", "kdppum")
                     if c in lower), None)
    if kode_col is None:
        raise _fail(source, "kolom 'kode' tidak ada", "column 'kode' is missing")
    codes = [None if is_blank(v) else str(v).strip() for v in frame[kode_col]]
    for i, code in enumerate(codes):
        if code is None:
            collector.error(i + 2, kode_col, "kode kosong", "code is blank")
    name_col = next((lower[c] for c in ("kabupaten", "nama", "name", "wadmkk") if c in lower), None)
    names = frame[name_col].astype("str") if name_col else pd.Series(pd.NA, index=frame.index,
                                                                   dtype="str")
    geoms = clean_polygons(frame, collector)
    collector.raise_if_errors()
    out = gpd.GeoDataFrame({"kode": pd.Series(codes, dtype="str"),
                            "name": names.reset_index(drop=True)},
                           geometry=geoms.reset_index(drop=True), crs=WGS84)
    return out, collector.warnings()
