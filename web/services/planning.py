"""Planning jobs: queue one, follow it, cancel it, and run it (in the worker, never in a
request).

A job builds the routing problem of the regency's week from the database, solves it with
``planner.solver.solve_isolated`` (its own process, killed when it overruns), and stores the
decoded plan as a draft :class:`PlanVersion` with its instance.  Whatever goes wrong marks the
job ``failed`` with a plain message; nothing else changes (the published plan least of all).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import func, select, update

from planner.errors import InfeasibleError, InputError
from planner.instance_io import instance_to_dict
from planner.params import PlanningParams, SolverParams
from planner.plan import decode_plan, plan_to_dict
from planner.problem import BuiltProblem, Pin
from planner.remedies import add_remedies
from planner.solution import Solution, SolveStatus
from planner.solver import solve_isolated
from web.extensions import db
from web.models import JobStatus, PlanningJob, PlanVersion, Regency, User
from web.models.base import utcnow
from web.services.field_reports import unreachable_notes
from web.services.field_schedule import local_today
from web.services.never_come import turnout_model_params
from web.services.plans import published_version, store_draft, store_instance
from web.services.turnout import service_params
from web.services.version_notes import job_note_data

log = logging.getLogger(__name__)

#: A running job's worker writes its heartbeat at least this often (s), in every phase.
HEARTBEAT_S = 2.0
#: A running job whose worker has not written for this long is taken as dead (s).
STALE_AFTER_S = 15
#: Why a job of a dead worker was closed.
STALE_ERROR = ("Pekerja berhenti di tengah perhitungan (server dimulai ulang atau proses "
               "dihentikan). Rencana yang sudah terbit tidak berubah. Silakan rencanakan lagi.")
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobError(ValueError):
    """A job cannot be queued as asked."""


def N_(text: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark ``text`` for translation (pybabel) without translating it here."""
    return text


QUEUE_FULL = N_("Sudah ada %(queued)s tugas perencanaan yang menunggu untuk kabupaten/kota ini "
                "(paling banyak %(limit)s). Tunggu sampai satu selesai atau batalkan salah "
                "satu, lalu coba lagi.")


class QueueFullError(JobError):
    """The regency already has as many queued jobs as allowed (the API answers 429); the
    message is in the language of the request, Indonesian outside one."""

    def __init__(self, queued: int, limit: int) -> None:
        values = {"queued": queued, "limit": limit}
        super().__init__(gettext(QUEUE_FULL, **values) if has_request_context()
                         else QUEUE_FULL % values)
        self.queued = queued
        self.limit = limit
def planning_today(regency: Regency) -> date:
    """The date planning takes as today: the regency's local date, or the ``PLANNING_TODAY``
    setting (ISO date) where a fixed clock is wanted (tests, demos)."""
    fixed = current_app.config.get("PLANNING_TODAY")
    return date.fromisoformat(str(fixed)) if fixed else local_today(regency)


def next_monday(regency: Regency, *, today: date | None = None) -> date:
    """The Monday after today in the regency's own zone."""
    today = today or local_today(regency)
    return today + timedelta(days=7 - today.weekday())


def week_choices(regency: Regency, *, weeks: int = 4) -> list[date]:
    """This week's Monday and the next few."""
    first = next_monday(regency) - timedelta(days=7)
    return [first + timedelta(days=7 * k) for k in range(weeks + 1)]


def solver_params(job: PlanningJob) -> SolverParams:
    """Time limit, seed and solution limit of a job (config defaults when not given)."""
    config = current_app.config
    limit = job.params.get("solution_limit")
    return SolverParams(time_limit_s=float(job.params.get("time_limit_s")
                                           or config["PLANNING_TIME_LIMIT_S"]),
                        seed=int(job.params.get("seed") or 0),
                        solution_limit=None if limit is None else int(limit))


