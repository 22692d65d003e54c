"""Boat crossings over water: from a harbour on the mainland to a landing on an island's coast.

For each island (landmass) of a regency and each mainland harbour of the regency (or, when it
has none, the point of the mainland coast nearest to the island), a :class:`Crossing` is

* the *quay*: the harbour's point moved to the nearest shore when it lies inland (the short
  drive from the given point to the quay is part of the crossing's time);
* the *landing*: a harbour on the island when one is given, else the point of the island's
  coast nearest to the quay;
* the *route*: the straight line when it runs over water, else the shortest path over a
  water grid (land rasterised from the village and neighbour polygons, grown by one cell so
  that slivers between simplified boundaries do not open channels through land), pulled
  tight where straight pieces stay over water.

:func:`crossing_matrices` combines them with road legs (from any
:class:`~planner.travel.MatrixProvider`): a leg between landmasses is road to the quay, the
crossing, and road from the landing to the stop (and back the other way); two islands are
joined through the mainland.  :class:`CrossingLegs` tells, for any leg of the matrix, which
crossings it uses, so a plan can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
import shapely.ops
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from planner.params import TravelParams
from planner.travel import (
    EARTH_RADIUS_M,
    Harbour,
    MatrixProvider,
    TravelMatrices,
    TravelPoint,
    haversine_m,
    road_speed_kmh,
)

FloatArray = npt.NDArray[np.float64]
GeomArray = npt.NDArray[np.object_]

#: Finest water grid (m); coarser for long crossings (at most :data:`GRID_CELLS` a side).
GRID_M = 100.0
GRID_CELLS = 500
#: Margin of water searched around the quay and the landing (m, and share of the distance).
MARGIN_M = 5_000.0
MARGIN_SHARE = 0.35
#: A harbour farther inland than this (m) is not moved to the shore: its point is the quay.
MAX_QUAY_SNAP_M = 5_000.0


@dataclass(frozen=True)
class Crossing:
    """One boat crossing between a mainland quay and a landing on an island."""

    harbour: str
    #: The harbour's point as given (or the coast point when ``virtual``).
    harbour_lon: float
    harbour_lat: float
    #: The island's landmass number (see :func:`planner.geography.classify_villages`).
    landmass: int
    landing_lon: float
    landing_lat: float
    #: (lon, lat) from the quay to the landing.
    route: tuple[tuple[float, float], ...]
    length_m: float
    #: Boarding plus sailing, plus the drive from the harbour's point to its quay.
    duration_s: int
    #: No harbour was given: the boat leaves from the nearest point of the mainland coast.
    virtual: bool = False
    #: ISO weekdays the boat sails (``None`` = every day) and departure times (s since
    #: midnight, ``()`` = whenever the team arrives), from ``harbours.csv``.
    sailing_days: frozenset[int] | None = None
    departures: tuple[int, ...] = ()


class _Frame:
    """A local metric projection (equirectangular around a latitude): enough for 100 km."""

    def __init__(self, lat0: float) -> None:
        self.kx = np.pi / 180 * EARTH_RADIUS_M * np.cos(np.radians(lat0))
        self.ky = np.pi / 180 * EARTH_RADIUS_M

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        return np.asarray(lon) * self.kx, np.asarray(lat) * self.ky

    def lonlat(self, x: Any, y: Any) -> tuple[Any, Any]:
        return np.asarray(x) / self.kx, np.asarray(y) / self.ky

    def geom(self, g: Any) -> Any:
        return shapely.transform(g, lambda c: c * np.array([self.kx, self.ky]))


def land_crossed_m(route: Sequence[tuple[float, float]], land: Any) -> float:
    """Metres of ``route`` (lon, lat) over ``land`` (WGS84 polygons), measured locally."""
    if len(route) < 2:
        return 0.0
    frame = _Frame(float(np.mean([p[1] for p in route])))
    line = frame.geom(shapely.linestrings(np.asarray(route, dtype=np.float64)))
    return _Land(frame.geom(np.asarray(land, dtype=object).ravel())).crossed(line)


class _Land:
    """Land polygons (projected) with a spatial index: no union of a whole province."""

    def __init__(self, parts: GeomArray) -> None:
        self.parts = parts[~shapely.is_empty(parts)]
        self.tree = shapely.STRtree(self.parts)

    def near(self, geom: Any) -> GeomArray:
        return self.parts[self.tree.query(geom)]

    def crossed(self, line: Any) -> float:
        """Metres of ``line`` over land (overlapping polygons counted once)."""
        hit = self.parts[self.tree.query(line, predicate="intersects")]
        if not len(hit):
            return 0.0
        return float(shapely.length(shapely.union_all(shapely.intersection(line, hit))))


def water_route(a: tuple[float, float], b: tuple[float, float], land: _Land
                ) -> list[tuple[float, float]]:
    """Points (projected metres) of a path over water from ``a`` to ``b`` (both near water).

    ``land`` is projected.  The straight line when it stays over water, else the shortest
    8-connected path on a grid around both points, pulled tight.  Falls back to the straight
    line when the grid finds no way (a lake; land the data does not close).
    """
    straight = shapely.linestrings([a, b])
    if land.crossed(straight) <= GRID_M:
        return [a, b]
    span = float(np.hypot(b[0] - a[0], b[1] - a[1]))
    for grow in (1.0, 3.0):
        margin = max(MARGIN_M, MARGIN_SHARE * span) * grow
        x0, x1 = min(a[0], b[0]) - margin, max(a[0], b[0]) + margin
        y0, y1 = min(a[1], b[1]) - margin, max(a[1], b[1]) + margin
        res = max(GRID_M, max(x1 - x0, y1 - y0) / GRID_CELLS)
        path = _grid_path(a, b, land, (x0, y0, x1, y1), res)
        if path is not None:
            return path
    return [a, b]


def _grid_path(a: tuple[float, float], b: tuple[float, float], land: _Land,
               box: tuple[float, float, float, float], res: float
               ) -> list[tuple[float, float]] | None:
    x0, y0, x1, y1 = box
    nx, ny = int(np.ceil((x1 - x0) / res)) + 1, int(np.ceil((y1 - y0) / res)) + 1
    xs, ys = x0 + res * np.arange(nx), y0 + res * np.arange(ny)
    gx, gy = np.meshgrid(xs, ys)
    is_land = np.zeros((ny, nx), dtype=bool)
    for poly in land.near(shapely.box(x0, y0, x1, y1)):
        bx0, by0, bx1, by1 = shapely.bounds(poly)
        i0, i1 = max(0, int((bx0 - x0) // res)), min(nx, int((bx1 - x0) // res) + 2)
        j0, j1 = max(0, int((by0 - y0) // res)), min(ny, int((by1 - y0) // res) + 2)
        if i0 >= i1 or j0 >= j1:
            continue
        is_land[j0:j1, i0:i1] |= shapely.contains_xy(poly, gx[j0:j1, i0:i1], gy[j0:j1, i0:i1])
    is_land = ndimage.binary_dilation(is_land, iterations=1)
    water = ~is_land
    if not water.any():
        return None
    wy, wx = np.nonzero(water)

    def nearest_water(p: tuple[float, float]) -> int:
        d = (xs[wx] - p[0]) ** 2 + (ys[wy] - p[1]) ** 2
        k = int(np.argmin(d))
        return int(wy[k] * nx + wx[k])

    s, t = nearest_water(a), nearest_water(b)
    idx = np.arange(nx * ny).reshape(ny, nx)
    rows, cols, weights = [], [], []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ys0, ys1 = max(0, -dy), ny - max(0, dy)
        xs0, xs1 = max(0, -dx), nx - max(0, dx)
        src = idx[ys0:ys1, xs0:xs1]
        dst = idx[ys0 + dy:ys1 + dy, xs0 + dx:xs1 + dx]
        ok = water[ys0:ys1, xs0:xs1] & water[ys0 + dy:ys1 + dy, xs0 + dx:xs1 + dx]
        rows.append(src[ok])
        cols.append(dst[ok])
        weights.append(np.full(int(ok.sum()), res * float(np.hypot(dx, dy))))
    graph = coo_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(nx * ny, nx * ny)).tocsr()
    dist, pred = dijkstra(graph, directed=False, indices=s, return_predecessors=True)
    if not np.isfinite(dist[t]):
        return None
    cells = [t]
    while cells[-1] != s:
        cells.append(int(pred[cells[-1]]))
    cells.reverse()
    cy, cx = np.divmod(np.asarray(cells), nx)
    pts = np.column_stack([xs[cx], ys[cy]])
    pulled = _pull_tight(pts, water, (x0, y0), res)
    return [a, *[(float(p[0]), float(p[1])) for p in pulled], b]


def _clear(p: FloatArray, q: FloatArray, water: npt.NDArray[np.bool_],
           origin: tuple[float, float], res: float) -> bool:
    n = max(2, int(np.ceil(np.hypot(*(q - p)) / (res / 3))) + 1)
    t = np.linspace(0.0, 1.0, n)
    x = np.rint((p[0] + t * (q[0] - p[0]) - origin[0]) / res).astype(np.int64)
    y = np.rint((p[1] + t * (q[1] - p[1]) - origin[1]) / res).astype(np.int64)
    inside = (x >= 0) & (y >= 0) & (y < water.shape[0]) & (x < water.shape[1])
    return bool(inside.all() and water[y, x].all())


def _pull_tight(pts: FloatArray, water: npt.NDArray[np.bool_], origin: tuple[float, float],
                res: float) -> list[FloatArray]:
    """Fewest corners: from each corner, the farthest path point seen over water."""
    out = [pts[0]]
    i = 0
    while i < len(pts) - 1:
        lo, hi = i + 1, len(pts) - 1
        j = lo
        # farthest visible point, searched from the end in halving steps then linearly
        step = hi - lo
        k = hi
        while k > lo:
            if _clear(pts[i], pts[k], water, origin, res):
                j = k
                break
            step = max(1, step // 2)
            k = max(lo, k - step)
        out.append(pts[j])
        i = j
    return out


def plan_crossings(islands: Mapping[int, Any], harbours: Sequence[Harbour], land: Any,
                   params: TravelParams, *, mainland: GeomArray | None = None,
                   schedules: Mapping[str, tuple[frozenset[int] | None, tuple[int, ...]]]
                   | None = None) -> tuple[Crossing, ...]:
    """The crossings to each island from each mainland harbour (WGS84 geometries).

    ``islands`` maps a landmass number to its land (the union of its villages); ``land`` is
    all land around (village and neighbour polygons); ``mainland`` the polygons of the
    office's landmass, used for a departure from its coast when no harbour is on it.  A
    harbour on an island is that island's landing (moved to the shore like a quay).
    ``schedules`` maps a harbour name to its sailing days and departures.
    """
    schedules = schedules or {}
    crossings: list[Crossing] = []
    if not islands:
        return ()
    lats = [h.lat for h in harbours] + [shapely.centroid(g).y for g in islands.values()]
    frame = _Frame(float(np.mean(lats)))
    land_xy = _Land(frame.geom(np.asarray(land, dtype=object).ravel()))
    main_harbours = [h for h in harbours if h.landmass == 0]
    for mass, geom in sorted(islands.items()):
        island_xy = frame.geom(geom)
        own = [h for h in harbours if h.landmass == mass]
        departures: list[tuple[str, float, float, bool]] = [
            (h.name, h.lon, h.lat, False) for h in _near_harbours(main_harbours, island_xy,
                                                                   frame)]
        if not departures and mainland is not None and len(mainland):
            main = frame.geom(np.asarray(mainland, dtype=object))
            closest = main[shapely.STRtree(main).query_nearest(island_xy)[0]]
            near = _nearest_on(closest, island_xy)
            lon, lat = frame.lonlat(*near)
            departures.append(("pantai terdekat", float(lon), float(lat), True))
        for name, lon, lat, virtual in departures:
            hx, hy = frame.xy(lon, lat)
            quay = _quay((float(hx), float(hy)), land_xy)
            if own:
                dist = [haversine_m(h.lon, h.lat, lon, lat) for h in own]
                h = own[int(np.argmin(dist))]
                lx, ly = frame.xy(h.lon, h.lat)
                landing = _quay((float(lx), float(ly)), land_xy)
            else:
                landing = _nearest_on(island_xy, shapely.points(*quay))
            path = water_route(quay, landing, land_xy)
            arr = np.asarray(path, dtype=np.float64)
            length = float(np.sum(np.hypot(*np.diff(arr, axis=0).T)))
            snap = float(np.hypot(quay[0] - hx, quay[1] - hy)) * params.detour_factor
            drive = snap / (road_speed_kmh("rural", params) / 3.6)
            duration = params.boarding_s + length / (params.boat_speed_kmh / 3.6) + drive
            rlon, rlat = frame.lonlat(arr[:, 0], arr[:, 1])
            days, deps = schedules.get(name, (None, ()))
            llon, llat = frame.lonlat(*landing)
            crossings.append(Crossing(
                harbour=name, harbour_lon=float(lon), harbour_lat=float(lat), landmass=mass,
                landing_lon=round(float(llon), 6), landing_lat=round(float(llat), 6),
                route=tuple((round(float(x), 6), round(float(y), 6))
                            for x, y in zip(rlon, rlat, strict=True)),
                length_m=round(length, 1), duration_s=int(np.ceil(duration)), virtual=virtual,
                sailing_days=None if virtual else days, departures=() if virtual else deps))
    return tuple(crossings)


#: Harbours farther from an island than the nearest one by more than this (m, and than twice
#: its distance) are not tried for it: a boat from there is never the quicker way.
FARTHER_HARBOUR_M = 20_000.0


def _near_harbours(harbours: Sequence[Harbour], island: Any, frame: _Frame) -> list[Harbour]:
    """The harbours worth a crossing to ``island`` (projected): the nearest and those not
    much farther (see :data:`FARTHER_HARBOUR_M`)."""
    if not harbours:
        return []
    x, y = frame.xy([h.lon for h in harbours], [h.lat for h in harbours])
    d = shapely.distance(shapely.points(x, y), island)
    limit = max(2 * float(d.min()), float(d.min()) + FARTHER_HARBOUR_M)
    return [h for h, dist in zip(harbours, d, strict=True) if dist <= limit]


def _quay(p: tuple[float, float], land: _Land) -> tuple[float, float]:
    """The harbour's point, moved to the shore when it lies on land (not too far inland)."""
    pt = shapely.points(*p)
    local = land.near(shapely.buffer(pt, MAX_QUAY_SNAP_M))
    if not len(local):
        return p
    parts = shapely.get_parts(shapely.union_all(local))
    inside = parts[shapely.contains_xy(shapely.polygons(shapely.get_exterior_ring(parts)), *p)]
    if not len(inside):
        return p
    # the outer shore: holes in the union are slivers between villages, not water
    shore = shapely.union_all(shapely.get_exterior_ring(inside))
    q = _nearest_on(shore, pt)
    return p if np.hypot(q[0] - p[0], q[1] - p[1]) > MAX_QUAY_SNAP_M else q


