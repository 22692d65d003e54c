"""Sensitivity: the planner against the manual rule when the field's true turnout differs
from the rate both plan with (issue 19 §2).

Each run is a whole :func:`~planner.simulation.engine.simulate` with
``TurnoutModel.true_rate`` set (the share that never comes and the repeat decay stay as
configured); the plans keep using ``[service] turnout_rate``, so a true rate of 0.4 means
that every plan counted on more people than come, and 0.8 on fewer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from planner.dataset import Dataset
from planner.params import PlanningParams
from planner.simulation.engine import (
    SimulationConfig,
    SimulationResult,
    SimulationStep,
    SolveFn,
    simulate,
)
from planner.solver import solve

#: True turnout rates of a sensitivity run unless told (the plans assume 0.6 by default).
DEFAULT_TRUE_RATES: tuple[float, ...] = (0.4, 0.8)


@dataclass(frozen=True)
class SensitivityRow:
    """Cleared over a run at one true turnout rate."""

    true_rate: float
    planned_rate: float
    planner_priority: int
    manual_priority: int
    planner_total: int
    manual_total: int

    @property
    def priority_gain(self) -> float:
        """Planner over manual on remote/border/island villages (1.25 = 25 % more)."""
        return self.planner_priority / self.manual_priority if self.manual_priority else 0.0

    @property
    def total_gain(self) -> float:
        """Planner over manual in all villages."""
        return self.planner_total / self.manual_total if self.manual_total else 0.0


def sensitivity_row(result: SimulationResult, planned_rate: float) -> SensitivityRow:
    """The row of one finished run."""
    p_rbi, p_all = result.cleared("planner")
    m_rbi, m_all = result.cleared("manual")
    true = result.config.turnout.true_rate
    return SensitivityRow(planned_rate if true is None else true, planned_rate,
                          p_rbi, m_rbi, p_all, m_all)


def run_sensitivity(dataset: Dataset, params: PlanningParams, *,
                    true_rates: Sequence[float] = DEFAULT_TRUE_RATES,
                    regencies: Sequence[str] = ("all",), config: SimulationConfig | None = None,
                    solve_fn: SolveFn = solve, classified: pd.DataFrame | None = None,
                    on_step: Callable[[SimulationStep], None] | None = None
                    ) -> list[SensitivityRow]:
    """One simulation per true turnout rate, the plans keeping ``params``' rate."""
    config = config or SimulationConfig()
    rows = []
    for rate in true_rates:
        run = replace(config, turnout=replace(config.turnout, true_rate=float(rate)))
        result = simulate(dataset, params, regencies=regencies, config=run, solve_fn=solve_fn,
                          classified=classified, on_step=on_step)
        rows.append(sensitivity_row(result, params.service.turnout_rate))
    return rows


def format_sensitivity(rows: Sequence[SensitivityRow]) -> str:
    """One line per true rate: ``sensitivity true_turnout=0.40 planned=0.60 ...``."""
    return "\n".join(
        f"sensitivity true_turnout={r.true_rate:.2f} planned={r.planned_rate:.2f} "
        f"remote_border_island_cleared planner={r.planner_priority} "
        f"manual={r.manual_priority} ({r.priority_gain:.3f}x) total_cleared "
        f"planner={r.planner_total} manual={r.manual_total} ({r.total_gain:.3f}x)"
        for r in rows)
