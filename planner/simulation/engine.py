"""Rolling weekly re-planning on a dataset: the planner against the manual rule.

Both policies start from the same backlog.  Each week, for every regency, a policy plans the
week from *its own* current backlog (the same :func:`~planner.workflow.build_week` instance:
teams, hours, travel, chunks), the visits happen in calendar order with seeded random turnout
(:mod:`planner.simulation.turnout`), the recordings lower the village backlog, and the next
week is planned from what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

import pandas as pd

from planner.checking import check_routes
from planner.covering import served_by
from planner.dataset import Dataset
from planner.errors import ParameterError, Problem, SolverError
from planner.instance import Instance
from planner.manual import ManualRule, plan_manual_routes
from planner.params import PlanningParams
from planner.problem import BuiltProblem
from planner.simulation.turnout import (
    TurnoutModel,
    draw_never_come,
    draw_turnout,
    recorded_at_visit,
)
from planner.solution import Solution
from planner.solver import solve
from planner.trips import fit_to_budget, team_bases
from planner.turnout_model import never_come_share, visit_rate
from planner.workflow import build_week, classify_dataset

#: The two policies compared, in the order they are reported.
POLICIES: tuple[str, str] = ("planner", "manual")
#: Villages with any of these flags are the priority the issue measures.
PRIORITY_FLAGS: tuple[str, ...] = ("remote", "border", "island")
#: The first Monday simulated unless told otherwise (dates only name the team-days).
FIRST_WEEK = date(2026, 11, 30)
#: A village this many minutes or more from its team's base (travel model) is *far*: the
#: ``far_cleared`` line counts the people recorded there.
FAR_MINUTES = 90


class SolveFn(Protocol):
    """The shape of :func:`planner.solver.solve` (and ``solve_isolated``)."""

    def __call__(self, instance: Instance, *, time_limit_s: float, seed: int,
                 solution_limit: int | None = None) -> Solution:
        """Solve ``instance`` within the limits."""
        ...


@dataclass(frozen=True)
class SimulationConfig:
    """How long, how random and how hard each policy plans."""

    weeks: int = 12
    seed: int = 0
    #: Wall-clock limit of each regency-week solve of the planner.
    time_limit_s: float = 5.0
    #: Deterministic solver mode (rounds instead of wall time) when set.
    solution_limit: int | None = None
    first_week: date = FIRST_WEEK
    turnout: TurnoutModel = field(default_factory=TurnoutModel)
    manual: ManualRule = field(default_factory=ManualRule)


@dataclass(frozen=True)
class VisitOutcome:
    """What happened at one planned stop."""

    policy: str
    week: int
    regency: str
    village_code: str
    vehicle_id: str
    #: This village's visit number within the week (1 = first); keys the random draws.
    visit_number: int
    priority: bool
    backlog_before: int
    planned: int
    came: int
    recorded: int
    #: Visits of the village before this one in the run (the repeat decay's exponent).
    earlier_visits: int = 0
    #: The village is :data:`FAR_MINUTES` or more from the visiting team's base.
    far: bool = False


@dataclass(frozen=True)
class WeekRow:
    """One policy's state at the end of a week (week 0: the start)."""

    week: int
    policy: str
    backlog_total: int
    backlog_priority: int
    recorded_total: int
    recorded_priority: int
    planned_total: int
    visits: int


@dataclass(frozen=True)
class SimulationResult:
    """Every week of both policies and every visit made."""

    regencies: tuple[str, ...]
    config: SimulationConfig
    rows: tuple[WeekRow, ...]
    visits: tuple[VisitOutcome, ...]
    #: policy -> village code -> backlog at the end.
    final_backlog: dict[str, dict[str, int]]
    #: Seconds spent in the planner's solves (wall time; not part of the deterministic output).
    solve_wall_s: float = 0.0

    def rows_of(self, policy: str) -> tuple[WeekRow, ...]:
        """Rows of one policy, week 0 first."""
        return tuple(r for r in self.rows if r.policy == policy)

    def cleared(self, policy: str) -> tuple[int, int]:
        """People recorded over the run: ``(remote/border/island, total)``."""
        mine = [v for v in self.visits if v.policy == policy]
        return (sum(v.recorded for v in mine if v.priority), sum(v.recorded for v in mine))

    def far_cleared(self, policy: str, week: int | None = None) -> int:
        """People recorded in villages :data:`FAR_MINUTES`+ from the team's base (in
        ``week`` only, when given)."""
        return sum(v.recorded for v in self.visits if v.policy == policy and v.far
                   and (week is None or v.week == week))


