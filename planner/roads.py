"""Road networks read from an office's files: OpenStreetMap ``.osm.pbf`` or road line layers.

:func:`read_roads` accepts

* an OpenStreetMap extract (``.osm.pbf``, ``.osm``), read with pyosmium: every way with a
  ``highway`` tag, its ``oneway`` tag honoured;
* a line layer (GeoPackage, Shapefile, GeoJSON, ``PATH[:LAYER]``), e.g. BIG's RBI road lines
  (class in ``REMARK``: *Jalan Arteri*, *Jalan Lokal*...) or a Geofabrik shapefile (``fclass``).
  The class column is the first of :data:`CLASS_COLUMNS` present; an ``oneway`` column is
  honoured when present (``yes``/``true``/``1``/``F`` forward only, ``-1``/``T`` backward only).

The result is a :class:`RoadNetwork`: the lines as vertex sequences with a normalised road
class each (lower case, ``_link`` dropped).  Speeds are *not* fixed here: they come from the
``[travel] road_speeds_kmh`` table at routing time (:mod:`planner.road_travel`), so changing
a speed needs no re-read.  Lines whose class has no speed in that table are not driven.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from planner.errors import InputError, Problem
from planner.io.layers import open_layer, to_wgs84
from planner.params import DEFAULT_ROAD_SPEEDS_KMH

#: Columns that may hold the road class of a line layer, in the order they are looked for.
CLASS_COLUMNS: tuple[str, ...] = ("road_class", "highway", "fclass", "remark", "kelas_jalan")

#: Layer names tried, in order, when a multi-layer file is given without ``:LAYER``.
ROAD_LAYERS: tuple[str, ...] = ("roads", "jalan", "JALAN_LN_25K", "JALAN_LN_50K",
                                "gis_osm_roads_free_1")

PBF_SUFFIXES: tuple[str, ...] = (".pbf", ".osm")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """Road lines as vertex sequences (WGS84).

    Line ``k`` runs through the vertices ``line_vertices[line_start[k]:line_start[k + 1]]``;
    a vertex shared by several lines is one vertex (a junction).
    """

    vertex_lon: FloatArray
    vertex_lat: FloatArray
    line_start: IntArray
    line_vertices: IntArray
    #: Index into ``classes`` per line.
    line_class: IntArray
    #: 0 both ways, 1 only in digitised direction, -1 only against it.
    line_oneway: npt.NDArray[np.int8]
    classes: tuple[str, ...]
    source: str
    #: ``"osm"`` (OpenStreetMap extract) or ``"lines"`` (a line layer).
    format: str

    @property
    def n_lines(self) -> int:
        """Number of road lines (ways)."""
        return len(self.line_class)

    @property
    def n_segments(self) -> int:
        """Number of straight segments between consecutive vertices of the lines."""
        return int(len(self.line_vertices) - self.n_lines)

    def class_counts(self) -> dict[str, int]:
        """Lines per road class."""
        counts = np.bincount(self.line_class, minlength=len(self.classes))
        return {c: int(n) for c, n in zip(self.classes, counts, strict=True) if n}


def normalise_class(value: object) -> str:
    """``'Jalan Lokal '`` -> ``'jalan lokal'``; ``'primary_link'`` -> ``'primary'``."""
    text = " ".join(str(value).split()).casefold()
    return text.removesuffix("_link")


def _oneway_code(value: object) -> int:
    text = str(value).strip().casefold()
    if text in ("yes", "true", "1", "f"):
        return 1
    if text in ("-1", "t", "reverse"):
        return -1
    return 0


def _fail(source: str, message_id: str, message_en: str) -> InputError:
    return InputError([Problem(source, None, None, message_id, message_en)])


def _build(coords: list[FloatArray], keys: list[IntArray] | None, classes: list[str],
           oneway: list[int], source: str, fmt: str) -> RoadNetwork:
    """Merge vertices (by key, or by coordinates to 1e-7 degree) and pack the lines."""
    if not coords:
        raise _fail(source, "tidak ada garis jalan yang dapat dibaca",
                    "no road line could be read")
    counts = np.array([len(c) for c in coords], dtype=np.int64)
    xy = np.concatenate(coords)
    if keys is None:
        grid = np.round(xy * 1e7).astype(np.int64)
        _, first, inverse = np.unique(grid, axis=0, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(np.concatenate(keys), return_index=True,
                                      return_inverse=True)
    names = sorted(set(classes))
    code = {c: i for i, c in enumerate(names)}
    return RoadNetwork(
        vertex_lon=xy[first, 0].astype(np.float64), vertex_lat=xy[first, 1].astype(np.float64),
        line_start=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        line_vertices=inverse.reshape(-1).astype(np.int64),
        line_class=np.array([code[c] for c in classes], dtype=np.int64),
        line_oneway=np.array(oneway, dtype=np.int8), classes=tuple(names), source=source,
        format=fmt)


def _read_osm(path: str) -> RoadNetwork:
    import osmium

    coords: list[FloatArray] = []
    keys: list[IntArray] = []
    classes: list[str] = []
    oneway: list[int] = []
    try:
        ways = (osmium.FileProcessor(path, osmium.osm.WAY | osmium.osm.NODE)
                .with_locations().with_filter(osmium.filter.KeyFilter("highway")))
        for obj in ways:
            if not isinstance(obj, osmium.osm.Way) or len(obj.nodes) < 2:
                continue
            way = obj
            nodes = [n for n in way.nodes if n.location.valid()]
            if len(nodes) < 2:
                continue
            coords.append(np.array([(n.lon, n.lat) for n in nodes], dtype=np.float64))
            keys.append(np.array([n.ref for n in nodes], dtype=np.int64))
            classes.append(normalise_class(way.tags.get("highway", "")))
            oneway.append(-1 if way.tags.get("oneway") == "-1"
                          else 1 if way.tags.get("oneway") in ("yes", "true", "1")
                          or way.tags.get("junction") == "roundabout" else 0)
    except RuntimeError as exc:  # osmium reports unreadable files as RuntimeError
        raise _fail(path, f"berkas OpenStreetMap tidak dapat dibaca ({exc})",
                    f"cannot read the OpenStreetMap file ({exc})") from exc
    return _build(coords, keys, classes, oneway, path, "osm")


def _read_lines(spec: str) -> RoadNetwork:
    frame, source = open_layer(spec, defaults=ROAD_LAYERS)
    frame = to_wgs84(frame, source)
    lower = {str(c).casefold(): str(c) for c in frame.columns}
    column = next((lower[c] for c in CLASS_COLUMNS if c in lower), None)
    if column is None:
        raise _fail(source, "kolom kelas jalan tidak ada; beri salah satu kolom "
                    f"{', '.join(CLASS_COLUMNS)}", "no road class column; add one of the "
                    f"columns {', '.join(CLASS_COLUMNS)}")
    geoms = np.asarray(frame.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geoms)
    lines = np.isin(kinds, (1, 5))  # LineString, MultiLineString
    if not lines.any():
        raise _fail(source, "layer tidak berisi garis", "the layer holds no lines")
    parts, owner = shapely.get_parts(geoms[lines], return_index=True)
    rows = np.flatnonzero(lines)[owner]
    xy, part_of = shapely.get_coordinates(parts, return_index=True)
    split = np.flatnonzero(np.diff(part_of)) + 1
    pieces = np.split(xy, split)
    part_ids = part_of[np.concatenate([[0], split])] if len(xy) else np.empty(0, np.int64)
    raw_class = frame[column].to_numpy()
    ow_col = lower.get("oneway")
    raw_oneway = frame[ow_col].to_numpy() if ow_col else None
    coords, classes, oneway = [], [], []
    for piece, p in zip(pieces, part_ids, strict=True):
        if len(piece) < 2:
            continue
        row = rows[p]
        value = raw_class[row]
        coords.append(np.asarray(piece, dtype=np.float64))
        classes.append("" if value is None or pd.isna(value) else normalise_class(value))
        oneway.append(_oneway_code(raw_oneway[row]) if raw_oneway is not None else 0)
    return _build(coords, None, classes, oneway, source, "lines")


def read_roads(spec: str) -> tuple[RoadNetwork, list[Problem]]:
    """Read a road network from ``spec`` (``.osm.pbf`` or ``PATH[:LAYER]`` of lines).

    Returns the network and warnings; raises :class:`InputError` when nothing usable is read.
    """
    path = spec if Path(spec).is_file() else spec.rsplit(":", 1)[0]
    if not Path(path).is_file():
        raise _fail(spec, "berkas jalan tidak ditemukan", "road file not found")
    is_osm = path.casefold().endswith(PBF_SUFFIXES)
    network = _read_osm(path) if is_osm else _read_lines(spec)
    warnings: list[Problem] = []
    unknown = sorted(c for c in network.classes if c not in DEFAULT_ROAD_SPEEDS_KMH)
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:12]) + (" …" if len(unknown) > 12 else "")
        warnings.append(Problem(network.source, None, None,
                                f"kelas jalan tanpa kecepatan bawaan (tidak dilalui kecuali "
                                f"diberi kecepatan di [travel] road_speeds_kmh): {shown}",
                                "road classes without a default speed (not driven unless "
                                f"given a speed in [travel] road_speeds_kmh): {shown}",
                                "warning"))
    return network, warnings
