"""Plan several regencies' week at once, in parallel solver processes (no queue needed).

The classification is computed once for all of them (and cached when a cache is given);
each regency's problem is built in this process and solved in its own process
(:func:`planner.solver.solve_isolated`), ``jobs`` at a time.  A regency that fails (no
feasible plan, bad data) is reported with the reason; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date

from planner.classify_cache import ClassificationCache
from planner.dataset import Dataset
from planner.errors import PlannerError
from planner.params import PlanningParams
from planner.plan import Plan, decode_plan
from planner.remedies import add_remedies
from planner.solution import SolveStatus
from planner.workflow import build_week, classify_dataset, solve_instance


@dataclass(frozen=True)
class RegencyOutcome:
    """One regency of a fan-out: its plan, or why there is none."""

    regency: str
    plan: Plan | None
    error: str = ""
    wall_s: float = 0.0


def plan_regencies(dataset: Dataset, params: PlanningParams, regencies: Sequence[str], *,
                   week_start: date, jobs: int = 2, first_day: date | None = None,
                   cache: ClassificationCache | None = None,
                   on_done: Callable[[RegencyOutcome, int, int], None] | None = None
                   ) -> list[RegencyOutcome]:
    """Plan ``regencies`` for ``week_start``, ``jobs`` solves at a time; outcomes by code.

    ``on_done(outcome, finished, total)`` is called as each regency ends (progress).
    """
    import time

    classified = classify_dataset(dataset, params, cache=cache)

    def one(code: str) -> RegencyOutcome:
        started = time.monotonic()
        try:
            built = build_week(dataset, classified, regency=code, week_start=week_start,
                               params=params, first_day=first_day)
            solution = solve_instance(built.instance, params)
            if solution.status not in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL):
                return RegencyOutcome(code, None, solution.message or solution.status.value,
                                      time.monotonic() - started)
            result = add_remedies(decode_plan(built.instance, solution, built=built,
                                              params=params), built, solution, params)
        except PlannerError as exc:
            return RegencyOutcome(code, None, str(exc), time.monotonic() - started)
        return RegencyOutcome(code, result, "", time.monotonic() - started)

    outcomes: dict[str, RegencyOutcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, code) for code in regencies]
        for finished, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            outcomes[outcome.regency] = outcome
            if on_done is not None:
                on_done(outcome, finished, len(futures))
    return [outcomes[code] for code in regencies]
