"""Simulation of rolling weekly re-planning: the planner against the manual rule."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.checking import check_routes
from planner.cli import main
from planner.dataset import Dataset, load_dataset_from_folder
from planner.manual import ManualRule, manual_order, plan_manual_routes
from planner.params import PlanningParams, TripParams
from planner.simulation import (
    SimulationConfig,
    SimulationResult,
    TurnoutModel,
    draw_turnout,
    last_line,
    recorded_at_visit,
    simulate,
)
from planner.workflow import build_week, classify_dataset

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
REGENCY = "36.90"
MONDAY = date(2026, 11, 30)
# the time limit only caps the deterministic mode (rounds): far above what it takes, so a
# loaded machine never cuts a week short (that would make two runs differ)
FAST = SimulationConfig(weeks=2, seed=3, time_limit_s=120, solution_limit=1)
# day trips only: these tests are about the simulation itself, and the tour search's fixed
# amount of work (``solution_limit``) takes tens of seconds a week; trips in the simulation
# are tested in tests/test_trips.py
DAY_TRIPS_TOML = Path(__file__).resolve().parent.parent / "docs" / "examples" / "day_trips.toml"
DAY_TRIPS = replace(PlanningParams(), trips=TripParams(enabled=False))
LAST_LINE = re.compile(r"remote_border_island_cleared planner=(\d+) manual=(\d+) "
                       r"total_cleared planner=(\d+) manual=(\d+)")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The sample regency as shipped."""
    return load_dataset_from_folder(SAMPLE)


@pytest.fixture(scope="module")
def classified(dataset: Dataset) -> pd.DataFrame:
    """Its villages, classified with default parameters."""
    return classify_dataset(dataset, DAY_TRIPS)


@pytest.fixture(scope="module")
def result(dataset: Dataset, classified: pd.DataFrame) -> SimulationResult:
    """Two weeks of both policies in the deterministic solver mode."""
    return simulate(dataset, DAY_TRIPS, config=FAST, classified=classified)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``planner simulate`` on the sample folder, and where its plot should be."""
    png = tmp_path_factory.mktemp("sim") / "sim.png"
    run = CliRunner().invoke(main, ["simulate", "--data", str(SAMPLE), "--regency", REGENCY,
                                    "--weeks", "2", "--seed", "3", "--solution-limit", "1",
                                    "--time-limit", "120", "--params", str(DAY_TRIPS_TOML),
                                    "--plot", str(png)])
    return run, png


def test_same_seed_gives_the_same_simulation(dataset, classified, result):
    """Two runs with one seed in the deterministic solver mode give identical weeks and visits."""
    again = simulate(dataset, DAY_TRIPS, config=FAST, classified=classified)
    assert again.rows == result.rows
    assert again.visits == result.visits
    assert last_line(again) == last_line(result)


def test_another_seed_changes_turnout(dataset, classified, result):
    """A different seed draws different turnout."""
    other = simulate(dataset, DAY_TRIPS, config=replace(FAST, seed=4),
                     classified=classified)
    assert [v.came for v in other.visits] != [v.came for v in result.visits]


def test_manual_routes_pass_check_routes(dataset, classified):
    """The manual rule's routes keep every rule of the planner's own instance."""
    built = build_week(dataset, classified, regency=REGENCY, week_start=MONDAY,
                       params=DAY_TRIPS)
    backlog = {code: s.belum_rekam for code, s in built.scores.items()}
    for rule in (ManualRule(), ManualRule(min_recording_per_travel=0.0)):
        routes = plan_manual_routes(built.instance, backlog, rule=rule)
        report = check_routes(built.instance, routes)
        assert report.ok, report.violations
        assert sum(map(len, routes)) > 0


def test_manual_rule_takes_islands_only_by_boat(dataset, classified):
    """Island villages are on manual routes of boat-capable teams only, and none without one."""
    islands = set(classified.loc[classified["island"], "kode"])
    for boat in (True, False):
        data = dataset if boat else replace(dataset,
                                            teams=dataset.teams.assign(boat_capable=False))
        built = build_week(data, classified, regency=REGENCY, week_start=MONDAY,
                           params=DAY_TRIPS)
        backlog = {code: s.belum_rekam for code, s in built.scores.items()}
        inst = built.instance
        routes = plan_manual_routes(inst, backlog)
        for k, route in enumerate(routes):
            on_islands = {inst.visits[i].village_code for i in route} & islands
            assert not on_islands or inst.vehicles[k].boat_capable
        if not boat:
            assert not {inst.visits[i].village_code for r in routes for i in r} & islands


def test_manual_rule_starts_with_the_largest_backlog(dataset, classified):
    """Each team-day considers villages by backlog, largest first."""
    built = build_week(dataset, classified, regency=REGENCY, week_start=MONDAY,
                       params=DAY_TRIPS)
    backlog = {code: s.belum_rekam for code, s in built.scores.items()}
    order = manual_order(built.instance, 0, backlog)
    sizes = [backlog[built.instance.visits[i].village_code or ""] for i in order]
    assert sizes == sorted(sizes, reverse=True)


def test_backlog_never_negative_and_recorded_within_plan(result):
    """Recordings never exceed the planned demand, who came, or the backlog left."""
    assert result.visits
    for v in result.visits:
        assert 0 <= v.recorded <= min(v.planned, v.came, v.backlog_before)
    for state in result.final_backlog.values():
        assert min(state.values()) >= 0
    for policy in ("planner", "manual"):
        rows = result.rows_of(policy)
        assert all(r.backlog_total >= r.backlog_priority >= 0 for r in rows)
        assert rows[0].backlog_total - sum(r.recorded_total for r in rows) \
            == rows[-1].backlog_total


def test_turnout_uses_common_random_numbers():
    """The same visit key gives the same people; a larger backlog never gives fewer."""
    model = TurnoutModel()
    key = {"seed": 1, "week": 2, "village_code": "36.90.01.2001", "visit_number": 1,
           "rate": 0.6, "model": model}
    small, p_small = draw_turnout(remaining=100, **key)  # type: ignore[arg-type]
    again, p_again = draw_turnout(remaining=100, **key)  # type: ignore[arg-type]
    large, p_large = draw_turnout(remaining=150, **key)  # type: ignore[arg-type]
    assert (small, p_small) == (again, p_again)
    assert p_large == p_small
    assert small <= large <= 150
    assert recorded_at_visit(planned=40, came=large, remaining=150) <= 40


def test_last_line_format(cli_run):
    """The command's last line reads the cleared counts of both policies as integers."""
    run, _ = cli_run
    assert run.exit_code == 0, run.output
    last = run.output.rstrip("\n").splitlines()[-1]
    match = LAST_LINE.fullmatch(last)
    assert match, last
    p_rbi, m_rbi, p_all, m_all = map(int, match.groups())
    assert 0 < p_rbi <= p_all
    assert 0 < m_rbi <= m_all


