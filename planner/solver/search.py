"""The search: a greedy first plan, then rounds of ruin-and-recreate and OR-Tools polishing.

Design (each ingredient measured in ``docs/benchmarks.md``):

1. *Construction*: :func:`insert_greedy` by prize density gives a plan in milliseconds.
2. *Ruin and recreate* (:mod:`planner.solver.lns`, numpy, hundreds of steps a second):
   remove a few related visits (or empty one route and re-seed it far out), 2-opt, re-insert
   by noisy prize density; simulated annealing on ``prize - travel / travel_per_prize``.
   A trajectory that has not beaten its own best for ``restart_stall`` of the time limit
   (and for ``restart_min_steps`` steps) starts again, reheated with its own cooling
   schedule, from the best plan so far (``restart_from``; one trajectory could sit in one
   basin for 98 % of a 10 s run, and a fresh greedy plan threw away every good route).
3. *OR-Tools polishing*: each round ends with a short OR-Tools greedy descent (relocate,
   exchange, cross, 2-opt, or-opt, make-active, swap-active...) from the loop's current plan,
   with drop penalties far above any travel (strictly prize first).  Guided local search on
   OR-Tools alone was measured clearly worse at 5-10 s (slow neighbourhoods on optional
   visits), tuned penalty scaling or not.
4. :class:`BestTracker` keeps the best plan by *our* objective (prize, then travel) among all
   plans either part passes through, each re-verified by :func:`check_routes`.
5. *Final pass*: greedy insertion of anything that still fits.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
)

from planner.checking import check_routes
from planner.instance import Instance
from planner.solution import ProgressCallback, Solution, SolveStatus
from planner.solver.chunks import canonical_chunks
from planner.solver.insertion import insert_greedy
from planner.solver.lns import LnsParams, RuinRecreate
from planner.solver.model import RoutingModel, build_model
from planner.solver.tours import budget_trim, default_ends, has_tours, run_tour_search
from planner.solver.tracking import BestTracker, Observer

Routes = tuple[tuple[int, ...], ...]
#: Where a restarted trajectory may start (see ``SearchConfig.restart_from``).
RESTART_FROM = ("greedy", "current", "best")

_OPERATORS_ON = (
    "use_relocate_and_make_active", "use_exchange_and_make_active", "use_extended_swap_active",
    "use_make_active", "use_swap_active", "use_make_inactive", "use_relocate_expensive_chain",
)


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the search (the defaults are the measured best; see docs/benchmarks.md)."""

    #: Penalty of a dropped visit for OR-Tools, in typical detours per average prize.
    penalty_factor: float = 10000.0
    #: Travel worth one prize unit in the ruin-and-recreate value, same unit.
    travel_factor: float = 100.0
    metaheuristic: str = "GREEDY_DESCENT"
    #: Operators switched on beyond OR-Tools' defaults.
    operators: tuple[str, ...] = ()
    #: Share of each round given to OR-Tools (the rest goes to ruin and recreate).
    ortools_share: float = 0.4
    #: Seconds per round (ruin-and-recreate segment followed by an OR-Tools segment).
    round_s: float = 0.5
    #: Steps per round in the deterministic ``solution_limit`` mode, for each part.
    steps_per_round: int = 60
    lns: LnsParams = field(default_factory=LnsParams)
    #: OR-Tools starts from the loop's current plan (else from the best plan).
    polish_current: bool = True
    #: Every this many rounds the loop restarts from the best plan (0 = never).
    reset_every: int = 0
    #: A trajectory that has not improved its own best for this share of the time limit
    #: (of the rounds in ``solution_limit`` mode) restarts with its own cooling schedule
    #: (from ``restart_from``); 0 = never.
    restart_stall: float = 0.2
    #: ...and only after at least this many ruin-and-recreate steps without improvement.
    restart_min_steps: int = 500
    #: What a restarted trajectory starts from: "greedy" (a new noisy greedy plan),
    #: "current" (the stalled plan, reheated) or "best" (the best plan so far, reheated).
    restart_from: str = "best"

    def __post_init__(self) -> None:
        if self.restart_from not in RESTART_FROM:
            raise ValueError(f"restart_from must be one of {', '.join(RESTART_FROM)}, "
                             f"not {self.restart_from!r}")


