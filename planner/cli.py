"""The ``planner`` command line: inspect data, plan a week, export and solve instances.

Every command that reads a dataset takes the office's files by flag (or ``--data FOLDER``
with a ``manifest.toml``).  Errors are printed as plain lists of problems, never tracebacks.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.errors import InputError, PlannerError

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(func: F) -> F:
    """Turn planner errors into a message and exit code 2; anything else into exit code 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except PlannerError as exc:
            click.echo(f"Gagal / Failed: {exc}", err=True)
            sys.exit(2)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # never show a traceback to a clerk
            click.echo("Terjadi kesalahan internal / Internal error: "
                       f"{type(exc).__name__}: {exc}", err=True)
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def _dataset_options(func: F) -> F:
    options = [
        click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False),
                     help="Folder with manifest.toml naming the files below."),
        click.option("--villages", help="Village boundaries: GPKG[:LAYER], GeoJSON or "
                     "zipped Shapefile."),
        click.option("--backlog", help="Backlog counts per village: CSV or XLSX."),
        click.option("--offices", help="Offices CSV."),
        click.option("--harbours", help="Harbours CSV (optional)."),
        click.option("--teams", help="Teams CSV (optional for inspect)."),
        click.option("--neighbours", help="Neighbour areas: GPKG[:LAYER] etc. (optional)."),
        click.option("--overrides", help="Overrides CSV: kode + island/border/coastal/remote."),
        click.option("--roads", help="Road network: OpenStreetMap .osm.pbf, or road lines "
                     "GPKG[:LAYER]/Shapefile with a class column (optional; travel is then "
                     "routed on it)."),
        click.option("--days-off", "days_off", help="Days off CSV/XLSX: date, team_id or "
                     "office_id (blank: every team), reason (optional)."),
        click.option("--lodging", help="Lodging points CSV/XLSX for multi-day trips: "
                     "kabupaten_kode, name, lat, lng, biaya_malam, kapasitas (optional)."),
        click.option("--params", "params_file", type=click.Path(dir_okay=False),
                     help="Parameters TOML file."),
        click.option("--cache-dir", type=click.Path(file_okay=False),
                     help="Folder of classifications kept between commands (default "
                     "$JEMPUT_BOLA_CACHE or ~/.cache/jemput-bola/classification)."),
        click.option("--no-cache", is_flag=True,
                     help="Classify again; neither read nor keep a classification."),
        click.option("--max-rows", type=click.IntRange(min=1),
                     help="Most data rows (features) read from one file (default 200,000: "
                     "the whole nation's villages; the web app keeps its own, smaller "
                     "limit)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load(kw: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The dataset, the parameters and the classification cache (None with --no-cache)."""
    from planner.classify_cache import ClassificationCache
    from planner.dataset import load_dataset, load_manifest
    from planner.limits import COMMAND_LINE_LIMITS
    from planner.params import load_params

    cache_dir, no_cache = kw.pop("cache_dir"), kw.pop("no_cache")
    max_rows = kw.pop("max_rows")
    limits = (COMMAND_LINE_LIMITS if max_rows is None
              else dataclasses.replace(COMMAND_LINE_LIMITS, max_rows=max_rows))
    cache = (None if no_cache else ClassificationCache(cache_dir) if cache_dir
             else ClassificationCache.default())

    files = {k: kw.pop(k) for k in ("villages", "backlog", "offices", "harbours", "teams",
                                    "neighbours", "overrides", "roads", "days_off",
                                    "lodging")}
    data_dir = kw.pop("data_dir")
    if data_dir:
        manifest = load_manifest(data_dir)
        for key, value in manifest.items():
            if files.get(key) is None:
                files[key] = value
    missing = [k for k in ("villages", "backlog", "offices") if not files.get(k)]
    if missing:
        raise click.UsageError("wajib diisi / required: " + ", ".join(f"--{m}" for m in missing))
    params = load_params(kw.pop("params_file"))
    dataset = load_dataset(**{k: v for k, v in files.items() if v is not None},
                           limits=limits)
    return dataset, params, cache


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jemput-bola")
def main() -> None:
    """Jemput Bola: rencana mingguan tim perekaman KTP-el keliling."""


@main.command()
@_dataset_options
@click.option("--json", "json_out", type=click.Path(dir_okay=False),
              help="Write one record per village to this JSON file.")
@_friendly_errors
def inspect(json_out: str | None, **kw: Any) -> None:
    """Summarise villages, backlog and geography per regency; list every problem found."""
    from planner.report import inspect_records, inspect_summary
    from planner.workflow import classify_dataset

    dataset, params, cache = _load(kw)
    classified = classify_dataset(dataset, params, cache=cache)
    click.echo(inspect_summary(dataset, classified))
    if json_out:
        records = inspect_records(classified)
        Path(json_out).write_text(json.dumps(records, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
        click.echo(f"{len(records)} desa ditulis ke / villages written to {json_out}")


def _require_plan(solution: Any) -> None:
    """A failed or empty-handed solve is an error, not an empty plan with exit code 0."""
    from planner.errors import SolverError
    from planner.solution import SolveStatus

    usable = solution.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL) or (
        solution.status == SolveStatus.FAILED and any(solution.routes))
    if not usable:
        raise SolverError(f"tidak ada rencana / no plan ({solution.status.value}): "
                          f"{solution.message}")


def _week(value: str) -> date:
    from planner.errors import ParameterError, Problem

    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ParameterError([Problem("parameter", None, "week", "tanggal harus YYYY-MM-DD",
                                      "date must be YYYY-MM-DD")]) from exc


def _progress_bar(time_limit_s: float) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]Optimasi[/]"), BarColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[best]}"), transient=False)


