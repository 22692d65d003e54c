"""Multi-day trips (issue 18): the planner against the manual rule, and trips on vs off.

    python bench/bench_trips.py banten --weeks 12 --seeds 0,7 --time-limit 2 [--regency ..]
    python bench/bench_trips.py island --time-limit 5 [--seeds 0,1,2]

``banten`` simulates the Banten regencies (``planner.simulation.simulate``: each policy
plans each week from its own backlog; the planner chooses its trips and routes, the manual
rule its own trips and routes, see ``docs/simulation.md``) and prints, per week, the people
recorded in villages 90+ minutes from the team's base (``far_cleared``) by both, then the
ratios planner / manual of the remote/border/island and total recordings over the run and
the weeks in which the planner's far recordings lead.

``island`` plans one week of the island-heavy test regency
(``tests.factories.island_regency``) with ``[trips] enabled`` true and false and prints the
island and total recordings of each.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.dataset import load_dataset
from planner.params import PlanningParams, load_params
from planner.problem import build_problem
from planner.simulation import SimulationConfig, far_line, last_line, simulate
from planner.solver import solve
from planner.trips import fit_to_budget
from planner.workflow import classify_dataset

BANTEN = Path(os.environ.get("JEMPUT_BANTEN")
              or Path(__file__).resolve().parents[2] / "shared" / "data" / "banten")


def banten(args: argparse.Namespace) -> int:
    """The 12-week simulation of every Banten regency, per seed."""
    ds = load_dataset(villages=f"{BANTEN / 'banten.gpkg'}:villages",
                      backlog=str(BANTEN / "belum_rekam.csv"),
                      offices=str(BANTEN / "offices.csv"), harbours=str(BANTEN / "harbours.csv"),
                      teams=str(BANTEN / "teams.csv"),
                      neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")
    params = load_params(args.params) if args.params else PlanningParams()
    classified = classify_dataset(ds, params)
    for seed in [int(s) for s in args.seeds.split(",")]:
        started = time.monotonic()
        config = SimulationConfig(weeks=args.weeks, seed=seed, time_limit_s=args.time_limit)
        result = simulate(ds, params, regencies=args.regency or ("all",), config=config,
                          classified=classified)
        print(f"\nseed {seed}: {args.weeks} weeks, {len(result.regencies)} regencies, "
              f"{time.monotonic() - started:.0f} s wall")
        print(f"{'week':>4} {'far_planner':>11} {'far_manual':>10} {'rbi_planner':>11} "
              f"{'rbi_manual':>10} {'rec_planner':>11} {'rec_manual':>10}")
        lead = 0
        for week in range(1, args.weeks + 1):
            fp, fm = result.far_cleared("planner", week), result.far_cleared("manual", week)
            lead += fp > fm
            rows = {r.policy: r for r in result.rows if r.week == week}
            print(f"{week:>4} {fp:>11} {fm:>10} {rows['planner'].recorded_priority:>11} "
                  f"{rows['manual'].recorded_priority:>10} {rows['planner'].recorded_total:>11} "
                  f"{rows['manual'].recorded_total:>10}")
        p_rbi, p_all = result.cleared("planner")
        m_rbi, m_all = result.cleared("manual")
        print(f"seed {seed}: remote/border/island ratio {p_rbi / max(1, m_rbi):.2f}, total "
              f"ratio {p_all / max(1, m_all):.2f}, far lead {lead}/{args.weeks} weeks")
        print(far_line(result))
        print(last_line(result))
    return 0


def island(args: argparse.Namespace) -> int:
    """One week of the island-heavy test regency, trips on and off."""
    from tests.factories import REGENCY, island_regency

    for seed in [int(s) for s in args.seeds.split(",")]:
        data = island_regency(seed)
        out = {}
        for enabled in (True, False):
            base = PlanningParams()
            params = replace(base, trips=replace(base.trips, enabled=enabled))
            built = build_problem(data["villages"], teams=data["teams"],
                                  offices=data["offices"], harbours=data["harbours"],
                                  regency=REGENCY, week_start=date(2026, 11, 30), params=params)
            solution = solve(built.instance, time_limit_s=args.time_limit, seed=0)
            routes, _, _ = fit_to_budget(built.instance, solution.routes, solution.ends)
            visits = [built.instance.visits[i] for r in routes for i in r]
            isl = sum(v.demand for v in visits
                      if bool(built.villages.loc[v.village_code, "island"]))
            out[enabled] = (isl, sum(v.demand for v in visits), len(built.trips))
        (i1, t1, n1), (i0, t0, _) = out[True], out[False]
        print(f"island seed {seed}: trips on island={i1} total={t1} trips={n1}; off "
              f"island={i0} total={t0}; island ratio {i1 / max(1, i0):.2f}, total ratio "
              f"{t1 / max(1, t0):.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one of the two benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("which", choices=("banten", "island"))
    ap.add_argument("--weeks", type=int, default=12)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--time-limit", type=float, default=2.0)
    ap.add_argument("--regency", action="append")
    ap.add_argument("--params", help="parameters TOML (default: the product's defaults)")
    args = ap.parse_args(argv)
    print("command: python bench/bench_trips.py " + " ".join(argv or sys.argv[1:]))
    if args.which == "banten":
        if not BANTEN.exists():
            print(f"Banten data not found at {BANTEN}")
            return 2
        return banten(args)
    return island(args)


if __name__ == "__main__":
    sys.exit(main())
