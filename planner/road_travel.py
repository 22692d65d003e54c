"""Travel matrices routed on a road network (:class:`RoadProvider`) and the provider choice.

How a matrix is built, for the points asked plus the regency's harbours:

1. Each line's speed is its class's speed in ``[travel] road_speeds_kmh``; classes without a
   speed (or at 0) are not driven.
2. Road fragments of fewer than :data:`MIN_COMPONENT_VERTICES` vertices are ignored; every
   point snaps to its nearest remaining road vertex (KD-tree in a local metric projection).
   The *access leg* from the point to that vertex is the straight line x ``detour_factor``
   at ``access_speed_kmh``.  A point farther than ``max_snap_m`` from any road is *off the
   network*: its road legs are the estimate (:class:`~planner.travel.EstimateProvider`), as
   are legs between points the network does not connect.
3. Lines are cut at junctions (vertices shared by lines, line ends) and at snapped vertices;
   each piece is one graph edge (one way if its line is).  ``scipy.sparse.csgraph.dijkstra``
   runs from every snapped vertex.  The edge weight packs the duration in tenths of a second
   and the distance in metres into one exact float (``duration * 2**21 + distance``), so one
   search gives the fastest path *and* its length.
4. Legs between landmasses keep the boat model of :func:`~planner.travel.with_boats`, with
   the road legs to and from the harbours routed too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from planner.params import TravelParams
from planner.roads import RoadNetwork
from planner.travel import (
    EARTH_RADIUS_M,
    EstimateProvider,
    Harbour,
    MatrixProvider,
    TravelMatrices,
    TravelPoint,
    haversine_m,
    with_boats,
)

#: Connected road pieces with fewer vertices are digitising fragments, not a network.
MIN_COMPONENT_VERTICES = 20
#: Distance bits of the packed edge weight: paths up to 2,097 km; durations get 32 bits.
_DIST_SCALE = float(2**21)
#: Sources per Dijkstra call (rows of nodes x 8 bytes each are held at once).
_BATCH = 64

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _project(lon: FloatArray, lat: FloatArray, lat0: float) -> FloatArray:
    """Equirectangular metres around ``lat0``: exact enough for nearest-vertex search."""
    k = np.pi / 180 * EARTH_RADIUS_M
    return np.column_stack([lon * k * np.cos(np.radians(lat0)), lat * k])


if TYPE_CHECKING:
    from scipy.sparse import csr_matrix


class RoadProvider:
    """Shortest-time legs on a :class:`~planner.roads.RoadNetwork`; boats across water."""

    def __init__(self, network: RoadNetwork, params: TravelParams,
                 harbours: Sequence[Harbour] = ()) -> None:
        self.network = network
        self.params = params
        self.harbours = tuple(harbours)
        net = network
        speeds = np.array([float(params.road_speeds_kmh.get(c, 0.0)) for c in net.classes])
        self._line_speed = speeds[net.line_class] if len(speeds) else np.empty(0)
        driven = self._line_speed > 0
        starts, ends = net.line_start[:-1], net.line_start[1:]
        line_of_pos = np.repeat(np.arange(net.n_lines), ends - starts)
        self._pos_line = line_of_pos
        self._pos_driven = driven[line_of_pos]
        # segment p joins positions p and p + 1 of the same line
        seg = np.flatnonzero(np.diff(line_of_pos) == 0)
        seg = seg[self._pos_driven[seg]]
        self._seg = seg
        a, b = net.line_vertices[seg], net.line_vertices[seg + 1]
        self._seg_len_m = haversine_m(net.vertex_lon[a], net.vertex_lat[a],
                                      net.vertex_lon[b], net.vertex_lat[b])
        n_v = len(net.vertex_lon)
        # connected parts of the driven network, by vertex count
        # scipy (~30 MB) is loaded only where a road network is routed
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components
        from scipy.spatial import cKDTree

        graph = csr_matrix((np.ones(len(seg)), (a, b)), shape=(n_v, n_v))
        _, comp = connected_components(graph, directed=False)
        size = np.bincount(comp)
        used = np.zeros(n_v, dtype=bool)
        used[a] = used[b] = True
        self._snappable = np.flatnonzero(used & (size[comp] >= MIN_COMPONENT_VERTICES))
        self._lat0 = float(np.mean(net.vertex_lat)) if n_v else 0.0
        self._tree = cKDTree(_project(net.vertex_lon[self._snappable],
                                      net.vertex_lat[self._snappable], self._lat0)) \
            if len(self._snappable) else None
        # a vertex used more than once among driven line positions is a junction
        count = np.bincount(net.line_vertices[self._pos_driven], minlength=n_v)
        line_end = np.zeros(len(net.line_vertices), dtype=bool)
        line_end[starts] = line_end[ends - 1] = True
        self._junction_pos = line_end | (count[net.line_vertices] >= 2)

    def _snap(self, points: Sequence[TravelPoint]) -> tuple[IntArray, FloatArray]:
        lon = np.array([p.lon for p in points], dtype=np.float64)
        lat = np.array([p.lat for p in points], dtype=np.float64)
        if self._tree is None:
            return np.full(len(points), -1, dtype=np.int64), np.full(len(points), np.inf)
        _, idx = self._tree.query(_project(lon, lat, self._lat0))
        vertex = self._snappable[idx]
        net = self.network
        dist = haversine_m(lon, lat, net.vertex_lon[vertex], net.vertex_lat[vertex])
        return vertex.astype(np.int64), dist

    def network_counts(self, points: Sequence[TravelPoint]) -> dict[str, Any]:
        """``points_on_network``, ``points_off_network`` and ``max_access_m`` of ``points``
        and the harbours, as :meth:`matrices` reports them (for callers that route more
        points, such as boat landings, than they report on)."""
        _, access_m = self._snap([*points, *(TravelPoint(h.lon, h.lat) for h in self.harbours)])
        on_net = access_m <= self.params.max_snap_m
        return {"points_on_network": int(on_net.sum()),
                "points_off_network": int((~on_net).sum()),
                "max_access_m": round(float(access_m[on_net].max()), 1) if on_net.any()
                else None}

    def _graph(self, snapped: IntArray) -> tuple[csr_matrix, IntArray, int]:
        """The piece graph cut at junctions and at ``snapped``; vertex -> node; edge count."""
        from scipy.sparse import csr_matrix

        net = self.network
        n_v = len(net.vertex_lon)
        is_snapped = np.zeros(n_v, dtype=bool)
        is_snapped[snapped] = True
        cut = self._junction_pos | is_snapped[net.line_vertices]
        piece_of_pos = np.cumsum(cut) - 1
        seg = self._seg
        piece = piece_of_pos[seg]
        # pieces are numbered by position; keep the ones with driven segments
        uniq, inv = np.unique(piece, return_inverse=True)
        length = np.bincount(inv, weights=self._seg_len_m)
        speed_ms = self._line_speed[self._pos_line[seg]] / 3.6
        dur_ds = np.bincount(inv, weights=self._seg_len_m / speed_ms) * 10
        first = np.ones(len(seg), dtype=bool)
        first[1:] = piece[1:] != piece[:-1]
        last = np.ones(len(seg), dtype=bool)
        last[:-1] = piece[1:] != piece[:-1]
        u = net.line_vertices[seg[first]]
        v = net.line_vertices[seg[last] + 1]
        oneway = net.line_oneway[self._pos_line[seg[first]]]
        assert len(u) == len(uniq)
        weight = np.round(dur_ds) * _DIST_SCALE + np.maximum(np.round(length), 1.0)
        fwd, bwd = oneway >= 0, oneway <= 0
        src = np.concatenate([u[fwd], v[bwd]])
        dst = np.concatenate([v[fwd], u[bwd]])
        w = np.concatenate([weight[fwd], weight[bwd]])
        keep = src != dst
        src, dst, w = src[keep], dst[keep], w[keep]
        nodes, compact = np.unique(np.concatenate([src, dst, snapped]), return_inverse=True)
        node_of = np.full(n_v, -1, dtype=np.int64)
        node_of[nodes] = np.arange(len(nodes))
        s, d = compact[:len(src)], compact[len(src):2 * len(src)]
        # parallel edges: keep the cheapest (a sparse matrix would add them up)
        order = np.lexsort((w, d, s))
        s, d, w = s[order], d[order], w[order]
        first_arc = np.ones(len(s), dtype=bool)
        first_arc[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
        graph = csr_matrix((w[first_arc], (s[first_arc], d[first_arc])),
                           shape=(len(nodes), len(nodes)))
        return graph, node_of, int(first_arc.sum())

    def road_legs(self, points: Sequence[TravelPoint], *,
                  columns: Sequence[int] | None = None
                  ) -> tuple[FloatArray, FloatArray, dict[str, Any]]:
        """Road duration (s) and distance (m) between every pair, and how they were found.

        With ``columns``, only the legs *to* those points are routed (one search each, on the
        reversed graph); the other entries stay estimates.
        """
        from scipy.sparse.csgraph import dijkstra

        p = self.params
        n = len(points)
        vertex, access_m = self._snap(points)
        on_net = access_m <= p.max_snap_m
        est_dur, est_dist = EstimateProvider(p).road_legs(points)
        dur, dist = est_dur.copy(), est_dist.copy()
        routed_all = np.zeros((n, n), dtype=bool)
        edges = 0
        idx = np.flatnonzero(on_net)
        cols = idx if columns is None else np.array(
            [c for c in dict.fromkeys(columns) if on_net[c]], dtype=np.int64)
        if len(idx) and len(cols):
            graph, node_of, edges = self._graph(vertex[on_net])
            nodes = node_of[vertex[idx]]
            uniq, back = np.unique(nodes, return_inverse=True)
            if columns is None:  # rows: one search from each point
                col_back = back
                packed = np.empty((len(uniq), len(uniq)), dtype=np.float64)
                for k in range(0, len(uniq), _BATCH):
                    rows = dijkstra(graph, directed=True, indices=uniq[k:k + _BATCH])
                    packed[k:k + _BATCH] = rows[:, uniq]
            else:  # columns: one search back from each target
                targets, col_back = np.unique(node_of[vertex[cols]], return_inverse=True)
                reverse = graph.T.tocsr()
                packed = dijkstra(reverse, directed=True, indices=targets)[:, uniq].T
            reach = np.isfinite(packed)
            safe = np.where(reach, packed, 0.0)
            net_ds = np.floor(safe / _DIST_SCALE)
            net_dur = np.where(reach, net_ds / 10, np.inf)
            net_dist = np.where(reach, safe - net_ds * _DIST_SCALE, np.inf)
            acc_dist = access_m * p.detour_factor
            acc_dur = acc_dist / (p.access_speed_kmh / 3.6)
            sub_dur = acc_dur[idx][:, None] + net_dur[back][:, col_back] + acc_dur[cols][None, :]
            sub_dist = (acc_dist[idx][:, None] + net_dist[back][:, col_back]
                        + acc_dist[cols][None, :])
            block = np.ix_(idx, cols)
            routed = np.isfinite(sub_dur)
            dur[block] = np.where(routed, sub_dur, dur[block])
            dist[block] = np.where(routed, sub_dist, dist[block])
            routed_all[block] = routed
        land = np.array([pt.landmass for pt in points], dtype=np.int64)
        same = (land[:, None] == land[None, :]) & ~np.eye(n, dtype=bool)
        if columns is not None:
            wanted = np.zeros(n, dtype=bool)
            wanted[list(columns)] = True
            same &= wanted[None, :]
        pairs_estimated = int((same & ~routed_all).sum())
        info = {"points": n, "points_on_network": int(on_net.sum()),
                "points_off_network": int((~on_net).sum()),
                "max_access_m": round(float(access_m[on_net].max()), 1) if on_net.any()
                else None,
                "pairs_estimated": pairs_estimated, "graph_edges": edges}
        return dur, dist, info

    def legs_to(self, points: Sequence[TravelPoint], target: int
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Duration (s) and distance (m) from every point to ``points[target]`` (boats too).

        The same values as column ``target`` of :meth:`matrices`, for a search per target
        and harbour instead of one per point (the office's travel for the remote flag).
        """
        n = len(points)
        hb = [TravelPoint(h.lon, h.lat, h.landmass, "urban") for h in self.harbours]
        dur, dist, _ = self.road_legs([*points, *hb], columns=[target, *range(n, n + len(hb))])
        m = with_boats(points, self.harbours, self.params, dur[:n, :n], dist[:n, :n],
                       to_harbour=(dur[:n, n:], dist[:n, n:]),
                       from_harbour=(dur[n:, :n].T, dist[n:, :n].T), info={})
        return m.duration_s[:, target], m.distance_m[:, target]

    def matrices(self, points: Sequence[TravelPoint]) -> TravelMatrices:
        """See :class:`~planner.travel.MatrixProvider`."""
        p = self.params
        n = len(points)
        hb = [TravelPoint(h.lon, h.lat, h.landmass, "urban") for h in self.harbours]
        dur, dist, stats = self.road_legs([*points, *hb])
        net = self.network
        used = {c: float(p.road_speeds_kmh.get(c, 0.0)) for c in net.classes}
        info: dict[str, Any] = {
            "source": "roads", "file": net.source, "format": net.format,
            "lines": net.n_lines, "segments": net.n_segments,
            "speeds_kmh": {c: s for c, s in sorted(used.items()) if s > 0},
            "classes_not_driven": sorted(c for c, s in used.items() if s <= 0),
            "access_speed_kmh": p.access_speed_kmh, "detour_factor": p.detour_factor,
            "max_snap_m": p.max_snap_m, **stats, "points": n}
        return with_boats(points, self.harbours, p, dur[:n, :n], dist[:n, :n],
                          to_harbour=(dur[:n, n:], dist[:n, n:]),
                          from_harbour=(dur[n:, :n].T, dist[n:, :n].T), info=info)


