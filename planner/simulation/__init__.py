"""Simulate weeks of field work: the planner against the manual rule offices use today.

:func:`simulate` runs rolling weekly re-planning with seeded random turnout (see
:mod:`planner.simulation.turnout`) and returns a :class:`SimulationResult`;
:mod:`planner.simulation.report` formats it and draws the plot.  ``docs/simulation.md``
explains the model and gives the Banten results.
"""

from __future__ import annotations

from planner.simulation.engine import (
    POLICIES,
    PRIORITY_FLAGS,
    SimulationConfig,
    SimulationResult,
    SimulationStep,
    SolveFn,
    VisitOutcome,
    WeekRow,
    resolve_regencies,
    simulate,
)
from planner.simulation.report import (
    HEADER,
    far_line,
    format_markdown,
    format_week,
    last_line,
    write_plot,
)
from planner.simulation.sensitivity import (
    SensitivityRow,
    format_sensitivity,
    run_sensitivity,
    sensitivity_row,
)
from planner.simulation.turnout import TurnoutModel, draw_turnout, recorded_at_visit

__all__ = [
    "HEADER",
    "POLICIES",
    "PRIORITY_FLAGS",
    "SensitivityRow",
    "SimulationConfig",
    "SimulationResult",
    "SimulationStep",
    "SolveFn",
    "TurnoutModel",
    "VisitOutcome",
    "WeekRow",
    "draw_turnout",
    "far_line",
    "format_markdown",
    "format_sensitivity",
    "format_week",
    "last_line",
    "recorded_at_visit",
    "resolve_regencies",
    "run_sensitivity",
    "sensitivity_row",
    "simulate",
    "write_plot",
]