def penalty_per_prize(instance: Instance, factor: float) -> int:
    """Penalty per prize unit: ``factor`` typical detours per average prize."""
    prizes = [v.prize for v in instance.visits if v.prize > 0]
    if not prizes:
        return 1
    locs = np.unique([v.location for v in instance.visits])
    sub = instance.duration_s[np.ix_(locs, locs)].astype(np.float64)
    if len(locs) > 1:
        np.fill_diagonal(sub, np.inf)
        near = np.sort(sub, axis=1)[:, : min(5, len(locs) - 1)]
        detour = float(np.mean(near))
    else:
        detour = float(np.mean(instance.duration_s)) or 1.0
    return max(1, round(factor * max(detour, 1.0) / float(np.mean(prizes))))


def _params(config: SearchConfig, *, limit_s: float, solution_limit: int | None) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, config.metaheuristic)
    for name in config.operators:
        setattr(params.local_search_operators, name, 3)  # BOOL_TRUE
    params.time_limit.FromMilliseconds(max(1, int(limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    return params


def run_search(instance: Instance, *, time_limit_s: float, seed: int,
               solution_limit: int | None = None, progress: ProgressCallback | None = None,
               initial_routes: Sequence[Sequence[int]] | None = None,
               config: SearchConfig | None = None, observer: Any = None,
               initial_ends: Sequence[int] | None = None) -> Solution:
    """The search behind :func:`planner.solver.solve` with explicit knobs.

    ``observer(routes, elapsed_s, prize, travel_s, ends)`` gets each improving plan itself
    (used to stream plans out of a child process).  An instance with multi-day tours goes to
    :func:`~planner.solver.tours.run_tour_search` (night places searched with the routes);
    any other to :func:`core_search`, unchanged.
    """
    if has_tours(instance):
        return run_tour_search(instance, time_limit_s=time_limit_s, seed=seed,
                               solution_limit=solution_limit, progress=progress,
                               initial_routes=initial_routes, initial_ends=initial_ends,
                               config=config, observer=observer)
    ends = default_ends(instance)
    watch: Observer | None = None
    if observer is not None:
        def watch(routes: Routes, elapsed_s: float, prize: int, travel_s: int) -> None:
            observer(routes, elapsed_s, prize, travel_s, ends)
    return core_search(instance, time_limit_s=time_limit_s, seed=seed,
                       solution_limit=solution_limit, progress=progress,
                       initial_routes=initial_routes, config=config, observer=watch)


def core_search(instance: Instance, *, time_limit_s: float, seed: int,
                solution_limit: int | None = None, progress: ProgressCallback | None = None,
                initial_routes: Sequence[Sequence[int]] | None = None,
                config: SearchConfig | None = None, observer: Observer | None = None
                ) -> Solution:
    """The day search on fixed start and end locations (a tour's nights already chosen)."""
    cfg = config or SearchConfig()
    started = time.monotonic()
    deadline = started + time_limit_s
    repair = None
    if instance.budget_rp is not None:
        def repair(routes: Routes) -> Routes:
            return budget_trim(instance, routes)
    tracker = BestTracker(instance, progress, started, observer, repair)
    rng = random.Random(seed)
    n_veh = len(instance.vehicles)
    start: list[list[int]] = [[] for _ in range(n_veh)]
    if initial_routes is not None and check_routes(instance, initial_routes).ok:
        start = [list(r) for r in initial_routes]
        tracker.offer(start)
    greedy, pins_ok = insert_greedy(instance, start)
    if pins_ok:
        tracker.offer(greedy)
    if n_veh == 0 or not instance.visits:
        trivial = "ROUTING_OPTIMAL" if pins_ok else "ROUTING_INFEASIBLE"
        return _finish(instance, tracker, started, seed, trivial, 0)

    model = None
    if cfg.ortools_share > 0 or tracker.routes is None:
        model = build_model(instance,
                            penalty_per_prize=penalty_per_prize(instance, cfg.penalty_factor))
        model.routing.CloseModelWithParameters(_params(cfg, limit_s=1.0, solution_limit=None))
        model.routing.AddAtSolutionCallback(lambda: tracker.offer(model.current_routes()))
    lns = RuinRecreate(instance, rng, penalty_per_prize(instance, cfg.travel_factor), cfg.lns)
    det = solution_limit is not None
    rounds = solution_limit if det else None
    status_name = "ROUTING_NOT_SOLVED"
    done = 0
    current = tracker.routes
    # The trajectory's start (a share of the whole search) and when it last improved.
    traj_from = 0.0
    last_gain = 0.0
    last_best = -np.inf
    restarts = 0

    def elapsed_share() -> float:
        if det:
            return done / max(1, solution_limit or 1)
        return (time.monotonic() - started) / time_limit_s

    def trajectory_share() -> float:
        """How far the current trajectory is through its cooling (0..1)."""
        return (elapsed_share() - traj_from) / max(1e-9, 1.0 - traj_from)

    while (rounds is None or done < rounds) and time.monotonic() < deadline - 0.01:
        now = time.monotonic()
        round_end = min(deadline, now + cfg.round_s)
        lns_end = now + (round_end - now) * (1.0 - cfg.ortools_share)
        if cfg.reset_every and done % cfg.reset_every == cfg.reset_every - 1:
            current = tracker.routes
        share = elapsed_share()
        if lns.trajectory_best > last_best:
            last_best, last_gain = lns.trajectory_best, share
        if (cfg.restart_stall > 0 and current is not None
                and share - last_gain >= cfg.restart_stall
                and lns.steps - lns.improved_at >= cfg.restart_min_steps
                and share < 1.0 - cfg.restart_stall):
            if cfg.restart_from == "greedy":
                fresh, ok = insert_greedy(instance, [[] for _ in range(n_veh)], rng=rng,
                                          noise=1.0, tables=lns.tables,
                                          power=rng.choice(cfg.lns.powers))
            elif cfg.restart_from == "current" or tracker.routes is None:
                fresh, ok = current, True
            else:
                fresh, ok = tracker.routes, True
            if ok:
                tracker.offer(fresh)
                current = fresh
                lns.restart()
                restarts += 1
                traj_from, last_gain, last_best = share, share, -np.inf
        if current is not None:
            current = lns.run(current, until=deadline if det else lns_end,
                              max_steps=cfg.steps_per_round if det else None,
                              offer=tracker.offer, progress_of_time=trajectory_share)
        if model is not None and (cfg.ortools_share > 0 or tracker.routes is None):
            limit = max(0.05, (deadline if det else round_end) - time.monotonic())
            params = _params(cfg, limit_s=limit,
                             solution_limit=cfg.steps_per_round if det else None)
            from_routes = current if cfg.polish_current else tracker.routes
            status_name, polished = _run_round(model, params, from_routes)
            if polished is not None and (
                    current is None or lns.value(polished) >= lns.value(current)):
                current = polished
            current = current if current is not None else tracker.routes
            if current is not None:
                lns.note(current)
        done += 1
    if tracker.routes is not None:
        # a waiting first chunk is worth more than a visited later one of the same village
        tracker.offer(canonical_chunks(instance, tracker.routes))
        final, _ = insert_greedy(instance, tracker.routes)
        tracker.offer(final)
    return _finish(instance, tracker, started, seed, status_name, done, restarts)


def _run_round(model: RoutingModel, params: Any, routes: Routes | None
               ) -> tuple[str, Routes | None]:
    """One OR-Tools search from ``routes`` (or from scratch); its status and final routes."""
    routing = model.routing
    start = model.assignment_from(routes) if routes is not None else None
    if start is not None:
        found = routing.SolveFromAssignmentWithParameters(start, params)
    else:
        found = routing.SolveWithParameters(params)
    status = str(routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status()))
    return status, (model.routes_of(found) if found is not None else None)


def _finish(instance: Instance, tracker: BestTracker, started: float, seed: int,
            status_name: str, rounds: int, restarts: int = 0) -> Solution:
    wall = time.monotonic() - started
    if tracker.routes is None:
        status = (SolveStatus.INFEASIBLE if status_name == "ROUTING_INFEASIBLE"
                  else SolveStatus.NO_SOLUTION)
        empty = tuple(() for _ in instance.vehicles)
        return Solution(empty, status, wall_s=wall, seed=seed,
                        message=f"no plan found ({status_name})",
                        ends=default_ends(instance))
    report = check_routes(instance, tracker.routes)
    if not report.ok:  # never expected: the tracker only keeps clean plans
        return Solution(tracker.routes, SolveStatus.FAILED, report.prize, report.travel_s, wall,
                        tracker.first_feasible_s, tuple(tracker.history), seed,
                        "; ".join(report.violations), default_ends(instance))
    # OR-Tools' optimality is about its penalty-weighted cost, not our lexicographic
    # objective: only the trivial case (nothing to search) is reported optimal.
    status = SolveStatus.OPTIMAL if status_name == "ROUTING_OPTIMAL" and rounds == 0 \
        else SolveStatus.FEASIBLE
    return Solution(tracker.routes, status, report.prize, report.travel_s, wall,
                    tracker.first_feasible_s, tuple(tracker.history), seed,
                    f"{rounds} round(s), {restarts} restart(s); last OR-Tools status "
                    f"{status_name}", default_ends(instance))
