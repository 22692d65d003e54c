"""Planning every regency at once from the command line, in parallel solver processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.plan import read_plan_routes

ROOT = Path(__file__).resolve().parent.parent


def _banten_args(banten: Path) -> list[str]:
    gpkg = banten / "banten.gpkg"
    return ["--villages", f"{gpkg}:villages", "--backlog", str(banten / "belum_rekam.csv"),
            "--offices", str(banten / "offices.csv"), "--harbours", str(banten / "harbours.csv"),
            "--teams", str(banten / "teams.csv"),
            "--neighbours", f"{gpkg}:neighbour_regencies"]


def test_plan_all_on_the_sample_writes_one_plan_per_regency(tmp_path):
    """--regency all writes <code>.json for each regency with a team and says so."""
    out = tmp_path / "plans"
    run = CliRunner().invoke(main, ["plan", "--data", str(ROOT / "sample_data"), "--regency",
                                    "all", "--week", "2026-12-07", "--time-limit", "20",
                                    "--seed", "1", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in out.iterdir()) == ["36.90.json"]
    plan = json.loads((out / "36.90.json").read_text())
    assert plan["regency"] == "36.90"
    assert plan["routes"]
    assert "[1/1] 36.90:" in run.stdout
    assert "1 dari 1" in run.stdout


@pytest.mark.banten
def test_plan_all_on_banten_plans_all_eight_regencies_in_parallel(tmp_path, banten):
    """All 8 Banten regencies, two solves at a time: eight plan files, each a checked plan."""
    out = tmp_path / "plans"
    run = CliRunner().invoke(main, ["plan", *_banten_args(banten), "--regency", "all",
                                    "--week", "2026-12-07", "--time-limit", "3", "--jobs",
                                    "2", "--out", str(out)])
    assert run.exit_code == 0, run.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 8
    for name in files:
        assert read_plan_routes(out / name).routes, name
    progress = [line for line in run.stdout.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == [f"[{k}/8" for k in range(1, 9)]
