"""A real ``python -m web`` killed with ``kill -9`` in the middle of a solve: its solver
process goes with it, and the restarted server closes the dead job at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from processes import PYTHON, REPO, alive, child_env, cpu_ticks, descendants, free_port, wait_for

from web.services.planning import STALE_AFTER_S

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process tree from /proc")


def _job(db_path: Path) -> tuple[str, dict, str | None, str | None] | None:
    """Status, progress, error and finish time of the only planning job, read directly."""
    try:
        with sqlite3.connect(db_path, timeout=10) as conn:
            row = conn.execute("SELECT status, progress, error, finished_at "
                               "FROM planning_job ORDER BY id LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # the tables are not there yet
        return None
    if row is None:
        return None
    return row[0], json.loads(row[1] or "{}"), row[2], row[3]


def _serve(tmp_path: Path, port: int, log_name: str) -> subprocess.Popen[bytes]:
    env = child_env(JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'jb.db'}",
                    JEMPUT_BOLA_SECRET_KEY="uji-crash", JEMPUT_BOLA_PORT=str(port),
                    # one long solve: it would run for 5 minutes
                    JEMPUT_BOLA_FIRST_RUN_PLAN_S="300")
    log = open(tmp_path / log_name, "wb")  # noqa: SIM115 - closed with the process below
    try:
        return subprocess.Popen([PYTHON, "-m", "web"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    finally:
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    family = descendants(proc.pid)
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    for pid in family:  # nothing of ours may outlive the test, whatever it asserted
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_kill_9_of_the_server_ends_its_solver_and_a_restart_fails_the_job(tmp_path):
    db_path = tmp_path / "jb.db"
    server = _serve(tmp_path, free_port(), "first.log")
    try:
        running = wait_for(lambda: (job := _job(db_path)) and job[0] == "running"
                           and job[1].get("improvements") and job, timeout_s=180, every_s=0.5)
        assert running, (tmp_path / "first.log").read_text()
        family = descendants(server.pid)
        busy = {pid for pid in family if cpu_ticks(pid) > 0}
        assert family, "no solver process under the server"
        time.sleep(1.0)
        assert any(cpu_ticks(pid) > 0 for pid in busy)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        killed_at = time.time()
        gone = wait_for(lambda: not any(alive(pid) for pid in family), timeout_s=5)
        assert gone, f"still running after kill -9: {[p for p in family if alive(p)]}"
        # the job still says running (nobody could close it) ...
        status, progress, _, _ = _job(db_path)
        assert status == "running"
        assert progress["worker"].split("/")[1] == str(server.pid)
    finally:
        _stop(server)
    restarted = _serve(tmp_path, free_port(), "second.log")
    try:
        # ... until the restarted server's worker closes it: at once, not after a timeout
        failed = wait_for(lambda: (job := _job(db_path)) and job[0] != "running" and job,
                          timeout_s=60, every_s=0.2)
        assert failed, (tmp_path / "second.log").read_text()
        status, progress, error, finished_at = failed
        assert status == "failed"
        assert "Pekerja berhenti di tengah perhitungan" in error
        finished = datetime.fromisoformat(finished_at).replace(tzinfo=UTC).timestamp()
        # closed before its last heartbeat was stale: the dead process was recognised
        assert finished - float(progress["heartbeat"]) < STALE_AFTER_S
        assert finished >= killed_at - 1
    finally:
        _stop(restarted)


def test_worker_identity_tells_a_dead_worker_from_a_live_one():
    import socket

    from web.services.planning import worker_gone, worker_identity

    me = worker_identity()
    assert not worker_gone(me)
    host, pid, start = me.rsplit("/", 2)
    assert pid == str(os.getpid())
    assert worker_gone(f"{host}/{pid}/{int(start) + 1}")  # the pid, reused by another process
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    assert worker_gone(f"{socket.gethostname()}/{ended.stdout.strip()}/{start}")
    assert not worker_gone(f"another-host/{ended.stdout.strip()}/{start}")  # its heartbeat says


def test_a_silent_worker_on_another_host_is_failed_after_the_heartbeat_limit(app):
    from web.extensions import db
    from web.models import JobStatus, PlanningJob
    from web.services.planning import fail_stale_jobs
    from web.services.regions import ensure_regency

    now = time.time()
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Uji")
        for beat in (now - 2, now - STALE_AFTER_S - 5):
            db.session.add(PlanningJob(regency_code="36.90", week_start=date(2026, 11, 30),
                                       status=JobStatus.RUNNING, params={},
                                       progress={"heartbeat": beat,
                                                 "worker": "another-host/1/1"}))
        db.session.commit()
        assert fail_stale_jobs() == 1
        jobs = db.session.query(PlanningJob).order_by(PlanningJob.id).all()
        assert [j.status for j in jobs] == ["running", "failed"]
        assert "Pekerja berhenti" in jobs[1].error