def _solve_with_bar(solve: Callable[..., Any], time_limit_s: float) -> Any:
    import threading
    import time

    with _progress_bar(time_limit_s) as bar:
        task = bar.add_task("solve", total=time_limit_s, best="")
        done = threading.Event()

        def tick() -> None:
            start = time.monotonic()
            while not done.wait(0.2):
                bar.update(task, completed=min(time.monotonic() - start, time_limit_s))

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()

        def progress(elapsed_s: float, prize: int, travel_s: int) -> None:
            bar.update(task, best=f"terbaik/best prize {_id_int(prize)}  "
                                             f"travel {_id_int(travel_s // 60)} min")

        try:
            result = solve(progress)
        finally:
            done.set()
            thread.join()
        bar.update(task, completed=time_limit_s)
    return result


@main.command()
@_dataset_options
@click.option("--regency", required=True,
              help="Regency code, e.g. 36.04; 'all' plans every regency with a team.")
@click.option("--week", required=True, help="Monday of the week, YYYY-MM-DD.")
@click.option("--time-limit", type=float, default=None, help="Seconds of search.")
@click.option("--seed", type=int, default=None)
@click.option("--from", "first_day", default=None,
              help="First day to plan, YYYY-MM-DD (a week that has started: earlier days "
              "get no team-day).")
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True,
              help="With --regency all: regencies solved at once (one process each).")
@click.option("--out", type=click.Path(), required=True,
              help="plan.json; with --regency all, a folder for one <code>.json each.")
@_friendly_errors
def plan(regency: str, week: str, time_limit: float | None, seed: int | None, out: str,
         first_day: str | None, jobs: int, **kw: Any) -> None:
    """Plan one regency's week (or every regency's) and write the plan JSON and a summary."""
    from dataclasses import replace

    from planner.plan import decode_plan, plan_summary_text, write_plan
    from planner.remedies import add_remedies
    from planner.solver.isolated import start_early
    from planner.workflow import build_week, classify_dataset, solve_instance

    if regency != "all":
        start_early()  # the solver's imports overlap with reading and classifying
    dataset, params, cache = _load(kw)
    solver = params.solver
    if time_limit is not None:
        solver = replace(solver, time_limit_s=time_limit)
    if seed is not None:
        solver = replace(solver, seed=seed)
    params = replace(params, solver=solver)
    from planner.params import validate_params

    validate_params(params)
    if regency == "all":
        _plan_all(dataset, params, week=_week(week), jobs=jobs, out=Path(out),
                  first_day=_week(first_day) if first_day else None, cache=cache)
        return
    classified = classify_dataset(dataset, params, cache=cache, regencies=[regency])
    built = build_week(dataset, classified, regency=regency, week_start=_week(week),
                       params=params, first_day=_week(first_day) if first_day else None)
    solution = _solve_with_bar(lambda cb: solve_instance(built.instance, params, progress=cb),
                               params.solver.time_limit_s)
    _require_plan(solution)
    result = decode_plan(built.instance, solution, built=built, params=params)
    result = add_remedies(result, built, solution, params)
    write_plan(result, out)
    click.echo(plan_summary_text(result))
    click.echo(f"Rencana ditulis ke / plan written to {out}")