def legs_to(provider: MatrixProvider, points: Sequence[TravelPoint], target: int
            ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Duration (s) and distance (m) from every point to ``points[target]``, by any provider.

    A :class:`RoadProvider` routes only these legs; other providers give their whole matrix.
    """
    if isinstance(provider, RoadProvider):
        return provider.legs_to(points, target)
    m = provider.matrices(points)
    return m.duration_s[:, target], m.distance_m[:, target]


def travel_provider(params: TravelParams, harbours: Sequence[Harbour] = (),
                    roads: RoadNetwork | None = None) -> MatrixProvider:
    """The provider ``[travel] provider`` asks for (``auto``: roads when given, else estimate).

    Raises :class:`~planner.errors.ParameterError` for ``provider = "roads"`` without a road
    network.
    """
    from planner.errors import ParameterError

    choice = params.provider
    if choice == "osrm":
        from planner.osrm import OsrmProvider

        return OsrmProvider(params, harbours)
    if choice == "roads" and roads is None:
        raise ParameterError.from_messages("parameter", [(
            "travel.provider", "provider = \"roads\" butuh berkas jalan (--roads atau roads di "
            "manifest.toml)", "provider = \"roads\" needs a road file (--roads or roads in "
            "manifest.toml)")])
    if choice in ("roads", "auto") and roads is not None:
        return RoadProvider(roads, params, harbours)
    return EstimateProvider(params, harbours)