def _nearest_on(geom: Any, other: Any) -> tuple[float, float]:
    """The point of ``geom`` nearest to ``other``."""
    p = shapely.ops.nearest_points(geom, other)[0]
    return float(p.x), float(p.y)


@dataclass(frozen=True)
class CrossingLegs:
    """Which crossings each leg of a travel matrix uses (see :func:`crossing_matrices`)."""

    crossings: tuple[Crossing, ...]
    #: Per point pair: index into ``crossings`` of the crossing that leaves the start's
    #: island (-1: none) and of the one that reaches the end's island (-1: none).
    leave: npt.NDArray[np.int64] = field(repr=False)
    reach: npt.NDArray[np.int64] = field(repr=False)
    #: Per point pair with a ``reach`` crossing: seconds from the start to that crossing's
    #: harbour (the boat's departure may make the team wait there).
    to_quay_s: npt.NDArray[np.int64] = field(repr=False)

    def used(self, i: int, j: int) -> list[tuple[Crossing, str]]:
        """The crossings of leg ``i -> j`` with their direction (``to_island``/``from_island``)."""
        out: list[tuple[Crossing, str]] = []
        if self.leave[i, j] >= 0:
            out.append((self.crossings[int(self.leave[i, j])], "from_island"))
        if self.reach[i, j] >= 0:
            out.append((self.crossings[int(self.reach[i, j])], "to_island"))
        return out


