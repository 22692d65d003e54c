"""Solve a routing :class:`~planner.instance.Instance`: the only package that imports OR-Tools.

``solve`` runs in the calling process; ``solve_isolated`` runs the same search in its own
process, streams progress back and kills it from outside when it overruns its limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planner.instance import Instance
from planner.solution import ProgressCallback, Solution
from planner.solver.isolated import solve_isolated

if TYPE_CHECKING:
    from planner.solver.search import SearchConfig

__all__ = ["SearchConfig", "solve", "solve_isolated"]


def __getattr__(name: str) -> Any:
    # The search (OR-Tools and the compiled kernels, ~150 MB) is imported when first used,
    # so a process that only queues jobs or serves pages (the web processes) never loads it;
    # solve_isolated's forkserver preloads it for the solve processes.
    if name == "SearchConfig":
        from planner.solver.search import SearchConfig

        return SearchConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def solve(instance: Instance, *, time_limit_s: float, seed: int,
          solution_limit: int | None = None, progress: ProgressCallback | None = None,
          initial_routes: Sequence[Sequence[int]] | None = None,
          initial_ends: Sequence[int] | None = None) -> Solution:
    """Best plan found within ``time_limit_s`` seconds, in this process.

    ``solution_limit`` switches to the deterministic mode: the search stops after that many
    rounds (each a fixed number of OR-Tools solutions) instead of on wall time, so a fixed
    ``seed`` gives identical routes; ``time_limit_s`` still caps it.  ``progress(elapsed_s,
    prize, travel_s)`` is called at each improvement.  ``initial_routes`` (visit indices per
    vehicle) seed the search when they pass :func:`~planner.checking.check_routes`.  Every
    returned plan passed ``check_routes``; a plan that fails it is never ``FEASIBLE``.

    Multi-day tours (vehicles with ``tour``): the night places are searched with the routes;
    ``initial_ends`` (one location per vehicle) is the night choice to start from (default
    each vehicle's ``end_location``), and ``Solution.ends`` gives the chosen ones, to check
    with ``check_routes(instance, solution.routes, ends=solution.ends)``.
    """
    from planner.solver.search import run_search

    return run_search(instance, time_limit_s=time_limit_s, seed=seed,
                      solution_limit=solution_limit, progress=progress,
                      initial_routes=initial_routes, initial_ends=initial_ends)