def create_job(regency: Regency, user: User | None, *, week_start: date,
               time_limit_s: float | None = None, seed: int = 0,
               solution_limit: int | None = None,
               base_version: PlanVersion | None = None,
               today: date | None = None,
               extra_params: dict[str, Any] | None = None) -> PlanningJob:
    """Queue a job (the worker serves the regencies in turn: :func:`queue_order`).

    ``today`` (:func:`planning_today` by default) is stored with the job: re-optimising a
    plan (``base_version``) keeps the team-days before it as they are (those days have been
    worked), and the first plan of a week that has started plans only the days ahead.  Raises
    :class:`QueueFullError` when the regency already has ``PLANNING_MAX_QUEUED_PER_REGENCY``
    jobs waiting, so one account cannot fill the queue every regency shares.
    """
    most = int(current_app.config["PLANNING_MAX_QUEUED_PER_REGENCY"])
    waiting = db.session.scalar(select(func.count()).select_from(PlanningJob).where(
        PlanningJob.regency_code == regency.code, PlanningJob.status == JobStatus.QUEUED)) or 0
    if waiting >= most:
        raise QueueFullError(waiting, most)
    if week_start.isoweekday() != 1:
        raise JobError("minggu harus dimulai hari Senin")
    limit = float(time_limit_s or current_app.config["PLANNING_TIME_LIMIT_S"])
    if not 1 <= limit <= float(current_app.config["PLANNING_MAX_TIME_LIMIT_S"]):
        raise JobError(f"batas waktu harus 1–{current_app.config['PLANNING_MAX_TIME_LIMIT_S']} "
                       "detik")
    params: dict[str, Any] = {**(extra_params or {}), "time_limit_s": limit, "seed": int(seed)}
    if solution_limit is not None:
        params["solution_limit"] = int(solution_limit)
    params["today"] = (today or planning_today(regency)).isoformat()
    if base_version is not None:
        params["base_version_id"] = base_version.id
    job = PlanningJob(regency_code=regency.code, week_start=week_start,
                      status=JobStatus.QUEUED, params=params,
                      progress={"fraction": 0.0, "elapsed_s": 0.0, "best_prize": None},
                      created_by_id=user.id if user else None)
    db.session.add(job)
    db.session.commit()
    if current_app.config["JOB_RUNNER"] == "celery":
        from web.celery_app import send_job

        send_job(current_app._get_current_object(),  # type: ignore[attr-defined]
                 job.id, time_limit_s=limit)
    return job


def cancel_job(job: PlanningJob) -> bool:
    """Ask a queued or running job to stop; True when it was still active."""
    result = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job.id, PlanningJob.status.in_(ACTIVE)).values(
        status=JobStatus.CANCELLED, finished_at=utcnow(),
        error="Dibatalkan oleh pengguna."))
    db.session.commit()
    db.session.refresh(job)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def queue_order() -> list[int]:
    """The queued jobs' ids in the order the worker will take them, fair across regencies.

    Round robin: the regency served least recently (the latest ``started_at`` of its jobs;
    never served comes first, then the one whose oldest queued job is oldest) has its oldest
    queued job taken next, then the next regency's, and so on; the regencies' second jobs
    follow their first.  Jobs queued later join this order where their regency's turn falls.
    """
    served = dict(db.session.execute(select(
        PlanningJob.regency_code, func.max(PlanningJob.started_at)).where(
        PlanningJob.started_at.is_not(None)).group_by(PlanningJob.regency_code)).all())
    waiting: dict[str, list[int]] = {}
    for job_id, code in db.session.execute(select(PlanningJob.id, PlanningJob.regency_code)
                                           .where(PlanningJob.status == JobStatus.QUEUED)
                                           .order_by(PlanningJob.id)):
        waiting.setdefault(code, []).append(job_id)
    turns = sorted(waiting, key=lambda code: (served.get(code) is not None,
                                              served.get(code) or 0, waiting[code][0]))
    order: list[int] = []
    for rank in range(max((len(ids) for ids in waiting.values()), default=0)):
        order += [waiting[code][rank] for code in turns if rank < len(waiting[code])]
    return order


def queue_position(job: PlanningJob) -> int:
    """How many jobs are ahead of this one: those running and those the worker takes first
    (0 when it runs or is done)."""
    if job.status != JobStatus.QUEUED:
        return 0
    order = queue_order()
    running = db.session.scalar(select(func.count()).select_from(PlanningJob).where(
        PlanningJob.status == JobStatus.RUNNING)) or 0
    return running + (order.index(job.id) if job.id in order else len(order))


def job_dict(job: PlanningJob) -> dict[str, Any]:
    """The job as the progress page and the API show it."""
    return {"id": job.id, "regency_code": job.regency_code,
            "week_start": job.week_start.isoformat(), "status": job.status,
            "params": job.params, "progress": job.progress, "error": job.error,
            "queue_position": queue_position(job),
            "created_at": job.created_at.isoformat() if job.created_at else None,
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "result_version_id": job.result_version_id}


