"""Planning jobs through real Celery worker processes on Redis (JOB_RUNNER = "celery")."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import PASSWORD, REPO, SAMPLE, build_app, login

from web.extensions import db
from web.models import JobStatus, PlanningJob, PlanVersion, Role
from web.models.base import utcnow
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.job_runs import JobStillAliveError, _take_over, run_delivered_job

REGENCY = "36.90"
WEEK = "2026-11-30"
REDIS_DB = 13


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not _redis_up(), reason="Redis is not running at 127.0.0.1:6379"),
]


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, Any]:
    """Celery settings of one test: its own queue, a short heartbeat window."""
    broker = f"redis://127.0.0.1:6379/{REDIS_DB}"
    return {"JOB_RUNNER": "celery", "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker, "CELERY_QUEUE": f"jb-test-{uuid.uuid4().hex[:8]}",
            "CELERY_CONCURRENCY": 1, "CELERY_STALE_RETRY_S": 1, "PLANNING_STALE_AFTER_S": 4,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'celery.db'}"}


@pytest.fixture
def app(tmp_path: Path, settings: dict[str, Any]) -> Iterator[Any]:
    """The app on the sample regency, sending its jobs to Celery."""
    app = build_app(tmp_path, **settings)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
    yield app
    with app.app_context():
        db.engine.dispose()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.fixture
def worker(settings: dict[str, Any], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery -A web.tasks worker`` process (one pool process) on the test's queue."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "JEMPUT_BOLA_SECRET_KEY": "test",
           "JEMPUT_BOLA_SAMPLE_DATA": str(SAMPLE)}
    env.update({f"JEMPUT_BOLA_{k}": str(v) for k, v in settings.items()})
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.tasks", "worker", "-P", "prefork",
         "-c", "1", "-Q", settings["CELERY_QUEUE"], "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "info"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield proc
    for pid in [*_children(proc.pid), proc.pid]:
        for child in _children(pid):
            _kill(child)
    proc.send_signal(signal.SIGQUIT)  # cold shutdown: the test is over
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _job(app: Any, job_id: int) -> PlanningJob:
    with app.app_context():
        job = db.session.get(PlanningJob, job_id)
        assert job is not None
        db.session.expunge(job)
        return job


def _wait(app: Any, job_id: int, until: Any, *, timeout_s: float, log: Path) -> PlanningJob:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = _job(app, job_id)
        if until(job):
            return job
        time.sleep(0.3)
    pytest.fail(f"job {job_id} stuck as {_job(app, job_id).status}; worker log:\n"
                + log.read_text()[-3000:])


def _queue(app: Any, **body: Any) -> int:
    client = app.test_client()
    assert login(client, "koordinator").status_code == 302
    response = client.post(f"/api/v1/regencies/{REGENCY}/jobs",
                           json={"week_start": WEEK, **body})
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["id"])


def test_a_job_runs_to_a_draft_in_a_celery_worker(app, worker, tmp_path):
    """A job queued through the API is solved by the Celery worker process and leaves a draft."""
    job_id = _queue(app, time_limit_s=30, solution_limit=2)
    job = _wait(app, job_id, lambda j: j.status not in ("queued", "running"),
                timeout_s=120, log=tmp_path / "worker.log")
    assert job.status == JobStatus.DONE, job.error
    assert job.progress["fraction"] == 1.0
    with app.app_context():
        version = db.session.get(PlanVersion, job.result_version_id)
        assert version is not None
        assert version.plan["routes"]


def test_a_killed_worker_process_hands_the_job_over_once(app, worker, tmp_path):
    """kill -9 of the pool process mid-solve: the job is taken over once and still ends done."""
    log = tmp_path / "worker.log"
    job_id = _queue(app, time_limit_s=12)
    _wait(app, job_id, lambda j: j.status == "running" and (j.progress.get("elapsed_s") or 0)
          >= 1.0, timeout_s=120, log=log)
    pool = _children(worker.pid)
    assert pool, "the worker has no pool process"
    for pid in pool:
        _kill(pid)
    job = _wait(app, job_id, lambda j: j.status not in ("queued", "running"),
                timeout_s=150, log=log)
    assert job.status == JobStatus.DONE, job.error
    assert job.params.get("retries") == 1
    with app.app_context():
        drafts = db.session.query(PlanVersion).count()
    assert drafts == 1  # the killed attempt stored nothing; the second one stored its draft


def test_worker_processes_start_the_solver_server_before_any_job(worker, tmp_path):
    """Each pool process starts its solver forkserver (OR-Tools imported once) at its start,
    so its first job does not wait for those imports (CELERY_WARM_SOLVER, the default)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pool = _children(worker.pid)
        servers = [c for p in pool for c in _children(p)
                   if b"forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()]
        if pool and len(servers) == len(pool):
            return
        time.sleep(0.3)
    pytest.fail("no solver server under the pool process; worker log:\n"
                + (tmp_path / "worker.log").read_text()[-3000:])


def test_the_early_solver_server_can_be_turned_off(tmp_path, settings):
    """CELERY_WARM_SOLVER reaches the workers' Celery settings (on by default)."""
    from web.celery_app import WARM_SOLVER

    assert build_app(tmp_path, **settings).extensions["celery"].conf[WARM_SOLVER] is True
    off = build_app(tmp_path / "off", **settings, CELERY_WARM_SOLVER=False)
    assert off.extensions["celery"].conf[WARM_SOLVER] is False


def test_cancel_stops_a_running_job_and_frees_the_worker(app, worker, tmp_path):
    """Cancelling a running job kills its solve; the same worker then runs the next job."""
    log = tmp_path / "worker.log"
    first = _queue(app, time_limit_s=60)
    _wait(app, first, lambda j: j.status == "running", timeout_s=120, log=log)
    client = app.test_client()
    assert login(client, "koordinator").status_code == 302
    assert client.post(f"/api/v1/jobs/{first}/cancel").status_code in (200, 202)
    second = _queue(app, time_limit_s=30, solution_limit=2)
    started = time.monotonic()
    job = _wait(app, second, lambda j: j.status not in ("queued", "running"),
                timeout_s=60, log=log)
    assert job.status == JobStatus.DONE, job.error
    assert time.monotonic() - started < 50  # not after the cancelled job's 60 s
    assert _job(app, first).status == JobStatus.CANCELLED


def test_a_second_delivery_never_runs_a_live_job(app):
    """A job that is running with a fresh heartbeat is left to its worker, not run again."""
    with app.app_context():
        job = PlanningJob(regency_code=REGENCY, week_start=utcnow().date(),
                          status=JobStatus.RUNNING, params={"time_limit_s": 5},
                          progress={"heartbeat": time.time()}, started_at=utcnow())
        db.session.add(job)
        db.session.commit()
        with pytest.raises(JobStillAliveError):
            run_delivered_job(job.id)
        assert db.session.get(PlanningJob, job.id).status == JobStatus.RUNNING


def test_only_one_delivery_takes_over_a_dead_job(app):
    """Two deliveries that find the same silent job: the compare-and-swap lets one win."""
    with app.app_context():
        job = PlanningJob(regency_code=REGENCY, week_start=utcnow().date(),
                          status=JobStatus.RUNNING, params={"time_limit_s": 5},
                          progress={"heartbeat": time.time() - 600}, started_at=utcnow())
        db.session.add(job)
        db.session.commit()
        seen = job.started_at
        assert _take_over(job, seen) is True
        assert _take_over(job, seen) is False
        db.session.refresh(job)
        assert job.params["retries"] == 1


def test_a_job_that_lost_its_worker_twice_fails_with_the_reason(app):
    """After one takeover, a second dead worker fails the job with a plain reason."""
    with app.app_context():
        job = PlanningJob(regency_code=REGENCY, week_start=utcnow().date(),
                          status=JobStatus.RUNNING, params={"time_limit_s": 5, "retries": 1},
                          progress={"heartbeat": time.time() - 600}, started_at=utcnow())
        db.session.add(job)
        db.session.commit()
        assert run_delivered_job(job.id) == "failed"
        db.session.refresh(job)
        assert job.status == JobStatus.FAILED
        assert "Pekerja perencanaan berhenti" in job.error
