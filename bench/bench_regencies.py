"""Every Banten regency, a 6-day week: the project against PyVRP and VROOM.

    python bench/bench_regencies.py --time-limit 30 --jobs 2 [--regency 36.04 ...]
        [--all-within 60]

Each regency's instance is exported exactly as the product builds it (teams.csv, default
hours, Monday to Saturday) and solved by the project (``planner.solver.solve`` in a worker
process), PyVRP and VROOM (``bench/regency_peers.py``) at the same wall-time budget; all
three are scored by ``check_routes`` on the same instance (a peer's route carrying two
chunks of one village is repaired by dropping the less valuable chunk; repairs are counted).
With ``--jobs 2`` two solves run side by side; tasks of all solvers are shuffled together so
each shares the cores with the same mix.  ``--all-within S`` then plans all regencies with
the project alone, both cores, each regency getting ``2 x S / regencies`` seconds, and reports
the total wall time: the "all 8 regencies within 60 s" figure.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.checking import check_routes
from planner.dataset import load_dataset
from planner.instance import Instance
from planner.instance_io import instance_from_dict, instance_to_dict
from planner.params import PlanningParams, ShiftParams
from planner.workflow import build_week, classify_dataset

BANTEN = Path(os.environ.get("JEMPUT_BANTEN")
              or Path(__file__).resolve().parents[2] / "shared" / "data" / "banten")
WEEK = date(2026, 11, 30)


def build_instances(regencies: list[str] | None) -> dict[str, Instance]:
    """The product's instances for a 6-day week of each regency."""
    ds = load_dataset(villages=f"{BANTEN / 'banten.gpkg'}:villages",
                      backlog=str(BANTEN / "belum_rekam.csv"),
                      offices=str(BANTEN / "offices.csv"), harbours=str(BANTEN / "harbours.csv"),
                      teams=str(BANTEN / "teams.csv"),
                      neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")
    params = replace(PlanningParams(), shift=ShiftParams(workdays=(1, 2, 3, 4, 5, 6)))
    classified = classify_dataset(ds, params)
    codes = regencies or sorted(ds.teams["kabupaten_kode"].unique())
    return {code: build_week(ds, classified, regency=code, week_start=WEEK,
                             params=params).instance for code in codes}


def run_task(task: tuple[str, dict[str, object], str, float, int]
             ) -> tuple[str, str, int, float | None, float, int, str]:
    """One solve: (regency, solver, prize, first feasible s, wall s, repaired, problems)."""
    code, data, solver, limit, seed = task
    inst = instance_from_dict(data)
    started = time.monotonic()
    first: float | None = None
    repaired = 0
    if solver == "project":
        from planner.solver import solve  # the pool worker is already its own process

        sol = solve(inst, time_limit_s=limit, seed=seed)
        routes = [list(r) for r in sol.routes]
        first = sol.first_feasible_s
    else:
        from bench.regency_peers import repair_groups, solve_pyvrp_regency, solve_vroom_regency

        peer = solve_pyvrp_regency if solver == "pyvrp" else solve_vroom_regency
        routes, repaired = repair_groups(inst, peer(inst, time_limit_s=limit, seed=seed))
    wall = time.monotonic() - started
    report = check_routes(inst, routes)
    prize = report.prize if report.ok else 0
    return code, solver, prize, first, wall, repaired, "; ".join(report.violations[:2])


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print one row per regency."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--regency", action="append")
    ap.add_argument("--solvers", default="project,pyvrp,vroom")
    ap.add_argument("--all-within", type=float, default=None)
    args = ap.parse_args(argv)
    if not BANTEN.exists():
        print(f"Banten data not found at {BANTEN}")
        return 2
    print("command: python bench/bench_regencies.py " + " ".join(argv or sys.argv[1:]))
    instances = build_instances(args.regency)
    solvers = args.solvers.split(",")
    tasks = [(code, instance_to_dict(inst), s, args.time_limit, args.seed)
             for code, inst in instances.items() for s in solvers]
    random.Random(args.seed).shuffle(tasks)
    ctx = mp.get_context("spawn")
    with ctx.Pool(args.jobs, maxtasksperchild=1) as pool:
        results = pool.map(run_task, tasks, chunksize=1)
    table = {(r[0], r[1]): r for r in results}
    print(f"\n{'regency':<8} {'visits':>6} {'veh':>4} " + " ".join(f"{s:>10}" for s in solvers)
          + "  project-vs-best-peer  first-feasible-s  repaired")
    wins = 0
    for code, inst in instances.items():
        prizes = {s: table[(code, s)][2] for s in solvers}
        peers = [prizes[s] for s in solvers if s != "project"]
        best_peer = max(peers) if peers else 0
        delta = (prizes.get("project", 0) - best_peer) / best_peer * 100 if best_peer else 0.0
        wins += prizes.get("project", 0) >= best_peer
        first = table.get((code, "project"), (None,) * 4)[3]
        rep = ",".join(f"{s}:{table[(code, s)][5]}" for s in solvers if s != "project")
        print(f"{code:<8} {len(inst.visits):>6} {len(inst.vehicles):>4} "
              + " ".join(f"{prizes[s]:>10}" for s in solvers)
              + f"  {delta:>+19.2f}%  {first if first is None else round(first, 2)!s:>16}"
              + f"  {rep}")
        for s in solvers:
            if table[(code, s)][6]:
                print(f"   ! {s}: {table[(code, s)][6]}")
    if len(solvers) > 1 and "project" in solvers:
        print(f"\nproject >= best peer on {wins}/{len(instances)} regencies "
              f"(at {args.time_limit:g} s each, {args.jobs} side by side)")
    if args.all_within:
        per = 2 * args.all_within / len(instances) - 3.0  # leave room for process start-up
        tasks2 = [(c, instance_to_dict(i), "project", per, args.seed)
                  for c, i in instances.items()]
        started = time.monotonic()
        with ctx.Pool(2, maxtasksperchild=1) as pool:
            res2 = pool.map(run_task, tasks2, chunksize=1)
        total = time.monotonic() - started
        firsts = [r[3] for r in res2 if r[3] is not None]
        print(f"all {len(instances)} regencies, project only, 2 cores, {per:.1f} s each: "
              f"{total:.1f} s wall; prizes " + " ".join(f"{r[0]}={r[2]}" for r in res2)
              + f"; first feasible median {statistics.median(firsts):.2f} s, "
              f"max {max(firsts):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
