"""TOP and TOPTW benchmark files → :class:`planner.instance.Instance`, and exact re-scoring.

The solver sees integer matrices: coordinates are Euclidean and unrounded, multiplied by
``SCALE`` and rounded so that an integer-feasible route is feasible on floats too (travel and
service rounded *up*, windows and time budgets rounded *inward*).  A result is then re-scored
exactly on floats with a 1e-6 tolerance (:func:`score_exact`): the integer score is never
trusted alone.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planner.instance import Instance, Location, Vehicle, Visit

SCALE = 1000
TOLERANCE = 1e-6
BENCH_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench"


@dataclass(frozen=True)
class Point:
    """One point of a benchmark file, in the file's own (float) units."""

    x: float
    y: float
    score: float = 0.0
    service: float = 0.0
    open: float = 0.0
    close: float = math.inf


@dataclass(frozen=True)
class BenchCase:
    """One benchmark instance with its vehicle count and listed best score."""

    family: str  # "top" | "toptw"
    name: str
    vehicles: int
    listed_best: float
    path: Path

    @property
    def key(self) -> str:
        """Unique label, e.g. ``p4.2.a`` or ``c101/v2``."""
        return self.name if self.family == "top" else f"{self.name}/v{self.vehicles}"


@dataclass(frozen=True)
class Parsed:
    """A parsed benchmark: float points, the time budget, and the integer instance."""

    case: BenchCase
    depot_start: Point
    depot_end: Point
    points: tuple[Point, ...]  # the visits, in visit-index order
    tmax: float
    instance: Instance


def list_cases(bench_dir: Path = BENCH_DIR) -> list[BenchCase]:
    """Every case of ``top/reference.csv`` and ``toptw/reference.csv`` whose file exists."""
    cases: list[BenchCase] = []
    for family in ("top", "toptw"):
        ref = bench_dir / family / "reference.csv"
        if not ref.exists():
            continue
        with ref.open(newline="") as fh:
            for row in csv.DictReader(fh):
                path = bench_dir / family / f"{row['instance']}.txt"
                if path.exists():
                    cases.append(BenchCase(family, row["instance"], int(row["vehicles"]),
                                           float(row["listed_best"]), path))
    return cases


def _euclid(a: Point, b: Point) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def _matrix(points: list[Point]) -> np.ndarray:
    xy = np.array([[p.x, p.y] for p in points], dtype=np.float64)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    # Round up with a hair of slack so float noise never makes ceil() round down.
    return np.ceil(d * SCALE - 1e-9).astype(np.int64)


def _build(case: BenchCase, start: Point, end: Point, visits: list[Point], tmax: float,
           same_depot: bool) -> Parsed:
    pts = [start, *visits] + ([] if same_depot else [end])
    mat = _matrix(pts)
    end_loc = 0 if same_depot else len(pts) - 1
    locations = tuple(
        Location(f"p{i}", kind="depot" if i in (0, end_loc) else "point") for i in range(len(pts))
    )
    vis = []
    for i, p in enumerate(visits):
        window = None
        if p.close != math.inf:
            window = (math.ceil(p.open * SCALE - 1e-9), math.floor(p.close * SCALE + 1e-9))
        vis.append(Visit(f"v{i + 1}", i + 1, round(p.score), math.ceil(p.service * SCALE - 1e-9),
                         0, time_window_s=window))
    shift_start = math.ceil(start.open * SCALE - 1e-9)
    shift_end = math.floor(tmax * SCALE + 1e-9)
    vehicles = tuple(
        Vehicle(f"k{k}", f"team{k}", 0, end_loc, shift_start, shift_end)
        for k in range(case.vehicles)
    )
    inst = Instance(case.key, locations, tuple(vis), vehicles, mat, mat,
                    meta={"family": case.family, "scale": SCALE})
    return Parsed(case, start, end, tuple(visits), tmax, inst)


def parse_top(case: BenchCase) -> Parsed:
    """Chao-Golden-Wasil TOP: first point start, last point end, ``tmax`` per path."""
    lines = [ln.split() for ln in case.path.read_text().splitlines() if ln.strip()]
    tmax = float(lines[2][1])
    pts = [Point(float(a[0]), float(a[1]), float(a[2])) for a in lines[3:]]
    return _build(case, pts[0], pts[-1], pts[1:-1], tmax, same_depot=False)


def parse_toptw(case: BenchCase) -> Parsed:
    """Righini-Salani / Montemanni-Gambardella TOPTW: point 0 depot, windows on service start."""
    lines = [ln.split() for ln in case.path.read_text().splitlines() if ln.strip()]
    n = int(lines[0][2])
    pts = []
    for a in lines[2:3 + n]:
        pts.append(Point(float(a[1]), float(a[2]), float(a[4]), float(a[3]),
                         float(a[-2]), float(a[-1])))
    depot = pts[0]
    return _build(case, depot, depot, pts[1:], depot.close, same_depot=True)


def parse_case(case: BenchCase) -> Parsed:
    """Parse a case of either family."""
    return parse_top(case) if case.family == "top" else parse_toptw(case)


def score_exact(parsed: Parsed, routes: list[list[int]] | tuple[tuple[int, ...], ...]
                ) -> tuple[float, list[str]]:
    """Prize of ``routes`` (visit indices) and every violation, recomputed on floats."""
    problems: list[str] = []
    seen: set[int] = set()
    prize = 0.0
    if len(routes) > parsed.case.vehicles:
        problems.append(f"{len(routes)} routes for {parsed.case.vehicles} vehicles")
    for r, route in enumerate(routes):
        if not route:  # an unused vehicle scores nothing and breaks nothing
            continue
        here = parsed.depot_start
        clock = parsed.depot_start.open
        for idx in route:
            if idx in seen or not 0 <= idx < len(parsed.points):
                problems.append(f"route {r}: visit {idx} repeated or unknown")
                continue
            seen.add(idx)
            p = parsed.points[idx]
            clock = max(clock + _euclid(here, p), p.open)
            if clock > p.close + TOLERANCE:
                problems.append(f"route {r}: visit {idx} starts at {clock:.6f} > {p.close}")
            clock += p.service
            here = p
            prize += p.score
        clock += _euclid(here, parsed.depot_end)
        if clock > parsed.tmax + TOLERANCE:
            problems.append(f"route {r}: ends at {clock:.6f} > {parsed.tmax}")
    return prize, problems
