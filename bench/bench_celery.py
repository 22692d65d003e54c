"""Banten's 8 regencies planned for one week through Celery (2 worker processes) against the
same work in 2 local processes: what the queue adds (issue 20).

    python bench/bench_celery.py [--rounds 3] [--time-limit 20] [--dir /tmp/jb-bench-celery]
                                 [--database URL] [--redis-db 12] [--workers 2]
                                 [--sides celery,local] [--cold-celery]

Setup (made once, reused from ``--dir``): a database migrated by the app's migrations with
Banten's 8 regencies imported as the web imports them (``store_dataset`` of the province's
files, one regency at a time), a fixed "today" (2026-11-27) so the week 2026-11-30 is
planned whole.

Both sides run the same planning jobs with the same code: ``plan_province`` queues one job
per regency (the province page's "plan all regencies"), and each job is run by
:func:`web.services.job_runs.run_delivered_job` (claim the row, build the problem from the
database, ``solve_isolated``, store the draft) inside the Flask app's context:

- ``celery``: a real ``celery -A web.tasks worker --concurrency 2`` started by this script
  on its own Redis database and queue, configured by ``JEMPUT_BOLA_*`` variables like a
  production worker; ``plan_province`` sends the tasks and the wall time ends when the
  database shows all 8 jobs ended (one COUNT query every 0.1 s).
- ``local``: a ``ProcessPoolExecutor`` of 2 processes (each built the app once) that
  ``map``s ``run_delivered_job`` over the same 8 job ids, chunksize 1.

Both process pools are started once, before the first round, and are warm the same way
(app built; the solver's forkserver started at process start, as the Celery worker's
``worker_process_init`` now does; the local pool waits until its servers can fork, the
Celery worker gets 20 s after "ready"; ``--cold-celery`` runs the worker without the early
start, to measure what it saves).  Rounds alternate which side goes first; medians are printed last:

    celery regencies=8 workers=2 limit_s=<x> celery_wall_s=<a> local_wall_s=<b> ratio=<a/b>

The machine may be shared (see the load average printed with each round).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BANTEN = Path(os.environ.get("JEMPUT_BANTEN") or REPO.parent / "shared" / "data" / "banten")
WEEK = date(2026, 11, 30)
TODAY = "2026-11-27"
PROVINCE = "36"

# --- configuration shared by the bench process, the local pool and the Celery worker ------


def settings(root: Path, database: str | None, redis_db: int, queue: str,
             workers: int = 2) -> dict[str, Any]:
    """App settings of the run (the worker gets them as ``JEMPUT_BOLA_*`` variables)."""
    broker = f"redis://127.0.0.1:6379/{redis_db}"
    return {"SECRET_KEY": "bench-celery",
            "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{root / 'jb.db'}",
            "CLASSIFY_CACHE_FOLDER": str(root / "classification"),
            "ROADS_FOLDER": str(root / "roads"), "PLANNING_TODAY": TODAY,
            "PLANNING_MAX_QUEUED_PER_REGENCY": 50,
            "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker,
            "CELERY_QUEUE": queue, "CELERY_CONCURRENCY": workers}


def make_app(config: dict[str, Any], runner: str) -> Any:
    from web import create_app

    return create_app({**config, "JOB_RUNNER": runner})


def build_database(app: Any) -> list[str]:
    """Migrate and import Banten's regencies (once); the regency codes with teams."""
    from sqlalchemy import func, select

    from planner.dataset import load_dataset
    from web.database import upgrade_database
    from web.extensions import db
    from web.models import Team, Village
    from web.services.imports import store_dataset
    from web.services.regions import ensure_regency

    upgrade_database(app)
    with app.app_context():
        if not db.session.scalar(select(func.count()).select_from(Village)):
            started = time.monotonic()
            dataset = load_dataset(
                villages=f"{BANTEN / 'banten.gpkg'}:villages",
                backlog=str(BANTEN / "belum_rekam.csv"), offices=str(BANTEN / "offices.csv"),
                harbours=str(BANTEN / "harbours.csv"), teams=str(BANTEN / "teams.csv"),
                neighbours=f"{BANTEN / 'banten.gpkg'}:neighbour_regencies")
            files = [{"role": "villages", "filename": "banten.gpkg"}]
            for code in sorted(dataset.teams["kabupaten_kode"].astype(str).unique()):
                regency = ensure_regency(code)
                db.session.commit()
                record = store_dataset(regency, None, dataset, files=files)
                if record.status != "done":
                    raise SystemExit(f"import of {code} failed: {record.problems}")
            print(f"setup: imported Banten into {app.config['SQLALCHEMY_DATABASE_URI']} in "
                  f"{time.monotonic() - started:.1f} s", flush=True)
        return sorted(db.session.scalars(select(Team.regency_code).distinct()))