def resolve_regencies(dataset: Dataset, codes: Sequence[str]) -> tuple[str, ...]:
    """Regency codes to simulate: ``all`` (or nothing) means every regency with a team."""
    known = set(dataset.villages["kabupaten_kode"].astype(str))
    staffed = set(dataset.teams["kabupaten_kode"].astype(str))
    if not codes or "all" in codes:
        found = tuple(sorted(known & staffed))
        if not found:
            raise ParameterError([Problem("parameter", None, "regency",
                                          "tidak ada kabupaten/kota dengan tim",
                                          "no regency has a team (is the teams file given?)")])
        return found
    bad = [c for c in codes if c not in known]
    if bad:
        raise ParameterError([Problem("parameter", None, "regency",
                                      f"kabupaten/kota {c} tidak ada di data desa",
                                      f"regency {c} is not in the villages data") for c in bad])
    return tuple(dict.fromkeys(codes))


def _routes(policy: str, built: BuiltProblem, backlog: Mapping[str, int],
            config: SimulationConfig, solve_fn: SolveFn
            ) -> tuple[tuple[tuple[int, ...], ...], list[int]]:
    """The week's routes of ``policy`` within the budget, and each team-day's end (a tour
    day's night place: the solver's choice when it makes one)."""
    if policy == "planner":
        solution = solve_fn(built.instance, time_limit_s=config.time_limit_s,
                            seed=config.seed, solution_limit=config.solution_limit)
        routes, ends = solution.routes, getattr(solution, "ends", None)
    else:
        routes, ends = plan_manual_routes(built.instance, backlog, rule=config.manual), None
    # over the regency's weekly budget, both policies drop what is worth least per rupiah
    kept, end_locs, _ = fit_to_budget(built.instance, routes, ends)
    return tuple(tuple(r) for r in kept), end_locs


@dataclass(frozen=True)
class _Field:
    """The field's true turnout: people who never come per village, rate and decay."""

    never_come: Mapping[str, int]
    true_rate: float | None
    repeat_decay: float


def _field(params: PlanningParams, turnout: TurnoutModel, seed: int,
           start: Mapping[str, int]) -> _Field:
    """True values: those given, else what the planner assumes (none when its model is off)."""
    model = params.turnout
    ghosts = {}
    for code, backlog in start.items():
        share = turnout.never_come if turnout.never_come is not None else (
            never_come_share(code, model) if model.enabled else 0.0)
        ghosts[code] = draw_never_come(seed=seed, village_code=code, backlog=backlog,
                                       share=share)
    decay = turnout.repeat_decay if turnout.repeat_decay is not None else (
        model.repeat_decay if model.enabled else 1.0)
    return _Field(ghosts, turnout.true_rate, decay)


def _run_week(policy: str, week: int, built: BuiltProblem, state: dict[str, int],
              priority: set[str], config: SimulationConfig, solve_fn: SolveFn,
              field_: _Field, history: dict[str, int]) -> list[VisitOutcome]:
    inst = built.instance
    backlog = {code: state[code] for code in built.scores if code in state}
    routes, ends = _routes(policy, built, backlog, config, solve_fn)
    report = check_routes(inst, routes, ends=ends)
    if not report.ok:
        raise SolverError(f"{policy} routes break the rules in {built.regency} week {week}: "
                          + "; ".join(report.violations[:3]))
    stops = sorted(((inst.vehicles[k].date or "", k, pos, idx)
                    for k, route in enumerate(routes) for pos, idx in enumerate(route)))
    seen: dict[str, int] = {}
    out: list[VisitOutcome] = []
    bases = team_bases(inst)
    for _, k, _, idx in stops:
        visit = inst.visits[idx]
        base = bases[inst.vehicles[k].team_id]
        far = int(inst.duration_s[base, visit.location]) >= FAR_MINUTES * 60
        # a covering stop records each village it serves: each draws its own turnout,
        # planned at the people expected from it (issue 19)
        for j, (code, planned) in enumerate(served_by(visit)):
            seen[code] = seen.get(code, 0) + 1
            before = state[code]
            earlier = history.get(code, 0)
            score = built.scores[code]
            rate = field_.true_rate if field_.true_rate is not None else score.turnout_rate
            if j:  # neighbours come less the farther the venue: their rate falls by the
                # same share as their planned people (see planner.covering)
                rate *= min(1.0, planned / max(1, score.expected_recordings))
            came, _ = draw_turnout(seed=config.seed, week=week, village_code=code,
                                   visit_number=seen[code], remaining=before,
                                   rate=visit_rate(rate, earlier, field_.repeat_decay),
                                   model=config.turnout,
                                   never_come=field_.never_come.get(code, 0))
            recorded = recorded_at_visit(planned=planned, came=came, remaining=before)
            state[code] = before - recorded
            history[code] = earlier + 1
            out.append(VisitOutcome(policy, week, built.regency, code,
                                    inst.vehicles[k].vehicle_id, seen[code], code in priority,
                                    before, planned, came, recorded, earlier, far))
    return out