def crossing_matrices(provider: MatrixProvider, points: Sequence[TravelPoint],
                      crossings: Sequence[Crossing]) -> tuple[TravelMatrices, CrossingLegs]:
    """Travel between ``points`` with legs between landmasses through ``crossings``.

    Road legs (same landmass) are the provider's.  A leg from landmass A to B != A is the
    quickest of: road to a quay, crossing, road from its landing (A = mainland); the
    reverse (B = mainland); or out over one crossing and in over another, with the road
    between the two quays (two islands).  Legs no crossing serves keep the provider's value.
    """
    n = len(points)
    quay_index: dict[tuple[float, float], int] = {}
    for c in crossings:  # crossings from one harbour share its point
        quay_index.setdefault((c.harbour_lon, c.harbour_lat), len(quay_index))
    quays = [TravelPoint(lon, lat, 0, "urban") for lon, lat in quay_index]
    landings = [TravelPoint(c.landing_lon, c.landing_lat, c.landmass, "rural")
                for c in crossings]
    base = provider.matrices([*points, *quays, *landings])
    m = len(crossings)
    dur = base.duration_s.astype(np.float64)
    dist = base.distance_m.astype(np.float64)
    duration, distance = dur[:n, :n].copy(), dist[:n, :n].copy()
    by_boat = base.by_boat[:n, :n].copy()
    leave = np.full((n, n), -1, dtype=np.int64)
    reach = np.full((n, n), -1, dtype=np.int64)
    to_quay = np.zeros((n, n), dtype=np.float64)
    if m == 0:
        return (TravelMatrices(base.duration_s[:n, :n].copy(), base.distance_m[:n, :n].copy(),
                               by_boat, info=dict(base.info)),
                CrossingLegs(tuple(crossings), leave, reach, to_quay.astype(np.int64)))
    land = np.array([p.landmass for p in points], dtype=np.int64)
    q = n + np.array([quay_index[(c.harbour_lon, c.harbour_lat)] for c in crossings],
                     dtype=np.int64)
    ld = n + len(quays) + np.arange(m)
    mass = np.array([c.landmass for c in crossings], dtype=np.int64)
    boat_s = np.array([c.duration_s for c in crossings], dtype=np.float64)
    boat_m = np.array([c.length_m for c in crossings], dtype=np.float64)
    inf = np.inf
    # out_t[i, c]: from point i to crossing c's quay, on the mainland side
    on_main = land == 0
    out_t = np.where(on_main[:, None], dur[:n][:, q], inf)
    out_d = np.where(on_main[:, None], dist[:n][:, q], 0.0)
    in_t = np.where(on_main[None, :], dur[q][:, :n], inf)  # quay c -> point j
    in_d = np.where(on_main[None, :], dist[q][:, :n], 0.0)
    # an island point reaches the mainland over its island's crossings
    mine = land[:, None] == mass[None, :]
    up_t = np.where(mine, dur[:n][:, ld] + boat_s[None, :], inf)   # i -> landing -> quay
    up_d = np.where(mine, dist[:n][:, ld] + boat_m[None, :], 0.0)
    down_t = np.where(mine.T, boat_s[:, None] + dur[ld][:, :n], inf)  # quay -> landing -> j
    down_d = np.where(mine.T, boat_m[:, None] + dist[ld][:, :n], 0.0)
    road_qq = dur[np.ix_(q, q)]
    road_qq_d = dist[np.ix_(q, q)]
    for i in range(n):
        other = land != land[i]
        if not other.any():
            continue
        if land[i] == 0:
            # road to quay c, crossing to island of j
            t = out_t[i][:, None] + down_t  # (m, n)
            c = np.argmin(t, axis=0)
            best = t[c, np.arange(n)]
            d = out_d[i][c] + down_d[c, np.arange(n)]
            ok = other & np.isfinite(best)
            duration[i, ok], distance[i, ok] = best[ok], d[ok]
            reach[i, ok] = c[ok]
            to_quay[i, ok] = out_t[i][c[ok]]
        else:
            # to the mainland: crossing c from i's island then road from quay c
            t_main = up_t[i][:, None] + in_t  # (m, n)
            c = np.argmin(t_main, axis=0)
            best = t_main[c, np.arange(n)]
            d = up_d[i][c] + in_d[c, np.arange(n)]
            ok = other & on_main & np.isfinite(best)
            duration[i, ok], distance[i, ok] = best[ok], d[ok]
            leave[i, ok] = c[ok]
            # to another island: out over c1 (one of i's island), road between the quays,
            # in over c2: first the best c1 for each c2, then the best c2 for each j
            own = np.flatnonzero(mine[i])
            if not len(own):
                continue
            via = up_t[i][own][:, None] + road_qq[own, :]  # (own, m)
            pick = np.argmin(via, axis=0)
            to_c2 = via[pick, np.arange(m)]
            first = own[pick]  # c1 for each c2
            t3 = to_c2[:, None] + down_t  # (m, n)
            c2 = np.argmin(t3, axis=0)
            best3 = t3[c2, np.arange(n)]
            c1 = first[c2]
            d3 = up_d[i][c1] + road_qq_d[c1, c2] + down_d[c2, np.arange(n)]
            ok3 = other & ~on_main & np.isfinite(best3)
            duration[i, ok3], distance[i, ok3] = best3[ok3], d3[ok3]
            leave[i, ok3], reach[i, ok3] = c1[ok3], c2[ok3]
            to_quay[i, ok3] = (up_t[i][c1] + road_qq[c1, c2])[ok3]
    np.fill_diagonal(duration, 0.0)
    np.fill_diagonal(distance, 0.0)
    info: dict[str, Any] = {**base.info, "points": n, "boat_points": len(quays) + m}
    counts = getattr(provider, "network_counts", None)
    if callable(counts) and "points_off_network" in info:
        info.update(counts(points))  # the stops and harbours, as without boats
    mats = TravelMatrices(np.ceil(duration - 1e-9).astype(np.int64),
                          np.ceil(distance - 1e-9).astype(np.int64), by_boat, info=info)
    return mats, CrossingLegs(tuple(crossings), leave, reach,
                              np.floor(to_quay).astype(np.int64))


