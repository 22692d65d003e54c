"""A real calendar: national holidays, cuti bersama, the coordinator's days off, and the
first plan of a week that has started."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.calendar import DayOff, national_days_off
from planner.cli import main
from planner.dataset import load_dataset_from_folder
from planner.errors import InputError, ParameterError
from planner.io.days_off import read_days_off
from planner.params import PlanningParams, ShiftParams, load_params
from planner.plan import decode_plan, plan_summary_text, plan_to_dict
from planner.problem import build_problem
from planner.solver import solve
from planner.workflow import build_week, classify_dataset
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
CHRISTMAS_WEEK = date(2026, 12, 21)
PLAIN_WEEK = date(2026, 11, 30)


def _build(teams, *, week=CHRISTMAS_WEEK, params=None, **kw):
    return build_problem(villages_frame(make_village("36.90.01.2001")), teams=teams,
                         offices=offices_frame(), harbours=harbours_frame(), regency=REGENCY,
                         week_start=week, params=params or PlanningParams(), **kw)


def _dates(built, team="a"):
    return {v.date for v in built.instance.vehicles if v.team_id == team}


def test_national_holidays_include_cuti_bersama():
    """The package's Indonesian calendar has Christmas and its cuti bersama (SKB) day."""
    days = national_days_off([date(2026, 12, d) for d in range(21, 26)])
    assert set(days) == {date(2026, 12, 24), date(2026, 12, 25)}
    assert "Cuti Bersama" in days[date(2026, 12, 24)]
    assert "Natal" in days[date(2026, 12, 25)]
    # Idul Fitri 2026 (20-24 March): holidays and cuti bersama both
    assert {date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)} <= set(
        national_days_off([date(2026, 3, d) for d in range(16, 25)]))


def test_christmas_week_has_no_team_day_on_christmas():
    """Week of 2026-12-21: no team-day on 2026-12-24 (cuti bersama) nor 2026-12-25."""
    built = _build(teams_frame(make_team("a"), make_team("b", workdays=(1, 2, 3, 4, 5, 6))))
    assert _dates(built) == {"2026-12-21", "2026-12-22", "2026-12-23"}
    assert _dates(built, "b") == {"2026-12-21", "2026-12-22", "2026-12-23", "2026-12-26"}
    kinds = {(e.date.isoformat(), e.team_id): e for e in built.excluded_days}
    assert kinds[("2026-12-25", "a")].kind == "national"
    assert "Hari Raya Natal" in kinds[("2026-12-25", "b")].reason
    assert "cuti bersama" in kinds[("2026-12-24", "a")].reason.casefold()
    notes = "\n".join(built.notes)
    assert "Tidak ada hari-tim 2026-12-25 untuk semua tim: Hari Raya Natal" in notes


def test_national_holidays_can_be_switched_off():
    """[shift] national_holidays = false plans through the holidays."""
    params = PlanningParams(shift=ShiftParams(national_holidays=False))
    built = _build(teams_frame(make_team("a")), params=params)
    assert "2026-12-25" in _dates(built)
    assert not built.excluded_days
    toml_params = load_params(overrides={"shift": {"national_holidays": False}})
    assert toml_params.shift.national_holidays is False


def test_days_off_per_team_office_and_everyone():
    """A team's day off, an office's day off and a regency-wide day off."""
    teams = teams_frame(make_team("a"), make_team("b"))
    offs = [DayOff(date(2026, 12, 1), "pelatihan", team_id="a"),
            DayOff(date(2026, 12, 2), "rapat kantor", office_id="kantor"),
            DayOff(date(2026, 12, 3), "hari jadi kabupaten"),
            DayOff(date(2026, 12, 4), "kantor lain", office_id="lain")]
    built = _build(teams, week=PLAIN_WEEK, days_off=offs)
    assert _dates(built) == {"2026-11-30", "2026-12-04"}
    assert _dates(built, "b") == {"2026-11-30", "2026-12-01", "2026-12-04"}
    notes = "\n".join(built.notes)
    assert "2026-12-01 untuk tim Tim a: pelatihan" in notes
    assert "2026-12-03 untuk semua tim: hari jadi kabupaten" in notes


def test_a_week_with_no_day_left_says_why():
    """Every working day off: a parameter error that names the reason."""
    offs = [DayOff(date(2026, 11, 30 + d) if d == 0 else date(2026, 12, d), "libur")
            for d in range(5)]
    with pytest.raises(ParameterError, match="libur"):
        _build(teams_frame(make_team("a")), week=PLAIN_WEEK, days_off=offs)


def test_first_plan_of_a_started_week_plans_only_the_days_ahead():
    """first_day drops the earlier team-days and says so."""
    built = _build(teams_frame(make_team("a")), week=PLAIN_WEEK, first_day=date(2026, 12, 2))
    assert _dates(built) == {"2026-12-02", "2026-12-03", "2026-12-04"}
    past = [e for e in built.excluded_days if e.kind == "past"]
    assert [e.date.isoformat() for e in past] == ["2026-11-30", "2026-12-01"]
    assert any("sudah berjalan" in n and "2026-12-02" in n for n in built.notes)
    plain = _build(teams_frame(make_team("a")), week=PLAIN_WEEK, first_day=PLAIN_WEEK)
    assert len(plain.instance.vehicles) == 5
    assert not plain.notes


