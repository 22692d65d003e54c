"""Classify villages as island, border, coastal and remote from their geometry.

All measuring happens in a projected CRS (``estimate_utm_crs()`` of the villages), in metres.

* **island**: the village has no part on the landmass of its regency's office.  Landmasses
  are the connected components of all village (and neighbour) polygon parts, where parts
  closer than ``LANDMASS_GAP_M`` count as touching: simplified boundaries leave slivers and
  gaps between neighbouring villages that must not cut the mainland apart.  A village with
  one part on the mainland (a balai desa on the coast and an islet offshore, like Cikoneng
  and Pulau Sangiang) is a mainland village.
* **border**: at least ``MIN_SHARED_M`` of the village boundary lies within
  ``BORDER_GAP_M`` of the neighbours layer (another province or country).  Without that
  layer, a boundary shared with a village of another regency in the same data counts, and
  ``border_kind`` says ``regency``.
* **coastal**: at least ``MIN_SHARED_M`` of the village boundary lies on the coastline, the
  outer boundary of all land (villages and neighbours, gaps closed).
* **remote**: estimated travel from the stop point to the regency office (by road, and by
  harbour and boat for island villages) above a threshold: a fixed one, or the regency's
  quantile (top quartile by default).

User overrides win over computed values; both are kept (``island_computed``...) and the
flags an override set are listed in ``overridden``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from planner.errors import InputError, ParameterError, Problem
from planner.landmass import (
    COAST_CLOSING_M,
    INTERACTION_M,
    closed_land,
    clusters,
    coastline,
    components,
    degree_gap,
)
from planner.params import PlanningParams
from planner.road_travel import legs_to, travel_provider
from planner.roads import RoadNetwork
from planner.travel import Harbour, TravelPoint

#: Flags a village can have, in the order they are reported.
FLAGS: tuple[str, ...] = ("island", "border", "coastal", "remote")

#: Polygon parts closer than this are on the same landmass (closes slivers between
#: simplified boundaries; real straits to inhabited islands are kilometres wide).  The
#: coastline closes the same gaps.
LANDMASS_GAP_M = COAST_CLOSING_M
#: Parts smaller than this are simplification artefacts, not a foothold on a landmass.
MIN_PART_AREA_M2 = 10_000.0
#: A village boundary within this distance of a neighbour polygon is on the border (the
#: neighbours layer is usually far coarser than the village boundaries).
BORDER_GAP_M = 250.0
#: A village boundary within this distance of the coastline is on the coast.
COAST_GAP_M = 100.0
#: Shared boundary needed for the border and coastal flags.
MIN_SHARED_M = 200.0
#: Boundaries are measured in pieces of at most this length.
PIECE_M = 100.0
#: Villages whose boundary pieces are measured at once (bounds the memory of a nation).
_CANDIDATES_PER_CHUNK = 4_000
#: A village-office point farther than this from its polygon is not trusted.
STOP_SNAP_M = 1_000.0

REQUIRED_VILLAGE_COLUMNS: tuple[str, ...] = (
    "kode", "desa", "jenis", "kecamatan_kode", "kecamatan", "kabupaten_kode", "kabupaten",
    "hilly", "office_lon", "office_lat",
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
GeomArray = npt.NDArray[np.object_]

_WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class RegencyCounts:
    """How many villages of one regency have each flag."""

    kabupaten_kode: str
    villages: int
    island: int
    border: int
    coastal: int
    remote: int
    overridden: int


@dataclass(frozen=True)
class GeographySummary:
    """Counts per regency and the notes a classification produced."""

    regencies: tuple[RegencyCounts, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """One row per regency."""
        return pd.DataFrame([vars(r) for r in self.regencies])


def _fail(column: str | None, message_id: str, message_en: str) -> InputError:
    return InputError([Problem("villages", None, column, message_id, message_en)])


def _check_inputs(villages: gpd.GeoDataFrame, offices: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_VILLAGE_COLUMNS if c not in villages.columns]
    if missing:
        raise _fail(", ".join(missing), "kolom desa tidak ada", "village columns are missing")
    if villages.crs is None:
        raise _fail(None, "CRS batas desa tidak diketahui; simpan berkas dalam WGS84 (EPSG:4326)",
                    "village boundaries have no CRS; save the file in WGS84 (EPSG:4326)")
    have = set(offices["kabupaten_kode"].astype(str))
    lacking = sorted(set(villages["kabupaten_kode"].astype(str)) - have)
    if lacking:
        raise InputError([
            Problem("offices", None, "kabupaten_kode",
                    f"kabupaten/kota {code} tidak punya kantor Disdukcapil",
                    f"regency {code} has no civil-registration office")
            for code in lacking
        ])


def _pieces(geoms: GeomArray, piece_m: float) -> tuple[IntArray, FloatArray, FloatArray]:
    """Cut polygon boundaries into pieces: owner index, midpoint coordinates, length (m)."""
    rings, ring_owner = shapely.get_parts(shapely.boundary(geoms), return_index=True)
    rings = shapely.segmentize(rings, piece_m)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[:-1] == ring_of[1:]
    start, end = coords[:-1][same], coords[1:][same]
    owner = ring_owner[ring_of[:-1][same]]
    length = np.hypot(*(end - start).T)
    return owner.astype(np.int64), (start + end) / 2.0, length


def _shared_length_m(geoms: GeomArray, candidates: IntArray, targets: GeomArray,
                     gap_m: float, *, owner_group: npt.NDArray[Any] | None = None,
                     target_group: npt.NDArray[Any] | None = None) -> FloatArray:
    """Length of each village boundary lying within ``gap_m`` of any target geometry.

    With groups, a target only counts for a village of a different group (another regency).
    """
    shared = np.zeros(len(geoms), dtype=np.float64)
    if len(candidates) == 0 or len(targets) == 0:
        return shared
    tree = shapely.STRtree(targets)
    # A few thousand villages at a time: their boundary pieces are millions at a nation's scale.
    for chunk in np.array_split(candidates, -(-len(candidates) // _CANDIDATES_PER_CHUNK)):
        owner, mid, length = _pieces(geoms[chunk], PIECE_M)
        owner = chunk[owner]
        piece, target = tree.query(shapely.points(mid), predicate="dwithin", distance=gap_m)
        if owner_group is not None and target_group is not None:
            keep = owner_group[owner[piece]] != target_group[target]
            piece = piece[keep]
        piece = np.unique(piece)
        np.add.at(shared, owner[piece], length[piece])
    return shared


def _xy(frame: pd.DataFrame, crs: Any) -> tuple[FloatArray, FloatArray]:
    points = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs=_WGS84)
    projected = points.to_crs(crs)
    return (np.asarray(projected.x, dtype=np.float64),
            np.asarray(projected.y, dtype=np.float64))


def _road_class(villages: gpd.GeoDataFrame) -> list[str]:
    hilly = villages["hilly"].fillna(False).astype(bool).to_numpy()
    urban = villages["jenis"].astype(str).str.lower().eq("kelurahan").to_numpy()
    return ["hilly" if h else "urban" if u else "rural" for h, u in zip(hilly, urban, strict=True)]


def _apply_overrides(out: gpd.GeoDataFrame, overrides: pd.DataFrame | None, flags: Sequence[str],
                     notes: list[str]) -> None:
    """Write final flags from ``<flag>_computed`` and the overrides; record what was set."""
    for flag in flags:
        out[flag] = out[f"{flag}_computed"].to_numpy(dtype=bool)
    if overrides is None or len(overrides) == 0:
        return
    last = overrides.drop_duplicates("kode", keep="last")
    table = last.set_index(last["kode"].astype(str))
    unknown = sorted(set(table.index) - set(out["kode"].astype(str)))
    if unknown and "island" in flags:
        notes.append(f"overrides for unknown village codes ignored: {', '.join(unknown[:10])}"
                     + (" ..." if len(unknown) > 10 else ""))
    codes = out["kode"].astype(str)
    for flag in flags:
        if flag not in table.columns:
            continue
        given = codes.map(table[flag].astype("boolean"))
        has = given.notna().to_numpy(dtype=bool)
        if not has.any():
            continue
        values = out[flag].to_numpy(dtype=bool).copy()
        values[has] = given[has].to_numpy(dtype=bool)
        out[flag] = values
        for pos in np.flatnonzero(has):
            out.iat[pos, out.columns.get_loc("overridden")] = (
                *out.iat[pos, out.columns.get_loc("overridden")], flag)


def classify_villages(villages: gpd.GeoDataFrame, offices: pd.DataFrame, *,
                      harbours: pd.DataFrame | None = None,
                      neighbours: gpd.GeoDataFrame | None = None,
                      overrides: pd.DataFrame | None = None,
                      params: PlanningParams | None = None,
                      roads: RoadNetwork | None = None,
                      regencies: Collection[str] | None = None) -> gpd.GeoDataFrame:
    """Add island, border, coastal and remote flags, stop points and office travel.

    ``villages`` is the readers' normalised frame (see ``REQUIRED_VILLAGE_COLUMNS``);
    ``offices`` has ``kabupaten_kode, lon, lat`` (one per regency), ``harbours`` the same
    for mainland harbours, ``neighbours`` polygons of regencies of other provinces, and
    ``overrides`` ``kode`` plus nullable boolean columns named after :data:`FLAGS`.

    Returns a copy with the columns ``island, border, border_kind, coastal, remote,
    office_travel_s, office_distance_m, stop_lon, stop_lat, landmass, overridden`` and
    ``<flag>_computed`` for each flag.  Office travel is routed on ``roads`` when given (see
    :func:`planner.road_travel.travel_provider`).  Notes (why something was decided the way it was)
    are in ``attrs["geography_notes"]``; :func:`summarize_geography` reads them back.

    With ``regencies``, only their villages are returned, with the same flags, stop points
    and travel as when all villages are classified, at the cost of the land they touch:
    the clusters of polygons their border, coast and landmass tests can reach (see
    :mod:`planner.landmass`).  Landmass numbers are then ranked among that land only (they
    are ids: only equality matters).  A regency not in the data raises ``ParameterError``.
    """
    params = params or PlanningParams()
    _check_inputs(villages, offices)
    notes: list[str] = []
    out = villages.copy()
    if out.crs is not None and not out.crs.equals(_WGS84):
        out = out.to_crs(_WGS84)
    out = out.reset_index(drop=True)
    crs = out.estimate_utm_crs()  # of all the data, so that a part is measured as the whole
    nb_wgs: gpd.GeoDataFrame | None = None
    has_neighbours = neighbours is not None and len(neighbours) > 0
    if neighbours is not None and len(neighbours):
        nb_wgs = neighbours.to_crs(_WGS84).reset_index(drop=True)
    else:
        notes.append("no neighbours layer: borders are regency borders within the data, and "
                     "land borders to places outside the data count as coast")
    village_geoms_wgs = np.asarray(out.geometry.values, dtype=object)
    nb_geoms_wgs: GeomArray = (np.asarray(nb_wgs.geometry.values, dtype=object)
                               if nb_wgs is not None else np.empty(0, dtype=object))
    land_wgs = np.concatenate([village_geoms_wgs, nb_geoms_wgs])
    bounds = shapely.bounds(land_wgs)
    gap_deg = degree_gap(INTERACTION_M, bounds)
    cluster = clusters(bounds, gap_deg)
    output = np.ones(len(out), dtype=bool)
    if regencies is not None:
        keep, output = needed_land(out, land_wgs, bounds, cluster, gap_deg, offices, harbours,
                               set(regencies))
        n_all = len(out)
        out = out[keep[:n_all]].reset_index(drop=True)
        output = output[keep[:n_all]]
        if nb_wgs is not None:
            nb_wgs = nb_wgs[keep[n_all:]].reset_index(drop=True)
        cluster = cluster[keep]
        wanted = set(out.loc[output, "kabupaten_kode"].astype(str))
        present = set(out["kabupaten_kode"].astype(str))
        offices = offices[offices["kabupaten_kode"].astype(str).isin(present)]
        if harbours is not None:
            harbours = harbours[harbours["kabupaten_kode"].astype(str).isin(wanted)]
    geoms = np.asarray(out.to_crs(crs).geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    n = len(out)
    regency = out["kabupaten_kode"].astype(str).to_numpy()

    neighbour_geoms: GeomArray = np.empty(0, dtype=object)
    if nb_wgs is not None and len(nb_wgs):
        neighbour_geoms = np.asarray(nb_wgs.to_crs(crs).geometry.values, dtype=object)

    # Landmasses: components over village parts and neighbour parts.
    all_parts, part_owner = shapely.get_parts(
        np.concatenate([geoms, neighbour_geoms]), return_index=True)
    labels = components(all_parts, LANDMASS_GAP_M)
    village_part = part_owner < n
    parts, owner, part_label = all_parts[village_part], part_owner[village_part], \
        labels[village_part]
    area = shapely.area(parts)
    comp_ids, comp_index = np.unique(labels, return_inverse=True)
    comp_area = np.bincount(comp_index, weights=shapely.area(all_parts))
    # Stable landmass numbers: largest landmass first, from 1 (0 means "office mainland").
    rank = np.empty(len(comp_ids), dtype=np.int64)
    rank[np.lexsort((comp_ids, -comp_area))] = np.arange(1, len(comp_ids) + 1)
    label_rank = dict(zip(comp_ids.tolist(), rank.tolist(), strict=True))

    first_office = offices.drop_duplicates("kabupaten_kode")
    office_table = first_office.set_index(first_office["kabupaten_kode"].astype(str))
    if len(office_table) < len(offices):
        notes.append("several offices for one regency: the first one is used")
    office_x, office_y = _xy(office_table, crs)
    part_tree = shapely.STRtree(all_parts)
    office_pts = shapely.points(office_x, office_y)
    nearest, dist = part_tree.query_nearest(office_pts, return_distance=True, all_matches=False)
    office_label = dict(zip(office_table.index, labels[nearest[1]].tolist(), strict=True))
    for code, d in zip(office_table.index, dist, strict=True):
        if d > STOP_SNAP_M and (regencies is None or code in regencies):
            notes.append(f"office of {code} lies {d / 1000:.1f} km from any village: its "
                         "landmass is the nearest one")

    # Home landmass: the office's when any real part is there, else the largest part's.
    home_label = np.array([office_label[r] for r in regency], dtype=np.int64)[owner]
    foothold = (part_label == home_label) & (area >= MIN_PART_AREA_M2)
    on_mainland = np.zeros(n, dtype=bool)
    on_mainland[owner[foothold]] = True
    parts_df = pd.DataFrame({"owner": owner, "area": area, "label": part_label,
                             "eligible": ~on_mainland[owner] | foothold})
    first = parts_df[parts_df["eligible"]].sort_values(["owner", "area"], ascending=[True, False])
    first = first[~first["owner"].duplicated()]
    home_part = first.index.to_numpy()
    village_label = np.full(n, -1, dtype=np.int64)
    village_label[first["owner"].to_numpy()] = first["label"].to_numpy()
    office_lab = np.array([office_label[r] for r in regency], dtype=np.int64)
    island = village_label != office_lab
    landmass = np.where(island, [label_rank[x] for x in village_label], 0).astype(np.int64)
    mixed = np.flatnonzero(output & on_mainland & (np.bincount(
        owner[part_label != home_label], weights=area[part_label != home_label],
        minlength=n) >= 1_000_000.0))
    if len(mixed):
        notes.append("mainland villages that also own islands (not island villages): "
                     + ", ".join(f"{out.at[i, 'kode']} {out.at[i, 'desa']}" for i in mixed))

    # Stop points: the village office when given and plausible, else inside the home part.
    stop = np.full(n, None, dtype=object)
    stop[first["owner"].to_numpy()] = shapely.point_on_surface(parts[home_part])
    office_given = out["office_lon"].notna().to_numpy() & out["office_lat"].notna().to_numpy()
    if office_given.any():
        given = out[office_given]
        gx, gy = _xy(pd.DataFrame({"lon": given["office_lon"], "lat": given["office_lat"]}),
                     crs)
        pts = cast(GeomArray, shapely.points(gx, gy))
        idx = np.flatnonzero(office_given)
        near = shapely.distance(pts, geoms[idx]) <= STOP_SNAP_M
        stop[idx[near]] = pts[near]
        for i in idx[~near]:
            notes.append(f"village office of {out.at[i, 'kode']} lies over "
                         f"{STOP_SNAP_M / 1000:.0f} km from its polygon: a point inside is used")
    stop_wgs = gpd.GeoSeries(stop, crs=crs).to_crs(_WGS84)
    out["stop_lon"] = np.round(stop_wgs.x.to_numpy(), 6)
    out["stop_lat"] = np.round(stop_wgs.y.to_numpy(), 6)

    # Border and coast: how much of each boundary lies along the neighbours or the sea
    # (measured only for the villages asked for; each village's length is its own).
    rows_out = np.flatnonzero(output)
    if has_neighbours:
        near_nb = (shapely.STRtree(neighbour_geoms).query(
            geoms[rows_out], predicate="dwithin", distance=BORDER_GAP_M)[0]
            if len(neighbour_geoms) else np.empty(0, dtype=np.int64))
        border_len = _shared_length_m(geoms, rows_out[np.unique(near_nb)], neighbour_geoms,
                                      BORDER_GAP_M)
        kind = "province"
    else:
        vtree = shapely.STRtree(geoms)
        a, b = vtree.query(geoms[rows_out], predicate="dwithin", distance=BORDER_GAP_M)
        a = rows_out[a]
        cand = np.unique(a[regency[a] != regency[b]])
        border_len = _shared_length_m(geoms, cand, geoms, BORDER_GAP_M,
                                      owner_group=regency, target_group=regency)
        kind = "regency"
    coast = coastline(closed_land(np.concatenate([geoms, neighbour_geoms]), cluster))
    near_coast = np.unique(shapely.STRtree(coast).query(geoms[rows_out], predicate="dwithin",
                                                        distance=COAST_GAP_M)[0])
    coast_len = _shared_length_m(geoms, rows_out[near_coast], coast, COAST_GAP_M)
    out["island_computed"] = island
    out["border_computed"] = border_len >= MIN_SHARED_M
    out["coastal_computed"] = coast_len >= MIN_SHARED_M
    out["border_length_m"] = np.round(border_len).astype(np.int64)
    out["coast_length_m"] = np.round(coast_len).astype(np.int64)

    out["overridden"] = [() for _ in range(n)]
    _apply_overrides(out, overrides, ("island", "border", "coastal"), notes)
    # An island override moves the village off (or onto) the office mainland for travel.
    island_final = out["island"].to_numpy(dtype=bool)
    fresh = island_final & (landmass == 0)
    landmass[fresh] = len(comp_ids) + 1 + np.arange(fresh.sum())
    landmass[~island_final] = 0
    out["landmass"] = landmass
    border_final = out["border"].to_numpy(dtype=bool)
    out["border_kind"] = pd.Series([kind if b else None for b in border_final], dtype="object")

    # Travel to the office and the remote flag, per regency.
    travel_s = np.zeros(n, dtype=np.int64)
    distance_m = np.zeros(n, dtype=np.int64)
    road = _road_class(out)
    stop_lon, stop_lat = out["stop_lon"].to_numpy(), out["stop_lat"].to_numpy()
    hb = harbours if harbours is not None else pd.DataFrame(
        columns=["kabupaten_kode", "name", "lon", "lat"])
    hx, hy = (_xy(hb, crs) if len(hb) else (np.empty(0), np.empty(0)))
    h_label = (labels[part_tree.query_nearest(shapely.points(hx, hy))[1]]
               if len(hb) else np.empty(0, dtype=np.int64))
    hb_regency = hb["kabupaten_kode"].astype(str).to_numpy()
    for code in sorted(set(regency[output])):
        rows = np.flatnonzero(regency == code)
        office = office_table.loc[code]
        harbour_list = [
            Harbour(str(hb["name"].iloc[k]), float(hb["lon"].iloc[k]), float(hb["lat"].iloc[k]),
                    0 if h_label[k] == office_label[code] else label_rank[int(h_label[k])])
            for k in np.flatnonzero(hb_regency == code)
        ]
        if island_final[rows].any() and not harbour_list:
            notes.append(f"no harbour for {code}: island villages are reached by a straight "
                         "boat line from the office")
        points = [TravelPoint(float(office["lon"]), float(office["lat"]), 0, "urban")]
        points += [TravelPoint(float(stop_lon[i]), float(stop_lat[i]), int(landmass[i]),
                               road[i]) for i in rows]
        to_office_s, to_office_m = legs_to(travel_provider(params.travel, harbour_list, roads),
                                           points, 0)
        travel_s[rows] = to_office_s[1:]
        distance_m[rows] = to_office_m[1:]
    out["office_travel_s"] = travel_s
    out["office_distance_m"] = distance_m
    geo = params.geography
    if geo.remote_threshold_s is not None:
        remote = travel_s > geo.remote_threshold_s
    else:
        threshold = pd.Series(travel_s).groupby(regency).transform(
            lambda s: float(np.quantile(s.to_numpy(), geo.remote_quantile))).to_numpy()
        remote = travel_s > threshold
    out["remote_computed"] = remote
    _apply_overrides(out, overrides, ("remote",), notes)
    out["overridden"] = [tuple(sorted(t, key=FLAGS.index)) for t in out["overridden"]]
    if not output.all():
        out = out[output].reset_index(drop=True)
    out.attrs["geography_notes"] = tuple(notes)
    return out


def needed_land(villages: gpd.GeoDataFrame, land: GeomArray, bounds: FloatArray,
            cluster: IntArray, gap_deg: float, offices: pd.DataFrame,
            harbours: pd.DataFrame | None, regencies: set[str]) -> tuple[BoolArray, BoolArray]:
    """Which land polygons (villages, then neighbours) classifying ``regencies`` needs.

    The clusters of the regencies' villages, of the polygons nearest their offices and
    harbours (within twice the nearest distance in degrees: metres and degrees differ in
    scale by far less), and every cluster whose box meets one of those: only such a cluster
    can enclose their land (a lake).  Returns the mask over ``land`` and, over the villages,
    the mask of the villages asked for.
    """
    codes = villages["kabupaten_kode"].astype(str)
    output = codes.isin(regencies).to_numpy()
    missing = sorted(regencies - set(codes[output]))
    if missing:
        raise ParameterError([Problem("parameter", None, "regency",
                                      f"kabupaten/kota {code} tidak ada di data desa",
                                      f"regency {code} is not in the villages data")
                              for code in missing])
    seeds = set(cluster[:len(villages)][output].tolist())
    sites = [offices]
    if harbours is not None and len(harbours):
        sites.append(harbours)
    points = pd.concat([s[["kabupaten_kode", "lon", "lat"]] for s in sites])
    points = points[points["kabupaten_kode"].astype(str).isin(regencies)]
    tree = shapely.STRtree(land)
    pts = cast(GeomArray, shapely.points(points["lon"].to_numpy(float),
                                         points["lat"].to_numpy(float)))
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    for pt, d in zip(pts, dist, strict=True):
        near = tree.query(pt, predicate="dwithin", distance=2.0 * float(d) + gap_deg)
        seeds.update(cluster[near].tolist())
    box = pd.DataFrame(bounds, columns=["x0", "y0", "x1", "y1"]).groupby(cluster).agg(
        {"x0": "min", "y0": "min", "x1": "max", "y1": "max"})
    seed_box = box.loc[sorted(seeds)].to_numpy()
    all_box = box.to_numpy()
    meets = ((all_box[:, None, 0] <= seed_box[None, :, 2] + gap_deg)
             & (all_box[:, None, 2] >= seed_box[None, :, 0] - gap_deg)
             & (all_box[:, None, 1] <= seed_box[None, :, 3] + gap_deg)
             & (all_box[:, None, 3] >= seed_box[None, :, 1] - gap_deg)).any(axis=1)
    keep = np.isin(cluster, box.index.to_numpy()[meets])
    return keep, output


def summarize_geography(classified: gpd.GeoDataFrame) -> GeographySummary:
    """Counts per regency of each flag, with the notes of :func:`classify_villages`."""
    rows = []
    for code, group in classified.groupby("kabupaten_kode", sort=True):
        rows.append(RegencyCounts(
            kabupaten_kode=str(code),
            villages=len(group),
            **{flag: int(group[flag].sum()) for flag in FLAGS},
            overridden=int(group["overridden"].map(len).gt(0).sum()),
        ))
    return GeographySummary(tuple(rows), tuple(classified.attrs.get("geography_notes", ())))