#: Land farther than this (degrees) from the regency's villages and harbours cannot lie on
#: one of its crossings.
LAND_MARGIN_DEG = 0.5


def regency_crossings(villages: Any, regency_villages: Any, harbours: Sequence[Harbour],
                      params: TravelParams, *, more_land: Sequence[Any] = (),
                      schedules: Mapping[str, tuple[frozenset[int] | None, tuple[int, ...]]]
                      | None = None) -> tuple[Crossing, ...]:
    """The crossings of one regency, from frames with a WGS84 ``geometry`` column.

    ``villages`` is every village known (land the boats go round), ``regency_villages`` the
    regency's own with their ``landmass``; ``more_land`` frames of more land (the other
    regencies' villages, neighbour areas), in WGS84.
    Empty when the regency has no island village or the frames carry no geometry.
    """
    if "geometry" not in regency_villages.columns or "landmass" not in regency_villages.columns:
        return ()
    own = regency_villages[regency_villages["geometry"].notna()]
    mass = own["landmass"].to_numpy(dtype=np.int64)
    geoms = np.asarray(own["geometry"].to_numpy(), dtype=object)
    if not (mass != 0).any():
        return ()
    islands = {int(k): shapely.union_all(shapely.make_valid(geoms[mass == k]))
               for k in np.unique(mass[mass != 0])}
    mainland = shapely.make_valid(geoms[mass == 0])
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    for h in harbours:
        x0, y0, x1, y1 = min(x0, h.lon), min(y0, h.lat), max(x1, h.lon), max(y1, h.lat)
    window = shapely.box(x0 - LAND_MARGIN_DEG, y0 - LAND_MARGIN_DEG,
                         x1 + LAND_MARGIN_DEG, y1 + LAND_MARGIN_DEG)
    around: list[Any] = []
    for frame in (villages, *more_land):
        if frame is None or "geometry" not in getattr(frame, "columns", ()):
            continue
        g = np.asarray(frame["geometry"].to_numpy(), dtype=object)
        g = g[np.array([x is not None for x in g], dtype=bool)]
        around.extend(g[shapely.intersects(g, window)])
    land = shapely.make_valid(np.asarray([*around, *geoms], dtype=object))
    return plan_crossings(islands, harbours, land, params, mainland=mainland,
                          schedules=schedules)
