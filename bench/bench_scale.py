"""Benchmark: ``planner inspect`` and a one-regency ``planner plan`` on a synthetic nation.

    python bench/bench_scale.py [--copies 1,16,54] [--layout grid|row] [--seed 0]
                                [--banten ../shared/data/banten] [--time-limit 5]
                                [--with-cache]

For each size, writes Banten copied ``copies`` times (see ``bench/nation.py``: 1,552
villages a copy, 54 copies = 83,808 villages) and runs, each as its own process:

* ``planner inspect --no-cache``: the whole classification (wall, CPU and peak memory);
* ``planner plan --no-cache`` of one regency (Kabupaten Serang's copy, islands and
  harbours): only that regency's land is classified;
* with ``--with-cache``, ``planner plan`` again after an ``inspect`` that kept the
  classification in a fresh cache.

Prints one line per size, the growth exponent of ``inspect`` wall and CPU time between the
two largest sizes, and, last, ``scale villages=<n> inspect_s=<x> peak_mb=<m>
plan_one_s=<y>`` of the largest size (``plan_one_s`` includes the time limit).  CPU seconds
are shown too: on a shared machine wall time mostly measures the neighbours' load.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nation import DEFAULT_BANTEN, make_nation

ROOT = Path(__file__).resolve().parents[1]
WEEK = "2026-12-07"


@dataclass(frozen=True)
class Run:
    """One command: wall seconds, CPU seconds (user + system), peak resident memory."""

    wall_s: float
    cpu_s: float
    peak_mb: float
    failure: str = ""


def run(args: list[str], env: dict[str, str]) -> Run:
    """Run ``python -m planner ARGS`` and measure it (the rusage of that process tree)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "planner", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    failure = ""
    if proc.returncode != 0:  # e.g. the solver killed for overrunning on a loaded machine
        failure = err.decode().strip().splitlines()[-1]
        print(f"planner {shlex.join(args)} failed: {failure}", flush=True)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, failure)


def one_size(banten: Path, copies: int, layout: str, seed: int, time_limit: float,
             work: Path, with_cache: bool) -> tuple[int, Run, Run, Run | None]:
    """Generate one nation and measure inspect, a cold plan and a plan from the cache."""
    data = work / f"{layout}{copies}"
    villages = make_nation(banten, data, copies, layout=layout, seed=seed)
    offices = pd.read_csv(data / "offices.csv", dtype={"kabupaten_kode": str})
    regency = next(c for c in offices["kabupaten_kode"] if c.endswith(".04"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JEMPUT_BOLA_CACHE": str(work / "cache")}
    plan = ["plan", "--data", str(data), "--regency", regency, "--week", WEEK,
            "--time-limit", str(time_limit), "--out", str(work / "plan.json")]
    inspect = run(["inspect", "--data", str(data), "--no-cache"], env)
    cold = run([*plan, "--no-cache"], env)
    cached = None
    if with_cache:
        run(["inspect", "--data", str(data)], env)  # keeps the classification
        cached = run(plan, env)
    shutil.rmtree(data)
    return villages, inspect, cold, cached


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at every size; print the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", default="1,16,54",
                        help="Comma-separated numbers of Banten copies (1,552 villages each).")
    parser.add_argument("--layout", choices=("grid", "row"), default="grid")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--banten", type=Path, default=DEFAULT_BANTEN)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--with-cache", action="store_true",
                        help="Also inspect keeping the classification, then plan from it.")
    args = parser.parse_args(argv)
    if not (args.banten / "banten.gpkg").is_file():
        print(f"Banten reference data not found at {args.banten}", file=sys.stderr)
        return 2
    print("command:", shlex.join([sys.executable, *sys.argv]), flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    sizes = [int(c) for c in args.copies.split(",")]
    results: list[tuple[int, Run, Run, Run | None]] = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        for copies in sizes:
            villages, inspect, cold, cached = one_size(args.banten, copies, args.layout,
                                                       args.seed, args.time_limit, Path(tmp),
                                                       args.with_cache)
            results.append((villages, inspect, cold, cached))
            line = (f"{args.layout} villages={villages} inspect wall {inspect.wall_s:.1f} s "
                    f"cpu {inspect.cpu_s:.1f} s peak {inspect.peak_mb:.0f} MB | plan one "
                    f"regency (limit {args.time_limit:g} s) cold wall {cold.wall_s:.1f} s cpu "
                    f"{cold.cpu_s:.1f} s peak {cold.peak_mb:.0f} MB")
            if cold.failure:
                line += " (solver failed)"
            if cached is not None:
                line += f", from cache wall {cached.wall_s:.1f} s cpu {cached.cpu_s:.1f} s"
            print(line, flush=True)
    if len(results) >= 2:
        (n1, a, _, _), (n2, b, _, _) = results[-2], results[-1]
        ratio = math.log(n2 / n1)
        print(f"growth exponent of inspect {n1}->{n2} villages: wall "
              f"{math.log(b.wall_s / a.wall_s) / ratio:.2f}, cpu "
              f"{math.log(b.cpu_s / a.cpu_s) / ratio:.2f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    n, inspect, cold, _ = results[-1]
    print(f"scale villages={n} inspect_s={inspect.wall_s:.1f} peak_mb={inspect.peak_mb:.0f} "
          f"plan_one_s={cold.wall_s:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
