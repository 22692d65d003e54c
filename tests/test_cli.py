"""The planner command line, through click's runner on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
BANTEN = ROOT.parent / "shared" / "data" / "banten"

RECORD_FIELDS = {"kode", "desa", "kabupaten_kode", "island", "border", "coastal", "remote",
                 "office_travel_s", "office_distance_m", "stop_lon", "stop_lat", "overridden"}


def test_inspect_sample_summary_and_json(tmp_path):
    """inspect prints per-regency counts and writes one record per village."""
    out = tmp_path / "villages.json"
    result = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "36.90" in result.output
    assert "Tanjung Harapan" in result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 150
    assert set(records[0]) >= RECORD_FIELDS
    assert sum(r["island"] for r in records) == 4


def test_inspect_by_flags_equals_manifest():
    """Giving the files by flag reads the same data as the manifest shortcut."""
    by_flags = CliRunner().invoke(main, [
        "inspect", "--villages", f"{SAMPLE / 'villages.gpkg'}:villages",
        "--backlog", str(SAMPLE / "belum_rekam.xlsx"), "--offices", str(SAMPLE / "offices.csv"),
        "--harbours", str(SAMPLE / "harbours.csv"), "--teams", str(SAMPLE / "teams.csv"),
        "--neighbours", f"{SAMPLE / 'neighbours.gpkg'}:neighbour_regencies",
        "--roads", f"{SAMPLE / 'roads.gpkg'}:roads"])
    by_manifest = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE)])
    assert by_flags.exit_code == 0, by_flags.output
    assert by_flags.output == by_manifest.output


def test_inspect_reports_overrides(tmp_path):
    """An overrides file changes the flag and the summary lists the override."""
    over = tmp_path / "over.csv"
    over.write_text("kode,remote\n36.90.02.2001,ya\n")
    out = tmp_path / "v.json"
    result = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE), "--overrides",
                                       str(over), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "36.90.02.2001" in result.output
    record = next(r for r in json.loads(out.read_text()) if r["kode"] == "36.90.02.2001")
    assert record["remote"] is True
    assert record["overridden"] == ["remote"]


def test_bad_input_is_listed_without_traceback_and_writes_nothing(tmp_path):
    """A broken backlog gives exit code 2, the row and column, no traceback, no JSON."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "bad.csv").write_text("kode,wajib_ktp,belum_rekam\n36.90.01.2001,10,-4\n")
    out = tmp_path / "villages.json"
    result = CliRunner().invoke(main, ["inspect", "--data", str(data), "--backlog",
                                       str(data / "bad.csv"), "--json", str(out)])
    assert result.exit_code == 2
    assert "baris/row 2" in result.output
    assert "belum_rekam" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_required_file_flag_is_a_usage_error():
    """Without --villages/--backlog/--offices (and no --data) the command says what's missing."""
    result = CliRunner().invoke(main, ["inspect"])
    assert result.exit_code == 2
    assert "--villages" in result.output


@pytest.mark.banten
def test_inspect_banten(tmp_path):
    """The Banten reference data inspects clean: 1,552 villages, two island villages."""
    if not BANTEN.exists():
        pytest.skip(f"Banten reference data not found at {BANTEN}")
    out = tmp_path / "v.json"
    result = CliRunner().invoke(main, [
        "inspect", "--villages", f"{BANTEN / 'banten.gpkg'}:villages",
        "--backlog", str(BANTEN / "belum_rekam.csv"), "--offices", str(BANTEN / "offices.csv"),
        "--harbours", str(BANTEN / "harbours.csv"), "--teams", str(BANTEN / "teams.csv"),
        "--neighbours", f"{BANTEN / 'banten.gpkg'}:neighbour_regencies", "--json", str(out)])
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 1552
    assert sorted(r["kode"] for r in records if r["island"]) == ["36.04.08.2009",
                                                                 "36.04.13.2009"]
    assert "232.020" in result.output


