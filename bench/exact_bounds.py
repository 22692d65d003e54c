"""Proven upper bounds for benchmark instances, with OR-Tools CP-SAT.

``bench/listed_conventions.py`` shows that on a few instances every solver stops below the
listed best score, and that the listed score appears once distances are truncated.  That is
evidence; this script is the proof.  It models the instance exactly (one circuit per vehicle,
optional points as self-loops, at most one visit per point, the time budget and, for TOPTW,
the windows) on integer data rounded in the *relaxing* direction: every distance and service
time is multiplied by ``--scale`` and rounded down, every opening rounded down and every
closing time and budget rounded up.  Any plan feasible under the bench's convention (unrounded
Euclidean distances, 1e-6 tolerance) is then feasible in the model, so the model's optimum, or
CP-SAT's best bound when it stops early, bounds from above what any solver can score under
the bench's rules.  A bound below the listed score proves that score out of reach.

The best plan CP-SAT finds is re-scored exactly on floats (``score_exact``) and printed too;
when it scores the bound, the instance is solved to optimality under the bench's rules.

    python bench/exact_bounds.py --only p5.3.e,rc108/v1,p6.4.k --time-limit 600

The product never runs this: it is a benchmark tool (CP-SAT comes with ``ortools``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.instances as bi

DEFAULT = "p5.3.e,rc108/v1,p6.4.k"


@dataclass(frozen=True)
class Bound:
    """What CP-SAT proved about one instance."""

    key: str
    listed: float
    upper_bound: int
    best_plan: int  # exact re-score of CP-SAT's best plan (0 when none)
    optimal: bool
    seconds: float
    arcs: int


@dataclass(frozen=True)
class Relaxed:
    """Integer data of an instance rounded in the relaxing direction (nodes: start, visits,
    end; the end is a copy of the start on TOPTW)."""

    nodes: list[bi.Point]
    dist: np.ndarray  # distances x scale, rounded down
    short: np.ndarray  # shortest paths over ``dist``: the least time between two nodes
    budget: int
    opens: np.ndarray
    closes: np.ndarray
    services: np.ndarray
    prize: np.ndarray


def relaxed(parsed: bi.Parsed, scale: int) -> Relaxed:
    """``parsed`` on integers x ``scale``: distances, services and openings rounded down,
    closings and the budget up, so every plan feasible on floats stays feasible."""
    nodes = [parsed.depot_start, *parsed.points, parsed.depot_end]
    xy = np.array([[p.x, p.y] for p in nodes])
    dist = np.floor(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) * scale
                    ).astype(np.int64)
    # Rounded-down distances may break the triangle inequality by a unit or two, so pruning
    # uses shortest paths, never a single leg, as the least time to get anywhere.
    short = dist.copy()
    for via in range(len(nodes)):
        short = np.minimum(short, short[:, via:via + 1] + short[via:via + 1, :])
    budget = math.ceil(parsed.tmax * scale + 1e-9)
    opens = np.array([math.floor(p.open * scale) for p in nodes], dtype=np.int64)
    closes = np.array([budget if p.close == math.inf else math.ceil(p.close * scale + 1e-9)
                       for p in nodes], dtype=np.int64)
    services = np.array([math.floor(p.service * scale) for p in nodes], dtype=np.int64)
    prize = np.array([round(p.score) for p in nodes], dtype=np.int64)
    return Relaxed(nodes, dist, short, budget, opens, closes, services, prize)


def bound(case: bi.BenchCase, time_limit: float, scale: int, workers: int) -> Bound:
    """Solve ``case`` on relaxed integer data; return the bound and the exact best plan."""
    parsed = bi.parse_case(case)
    rel = relaxed(parsed, scale)
    n = len(rel.nodes)
    start, end = 0, n - 1
    visits = range(1, n - 1)
    dist, budget, services, score = (rel.dist.tolist(), rel.budget, rel.services.tolist(),
                                     rel.prize.tolist())
    windows = list(zip(rel.opens.tolist(), rel.closes.tolist(), strict=True))
    short = rel.short

    def earliest_leave(i: int) -> int:
        return max(windows[start][0] + int(short[start][i]), windows[i][0]) + services[i]

    def arc_possible(i: int, j: int) -> bool:
        if i in (j, end) or j == start or (i == start and j == end):
            return False
        t = earliest_leave(i) if i != start else windows[start][0]
        arrive = max(t + dist[i][j], windows[j][0])
        if arrive > windows[j][1]:
            return False
        return arrive + services[j] + int(short[j][end]) <= budget

    reachable = [i for i in visits if arc_possible(start, i) and arc_possible(i, end)]
    arcs = [(i, j) for i in [start, *reachable] for j in [*reachable, end]
            if arc_possible(i, j)]
    m = cp_model.CpModel()
    vehicles = range(case.vehicles)
    on: dict[tuple[int, int], cp_model.IntVar] = {}
    clocks: list[dict[int, cp_model.IntVar]] = []
    for k in vehicles:
        used = {i: m.new_bool_var(f"y{k}_{i}") for i in reachable}
        lits: list[tuple[int, int, cp_model.LiteralT]] = [(end, start, True)]
        clock = {i: m.new_int_var(windows[i][0], windows[i][1], f"t{k}_{i}")
                 for i in [start, *reachable, end]}
        clocks.append(clock)
        m.add(clock[start] == windows[start][0])
        m.add(clock[end] <= budget)
        for i in reachable:
            lits.append((i, i, ~used[i]))
            on[k, i] = used[i]
        lengths = []
        for i, j in arcs:
            x = m.new_bool_var(f"x{k}_{i}_{j}")
            lits.append((i, j, x))
            m.add(clock[j] >= clock[i] + services[i] + dist[i][j]).only_enforce_if(x)
            lengths.append((services[i] + dist[i][j]) * x)
        m.add_circuit(lits)
        # Travel and service without the waits: redundant with the clocks, but it gives the
        # linear relaxation a knapsack over the budget instead of big-M time constraints.
        m.add(sum(lengths) <= budget - windows[start][0])
    for i in reachable:
        m.add(sum(on[k, i] for k in vehicles) <= 1)
    prizes = [sum(score[i] * on[k, i] for i in reachable) for k in vehicles]
    for k in range(case.vehicles - 1):  # identical vehicles: order them by prize
        m.add(prizes[k] >= prizes[k + 1])
    m.maximize(sum(prizes))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    t0 = time.perf_counter()
    status = solver.solve(m)
    seconds = time.perf_counter() - t0
    best = 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        routes = []
        for k in vehicles:
            route = sorted((i for i in reachable if solver.value(on[k, i])),
                           key=lambda i, k=k: solver.value(clocks[k][i]))
            routes.append([i - 1 for i in route])
        prize, problems = bi.score_exact(parsed, routes)
        best = 0 if problems else round(prize)
    upper = math.floor(solver.best_objective_bound + 1e-6) if status != cp_model.INFEASIBLE else 0
    return Bound(case.key, case.listed_best, upper, best, status == cp_model.OPTIMAL, seconds,
                 len(arcs))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default=DEFAULT, help="comma-separated instance keys")
    ap.add_argument("--time-limit", type=float, default=600.0, help="seconds per instance")
    ap.add_argument("--scale", type=int, default=10_000,
                    help="distance units per file unit (rounded down: a relaxation)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    cases = {c.key: c for c in bi.list_cases()}
    print(f"{'instance':10} {'listed':>7} {'bound':>6} {'plan':>6} {'status':>9} "
          f"{'arcs':>6} {'s':>7}")
    for key in args.only.split(","):
        b = bound(cases[key], args.time_limit, args.scale, args.workers)
        status = "optimal" if b.optimal else "bound"
        print(f"{b.key:10} {b.listed:7.0f} {b.upper_bound:6d} {b.best_plan:6d} {status:>9} "
              f"{b.arcs:6d} {b.seconds:7.1f}", flush=True)
    print(f"scale {args.scale}, distances rounded down; CP-SAT, {args.workers} workers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
