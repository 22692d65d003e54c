"""What a solver returns: routes as visit indices per vehicle, plus how the search went."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class SolveStatus(Enum):
    """Our own status names; solver-specific statuses are mapped onto these."""

    #: A plan was found and the search stopped at its limit (time, solutions or rounds).
    FEASIBLE = "feasible"
    #: The search proved it cannot do better (rare for routing).
    OPTIMAL = "optimal"
    #: No plan satisfies the hard constraints (e.g. a pin that cannot be kept).
    INFEASIBLE = "infeasible"
    #: The limit passed before any plan was found.
    NO_SOLUTION = "no_solution"
    #: The solver process crashed or was killed.
    FAILED = "failed"


#: ``progress(elapsed_s, prize, travel_s)`` is called whenever a better plan is found.
ProgressCallback = Callable[[float, int, int], None]


@dataclass(frozen=True)
class Solution:
    """Routes (visit indices, in order, one tuple per vehicle) and search statistics."""

    routes: tuple[tuple[int, ...], ...]
    status: SolveStatus
    prize: int = 0
    travel_s: int = 0
    wall_s: float = 0.0
    first_feasible_s: float | None = None
    #: ``(elapsed_s, prize, travel_s)`` at each improvement.
    progress: tuple[tuple[float, int, int], ...] = ()
    seed: int = 0
    message: str = ""
    #: Each vehicle's chosen end location (a tour day's night place; else its
    #: ``end_location``), as checked by ``check_routes(..., ends=solution.ends)``; empty when
    #: the solver gave none (then the vehicles' ``end_location`` hold).
    ends: tuple[int, ...] = ()
