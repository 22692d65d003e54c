"""Village boundaries: our own column names or BIG's KUGI names, any CRS, one row a village."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.errors import Problem
from planner.io.cells import (
    bool_column,
    duplicate_rows,
    kode_column,
    refuse_personal_data,
    require_headers,
    text_column,
)
from planner.io.layers import WGS84, clean_polygons, open_layer, to_wgs84
from planner.io.tables import Table
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.validation import (
    KodeLevel,
    ProblemCollector,
    check_point,
    jenis_from_kode,
    match_headers,
    show,
)

#: Accepted attribute names (compared without case, spaces or underscores).
VILLAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode", "kode_wilayah", "kode_desa", "kdepum", "kode_kemendagri"),
    "desa": ("desa", "nama_desa", "wadmkd", "namobj", "desa_kelurahan", "kelurahan", "nama"),
    "kecamatan_kode": ("kecamatan_kode", "kode_kecamatan", "kdcpum"),
    "kecamatan": ("kecamatan", "nama_kecamatan", "wadmkc"),
    "kabupaten_kode": ("kabupaten_kode", "kode_kabupaten", "kdpkab"),
    "kabupaten": ("kabupaten", "nama_kabupaten", "kabupaten_kota", "wadmkk"),
    "medan": ("medan", "terrain"),
    "hilly": ("hilly", "perbukitan", "berbukit"),
    "office_lon": ("office_lon", "office_lng", "kantor_lon", "kantor_lng"),
    "office_lat": ("office_lat", "kantor_lat"),
}
_REQUIRED = {name: VILLAGE_ALIASES[name] for name in ("kode", "desa")}
_HILLY_TERRAIN = {"perbukitan", "pegunungan", "bukit", "berbukit", "gunung", "hilly",
                  "mountainous"}
VILLAGE_COLUMNS: tuple[str, ...] = (
    "kode", "desa", "jenis", "kecamatan_kode", "kecamatan", "kabupaten_kode", "kabupaten",
    "hilly", "office_lon", "office_lat", "geometry",
)


def _parent_codes(table: Table, found: dict[str, str], codes: list[str | None], field: str,
                  cut: int, collector: ProblemCollector) -> list[str | None]:
    """Parent codes: the village code's prefix, checked against the file's column if any."""
    derived = [c[:cut] if c else None for c in codes]
    if field not in found:
        return derived
    level: KodeLevel = "kecamatan" if field == "kecamatan_kode" else "kabupaten"
    given = kode_column(table, found[field], collector, level=level, required=False)
    for row, own, parent in zip(table.row_numbers, given, derived, strict=True):
        if own is not None and parent is not None and own != parent:
            collector.error(row, found[field], f"'{own}' tidak cocok dengan kode desa ({parent})",
                            f"'{own}' does not match the village code ({parent})")
    return derived


def _office_points(table: Table, found: dict[str, str],
                   collector: ProblemCollector) -> tuple[list[float], list[float]]:
    n = len(table.rows)
    if "office_lon" not in found and "office_lat" not in found:
        return [np.nan] * n, [np.nan] * n
    if not ("office_lon" in found and "office_lat" in found):
        have = found.get("office_lon", found.get("office_lat", ""))
        collector.error(1, have, "kolom bujur dan lintang kantor desa harus ada keduanya",
                        "village-office longitude and latitude columns must both be present")
        return [np.nan] * n, [np.nan] * n
    lons, lats = table.column(found["office_lon"]), table.column(found["office_lat"])
    out_lon: list[float] = []
    out_lat: list[float] = []
    for row, lon, lat in zip(table.row_numbers, lons, lats, strict=True):
        point, kind = check_point(lon, lat)
        column = found["office_lon"]
        if kind == "swapped":
            collector.warning(row, column, "lintang/bujur kantor desa tertukar; telah dibalik",
                              "village-office latitude/longitude were swapped; swapped back")
        elif kind == "not_number":
            collector.error(row, column, f"koordinat bukan angka ('{show(lon)}', '{show(lat)}')",
                            f"coordinates are not numbers ('{show(lon)}', '{show(lat)}')")
        elif kind == "outside":
            collector.error(row, column, "titik kantor desa di luar Indonesia",
                            "village-office point lies outside Indonesia")
        out_lon.append(point[0] if point else np.nan)
        out_lat.append(point[1] if point else np.nan)
    return out_lon, out_lat


def _hilly(table: Table, found: dict[str, str], collector: ProblemCollector) -> list[bool]:
    if "hilly" in found:
        return [bool(v) for v in bool_column(table, found["hilly"], collector)]
    if "medan" in found:
        return [v is not None and v.casefold() in _HILLY_TERRAIN
                for v in text_column(table, found["medan"])]
    return [False] * len(table.rows)


def read_villages(path: str, layer: str | None = None, *, limits: ReadLimits = DEFAULT_LIMITS
                  ) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read village polygons from GeoPackage (``PATH[:LAYER]``), GeoJSON or zipped Shapefile.

    Returns the villages in EPSG:4326, sorted by ``kode`` with a RangeIndex and the columns
    of :data:`VILLAGE_COLUMNS`, plus the warnings.  Raises one
    :class:`~planner.errors.InputError` listing every problem of the file.
    """
    raw, source = open_layer(path, layer, limits=limits)
    attributes = raw.drop(columns=raw.geometry.name)
    table = Table(source, tuple(str(c) for c in attributes.columns),
                  tuple(attributes.itertuples(index=False, name=None)),
                  tuple(range(2, len(raw) + 2)))
    refuse_personal_data(table.columns(), source, lists_people=False)
    frame = to_wgs84(raw, source)
    collector = ProblemCollector(source, limits)
    found = match_headers(table.headers, VILLAGE_ALIASES)
    require_headers(found, _REQUIRED, table.headers, collector)
    if not table.rows:
        collector.error(None, None, "layer tidak memiliki fitur", "layer has no features")
    collector.raise_if_errors()

    codes = kode_column(table, found["kode"], collector)
    duplicate_rows(codes, table.row_numbers, found["kode"], collector,
                   ("kode desa", "village code"))
    kecamatan_kode = _parent_codes(table, found, codes, "kecamatan_kode", 8, collector)
    kabupaten_kode = _parent_codes(table, found, codes, "kabupaten_kode", 5, collector)
    names = text_column(table, found["desa"])
    for row, name in zip(table.row_numbers, names, strict=True):
        if name is None:
            collector.error(row, found["desa"], "nama desa kosong", "village name is blank")
    office_lon, office_lat = _office_points(table, found, collector)
    hilly = _hilly(table, found, collector)
    geoms = clean_polygons(frame, collector)
    collector.raise_if_errors()

    out = gpd.GeoDataFrame({
        "kode": pd.Series(codes, dtype="str"),
        "desa": pd.Series(names, dtype="str"),
        "jenis": pd.Series([jenis_from_kode(c) for c in codes if c], dtype="str"),
        "kecamatan_kode": pd.Series(kecamatan_kode, dtype="str"),
        "kecamatan": pd.Series(text_column(table, found.get("kecamatan")), dtype="str"),
        "kabupaten_kode": pd.Series(kabupaten_kode, dtype="str"),
        "kabupaten": pd.Series(text_column(table, found.get("kabupaten")), dtype="str"),
        "hilly": pd.Series(hilly, dtype="bool"),
        "office_lon": pd.Series(office_lon, dtype="float64"),
        "office_lat": pd.Series(office_lat, dtype="float64"),
    }, geometry=geoms.reset_index(drop=True), crs=WGS84)
    out = out.sort_values("kode", kind="stable").reset_index(drop=True)
    return out, collector.warnings()