def test_plot_is_written(cli_run):
    """The plot is saved as a PNG file."""
    run, png = cli_run
    assert run.exit_code == 0, run.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_matches_the_api(cli_run, dataset, classified):
    """The command prints the same closing line as the library for the same seed."""
    run, _ = cli_run
    api = simulate(dataset, DAY_TRIPS, regencies=[REGENCY], config=FAST,
                   classified=classified)
    assert run.output.rstrip("\n").splitlines()[-1] == last_line(api)


def test_unknown_regency_is_an_input_error():
    """An unknown regency code exits with code 2 and names it."""
    run = CliRunner().invoke(main, ["simulate", "--data", str(SAMPLE), "--regency", "36.99",
                                    "--weeks", "1"])
    assert run.exit_code == 2
    assert "36.99" in run.output


def test_progress_is_shown_per_week_on_stderr(cli_run):
    """Each regency-week of each policy is announced on stderr before it is planned."""
    run, _ = cli_run
    assert run.exit_code == 0, run.output
    steps = [line for line in run.stderr.splitlines() if line.startswith("minggu ")]
    assert [s.split(" (")[0] for s in steps] == [
        f"minggu {week}/2: {policy} {REGENCY}" for week in (1, 2)
        for policy in ("planner", "manual")]
    assert "minggu" not in run.stdout


def test_no_plot_is_written_unless_asked(tmp_path, monkeypatch):
    """Without --plot the command leaves no file behind in the working folder."""
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["simulate", "--data", str(SAMPLE), "--regency", REGENCY,
                                    "--weeks", "1", "--seed", "3", "--solution-limit", "1",
                                    "--time-limit", "120", "--params", str(DAY_TRIPS_TOML)])
    assert run.exit_code == 0, run.output
    assert list(tmp_path.iterdir()) == []
    assert LAST_LINE.fullmatch(run.stdout.rstrip("\n").splitlines()[-1])