def _id_int(n: int) -> str:
    """``1.687``: a whole number as Indonesian text writes it."""
    from planner.numbers import format_number

    return format_number(n)


def _plan_all(dataset: Any, params: Any, *, week: date, jobs: int, out: Path,
              first_day: date | None, cache: Any) -> None:
    """Every regency with a team, ``jobs`` at a time; one plan file each, progress shown."""
    from planner.fanout import RegencyOutcome, plan_regencies
    from planner.plan import write_plan
    from planner.simulation.engine import resolve_regencies

    codes = resolve_regencies(dataset, ["all"])
    out.mkdir(parents=True, exist_ok=True)
    click.echo(f"Merencanakan {len(codes)} kabupaten/kota, {jobs} sekaligus / planning "
               f"{len(codes)} regencies, {jobs} at a time", err=True)

    def done(outcome: RegencyOutcome, finished: int, total: int) -> None:
        if outcome.plan is not None:
            write_plan(outcome.plan, out / f"{outcome.regency}.json")
            s = outcome.plan.summary
            click.echo(f"[{finished}/{total}] {outcome.regency}: "
                       f"{_id_int(int(s.get('expected_recordings', 0)))} perkiraan rekam, "
                       f"{_id_int(int(s.get('stops', 0)))} kunjungan "
                       f"({_id_int(round(outcome.wall_s))} s)")
        else:
            click.echo(f"[{finished}/{total}] {outcome.regency}: GAGAL / FAILED: "
                       f"{outcome.error}")

    outcomes = plan_regencies(dataset, params, codes, week_start=week, jobs=jobs,
                              first_day=first_day, cache=cache, on_done=done)
    failed = [o.regency for o in outcomes if o.plan is None]
    click.echo(f"Rencana ditulis ke / plans written to {out}: "
               f"{len(outcomes) - len(failed)} dari {len(outcomes)}"
               + (f"; gagal: {', '.join(failed)}" if failed else ""))
    if failed:
        sys.exit(1)


@main.command("export-instance")
@_dataset_options
@click.option("--regency", required=True)
@click.option("--week", required=True)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@_friendly_errors
def export_instance(regency: str, week: str, out: str, **kw: Any) -> None:
    """Write the exact routing instance the solver sees, as JSON."""
    from planner.instance_io import write_instance
    from planner.workflow import build_week, classify_dataset

    dataset, params, cache = _load(kw)
    classified = classify_dataset(dataset, params, cache=cache, regencies=[regency])
    built = build_week(dataset, classified, regency=regency, week_start=_week(week),
                       params=params)
    write_instance(built.instance, out)
    inst = built.instance
    click.echo(f"{len(inst.visits)} kunjungan / visits, {len(inst.vehicles)} hari-tim / "
               f"team-days, {len(inst.locations)} lokasi / locations -> {out}")


@main.command("solve-instance")
@click.argument("instance_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--time-limit", type=float, required=True)
@click.option("--seed", type=int, default=0)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@_friendly_errors
def solve_instance_cmd(instance_path: str, time_limit: float, seed: int, out: str) -> None:
    """Solve an instance JSON and write the plan JSON."""
    from dataclasses import replace

    from planner.instance_io import read_instance
    from planner.params import PlanningParams, SolverParams, validate_params
    from planner.plan import decode_plan, plan_summary_text, write_plan
    from planner.workflow import solve_instance

    params = validate_params(replace(PlanningParams(),
                                     solver=SolverParams(time_limit_s=time_limit, seed=seed)))
    inst = read_instance(instance_path)
    solution = _solve_with_bar(lambda cb: solve_instance(inst, params, progress=cb), time_limit)
    _require_plan(solution)
    result = decode_plan(inst, solution, params=params)
    write_plan(result, out)
    click.echo(plan_summary_text(result))


