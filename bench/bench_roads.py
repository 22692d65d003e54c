"""Benchmark: the travel matrix of 600 stops routed on a ~200,000-segment road network.

    python bench/bench_roads.py [--stops 600] [--segments 200000] [--shape-points 6] [--runs 3]
                                [--pbf]

Goal: under 10 s.  The network is synthetic and seeded: junctions on a jittered square grid
over 80 x 80 km, each street between neighbouring junctions drawn as a line with
``--shape-points`` intermediate vertices (as road lines are digitised), about one street in
ten missing; classes mixed (arterial, collector, local, track), some streets one way.
``--segments`` counts the straight segments between consecutive vertices, i.e. what the file
holds.  ``--shape-points 0`` makes every vertex a junction: the graph is then as large as the
file (the hardest case).  Prints the medians of ``--runs`` runs of building the provider
(components and KD-tree) and of the matrix (snapping, graph, Dijkstra, boats), with CPU times
beside the wall times: on a shared machine the wall time is mostly waiting.  ``--pbf`` also
writes the network as an OpenStreetMap ``.osm.pbf`` (highway classes) into a temporary folder
and times reading it back with :func:`planner.roads.read_roads`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# Runs from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.params import TravelParams
from planner.road_travel import RoadProvider
from planner.roads import RoadNetwork, read_roads
from planner.travel import TravelPoint

GOAL_S = 10.0
CLASSES = ("jalan arteri", "jalan kolektor", "jalan lokal", "track")
SPAN_DEG = 0.72  # ~80 km


def synthetic_network(segments: int, shape_points: int, seed: int = 7) -> RoadNetwork:
    """Jittered grid streets, each a line of ``shape_points + 1`` segments."""
    rng = np.random.default_rng(seed)
    per_line = shape_points + 1
    lines_wanted = segments / per_line / 0.9
    side = int(np.ceil(np.sqrt(lines_wanted / 2))) + 1
    step = SPAN_DEG / side
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    jx = 105.0 + gx.ravel() * step + rng.uniform(-0.3, 0.3, side * side) * step
    jy = -7.0 + gy.ravel() * step + rng.uniform(-0.3, 0.3, side * side) * step
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.uniform(size=len(a)) > 0.1
    a, b = a[keep], b[keep]
    n_lines = len(a)
    t = np.linspace(0, 1, per_line + 1)[1:-1]
    wobble = rng.normal(0, 0.08 * step, (n_lines, len(t), 2))
    shape_x = jx[a][:, None] + t[None, :] * (jx[b] - jx[a])[:, None] + wobble[..., 0]
    shape_y = jy[a][:, None] + t[None, :] * (jy[b] - jy[a])[:, None] + wobble[..., 1]
    n_j = side * side
    shape_ids = n_j + np.arange(n_lines * len(t)).reshape(n_lines, len(t))
    vertex_lon = np.concatenate([jx, shape_x.ravel()])
    vertex_lat = np.concatenate([jy, shape_y.ravel()])
    line_vertices = np.column_stack([a, shape_ids, b]).ravel()
    line_class = rng.choice(len(CLASSES), n_lines, p=[0.1, 0.2, 0.6, 0.1])
    oneway = np.where(rng.uniform(size=n_lines) < 0.05, 1, 0).astype(np.int8)
    return RoadNetwork(
        vertex_lon=vertex_lon, vertex_lat=vertex_lat,
        line_start=np.arange(0, n_lines * (per_line + 1) + 1, per_line + 1, dtype=np.int64),
        line_vertices=line_vertices.astype(np.int64), line_class=line_class.astype(np.int64),
        line_oneway=oneway, classes=CLASSES, source="synthetic", format="lines")


def write_pbf(network: RoadNetwork, path: Path) -> None:
    """The network as an OpenStreetMap extract (node ids = vertex index + 1)."""
    import osmium

    highway = {"jalan arteri": "primary", "jalan kolektor": "secondary",
               "jalan lokal": "residential", "track": "track"}
    with osmium.SimpleWriter(str(path)) as writer:
        for v, (x, y) in enumerate(zip(network.vertex_lon, network.vertex_lat, strict=True)):
            writer.add_node(osmium.osm.mutable.Node(id=v + 1, location=(float(x), float(y))))
        for k in range(network.n_lines):
            ids = network.line_vertices[network.line_start[k]:network.line_start[k + 1]] + 1
            tags = {"highway": highway[network.classes[network.line_class[k]]]}
            if network.line_oneway[k]:
                tags["oneway"] = "yes"
            writer.add_way(osmium.osm.mutable.Way(id=k + 1, nodes=[int(i) for i in ids],
                                                  tags=tags))


def stops(n: int, seed: int = 11) -> list[TravelPoint]:
    """``n`` stops scattered over the network's area, some up to ~1 km off the streets."""
    rng = np.random.default_rng(seed)
    lon = 105.0 + rng.uniform(0.02, SPAN_DEG - 0.02, n)
    lat = -7.0 + rng.uniform(0.02, SPAN_DEG - 0.02, n)
    return [TravelPoint(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]


def run_once(network: RoadNetwork, points: list[TravelPoint]) -> dict[str, float]:
    """Build the provider and the matrix once; wall and CPU seconds of each step."""
    w0, c0 = time.perf_counter(), time.process_time()
    provider = RoadProvider(network, TravelParams())
    w1, c1 = time.perf_counter(), time.process_time()
    m = provider.matrices(points)
    w2, c2 = time.perf_counter(), time.process_time()
    assert m.info["pairs_estimated"] == 0, m.info
    return {"init_wall": w1 - w0, "init_cpu": c1 - c0, "matrix_wall": w2 - w1,
            "matrix_cpu": c2 - c1, "total_wall": w2 - w0, "total_cpu": c2 - c0,
            "graph_edges": float(m.info["graph_edges"])}


def main() -> None:
    """Print the medians of a few runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=600)
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--shape-points", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pbf", action="store_true", help="also time reading it from .osm.pbf")
    args = parser.parse_args()
    network = synthetic_network(args.segments, args.shape_points)
    if args.pbf:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "synthetic.osm.pbf"
            write_pbf(network, path)
            reads, cpus = [], []
            for _ in range(args.runs):
                start, cpu = time.perf_counter(), time.process_time()
                read, _ = read_roads(str(path))
                reads.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            print(f"read .osm.pbf ({path.stat().st_size / 1e6:.1f} MB, {read.n_lines:,} ways, "
                  f"{read.n_segments:,} segments): median wall {statistics.median(reads):.2f} s"
                  f"  cpu {statistics.median(cpus):.2f} s")
    points = stops(args.stops)
    runs = [run_once(network, points) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"network: {network.n_lines:,} lines, {network.n_segments:,} segments, "
          f"{len(network.vertex_lon):,} vertices; routable graph {int(med['graph_edges']):,} "
          f"directed edges; {len(points)} stops; {args.runs} runs")
    print(f"provider build  median wall {med['init_wall']:.2f} s  cpu {med['init_cpu']:.2f} s")
    print(f"matrix          median wall {med['matrix_wall']:.2f} s  "
          f"cpu {med['matrix_cpu']:.2f} s")
    print(f"total           median wall {med['total_wall']:.2f} s  cpu {med['total_cpu']:.2f} s"
          f"  (goal < {GOAL_S:.0f} s: {'met' if med['total_wall'] < GOAL_S else 'NOT met'})")


if __name__ == "__main__":
    main()