def test_plan_export_solve_and_check_round_trip(tmp_path):
    """plan writes a plan; export-instance + solve-instance + check-plan score it the same."""
    runner = CliRunner()
    plan_path, inst_path, plan2 = tmp_path / "p.json", tmp_path / "i.json", tmp_path / "p2.json"
    week = ["--regency", "36.90", "--week", "2026-11-30"]
    result = runner.invoke(main, ["plan", "--data", str(SAMPLE), *week, "--time-limit", "2",
                                  "--out", str(plan_path)])
    assert result.exit_code == 0, result.output
    assert "Total:" in result.output
    assert "Belum dijadwalkan" in result.output
    result = runner.invoke(main, ["export-instance", "--data", str(SAMPLE), *week, "--out",
                                  str(inst_path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["check-plan", str(inst_path), str(plan_path)])
    assert result.exit_code == 0, result.output
    prize = json.loads(plan_path.read_text())["summary"]["prize"]
    assert f"prize={prize}" in result.output
    result = runner.invoke(main, ["solve-instance", str(inst_path), "--time-limit", "2",
                                  "--out", str(plan2)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["check-plan", str(inst_path), str(plan2)])
    assert result.exit_code == 0
    assert result.output.startswith("OK")


def test_check_plan_fails_on_a_broken_plan(tmp_path):
    """check-plan exits 1 and prints the violation when a stop is visited twice."""
    runner = CliRunner()
    inst_path = tmp_path / "i.json"
    runner.invoke(main, ["export-instance", "--data", str(SAMPLE), "--regency", "36.90",
                         "--week", "2026-11-30", "--out", str(inst_path)])
    inst = json.loads(inst_path.read_text())
    visit = inst["visits"][0]["visit_id"]
    vehicles = [v["vehicle_id"] for v in inst["vehicles"][:2]]
    broken = {"routes": [{"vehicle_id": v, "stops": [{"visit_id": visit}]} for v in vehicles]}
    plan_path = tmp_path / "broken.json"
    plan_path.write_text(json.dumps(broken))
    result = runner.invoke(main, ["check-plan", str(inst_path), str(plan_path)])
    assert result.exit_code == 1
    assert "VIOLATION" in result.output
    assert visit in result.output


def test_plan_refuses_a_week_that_is_not_a_monday():
    """--week must be a Monday; the error says so in both languages."""
    result = CliRunner().invoke(main, ["plan", "--data", str(SAMPLE), "--regency", "36.90",
                                       "--week", "2026-12-01", "--time-limit", "1", "--out",
                                       "unused.json"])
    assert result.exit_code == 2
    assert "bukan hari Senin" in result.output
    assert "not a Monday" in result.output


def test_solve_instance_without_a_plan_fails_loudly(tmp_path):
    """A pin that cannot be kept leaves no plan: exit code 2, no plan file, a clear message."""
    examples = ROOT / "docs" / "examples"
    data = json.loads((examples / "instance.small.json").read_text())
    data["visits"][0]["pinned_vehicle"] = 0
    data["visits"][0]["time_window_s"] = [0, 60]  # long before the shift starts
    inst, out = tmp_path / "i.json", tmp_path / "p.json"
    inst.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["solve-instance", str(inst), "--time-limit", "2",
                                       "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "no plan" in result.output
    assert not out.exists()


def test_max_rows_bounds_what_the_command_line_reads():
    """--max-rows is the command line's own row limit: 100 refuses the sample's 150 villages."""
    result = CliRunner().invoke(main, ["inspect", "--data", str(SAMPLE), "--max-rows", "100"])
    assert result.exit_code == 2, result.output
    assert "150 fitur (baris), batas 100" in result.output


def test_command_line_reads_a_nations_files_the_web_would_refuse():
    """The default command-line limit takes the nation's ~83,000 villages (issue 22); the
    library default (what the web app starts from) stays at a province's room."""
    from planner.limits import COMMAND_LINE_LIMITS, DEFAULT_LIMITS

    assert COMMAND_LINE_LIMITS.max_rows >= 2 * 83_808 > DEFAULT_LIMITS.max_rows
    assert COMMAND_LINE_LIMITS.max_cells >= 83_808 * 200
