"""Landmasses and the coastline, at a cost linear in the number of villages.

Two groupings of polygons:

* **clusters** (:func:`clusters`), in WGS84 degrees from bounding boxes only: polygons whose
  boxes, widened by a generous gap, overlap are in one cluster.  A cluster is a union of
  whole landmasses and of whole coastline closings, so anything measured within a cluster
  (landmass components, the closed coastline) is the same as measured over all the data.
  Planning one regency needs only the clusters its villages, office and harbours touch.
* **landmasses** (:func:`components`): polygon parts closer than a gap in metres.

The coastline closes gaps between land polygons (buffer out, union, buffer in) one cluster
at a time and buffers in part by part: one union or buffer of the whole nation grew
super-linearly with the extent of the land.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import cast

import numpy as np
import numpy.typing as npt
import shapely

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
GeomArray = npt.NDArray[np.object_]

#: Parts closer than this (m) are closed into one coastline (half of it on each side).
COAST_CLOSING_M = 200.0
#: Simplification of land before closing the coastline (m).
COAST_SIMPLIFY_M = 20.0
#: Coastline pieces are at most this long (m).
COAST_PIECE_M = 2_000.0
#: Largest distance (m) at which two polygons can interact in any step (landmass gap,
#: closing of simplified polygons, border gap), with a margin.  Clusters are built with it.
INTERACTION_M = 400.0
#: Metres per degree of latitude, rounded down (so gaps in degrees are generous).
_M_PER_DEGREE = 110_000.0
#: Threads for the per-cluster coastline (shapely releases the GIL).
WORKERS = 2


def labels_from_pairs(n: int, a: IntArray, b: IntArray) -> IntArray:
    """Connected-component label (the smallest member) of each of ``n`` nodes."""
    labels = np.arange(n, dtype=np.int64)
    while True:  # min-label propagation with pointer jumping; a few rounds in practice
        before = labels.copy()
        low = np.minimum(labels[a], labels[b])
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        labels = labels[labels]
        if np.array_equal(labels, before):
            return labels


def components(parts: GeomArray, gap_m: float) -> IntArray:
    """Connected-component label of each part (parts within ``gap_m`` are connected)."""
    tree = shapely.STRtree(parts)
    a, b = tree.query(parts, predicate="dwithin", distance=gap_m)
    return labels_from_pairs(len(parts), a, b)


def degree_gap(gap_m: float, bounds: FloatArray) -> float:
    """A gap in degrees at least as wide as ``gap_m`` anywhere in ``bounds`` (x0 y0 x1 y1).

    Twice the plain conversion at the largest latitude: projected (UTM) lengths differ from
    true ones by a few per cent over a country, far less than that.
    """
    lat = min(float(np.max(np.abs(bounds[:, [1, 3]]))) if len(bounds) else 0.0, 80.0)
    return 2.0 * gap_m / (_M_PER_DEGREE * float(np.cos(np.radians(lat))))


def clusters(bounds: FloatArray, gap_deg: float) -> IntArray:
    """Cluster label of each box (x0 y0 x1 y1, degrees): widened boxes that overlap."""
    boxes = shapely.box(bounds[:, 0] - gap_deg, bounds[:, 1] - gap_deg,
                        bounds[:, 2] + gap_deg, bounds[:, 3] + gap_deg)
    a, b = shapely.STRtree(boxes).query(boxes)
    return labels_from_pairs(len(bounds), a, b)


def _buffered(land: GeomArray) -> GeomArray:
    simple = shapely.simplify(land, COAST_SIMPLIFY_M)
    return shapely.buffer(simple, COAST_CLOSING_M / 2, quad_segs=2)


def _closed_cluster(buffered: GeomArray) -> GeomArray:
    """The buffered land of one cluster merged and buffered back in, as single polygons."""
    merged = shapely.union_all(buffered)
    closed = shapely.buffer(shapely.get_parts(merged), -COAST_CLOSING_M / 2, quad_segs=2)
    return shapely.get_parts(closed)


def _closed_whole(land: GeomArray) -> GeomArray:
    return _closed_cluster(_buffered(land))


def closed_land(land: GeomArray, cluster: IntArray, *,
                workers: int = WORKERS) -> GeomArray:
    """All land with gaps under :data:`COAST_CLOSING_M` closed, as single polygons.

    ``cluster`` labels each land polygon; clusters are closed independently.  Buffering in
    part by part equals buffering the whole multipolygon in: its parts are disjoint.  Runs
    on ``workers`` threads (shapely releases the GIL), one cluster per thread, largest first,
    so that only the clusters being closed are held buffered; a cluster with more than its
    share of the land is simplified and buffered out in chunks on all threads first.
    """
    if len(land) == 0:
        return np.empty(0, dtype=object)
    workers = max(workers, 1)
    order = np.argsort(cluster, kind="stable")
    cuts = np.flatnonzero(np.diff(cluster[order])) + 1
    groups = sorted((land[idx] for idx in np.split(order, cuts)), key=len, reverse=True)
    big = [g for g in groups if workers > 1 and len(g) > len(land) / workers]
    closed: list[GeomArray] = []
    with ThreadPoolExecutor(workers) as pool:
        for group in big:
            parts = list(pool.map(_buffered, np.array_split(group, workers)))
            closed.append(_closed_cluster(np.concatenate(parts)))
        closed.extend(pool.map(_closed_whole, groups[len(big):]))
    return np.concatenate(closed)


def coastline(polygons: GeomArray) -> GeomArray:
    """Outer boundary of closed land, cut into pieces for a spatial index.

    Land enclosed by other land (pieces cut off by gaps wider than the closing, islands in
    lakes) does not face the sea.
    """
    filled = cast(GeomArray, shapely.polygons(shapely.get_exterior_ring(polygons)))
    inner, outer = shapely.STRtree(filled).query(filled, predicate="within")
    enclosed = np.unique(inner[inner != outer])
    polygons = np.delete(polygons, enclosed)
    exteriors = shapely.segmentize(shapely.get_exterior_ring(polygons), COAST_PIECE_M)
    coords, ring = shapely.get_coordinates(exteriors, return_index=True)
    same = ring[:-1] == ring[1:]
    segments = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
    return cast(GeomArray, shapely.linestrings(segments))
