"""TOP / TOPTW benchmark: our solver against PyVRP, VROOM and the listed best scores.

    python bench/top_toptw.py --sample 60 --time-limit 10 --solvers project,pyvrp,vroom \\
        --jobs 2 --seed 0 [--full] [--csv results.csv]

Every solver gets the same integer instance (``bench/instances.py``) and the same wall-time
limit; every result is re-scored exactly on floats (1e-6 tolerance) and by ``check_routes``; a
result that fails either scores 0 and is flagged.  The reference of an instance is
``max(listed best, best peer score)``; the gap of a solver is ``(ref - score) / ref`` in %
(negative: better than every reference).  A second summary caps each listed score at the
optimum proven under the bench's own convention (``results/proven_optima.csv``, made by
``exact_bounds.py``), since no solver can score above it; both summaries are printed.

Fairness with ``--jobs 2``: each task (one instance, one solver) runs alone in a fresh worker
process, single-threaded (VROOM with ``nb_threads=1``); the tasks of all solvers are shuffled
together, so each solver shares the two cores with the same mix of co-runners.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.instances import BenchCase, list_cases, parse_case, score_exact
from planner.checking import check_routes

SOLVERS = ("project", "pyvrp", "vroom")
PEERS = ("pyvrp", "vroom")
#: Optima proven by ``bench/exact_bounds.py`` (status "optimal"), with the command.
PROVEN = Path(__file__).resolve().parent / "results" / "proven_optima.csv"


def run_task(task: tuple[BenchCase, str, float, int]) -> tuple[str, str, float, str, float]:
    """Solve one case with one solver; return (key, solver, exact score, problems, wall s)."""
    case, solver, limit, seed = task
    parsed = parse_case(case)
    inst = parsed.instance
    started = time.monotonic()
    try:
        if solver == "project":
            from planner.solver import solve

            routes = [list(r) for r in solve(inst, time_limit_s=limit, seed=seed).routes]
        elif solver == "pyvrp":
            from bench.peers import solve_pyvrp

            routes = solve_pyvrp(inst, time_limit_s=limit, seed=seed)
        else:
            from bench.peers import solve_vroom

            routes = solve_vroom(inst, time_limit_s=limit, seed=seed)
    except Exception as exc:  # a peer's failure is a result, not the end of the run
        return case.key, solver, 0.0, f"error: {exc}", time.monotonic() - started
    wall = time.monotonic() - started
    score, problems = score_exact(parsed, routes)
    report = check_routes(inst, routes)
    issues = list(problems) + list(report.violations)
    return case.key, solver, (0.0 if issues else score), "; ".join(issues[:3]), wall


def select(cases: list[BenchCase], sample: int | None, seed: int) -> list[BenchCase]:
    """A reproducible sample, split across TOP and TOPTW in proportion to their sizes."""
    if sample is None or sample >= len(cases):
        return cases
    rng = random.Random(seed)
    top = [c for c in cases if c.family == "top"]
    tw = [c for c in cases if c.family == "toptw"]
    n_top = round(sample * len(top) / len(cases))
    picked = rng.sample(top, n_top) + rng.sample(tw, sample - n_top)
    return sorted(picked, key=lambda c: (c.family, c.key))


def _fmt(x: float) -> str:
    return f"{x:7.2f}"


def proven_optima(path: Path = PROVEN) -> dict[str, float]:
    """Optima proven by ``bench/exact_bounds.py`` under the bench's convention, by instance."""
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {row["instance"]: float(row["proven_optimum"]) for row in csv.DictReader(fh)}