def recent_jobs(regency_code: str, *, limit: int = 10) -> list[PlanningJob]:
    """The regency's jobs, newest first."""
    return list(db.session.scalars(select(PlanningJob).where(
        PlanningJob.regency_code == regency_code).order_by(PlanningJob.id.desc())
        .limit(limit)))


# --- running a job (worker side) ---------------------------------------------------------


def claim_job(job_id: int) -> PlanningJob | None:
    """Take job ``job_id`` if it is still queued: an UPDATE that only one worker can win."""
    won = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job_id, PlanningJob.status == JobStatus.QUEUED).values(
        status=JobStatus.RUNNING, started_at=utcnow(),
        progress={"fraction": 0.0, "elapsed_s": 0.0, "best_prize": None,
                  "heartbeat": time.time(), "worker": worker_identity()}))
    db.session.commit()
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(PlanningJob, job_id)


def claim_next_job() -> PlanningJob | None:
    """Take the next queued job in :func:`queue_order` (the oldest job of the regency served
    least recently): an UPDATE that only one worker can win."""
    while True:
        order = queue_order()
        if not order:
            db.session.rollback()
            return None
        job = claim_job(order[0])
        if job is not None:
            return job


def _process_start(pid: int) -> str:
    """When the process started (clock ticks since boot, from /proc), "" where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return ""
    return "" if fields[0] in ("Z", "X") else fields[19]


def worker_identity() -> str:
    """This worker process as ``host/pid/start``: a pid reused later does not match."""
    return f"{socket.gethostname()}/{os.getpid()}/{_process_start(os.getpid())}"


def worker_gone(identity: str) -> bool:
    """Whether the worker process of ``identity`` is known to have ended: it ran on this
    host and its pid is free or now belongs to a process started at another time.  A worker
    on another host is never judged here (its heartbeat is)."""
    parts = identity.rsplit("/", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid, start = parts[0], int(parts[1]), parts[2]
    if host != socket.gethostname():
        return False
    if start:
        return _process_start(pid) != start
    try:  # pragma: no cover - platforms without /proc
        os.kill(pid, 0)
    except ProcessLookupError:  # pragma: no cover
        return True
    except OSError:  # pragma: no cover - alive, someone else's
        return False
    return False  # pragma: no cover


def fail_stale_jobs() -> int:
    """Close the running jobs of dead workers: at once when the worker ran on this host and
    its process is gone (a restart after a crash or ``kill -9``), otherwise when its
    heartbeat is older than :data:`STALE_AFTER_S`."""
    count = 0
    for job in db.session.scalars(select(PlanningJob).where(
            PlanningJob.status == JobStatus.RUNNING)).all():
        progress = job.progress or {}
        beat = float(progress.get("heartbeat") or 0)
        worker = str(progress.get("worker") or "")
        if (worker and worker_gone(worker)) or time.time() - beat > STALE_AFTER_S:
            _finish(job.id, JobStatus.FAILED, error=STALE_ERROR)
            count += 1
    return count


def _finish(job_id: int, status: str, *, error: str | None = None,
            version_id: int | None = None, progress: dict[str, Any] | None = None) -> bool:
    """Close a running job; a job cancelled meanwhile keeps its cancellation."""
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": error,
                              "result_version_id": version_id}
    if progress is not None:
        values["progress"] = progress
    result = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job_id, PlanningJob.status == JobStatus.RUNNING).values(**values))
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass
class _Progress:
    """What the solve thread reports; the worker thread writes it to the job row."""

    started: float = field(default_factory=time.monotonic)
    best_prize: int | None = None
    travel_s: int | None = None
    improvements: int = 0
    solution: Solution | None = None
    error: BaseException | None = None

    def __call__(self, elapsed_s: float, prize: int, travel_s: int) -> None:
        self.best_prize, self.travel_s = prize, travel_s
        self.improvements += 1


def build_job_problem(job: PlanningJob, params: PlanningParams
                      ) -> tuple[BuiltProblem, list[list[int]] | None, PlanVersion | None]:
    """The problem of the job's week (with the base version's pins when re-optimising), and
    the base version's routes as a starting point where they still apply."""
    from web.services.problem_data import build_regency_problem

    regency = db.session.get(Regency, job.regency_code)
    if regency is None:
        raise JobError("kabupaten/kota tidak ada")
    base = None
    pins: list[Pin] = []
    if job.params.get("base_version_id"):
        base = db.session.get(PlanVersion, int(job.params["base_version_id"]))
    # days already worked (before the day the plan was asked for) stay as they are
    today = date.fromisoformat(str(job.params["today"])) if job.params.get("today") else None
    started = today is not None and today > job.week_start
    kept = base
    if kept is None and started:
        # a fresh plan of a started week keeps the published plan's past days
        kept = published_version(job.regency_code, job.week_start)
    closed = today if kept is not None else None
    # no published plan to keep: the days before today are not planned at all
    first_day = today if kept is None and started else None
    # the kept plan's multi-day trips stay as they were (issue 18): its stops stay reachable
    nights = {(str(r["team_id"]), str(r["date"])): str(r["night"]["location_id"])
              for r in (kept.plan["routes"] if kept is not None else [])
              if r.get("date") and isinstance(r.get("night"), dict)
              and r["night"].get("location_id")}
    if kept is not None:
        for route in kept.plan["routes"]:
            if not route.get("date"):
                continue
            day = date.fromisoformat(str(route["date"]))
            past = closed is not None and day < closed
            for stop in route["stops"]:
                if ((base is not None and stop.get("pinned")) or past) \
                        and stop.get("village_code"):
                    pins.append(Pin(str(stop["village_code"]), str(route["team_id"]), day,
                                    visit_id=stop.get("visit_id")))
    # a pin the data no longer allows (village done, team-day gone) is dropped with a note
    built = build_regency_problem(regency, job.week_start, params, pins=pins,
                                  strict_pins=False, closed_before=closed, first_day=first_day,
                                  kept_nights=nights or None)
    initial = None
    if base is not None:
        visit_index = {v.visit_id: i for i, v in enumerate(built.instance.visits)}
        by_vehicle = {str(r["vehicle_id"]): [visit_index[s["visit_id"]] for s in r["stops"]
                                             if s["visit_id"] in visit_index]
                      for r in base.plan["routes"]}
        initial = [by_vehicle.get(v.vehicle_id, []) for v in built.instance.vehicles]
    return built, initial, base


