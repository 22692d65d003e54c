"""What it would take (issue 17 §2): the share of waiting villages a verified change reaches.

    python bench/bench_remedies.py --time-limit 10 --villages 20 [--regency sample 36.04 36.72]

For each regency (``sample`` = the sample regency 36.90; Banten codes read from
``$JEMPUT_BANTEN``) the week of 2026-11-30 is planned as the product plans it (default
hours, ``--time-limit`` seconds), then :func:`planner.remedies.remedies_for` looks for a
verified change for ``--villages`` waiting villages (the ones a change reaches first, as the
product picks them), each re-plan ``[remedies] time_limit_s`` long in its own process.  The
product gives at most 10 villages per plan and spends at most the plan's own search time on
them; the bench keeps that rate: ``--time-limit x ceil(villages / 10)`` seconds in all
(``--budget S`` gives more, to see what the budget costs).

Printed per regency: waiting villages, villages tried, verified by the change alone, by the
change and placing the village (the edit page), by an edit only (a village the search
missed), none found, and the seconds spent.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.dataset import Dataset, load_dataset, load_dataset_from_folder
from planner.params import PlanningParams, RemedyParams, SolverParams
from planner.plan import decode_plan
from planner.remedies import remedies_for
from planner.workflow import build_week, classify_dataset, solve_instance

ROOT = Path(__file__).resolve().parents[1]
BANTEN = Path(os.environ.get("JEMPUT_BANTEN") or ROOT.parent / "shared" / "data" / "banten")
WEEK = date(2026, 11, 30)


def _banten() -> Dataset:
    return load_dataset(villages=f"{BANTEN / 'banten.gpkg'}:villages",
                        backlog=str(BANTEN / "belum_rekam.csv"),
                        offices=str(BANTEN / "offices.csv"),
                        harbours=str(BANTEN / "harbours.csv"), teams=str(BANTEN / "teams.csv"),
                        neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")


def run(regency: str, dataset: Dataset, time_limit: float, villages: int,
        budget_s: float | None = None) -> dict[str, object]:
    """Plan the regency's week, then look for verified remedies; the counts."""
    params = replace(PlanningParams(), solver=SolverParams(time_limit_s=time_limit),
                     remedies=RemedyParams(villages=villages))
    built = build_week(dataset, classify_dataset(dataset, params, regencies=[regency]),
                       regency=regency, week_start=WEEK, params=params)
    solution = solve_instance(built.instance, params)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    waiting = [u for u in plan.unscheduled if u.reason.code != "no_backlog"]
    started = time.monotonic()
    found = remedies_for(plan, built, solution, params,
                         budget_s=budget_s or time_limit * math.ceil(villages / 10))
    spent = time.monotonic() - started
    tried = min(villages, len(waiting))
    kinds = [r.kind for r in found.values()]
    return {"regency": regency, "waiting": len(waiting), "tried": tried,
            "change": kinds.count("change"), "change_and_place": kinds.count("change_and_place"),
            "edit": kinds.count("edit"), "none": tried - len(found), "seconds": round(spent, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--villages", type=int, default=20)
    ap.add_argument("--regency", nargs="*", default=["sample", "36.04", "36.72"])
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds for all remedies (default: the product's rate)")
    args = ap.parse_args()
    banten = None
    print("regency  waiting tried change change+place edit none  share(change) "
          "share(any)  seconds")
    for code in args.regency:
        if code == "sample":
            ds, regency = load_dataset_from_folder(ROOT / "sample_data"), "36.90"
        else:
            if not BANTEN.exists():
                print(f"{code}: Banten data absent ({BANTEN})")
                continue
            banten = banten or _banten()
            ds, regency = banten, code
        row = run(regency, ds, args.time_limit, args.villages, args.budget)
        tried = max(1, int(row["tried"]))  # type: ignore[call-overload]
        ok = int(row["change"]) + int(row["change_and_place"]) + int(row["edit"])  # type: ignore[call-overload]
        print(f"{code:8} {row['waiting']:7} {row['tried']:5} {row['change']:6} "
              f"{row['change_and_place']:12} {row['edit']:4} {row['none']:4}  "
              f"{int(row['change']) / tried:12.0%} {ok / tried:10.0%}  {row['seconds']:7}",  # type: ignore[call-overload]
              flush=True)


if __name__ == "__main__":
    main()
