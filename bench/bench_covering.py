"""Covering stops (issue 19 §1): expected recordings per team-day with and without covering.

    python bench/bench_covering.py --time-limit 5 [--regency 36.01 ...] [--rounds 20]

For the sample regency (``sample_data``, its road network included) and every Banten
regency, the week of 2026-11-30 (Monday to Friday) is built twice, with the default
``[covering]`` and with ``enabled = false``, and each instance solved in this process with
the same seed and wall-time limit.  Printed per regency and configuration: visits in the
instance (covering candidates added), build seconds, expected recordings per team-day,
villages covered from a neighbour's stop, search CPU seconds, and, with ``--rounds N``, the
CPU seconds of a fixed number of search rounds (the deterministic mode), which shows the
search's cost per round independently of the wall-time limit.
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

from planner.dataset import Dataset, load_dataset, load_manifest
from planner.params import CoveringParams, PlanningParams
from planner.plan import decode_plan
from planner.solver import solve
from planner.workflow import build_week, classify_dataset

ROOT = Path(__file__).resolve().parents[1]
BANTEN = Path(os.environ.get("JEMPUT_BANTEN") or ROOT.parent / "shared" / "data" / "banten")
WEEK = date(2026, 11, 30)


def _sample() -> Dataset:
    manifest = load_manifest(ROOT / "sample_data")
    return load_dataset(**manifest)  # type: ignore[arg-type]


def _banten() -> Dataset:
    return load_dataset(villages=f"{BANTEN / 'banten.gpkg'}:villages",
                        backlog=str(BANTEN / "belum_rekam.csv"),
                        offices=str(BANTEN / "offices.csv"),
                        harbours=str(BANTEN / "harbours.csv"), teams=str(BANTEN / "teams.csv"),
                        neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")


def run(ds: Dataset, codes: list[str], *, limit: float, seed: int, rounds: int
        ) -> list[dict[str, object]]:
    """One row per (regency, covering on/off)."""
    base = PlanningParams()
    classified = classify_dataset(ds, base, regencies=codes)
    rows: list[dict[str, object]] = []
    for code in codes:
        for on in (False, True):
            params = replace(base, covering=CoveringParams(enabled=on))
            t0 = time.perf_counter()
            built = build_week(ds, classified, regency=code, week_start=WEEK, params=params)
            build_s = time.perf_counter() - t0
            inst = built.instance
            c0 = time.process_time()
            sol = solve(inst, time_limit_s=limit, seed=seed)
            cpu = time.process_time() - c0
            plan = decode_plan(inst, sol, built=built, params=params)
            days = plan.summary["team_days"]
            round_cpu = None
            if rounds:
                c0 = time.process_time()
                fixed = solve(inst, time_limit_s=600, seed=seed, solution_limit=rounds)
                round_cpu = time.process_time() - c0
                if fixed.wall_s >= 599:
                    print(f"  {code}: the {rounds} rounds hit the 600 s cap", flush=True)
            rows.append({"regency": code, "covering": on, "visits": len(inst.visits),
                         "covers": sum(1 for v in inst.visits if len(v.serves) > 1),
                         "build_s": build_s, "team_days": days,
                         "recordings": plan.summary["expected_recordings"],
                         "per_day": plan.summary["expected_recordings"] / max(1, days),
                         "covered": plan.summary.get("villages_covered", 0),
                         "cpu_s": cpu, "rounds_cpu_s": round_cpu})
            r = rows[-1]
            print(f"{code} covering={'on ' if on else 'off'} visits {r['visits']:4d} "
                  f"(covers {r['covers']:3d}) build {build_s:5.1f} s  per team-day "
                  f"{r['per_day']:6.1f}  covered {r['covered']:3d}  cpu {cpu:5.1f} s"
                  + (f"  {rounds} rounds cpu {round_cpu:5.1f} s" if round_cpu is not None
                     else ""), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=0,
                    help="also time this many deterministic search rounds")
    ap.add_argument("--regency", action="append", help="Banten regency code(s); default all")
    ap.add_argument("--no-sample", action="store_true")
    args = ap.parse_args()
    rows: list[dict[str, object]] = []
    if not args.no_sample:
        rows += run(_sample(), ["36.90"], limit=args.time_limit, seed=args.seed,
                    rounds=args.rounds)
    ds = _banten()
    codes = args.regency or sorted(ds.teams["kabupaten_kode"].unique())
    rows += run(ds, codes, limit=args.time_limit, seed=args.seed, rounds=args.rounds)
    print("\n| regency | visits off/on | per team-day off | on | change | covered | "
          "search CPU off/on (s) |" + (" rounds CPU off/on (s) |" if args.rounds else ""))
    print("|---|---|---|---|---|---|---|" + ("---|" if args.rounds else ""))
    tot = {False: [0, 0], True: [0, 0]}
    for off, on in zip(rows[::2], rows[1::2], strict=True):
        for r in (off, on):
            cov = bool(r["covering"])
            tot[cov][0] += int(str(r["recordings"]))
            tot[cov][1] += int(str(r["team_days"]))
        a, b = float(str(off["per_day"])), float(str(on["per_day"]))
        extra = (f" {float(str(off['rounds_cpu_s'])):.1f} / {float(str(on['rounds_cpu_s'])):.1f} |"
                 if args.rounds else "")
        print(f"| {off['regency']} | {off['visits']} / {on['visits']} | {a:.1f} | {b:.1f} | "
              f"{100 * (b - a) / a if a else 0:+.1f}% | {on['covered']} | "
              f"{float(str(off['cpu_s'])):.1f} / {float(str(on['cpu_s'])):.1f} |{extra}")
    a = tot[False][0] / max(1, tot[False][1])
    b = tot[True][0] / max(1, tot[True][1])
    print(f"| all | | {a:.1f} | {b:.1f} | {100 * (b - a) / a if a else 0:+.1f}% | | |"
          + (" |" if args.rounds else ""))


if __name__ == "__main__":
    main()
