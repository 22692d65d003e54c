"""OPHS benchmark (issue 18): the Orienteering Problem with Hotel Selection, solved by the
product's solver as one multi-day tour.

    python bench/ophs.py --sets SET_1-2,SET_5-3 [--only N] --time-limit 10 [--jobs 2]

Each instance of ``/work/shared/bench/ophs`` (see its README) becomes an
:class:`~planner.instance.Instance`: one tour of ``D`` tour days, the vertices as optional
visits with their scores, every hotel as a night option of each day but the last, day 1
starting at H0 and day ``D`` ending at H1, each day's length limit as its shift.  Euclidean
distances are scaled by ``SCALE`` and rounded up (which keeps the triangle inequality); each
day's shift is ``(Td + SLACK) * SCALE`` rounded down, so a plan the solver keeps is within
``SLACK`` < ``TOLERANCE`` of ``Td`` on exact floats
(the README: the stored proven solutions of 40 SET1/SET2 instances exceed a trip limit by up
to 0.0028, and a tolerance of 3e-3 per trip accepts them all).

Every solution is re-checked here on exact floats by :func:`check_ophs`, written for this
bench and sharing no code with the solver or ``planner.checking``: hotel chain from H0 to H1,
each vertex at most once, each trip within ``Td + TOLERANCE``, total within
``Tmax + D * TOLERANCE``.  A solution that fails counts as infeasible and scores 0.  The gap is
``(reference - score) / reference`` in % over the instances with a reference score (proven
optima, and one best known: ``SET_9-7_TSP/berlin52-H11-T7-S3``).
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing as mp
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from planner.instance import Instance, Location, Vehicle, Visit

ROOT = Path("/work/shared/bench/ophs")
#: Integer units per unit of Euclidean length.
SCALE = 100_000
#: Slack added to every trip limit inside the solver (legs are rounded up, so the exact
#: length of a kept trip is at most its limit plus this).
SLACK = 2.5e-3
#: Allowed excess of a trip limit on exact floats (the README's 3e-3).
TOLERANCE = 3e-3


@dataclass(frozen=True)
class Ophs:
    """One OPHS instance as read from its file."""

    name: str
    n_hotels: int  # H + 2 (H0, H1, the extra hotels)
    trips: int
    tmax: float
    limits: tuple[float, ...]
    xy: tuple[tuple[float, float], ...]
    scores: tuple[int, ...]

    @property
    def n_vertices(self) -> int:
        return len(self.xy) - self.n_hotels


def parse_ophs(text: str, name: str = "") -> Ophs:
    """Parse the OPHS format (README: any whitespace, a trailing ``-----`` line ignored)."""
    lines = [ln.split() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln[0].startswith("---")]
    n, h, d = (int(float(x)) for x in lines[0][:3])
    tmax = float(lines[1][0])
    limits = tuple(float(x) for x in lines[2][:d])
    if len(limits) != d:
        raise ValueError(f"{name}: {len(limits)} trip limits for {d} trips")
    rows = lines[3:3 + n + h]
    if len(rows) != n + h:
        raise ValueError(f"{name}: {len(rows)} location lines, expected {n + h}")
    xy = tuple((float(r[0]), float(r[1])) for r in rows)
    scores = tuple(int(float(r[2])) for r in rows)
    return Ophs(name, h + 2, d, tmax, limits, xy, scores)


def to_instance(o: Ophs) -> Instance:
    """The OPHS instance as one tour of ``D`` days (see the module docstring)."""
    pts = np.array(o.xy, dtype=np.float64)
    exact = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
    dur = np.ceil(exact * SCALE).astype(np.int64)
    locations = tuple(Location(f"h{i}" if i < o.n_hotels else f"v{i}", float(x), float(y),
                               kind="depot" if i < o.n_hotels else "point")
                      for i, (x, y) in enumerate(o.xy))
    visits = tuple(Visit(f"v{i}", i, o.scores[i], 0, 0)
                   for i in range(o.n_hotels, len(o.xy)))
    hotels = tuple(range(o.n_hotels))
    vehicles = []
    for d in range(o.trips):
        last = d == o.trips - 1
        vehicles.append(Vehicle(
            f"trip{d + 1}", "tour", start_location=0, end_location=1 if last else 0,
            shift_start_s=0, shift_end_s=math.floor((o.limits[d] + SLACK) * SCALE),
            tour="tour", tour_day=d, night_options=None if last else hotels,
            max_nights_away=o.trips))
    return Instance(o.name, locations, visits, tuple(vehicles), dur, dur,
                    meta={"benchmark": "ophs"})


def check_ophs(o: Ophs, routes: list[list[int]], ends: list[int]) -> tuple[int, list[str]]:
    """Score of a solution on exact floats, and what is wrong with it (independent check).

    ``routes[d]`` are vertex indices of the file (``n_hotels ..``), ``ends[d]`` the hotel
    (file index) where trip ``d`` ends.
    """
    problems: list[str] = []
    if len(routes) != o.trips or len(ends) != o.trips:
        return 0, [f"{len(routes)} trips / {len(ends)} hotels for {o.trips} trips"]
    if ends[-1] != 1:
        problems.append(f"the last trip ends at hotel {ends[-1]}, not H1")
    seen: set[int] = set()
    here = 0
    total = 0.0
    for d, (route, end) in enumerate(zip(routes, ends, strict=True)):
        if not 0 <= end < o.n_hotels:
            problems.append(f"trip {d + 1} ends at {end}, not a hotel")
            continue
        length = 0.0
        pos = here
        for v in route:
            if not o.n_hotels <= v < len(o.xy):
                problems.append(f"trip {d + 1}: {v} is not a vertex")
                continue
            if v in seen:
                problems.append(f"vertex {v} visited twice")
            seen.add(v)
            length += math.dist(o.xy[pos], o.xy[v])
            pos = v
        length += math.dist(o.xy[pos], o.xy[end])
        if length > o.limits[d] + TOLERANCE:
            problems.append(f"trip {d + 1}: length {length:.6f} > limit {o.limits[d]}")
        total += length
        here = end
    if total > o.tmax + o.trips * TOLERANCE:
        problems.append(f"total length {total:.6f} > Tmax {o.tmax}")
    return sum(o.scores[v] for v in seen), problems


def references(root: Path = ROOT) -> dict[tuple[str, str], float]:
    """Reference scores by (set, instance) from ``reference.csv`` (rows with a value)."""
    out = {}
    with (root / "reference.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["reference_score"]:
                out[(row["set"], row["instance"])] = float(row["reference_score"])
    return out


def solve_one(task: tuple[str, str, float, int]) -> tuple[str, str, int, list[str], float]:
    """Solve one instance; returns (set, name, score, problems, wall s)."""
    set_name, name, limit, seed = task
    import planner.solver.search  # noqa: F401  (OR-Tools and the kernels load outside the clock)
    from planner.solver import solve

    o = parse_ophs((ROOT / "instances" / set_name / f"{name}.ophs").read_text(), name)
    inst = to_instance(o)
    started = time.monotonic()
    sol = solve(inst, time_limit_s=limit, seed=seed)
    wall = time.monotonic() - started
    routes = [[inst.visits[i].location for i in r] for r in sol.routes]
    ends = list(sol.ends) if sol.ends else [v.end_location for v in inst.vehicles]
    score, problems = check_ophs(o, routes, ends)
    if sol.status.value not in ("feasible", "optimal"):
        problems.append(f"solver status {sol.status.value}: {sol.message}")
    return set_name, name, (0 if problems else score), problems, wall


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="SET_1-2,SET_5-3",
                    help="comma-separated folders, or 'reference' for every set with a "
                         "reference score")
    ap.add_argument("--only", type=int, default=None, help="first N instances of each set")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--all", action="store_true",
                    help="also instances without a reference score (reported, not in gaps)")
    args = ap.parse_args(argv)
    refs = references()
    if args.sets == "reference":
        sets = sorted({s for s, _ in refs})
    else:
        sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    tasks = []
    for s in sets:
        names = sorted(p.stem for p in (ROOT / "instances" / s).glob("*.ophs"))
        if not args.all:
            names = [n for n in names if (s, n) in refs]
        if args.only is not None:
            names = names[:args.only]
        tasks += [(s, n, args.time_limit, args.seed) for n in names]
    print(f"{'set':12} {'instance':24} {'score':>6} {'ref':>6} {'gap%':>6} {'wall':>5}")
    gaps = []
    infeasible = 0
    pool = mp.get_context("spawn").Pool(args.jobs) if args.jobs > 1 \
        else None
    results = pool.imap(solve_one, tasks, chunksize=1) if pool is not None \
        else map(solve_one, tasks)
    for set_name, name, score, problems, wall in results:
        ref = refs.get((set_name, name))
        gap = None if ref is None or ref <= 0 else 100.0 * (ref - score) / ref
        if problems:
            infeasible += 1
        if gap is not None:
            gaps.append(gap)
        print(f"{set_name:12} {name:24} {score:6d} {ref if ref is not None else '-':>6} "
              f"{'-' if gap is None else f'{gap:6.2f}':>6} {wall:5.1f}"
              + (f"  INFEASIBLE: {'; '.join(problems[:2])}" if problems else ""), flush=True)
    if pool is not None:
        pool.close()
        pool.join()
    mean = statistics.mean(gaps) if gaps else 0.0
    worst = max(gaps) if gaps else 0.0
    print(f"ophs instances={len(gaps)} mean_gap={mean:.2f}% worst_gap={worst:.2f}% "
          f"infeasible={infeasible}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
