"""The simulation's field follows the turnout model, with true rates that may differ."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.dataset import Dataset, load_dataset_from_folder
from planner.params import PlanningParams, TripParams
from planner.simulation import (
    SimulationConfig,
    TurnoutModel,
    draw_turnout,
    format_sensitivity,
    run_sensitivity,
    simulate,
)
from planner.simulation.turnout import draw_never_come
from planner.workflow import classify_dataset
from tests.factories import simple_turnout

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
# the time limit only caps the deterministic mode (rounds): far above what it takes
FAST = SimulationConfig(weeks=2, seed=5, time_limit_s=120, solution_limit=1)
# day trips only: these tests are about the simulation itself, and the tour search's fixed
# amount of work (``solution_limit``) takes tens of seconds a week; trips in the simulation
# are tested in tests/test_trips.py
DAY_TRIPS_TOML = Path(__file__).resolve().parent.parent / "docs" / "examples" / "day_trips.toml"
DAY_TRIPS = replace(PlanningParams(), trips=TripParams(enabled=False))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The sample regency as shipped."""
    return load_dataset_from_folder(SAMPLE)


@pytest.fixture(scope="module")
def classified(dataset: Dataset) -> pd.DataFrame:
    """Its villages, classified with default parameters."""
    return classify_dataset(dataset, DAY_TRIPS)


def test_people_who_never_come_never_come():
    """With the whole pool gone nobody comes, however often the village is visited."""
    model = TurnoutModel()
    for visit in range(1, 5):
        came, _ = draw_turnout(seed=1, week=visit, village_code="v", visit_number=1,
                               remaining=40, rate=0.9, model=model, never_come=40)
        assert came == 0
    ghosts = draw_never_come(seed=1, village_code="v", backlog=1000, share=0.3)
    assert 250 < ghosts < 350
    assert ghosts == draw_never_come(seed=1, village_code="v", backlog=1000, share=0.3)


def test_never_come_keeps_backlog_in_every_village(dataset, classified):
    """Half the backlog never coming: no village is ever recorded below its ghosts, and
    both policies record less than when everyone can come."""
    half = simulate(dataset, DAY_TRIPS, classified=classified,
                    config=replace(FAST, turnout=TurnoutModel(never_come=0.5)))
    none = simulate(dataset, DAY_TRIPS, classified=classified,
                    config=replace(FAST, turnout=TurnoutModel(never_come=0.0)))
    start = {str(k): int(n) for k, n in zip(classified["kode"], classified["belum_rekam"],
                                            strict=True) if pd.notna(n)}
    for policy in ("planner", "manual"):
        for code, left in half.final_backlog[policy].items():
            ghosts = draw_never_come(seed=FAST.seed, village_code=code, backlog=start[code],
                                     share=0.5)
            assert left >= ghosts
        assert half.cleared(policy)[1] < none.cleared(policy)[1]


def test_repeat_visits_are_counted_over_the_run(dataset, classified):
    """A village's later visits carry its earlier visits (the decay's exponent)."""
    result = simulate(dataset, DAY_TRIPS, classified=classified, config=FAST)
    seen: dict[tuple[str, str], int] = {}
    for v in result.visits:  # in the order they happened
        key = (v.policy, v.village_code)
        assert v.earlier_visits == seen.get(key, 0)
        seen[key] = seen.get(key, 0) + 1
    assert any(v.earlier_visits > 0 for v in result.visits)


def test_true_turnout_moves_both_policies(dataset, classified):
    """Sensitivity: true turnout 0.4 records less than 0.8 for both, while both plan with
    0.6; one row per true rate."""
    rows = run_sensitivity(dataset, DAY_TRIPS, true_rates=(0.4, 0.8), config=FAST,
                           classified=classified)
    assert [r.true_rate for r in rows] == [0.4, 0.8]
    assert all(r.planned_rate == 0.6 for r in rows)
    low, high = rows
    assert low.planner_total < high.planner_total
    assert low.manual_total < high.manual_total
    text = format_sensitivity(rows)
    assert "sensitivity true_turnout=0.40 planned=0.60" in text


def test_model_off_simulates_the_old_field(dataset, classified):
    """Planning without the model, the field by default has no ghosts and no decay: the
    same as giving those true values explicitly."""
    off = simple_turnout(DAY_TRIPS)
    a = simulate(dataset, off, classified=classified, config=FAST)
    b = simulate(dataset, off, classified=classified,
                 config=replace(FAST, turnout=TurnoutModel(never_come=0.0, repeat_decay=1.0)))
    assert a.cleared("planner") == b.cleared("planner")
    assert a.cleared("manual") == b.cleared("manual")


def test_cli_true_rates_and_sensitivity():
    """``planner simulate --true-turnout ... --sensitivity`` prints one line per rate, then
    the last line."""
    run = CliRunner().invoke(main, [
        "simulate", "--data", str(SAMPLE), "--regency", "36.90", "--weeks", "1", "--seed",
        "2", "--solution-limit", "1", "--time-limit", "120",
        "--params", str(DAY_TRIPS_TOML), "--true-never-come", "0.2",
        "--true-repeat-decay", "0.9", "--sensitivity", "0.4,0.8"])
    assert run.exit_code == 0, run.output
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith("remote_border_island_cleared planner=")
    assert lines[-3].startswith("sensitivity true_turnout=0.40 planned=0.60")
    assert lines[-2].startswith("sensitivity true_turnout=0.80 planned=0.60")
    bad = CliRunner().invoke(main, ["simulate", "--data", str(SAMPLE), "--sensitivity", "x"])
    assert bad.exit_code != 0