def report(cases: list[BenchCase], scores: dict[tuple[str, str], float],
           solvers: list[str], proven: dict[str, float] | None = None) -> list[str]:
    """The per-instance table and the gap summaries, as text lines.

    The first summary is the issue's: gap to max(listed best, best peer).  The second caps
    a listed score at the optimum proven under the bench's own convention (``proven``), since
    no solver can score above it; it is printed beside the first, never instead of it.
    """
    proven = proven or {}
    lines = ["instance      listed " + " ".join(f"{s:>8}" for s in solvers) + "      ref"]
    gaps: dict[tuple[str, str], list[float]] = {}
    capped: dict[tuple[str, str], list[float]] = {}
    for c in cases:
        peer = max([scores.get((c.key, p), 0.0) for p in PEERS if p in solvers] + [0.0])
        ref = max(c.listed_best, peer)
        reachable = max(min(c.listed_best, proven.get(c.key, c.listed_best)), peer)
        row = f"{c.key:12} {c.listed_best:7.0f} " + " ".join(
            f"{scores.get((c.key, s), float('nan')):8.0f}" for s in solvers) + f" {ref:8.0f}"
        lines.append(row + (f"  (proven optimum {proven[c.key]:.0f})" if c.key in proven else ""))
        for s in solvers:
            score = scores.get((c.key, s), 0.0)
            for table, r in ((gaps, ref), (capped, reachable)):
                gap = 0.0 if r <= 0 else 100.0 * (r - score) / r
                for fam in (c.family, "all"):
                    table.setdefault((fam, s), []).append(gap)
    titles = [(gaps, "max(listed best, best peer)")]
    if any(c.key in proven for c in cases):
        titles.append((capped, "max(listed capped by proven optimum, best peer)"))
    for table, title in titles:
        lines.append("")
        lines.append(f"gap % vs {title}".ljust(39) + "   mean   worst  (n)")
        for fam in ("top", "toptw", "all"):
            for s in solvers:
                g = table.get((fam, s))
                if g:
                    lines.append(f"{fam:6} {s:8}                        "
                                 f"{_fmt(statistics.mean(g))} {_fmt(max(g))}  ({len(g)})")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--full", action="store_true", help="every instance (overrides --sample)")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--solvers", default="project,pyvrp,vroom")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default="", help="comma-separated instance keys")
    ap.add_argument("--csv", type=Path, default=None, help="write raw results here")
    ap.add_argument("--resume", type=Path, default=None,
                    help="JSON-lines file: results are appended as they finish, and tasks "
                         "already in it (same solver, instance, time limit, seed) are not run "
                         "again, so a long --full run can span several sittings")
    args = ap.parse_args(argv)
    solvers = [s for s in args.solvers.split(",") if s]
    unknown = set(solvers) - set(SOLVERS)
    if unknown:
        ap.error(f"unknown solvers: {sorted(unknown)}")
    cases = list_cases()
    if args.only:
        keys = set(args.only.split(","))
        cases = [c for c in cases if c.key in keys]
    else:
        cases = select(cases, None if args.full else args.sample, args.seed)
    tasks = [(c, s, args.time_limit, args.seed) for c in cases for s in solvers]
    random.Random(args.seed).shuffle(tasks)
    scores: dict[tuple[str, str], float] = {}
    if args.resume is not None and args.resume.exists():
        for line in args.resume.read_text().splitlines():
            row = json.loads(line)
            if row["time_limit_s"] == args.time_limit and row["seed"] == args.seed:
                scores[(row["instance"], row["solver"])] = row["score"]
        tasks = [t for t in tasks if (t[0].key, t[1]) not in scores]
        print(f"# resumed {len(scores)} results from {args.resume}; {len(tasks)} to run",
              flush=True)
    ctx = mp.get_context("spawn")
    with ctx.Pool(args.jobs, maxtasksperchild=1) as pool:
        for key, solver, score, issues, wall in pool.imap_unordered(run_task, tasks):
            scores[(key, solver)] = score
            flag = f"  !! {issues}" if issues else ""
            print(f"# {key:12} {solver:8} {score:8.0f} {wall:6.1f}s{flag}", flush=True)
            if args.resume is not None:
                with args.resume.open("a") as fh:
                    fh.write(json.dumps({"instance": key, "solver": solver, "score": score,
                                         "issues": issues, "wall_s": round(wall, 2),
                                         "time_limit_s": args.time_limit,
                                         "seed": args.seed}) + "\n")
    if args.csv is not None:
        with args.csv.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["instance", "listed_best", *solvers])
            for c in cases:
                w.writerow([c.key, c.listed_best, *(scores.get((c.key, s)) for s in solvers)])
    print("\n".join(report(cases, scores, solvers, proven_optima())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