def _plain_failure(solution: Solution) -> str:
    message = solution.message or ""
    if "killed" in message:
        return ("Perhitungan melewati batas waktu dan dihentikan paksa. Rencana yang sudah "
                "terbit tidak berubah.")
    if "ended without a result" in message:
        return ("Proses perhitungan berhenti tanpa hasil. Rencana yang sudah terbit tidak "
                "berubah.")
    if solution.status == SolveStatus.INFEASIBLE:
        return ("Tidak ada rencana yang memenuhi semua sematan. Lepas sebagian sematan lalu "
                "coba lagi.")
    if solution.status == SolveStatus.NO_SOLUTION:
        return "Batas waktu habis sebelum rencana pertama ditemukan. Beri waktu lebih lama."
    return f"Perhitungan gagal: {message or solution.status.value}"


def run_job(job: PlanningJob, *, poll_s: float = 0.3) -> None:
    """Solve a claimed job and store its draft; mark it failed on any problem."""
    job_id = job.id
    solver = solver_params(job)
    # the turnout rates the coordinator accepted from field reports (services/turnout.py)
    params = PlanningParams(solver=solver, service=service_params(job.regency_code),
                            turnout=turnout_model_params(job.regency_code))
    try:
        with _beating(job_id, dict(job.progress or {})):
            built, initial, base = build_job_problem(job, params)
    except (InputError, InfeasibleError, JobError) as exc:
        _finish(job_id, JobStatus.FAILED, error=f"Data belum siap untuk direncanakan: {exc}")
        return
    except Exception as exc:
        log.exception("planning job %s could not build its problem", job_id)
        _finish(job_id, JobStatus.FAILED, error=f"Terjadi kesalahan saat menyiapkan data: {exc}")
        return
    state = _Progress()
    stop = threading.Event()

    def solve() -> None:
        try:
            state.solution = solve_isolated(
                built.instance, time_limit_s=solver.time_limit_s, seed=solver.seed,
                solution_limit=solver.solution_limit, progress=state,
                initial_routes=initial, cancelled=stop.is_set)
        except BaseException as exc:  # reported by the worker thread
            state.error = exc

    thread = threading.Thread(target=solve, name=f"solve-job-{job_id}", daemon=True)
    thread.start()
    cancelled = False
    while thread.is_alive():
        thread.join(timeout=poll_s)
        if not _report(job_id, state, solver.time_limit_s):
            cancelled = True
            # solve_isolated kills this job's own solver process at once (OR-Tools ignores
            # anything gentler); other jobs' processes are left alone
            stop.set()
            thread.join()
    if cancelled:
        return
    final = _progress_dict(state, solver.time_limit_s, done=True)
    if state.error is not None:
        log.error("planning job %s crashed: %r", job_id, state.error)
        _finish(job_id, JobStatus.FAILED, progress=final,
                error=f"Perhitungan gagal: {state.error}. Rencana yang sudah terbit tidak "
                "berubah.")
        return
    solution = state.solution
    assert solution is not None
    # a killed or crashed solve fails the job, even with a partial plan (issue 4)
    if solution.status not in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL):
        _finish(job_id, JobStatus.FAILED, error=_plain_failure(solution), progress=final)
        return
    try:
        with _beating(job_id, final):
            plan = plan_to_dict(add_remedies(
                decode_plan(built.instance, solution, built=built, params=params),
                built, solution, params))
            # villages last reported unreachable: flagged with the reason (still planned)
            plan["notes"] = [*plan.get("notes", []),
                             *unreachable_notes(job.regency_code, job.week_start)]
            stored = store_instance(job.regency_code, job.week_start,
                                    instance_to_dict(built.instance))
            version = store_draft(regency_code=job.regency_code, week_start=job.week_start,
                                  plan=plan, instance_id=stored.id,
                                  created_by_id=job.created_by_id,
                                  based_on_id=base.id if base else None,
                                  origin="reoptimise" if base else "solver",
                                  note=f"tugas perencanaan #{job_id}",
                                  note_data=job_note_data(job_id))
    except Exception as exc:
        db.session.rollback()
        log.exception("planning job %s could not store its plan", job_id)
        _finish(job_id, JobStatus.FAILED, error=f"Rencana tidak dapat disimpan: {exc}",
                progress=final)
        return
    if not _finish(job_id, JobStatus.DONE, version_id=version.id, progress=final):
        log.info("planning job %s was cancelled while its draft was stored", job_id)