def _row(week: int, policy: str, state: Mapping[str, int], priority: set[str],
         visits: Sequence[VisitOutcome]) -> WeekRow:
    return WeekRow(week, policy, sum(state.values()),
                   sum(n for code, n in state.items() if code in priority),
                   sum(v.recorded for v in visits),
                   sum(v.recorded for v in visits if v.priority),
                   sum(v.planned for v in visits), len(visits))


@dataclass(frozen=True)
class SimulationStep:
    """Progress: the regency-week about to be planned (``index`` of ``total`` in the run)."""

    week: int
    weeks: int
    policy: str
    regency: str
    index: int
    total: int


def simulate(dataset: Dataset, params: PlanningParams, *, regencies: Sequence[str] = ("all",),
             config: SimulationConfig | None = None, solve_fn: SolveFn = solve,
             classified: pd.DataFrame | None = None,
             on_week: Callable[[WeekRow, WeekRow], None] | None = None,
             on_step: Callable[[SimulationStep], None] | None = None) -> SimulationResult:
    """Simulate ``config.weeks`` weeks of both policies on ``regencies`` of ``dataset``.

    ``solve_fn`` solves the planner's instances (in this process by default; pass
    :func:`planner.solver.solve_isolated` for a hard wall-clock limit).  ``on_week(planner,
    manual)`` is called with week 0 and after every week; ``on_step`` before each
    regency-week of each policy (progress).  Deterministic for a seed when
    ``config.solution_limit`` is set (the solver then stops on rounds, not on wall time).
    """
    config = config or SimulationConfig()
    if config.weeks < 0:
        raise ParameterError([Problem("parameter", None, "weeks", "jumlah minggu minimal 0",
                                      "weeks must be 0 or more")])
    codes = resolve_regencies(dataset, regencies)
    table = classified if classified is not None else classify_dataset(dataset, params)
    table = table[table["kabupaten_kode"].isin(codes)]
    flags = table[list(PRIORITY_FLAGS)].astype(bool).any(axis=1)
    priority = set(table.loc[flags, "kode"].astype(str))
    known = table[table["belum_rekam"].notna()]
    start = {str(k): int(n) for k, n in zip(known["kode"], known["belum_rekam"], strict=True)}
    states = {policy: dict(start) for policy in POLICIES}
    histories: dict[str, dict[str, int]] = {policy: {} for policy in POLICIES}
    field_ = _field(params, config.turnout, config.seed, start)
    rows: list[WeekRow] = [_row(0, p, states[p], priority, []) for p in POLICIES]
    if on_week:
        on_week(rows[0], rows[1])
    visits: list[VisitOutcome] = []
    solve_wall_s = 0.0

    def timed(instance: Instance, *, time_limit_s: float, seed: int,
              solution_limit: int | None = None) -> Solution:
        nonlocal solve_wall_s
        solution = solve_fn(instance, time_limit_s=time_limit_s, seed=seed,
                            solution_limit=solution_limit)
        solve_wall_s += solution.wall_s
        return solution

    step, total = 0, config.weeks * len(POLICIES) * len(codes)
    for week in range(1, config.weeks + 1):
        monday = config.first_week + timedelta(weeks=week - 1)
        pair: list[WeekRow] = []
        for policy in POLICIES:
            state = states[policy]
            # the planner knows each village's earlier visits (its repeat turnout)
            current = table.assign(
                belum_rekam=table["kode"].map(state).astype("Int64"),
                visits_before=table["kode"].map(histories[policy]).fillna(0).astype(int))
            done: list[VisitOutcome] = []
            for regency in codes:
                step += 1
                if on_step:
                    on_step(SimulationStep(week, config.weeks, policy, regency, step, total))
                # each policy decides its own trips: the planner's, or the office's rule
                built = build_week(dataset, current, regency=regency, week_start=monday,
                                   params=params, trip_rule=policy)
                done += _run_week(policy, week, built, state, priority, config, timed,
                                  field_, histories[policy])
            visits += done
            pair.append(_row(week, policy, state, priority, done))
        rows += pair
        if on_week:
            on_week(pair[0], pair[1])
    return SimulationResult(codes, config, tuple(rows), tuple(visits),
                            {p: dict(s) for p, s in states.items()}, solve_wall_s)