# --- the local side: a pool of processes running the same job code -------------------------

_POOL_APP: Any = None


def _pool_init(config: dict[str, Any], warm: bool) -> None:
    global _POOL_APP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _POOL_APP = make_app(config, "embedded")
    if warm:
        from planner.solver.isolated import start_early

        start_early()


def _pool_warm() -> int:
    """Wait until this process's solver server has imported the search (it can only fork a
    child after); this process's id."""
    from planner.solver.isolated import _context

    child = _context().Process(target=time.sleep, args=(0,))
    child.start()
    child.join()
    time.sleep(1.0)
    return os.getpid()


def warm_pool(pool: Any, workers: int) -> None:
    """Start every process of the pool (started on demand) and their solver servers."""
    seen: set[int] = set()
    while len(seen) < workers:
        futures = [pool.submit(_pool_warm) for _ in range(workers)]
        seen.update(f.result() for f in futures)


def _pool_run(job_id: int) -> str:
    from web.services.job_runs import run_delivered_job

    with _POOL_APP.app_context():
        return run_delivered_job(job_id)


# --- one batch ----------------------------------------------------------------------------


def _queue_batch(app: Any) -> list[int]:
    from web.services.province_plans import plan_province

    with app.app_context():
        batch = plan_province(PROVINCE, None, week_start=WEEK)
        if batch.skipped:
            raise SystemExit(f"regencies skipped: {batch.skipped}")
        return [job.id for job in batch.jobs]


def _jobs(app: Any, ids: list[int]) -> list[Any]:
    from sqlalchemy import select

    from web.extensions import db
    from web.models import PlanningJob

    with app.app_context():
        jobs = list(db.session.scalars(select(PlanningJob).where(PlanningJob.id.in_(ids))))
        for job in jobs:
            db.session.expunge(job)
        db.session.remove()
        return jobs


def _summary(jobs: list[Any], wall_s: float, workers: int) -> str:
    """Per batch: job statuses, mean job time (claim to end), and the busy share of the
    processes (sum of job times / (workers x wall)): the rest is queue and scheduling."""
    statuses: dict[str, int] = {}
    for job in jobs:
        statuses[job.status] = statuses.get(job.status, 0) + 1
    inside = [(j.finished_at - j.started_at).total_seconds() for j in jobs
              if j.finished_at and j.started_at]
    busy = sum(inside) / (workers * wall_s) if wall_s else 0.0
    return (f"{statuses} job_mean_s={statistics.mean(inside):.2f} "
            f"job_max_s={max(inside):.2f} busy={busy:.0%}")


def run_celery(app: Any) -> tuple[float, list[Any]]:
    """Queue the batch and wait until its jobs ended: one COUNT every 0.1 s on one
    connection (a cheap poll; this process shares the cores with the worker's)."""
    from sqlalchemy import func, select

    from web.extensions import db
    from web.models import PlanningJob

    started = time.monotonic()
    ids = _queue_batch(app)
    waiting = select(func.count()).select_from(PlanningJob).where(
        PlanningJob.id.in_(ids), PlanningJob.status.in_(("queued", "running")))
    with app.app_context():
        while db.session.scalar(waiting):
            db.session.rollback()  # a fresh snapshot next time
            time.sleep(0.1)
        wall = time.monotonic() - started
        db.session.remove()
    return wall, _jobs(app, ids)