def test_sample_christmas_week_plan_lists_excluded_days():
    """The sample regency's plan for the Christmas week: no route on the 24th/25th, and the
    plan's summary and text say why."""
    dataset = load_dataset_from_folder(SAMPLE)
    params = PlanningParams()
    classified = classify_dataset(dataset, params)
    built = build_week(dataset, classified, regency="36.90", week_start=CHRISTMAS_WEEK,
                       params=params)
    solution = solve(built.instance, time_limit_s=3, seed=0, solution_limit=1)
    plan = decode_plan(built.instance, solution, built=built, params=params)
    dates = {r.date for r in plan.routes}
    assert "2026-12-25" not in dates
    assert "2026-12-24" not in dates
    assert "2026-12-26" in dates  # team 3 works Saturdays
    excluded = plan_to_dict(plan)["summary"]["days_excluded"]
    assert {(e["date"], e["kind"]) for e in excluded} == {("2026-12-24", "national"),
                                                          ("2026-12-25", "national")}
    assert len(excluded) == 2 * len(dataset.teams)
    text = plan_summary_text(plan)
    assert "Catatan: Tidak ada hari-tim 2026-12-25 untuk semua tim: Hari Raya Natal" in text


def _data_with_days_off(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    # the sample's manifest names days_off.csv
    (folder / "days_off.csv").write_text(rows, encoding="utf-8")
    return folder


def test_sample_days_off_are_read_and_kept_free():
    """The sample's days_off.csv: a regency-wide day and one team's training day."""
    dataset = load_dataset_from_folder(SAMPLE)
    assert len(dataset.days_off) == 2
    params = PlanningParams()
    built = build_week(dataset, classify_dataset(dataset, params), regency="36.90",
                       week_start=date(2027, 1, 11), params=params)
    dates = {(v.team_id, v.date) for v in built.instance.vehicles}
    assert not any(d == "2027-01-11" for _, d in dates)
    assert ("tim-keliling-tanjung-harapan-3", "2027-01-12") not in dates
    assert ("tim-keliling-tanjung-harapan-2", "2027-01-12") in dates
    assert any("pelatihan petugas" in n for n in built.notes)


def test_days_off_file_dates_and_scopes(tmp_path):
    """ISO and day/month/year dates, ';' separators, a team, an office, or every team."""
    path = tmp_path / "libur.csv"
    path.write_text("tanggal;tim;kantor;alasan\n2026-12-01;tim-a;;pelatihan\n"
                    "02/12/2026;;kantor;\n03-12-2026;;;hari jadi\n", encoding="utf-8")
    frame, warnings = read_days_off(str(path))
    assert not warnings
    assert list(frame["date"]) == [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
    assert list(frame["team_id"]) == ["tim-a", None, None]
    assert list(frame["office_id"]) == [None, "kantor", None]
    assert list(frame["reason"]) == ["pelatihan", "hari libur kantor", "hari jadi"]


def test_days_off_file_problems_are_listed(tmp_path):
    """A bad date and a row naming both a team and an office are each reported."""
    path = tmp_path / "libur.csv"
    path.write_text("date,team_id,office_id,reason\n31/02/2026,,,x\nbesok,,,y\n"
                    "2026-12-01,a,kantor,z\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_days_off(str(path))
    rows = sorted(p.row for p in exc.value.problems)
    assert rows == [2, 3, 4]


def test_manifest_days_off_unknown_team_is_an_error(tmp_path):
    """A day off for a team that does not exist would silently plan that day: refused."""
    folder = _data_with_days_off(tmp_path, "date,team_id,reason\n2026-12-01,tim-x,rapat\n")
    with pytest.raises(InputError, match="tim-x"):
        load_dataset_from_folder(folder)


def test_cli_plan_with_days_off_and_from(tmp_path):
    """`planner plan` reads days_off from the manifest and --from plans the days ahead."""
    dataset = load_dataset_from_folder(SAMPLE)
    team = str(dataset.teams["team_id"].iloc[0])
    folder = _data_with_days_off(tmp_path, f"date,team_id,reason\n2026-12-03,{team},"
                                 "servis mobil\n")
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["plan", "--data", str(folder), "--regency", "36.90",
                                       "--week", "2026-11-30", "--from", "2026-12-02",
                                       "--time-limit", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    dates = {(r["team_id"], r["date"]) for r in plan["routes"]}
    assert min(d for _, d in dates) == "2026-12-02"
    assert (team, "2026-12-03") not in dates
    assert "servis mobil" in result.output
    assert "sudah berjalan" in result.output
    kinds = sorted({e["kind"] for e in plan["summary"]["days_excluded"]})
    assert kinds == ["day_off", "past"]
