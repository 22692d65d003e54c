"""Benchmark: import, validate and classify all 1,552 Banten villages with their counts.

    python bench/bench_import.py [--data ../shared/data/banten] [--runs 5]

Goal: under 5 s in total on a 2-core machine.  Prints the median and minimum of the runs
for reading (``load_dataset``: parse and validate every file) and for ``classify_villages``
separately, and of both together.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from pathlib import Path

# Runs from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.dataset import load_dataset
from planner.geography import classify_villages, summarize_geography

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banten"
GOAL_S = 5.0


def run_once(data: Path) -> tuple[float, float, int]:
    """Read and classify once; return (read seconds, classify seconds, villages)."""
    start = time.perf_counter()
    dataset = load_dataset(
        villages=f"{data / 'banten.gpkg'}:villages",
        backlog=str(data / "belum_rekam.csv"),
        offices=str(data / "offices.csv"),
        harbours=str(data / "harbours.csv"),
        teams=str(data / "teams.csv"),
        neighbours=f"{data / 'banten.gpkg'}:neighbour_regencies",
    )
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    classified = classify_villages(dataset.villages, dataset.offices,
                                   harbours=dataset.harbours, neighbours=dataset.neighbours,
                                   overrides=dataset.overrides)
    classify_s = time.perf_counter() - start
    return read_s, classify_s, len(classified)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when the median total misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.data / "banten.gpkg").is_file():
        print(f"Banten reference data not found at {args.data}", file=sys.stderr)
        return 2
    print("command:", shlex.join([sys.executable, *sys.argv]))
    reads, classes, totals = [], [], []
    villages = 0
    for _ in range(args.runs):
        read_s, classify_s, villages = run_once(args.data)
        reads.append(read_s)
        classes.append(classify_s)
        totals.append(read_s + classify_s)
    print(f"villages: {villages}, runs: {args.runs}")
    for name, values in (("read+validate", reads), ("classify", classes), ("total", totals)):
        print(f"{name:>14}: median {statistics.median(values):.3f} s, "
              f"min {min(values):.3f} s")
    # One summary so a regression in the classification shows up beside the timing.
    dataset = load_dataset(
        villages=f"{args.data / 'banten.gpkg'}:villages",
        backlog=str(args.data / "belum_rekam.csv"), offices=str(args.data / "offices.csv"),
        harbours=str(args.data / "harbours.csv"),
        neighbours=f"{args.data / 'banten.gpkg'}:neighbour_regencies")
    summary = summarize_geography(classify_villages(
        dataset.villages, dataset.offices, harbours=dataset.harbours,
        neighbours=dataset.neighbours))
    print(summary.to_frame().to_string(index=False))
    median_total = statistics.median(totals)
    verdict = "ok" if median_total < GOAL_S else "SLOWER THAN GOAL"
    print(f"goal < {GOAL_S:.0f} s: {verdict}")
    return 0 if median_total < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
