"""Does a one-vehicle TOPTW instance have a route scoring at least a threshold? An exact answer.

``bench/exact_bounds.py`` (CP-SAT) proves TOP optima, but on a single vehicle with wide
windows (rc108/v1) its circuit model's relaxation is far too weak.  This script answers the
narrower question that matters for the benchmark's reference, "can any route score
``--threshold`` or more?", with a label-setting search over partial routes:

* data rounded in the relaxing direction (distances and services x ``--scale`` rounded down,
  openings down, closings and the budget up), and "unreachable" judged on shortest paths,
  so every route feasible under the bench's convention survives;
* a label is (last point, departure time, prize, points visited or no longer reachable);
  one label dominates another at the same point when it leaves no later, has no less prize
  and has no fewer points still open (Feillet et al.'s elementary labelling);
* a label is dropped when its prize plus a fractional-knapsack bound on the points still
  open (each costs its service plus its cheapest way in; the budget left is the knapsack)
  cannot reach the threshold.

"none" proves that no route scores ``--threshold``: the optimum is at most threshold - 1.
Run with the listed score to test the reference, with the best known score + 1 to prove it
optimal::

    python bench/exact_optw.py rc108/v1 --threshold 298
    python bench/exact_optw.py rc108/v1 --threshold 289
"""

from __future__ import annotations

import argparse
import heapq
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.instances as bi
from bench.exact_bounds import relaxed


@dataclass(frozen=True)
class Answer:
    """The search's verdict for one threshold."""

    key: str
    threshold: int
    found: tuple[int, ...] | None  # a route (visit indices) reaching the threshold, if any
    labels: int
    seconds: float
    complete: bool  # False when the label limit stopped the search (no proof either way)


def search(case: bi.BenchCase, threshold: int, scale: int = 10_000,
           max_labels: int = 20_000_000, progress: bool = False) -> Answer:
    """Is there a route of ``case`` (one vehicle) scoring at least ``threshold``?"""
    if case.vehicles != 1 or case.family != "toptw":
        raise ValueError("one-vehicle TOPTW instances only")
    rel = relaxed(bi.parse_case(case), scale)
    n = len(rel.nodes) - 1  # node 0 is the depot (start and end); drop its end copy
    dist, short = rel.dist[:n, :n], rel.short[:n, :n]
    budget, opens, closes = rel.budget, rel.opens[:n], rel.closes[:n]
    service, prize = rel.services[:n], rel.prize[:n]
    # The latest departure from each point that still gets back to the depot in time.
    back = budget - short[:, 0]
    masked = dist + np.where(np.eye(n, dtype=bool), np.iinfo(np.int64).max // 4, 0)
    cost = service + masked.min(axis=0)  # service plus the cheapest way in
    order = [int(j) for j in np.argsort(-(prize / np.maximum(cost, 1)), kind="stable")
             if j != 0]
    bits = [1 << j for j in range(n)]
    prize_l, cost_l = prize.tolist(), cost.tolist()

    def knapsack(closed: int, room: int) -> float:
        total = 0.0
        for j in order:
            if closed & bits[j]:
                continue
            c = cost_l[j]
            if c <= room:
                total += prize_l[j]
                room -= c
            else:
                return total + prize_l[j] * room / c
        return total

    def closed_from(i: int, leave: int, closed: int) -> int:
        """``closed`` plus every point that can no longer be served in time from here."""
        arrive = np.maximum(leave + short[i], opens)
        late = (leave + short[i] > closes) | (arrive + service > back)
        for j in np.flatnonzero(late).tolist():
            closed |= bits[j]
        return closed

    t0 = time.perf_counter()
    start_closed = closed_from(0, int(opens[0]), 1)
    heap: list[tuple[int, int, int, int, int]] = [(int(opens[0]), 0, 0, 0, start_closed)]
    parents: list[tuple[int, int]] = [(-1, 0)]  # label id -> (parent id, point)
    kept: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    labels = 0
    next_report = 1_000_000
    dist_l = dist.tolist()
    opens_l, closes_l, service_l, back_l = (opens.tolist(), closes.tolist(), service.tolist(),
                                            back.tolist())
    while heap:
        leave, neg_prize, label_id, i, closed = heapq.heappop(heap)
        got = -neg_prize
        if any(t <= leave and p >= got and c & ~closed == 0 for t, p, c in kept[i]):
            continue
        kept[i].append((leave, got, closed))
        for j in range(1, n):
            if closed & bits[j]:
                continue
            arrive = leave + dist_l[i][j]
            if arrive > closes_l[j]:
                continue
            begin = max(arrive, opens_l[j])
            done = begin + service_l[j]
            if done > back_l[j]:
                continue
            new_prize = got + prize_l[j]
            labels += 1
            parents.append((label_id, j))
            if new_prize >= threshold:
                return Answer(case.key, threshold, _route(parents, len(parents) - 1), labels,
                              time.perf_counter() - t0, True)
            new_closed = closed_from(j, done, closed | bits[j])
            if new_prize + knapsack(new_closed, budget - done) < threshold:
                continue
            heapq.heappush(heap, (done, -new_prize, len(parents) - 1, j, new_closed))
        if progress and labels >= next_report:
            next_report += 1_000_000
            print(f"  {labels:,} labels, clock {leave / budget:.0%} of the budget, "
                  f"{len(heap):,} waiting", file=sys.stderr, flush=True)
        if labels > max_labels:
            return Answer(case.key, threshold, None, labels, time.perf_counter() - t0, False)
    return Answer(case.key, threshold, None, labels, time.perf_counter() - t0, True)


def _route(parents: list[tuple[int, int]], label_id: int) -> tuple[int, ...]:
    out = []
    while label_id > 0:
        label_id, point = parents[label_id]
        out.append(point - 1)  # node j is visit j - 1
    return tuple(reversed(out))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instance", help="a one-vehicle TOPTW key, e.g. rc108/v1")
    ap.add_argument("--threshold", type=int, required=True)
    ap.add_argument("--scale", type=int, default=10_000)
    ap.add_argument("--max-labels", type=int, default=20_000_000)
    args = ap.parse_args(argv)
    case = {c.key: c for c in bi.list_cases()}[args.instance]
    a = search(case, args.threshold, args.scale, args.max_labels, progress=True)
    if a.found is not None:
        score, problems = bi.score_exact(bi.parse_case(case), [list(a.found)])
        verdict = (f"found a route scoring >= {a.threshold} on the relaxed data; exact "
                   f"re-score {score:.0f}" + (f" ({problems[0]})" if problems else ""))
    elif a.complete:
        verdict = f"none: no route scores {a.threshold} or more (optimum <= {a.threshold - 1})"
    else:
        verdict = "label limit reached: no answer"
    print(f"{a.key}: {verdict}; {a.labels:,} labels, {a.seconds:.1f} s, scale {args.scale}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