def _progress_dict(state: _Progress, limit_s: float, *, done: bool = False) -> dict[str, Any]:
    elapsed = time.monotonic() - state.started
    return {"elapsed_s": round(elapsed, 1), "time_limit_s": limit_s,
            "fraction": 1.0 if done else round(min(0.99, elapsed / max(limit_s, 0.1)), 3),
            "best_prize": state.best_prize, "travel_s": state.travel_s,
            "improvements": state.improvements, "heartbeat": time.time(),
            "worker": worker_identity()}


def _write_beat(job_id: int, progress: dict[str, Any]) -> None:
    db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job_id, PlanningJob.status == JobStatus.RUNNING).values(
        progress={**progress, "heartbeat": time.time(), "worker": worker_identity()}))
    db.session.commit()


@contextmanager
def _beating(job_id: int, progress: dict[str, Any]) -> Iterator[None]:
    """Keep the job's heartbeat fresh while the block runs (building the problem, storing
    the plan: the phases without progress reports), so no other worker takes it as dead."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()

    def beat() -> None:
        with app.app_context():
            try:
                while not stop.wait(HEARTBEAT_S):
                    try:
                        _write_beat(job_id, progress)
                    except Exception:  # a busy database: the next beat tries again
                        db.session.rollback()
                        log.warning("planning job %s: heartbeat not written", job_id,
                                    exc_info=True)
            finally:
                db.session.remove()

    _write_beat(job_id, progress)  # the worker's identity, at once
    thread = threading.Thread(target=beat, name=f"heartbeat-job-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _report(job_id: int, state: _Progress, limit_s: float) -> bool:
    """Write the progress to the job row; False when the job was cancelled meanwhile."""
    result = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job_id, PlanningJob.status == JobStatus.RUNNING).values(
        progress=_progress_dict(state, limit_s)))
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]