def run_local(app: Any, pool: Any) -> tuple[float, list[Any]]:
    started = time.monotonic()
    ids = _queue_batch(app)
    list(pool.map(_pool_run, ids, chunksize=1))
    return time.monotonic() - started, _jobs(app, ids)


# --- the Celery worker --------------------------------------------------------------------


def start_worker(config: dict[str, Any], log: Path, *, cold: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.update({f"JEMPUT_BOLA_{k}": str(v) for k, v in config.items()})
    env["JEMPUT_BOLA_JOB_RUNNER"] = "celery"
    if cold:
        env["JEMPUT_BOLA_CELERY_WARM_SOLVER"] = "false"
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.tasks", "worker", "-P", "prefork",
         "--concurrency", str(config["CELERY_CONCURRENCY"]), "-Q", config["CELERY_QUEUE"],
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while b" ready." not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("celery worker did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)
    return proc


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)  # warm shutdown: no task is running between rounds
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=None,
                    help="solver seconds per regency (default: the web's PLANNING_TIME_LIMIT_S)")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jb-bench-celery"))
    ap.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite in --dir)")
    ap.add_argument("--redis-db", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2,
                    help="worker processes on each side (Celery --concurrency, local pool)")
    ap.add_argument("--sides", default="celery,local",
                    help="'celery' alone measures one worker's throughput (with --workers 1)")
    ap.add_argument("--cold-celery", action="store_true",
                    help="worker processes without the solver's forkserver started early")
    args = ap.parse_args(argv)
    if not (BANTEN / "banten.gpkg").is_file():
        print(f"Banten data not found at {BANTEN}")
        return 2
    print("command: python bench/bench_celery.py " + " ".join(argv or sys.argv[1:]), flush=True)
    args.dir.mkdir(parents=True, exist_ok=True)
    config = settings(args.dir, args.database, args.redis_db, f"jb-bench-{uuid.uuid4().hex[:8]}",
                      args.workers)
    sides = args.sides.split(",")
    if not set(sides) <= {"celery", "local"}:
        ap.error("--sides: celery, local or both")
    if args.time_limit is not None:
        config["PLANNING_TIME_LIMIT_S"] = args.time_limit
    local_app = make_app(config, "embedded")
    codes = build_database(local_app)
    limit = float(local_app.config["PLANNING_TIME_LIMIT_S"])
    print(f"regencies {len(codes)}: {' '.join(codes)}; limit {limit:g} s", flush=True)
    celery_app = make_app(config, "celery")
    worker = start_worker(config, args.dir / "worker.log", cold=args.cold_celery)
    worker_started = time.monotonic()
    ctx = mp.get_context("forkserver")
    # ProcessPoolExecutor's processes are not daemonic: they may start solver processes
    pool = ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=_pool_init,
                               initargs=(config, True))
    walls: dict[str, list[float]] = {"celery": [], "local": []}
    try:
        if "local" in sides:
            warm_pool(pool, args.workers)
        time.sleep(max(0.0, 20 - (time.monotonic() - worker_started)))  # and Celery's
        for rnd in range(args.rounds):
            order = sides if rnd % 2 == 0 else sides[::-1]
            for side in order:
                load = os.getloadavg()[0]
                wall, jobs = (run_celery(celery_app) if side == "celery"
                              else run_local(local_app, pool))
                walls[side].append(wall)
                print(f"round {rnd + 1} {side:<6} wall_s={wall:.2f} load1={load:.1f} "
                      + _summary(jobs, wall, args.workers), flush=True)
    finally:
        pool.shutdown(cancel_futures=True)
        stop_worker(worker)
    if walls["celery"]:
        a = statistics.median(walls["celery"])
        print(f"throughput workers={args.workers} limit_s={limit:g} regency_weeks_per_hour="
              f"{len(codes) * 3600 / a / args.workers:.0f} per worker process")
    if walls["celery"] and walls["local"]:
        b = statistics.median(walls["local"])
        print(f"celery regencies={len(codes)} workers={args.workers} limit_s={limit:g} "
              f"celery_wall_s={a:.2f} local_wall_s={b:.2f} ratio={a / b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