@main.command("check-plan")
@click.argument("instance_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("plan_path", type=click.Path(exists=True, dir_okay=False))
@_friendly_errors
def check_plan_cmd(instance_path: str, plan_path: str) -> None:
    """Re-verify every constraint of a plan against an instance and print its prize."""
    from planner.instance_io import read_instance
    from planner.plan import check_plan, read_plan_routes

    inst = read_instance(instance_path)
    report = check_plan(inst, read_plan_routes(plan_path))
    for violation in report.violations:
        click.echo(f"PELANGGARAN / VIOLATION: {violation}")
    status = "OK" if report.ok else "TIDAK SAH / INVALID"
    click.echo(f"{status} prize={report.prize} travel_s={report.travel_s} "
               f"distance_m={report.distance_m}")
    if not report.ok:
        sys.exit(1)


@main.command()
@_dataset_options
@click.option("--regency", "regencies", multiple=True, default=("all",), show_default=True,
              help="Regency code (repeatable), or 'all'.")
@click.option("--weeks", type=click.IntRange(min=0), default=12, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the turnout draws and of the solver.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=5.0,
              show_default=True, help="Seconds of search per regency-week.")
@click.option("--solution-limit", type=click.IntRange(min=1), default=None,
              help="Deterministic solver mode: rounds instead of wall time.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="Write a PNG of the backlog left per week to this path (none by default).")
@click.option("--true-turnout", type=click.FloatRange(0, 1), default=None,
              help="The field's true turnout rate (default: the planned one).")
@click.option("--true-never-come", type=click.FloatRange(0, 1, max_open=True), default=None,
              help="The field's true share of the backlog that never comes (default: the "
                   "planned one).")
@click.option("--true-repeat-decay", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="The field's true fall of turnout per earlier visit (default: planned).")
@click.option("--sensitivity", "sensitivity_rates", default=None, metavar="RATES",
              is_flag=False, flag_value="0.4,0.8",
              help="Also run with these true turnout rates (comma-separated; 0.4,0.8 when "
                   "given bare) while planning with the planned one, and report "
                   "planner-vs-manual for each.")
@_friendly_errors
def simulate(regencies: tuple[str, ...], weeks: int, seed: int, time_limit: float,
             solution_limit: int | None, plot: str | None, true_turnout: float | None,
             true_never_come: float | None, true_repeat_decay: float | None,
             sensitivity_rates: str | None, **kw: Any) -> None:
    """Simulate weeks of rolling re-planning: the planner against the manual rule."""
    from planner.simulation import (
        HEADER,
        SimulationConfig,
        SimulationStep,
        TurnoutModel,
        far_line,
        format_sensitivity,
        format_week,
        last_line,
        run_sensitivity,
        write_plot,
    )
    from planner.simulation import simulate as run_simulation

    rates = _rates(sensitivity_rates)
    dataset, params, cache = _load(kw)
    config = SimulationConfig(weeks=weeks, seed=seed, time_limit_s=time_limit,
                              solution_limit=solution_limit,
                              turnout=TurnoutModel(true_rate=true_turnout,
                                                   never_come=true_never_come,
                                                   repeat_decay=true_repeat_decay))

    started = time.monotonic()

    def show(planner_row: Any, manual_row: Any) -> None:
        if planner_row.week == 0:  # the header only once the regencies are known to be fine
            click.echo(HEADER)
        click.echo(format_week(planner_row, manual_row))

    def progress(step: SimulationStep) -> None:
        # stderr, so the table on stdout stays machine-readable
        click.echo(f"minggu {step.week}/{step.weeks}: {step.policy} {step.regency} "
                   f"({step.index}/{step.total}) · {_id_int(round(time.monotonic() - started))} s",
                   err=True)

    from planner.simulation.engine import resolve_regencies
    from planner.workflow import classify_dataset

    codes = resolve_regencies(dataset, regencies)
    classified = classify_dataset(dataset, params, cache=cache,
                                  regencies=None if "all" in regencies else codes)
    result = run_simulation(dataset, params, regencies=regencies, config=config,
                            classified=classified, on_week=show, on_step=progress)
    if plot is not None:
        write_plot(result, plot)
        click.echo(f"regencies {' '.join(result.regencies)}; plot written to {plot}")
    else:
        click.echo(f"regencies {' '.join(result.regencies)}")
    click.echo(far_line(result))
    if rates:
        rows = run_sensitivity(dataset, params, true_rates=rates, regencies=regencies,
                               config=config, classified=classified, on_step=progress)
        click.echo(format_sensitivity(rows))
    click.echo(last_line(result))


def _rates(text: str | None) -> tuple[float, ...]:
    if not text:
        return ()
    try:
        rates = tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: rates such as 0.4,0.8",
                                 param_hint="--sensitivity") from exc
    if not rates or any(not 0.0 <= r <= 1.0 for r in rates):
        raise click.BadParameter(f"{text!r}: rates between 0 and 1",
                                 param_hint="--sensitivity")
    return rates
