"""The embedded planning worker: takes queued jobs in order and runs them, one at a time.

Started as a daemon thread by ``python -m web`` (or with ``START_WORKER``), or on its own
with ``flask --app web worker``.  Several workers (threads or processes) may share a
database: a job is claimed with an UPDATE only one of them wins.  The solve itself runs in
a child process (``planner.solver.solve_isolated``) that is killed when it overruns.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


class PlanningWorker:
    """Polls for queued jobs and runs them inside the app's context."""

    def __init__(self, app: Flask, *, poll_s: float = 1.0) -> None:
        self.app = app
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> bool:
        """Run the next queued job (regencies in turn: ``queue_order``); whether one ran."""
        from web.extensions import db
        from web.services.planning import claim_next_job, run_job

        with self.app.app_context():
            try:
                job = claim_next_job()
                if job is None:
                    return False
                run_job(job)
                return True
            finally:
                db.session.remove()

    def fail_stale_jobs(self) -> int:
        """Close the running jobs of dead workers (see ``planning.fail_stale_jobs``)."""
        from web.extensions import db
        from web.services.planning import fail_stale_jobs

        with self.app.app_context():
            try:
                return fail_stale_jobs()
            finally:
                db.session.remove()

    def run_forever(self) -> None:
        """Run jobs until :meth:`stop`.  Jobs left running by a dead worker are closed
        first, and again every few seconds while idle (another worker may die meanwhile)."""
        from web.services.planning import STALE_AFTER_S

        self.fail_stale_jobs()
        checked = time.monotonic()
        while not self._stop.is_set():
            try:
                if time.monotonic() - checked > STALE_AFTER_S / 3:
                    checked = time.monotonic()
                    self.fail_stale_jobs()
                ran = self.run_once()
            except Exception:  # keep serving the queue; the job row says what failed
                log.exception("planning worker: job crashed")
                ran = False
            if not ran:
                self._stop.wait(self.poll_s)

    def start(self) -> threading.Thread:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run_forever, name="planning-worker",
                                        daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, *, timeout_s: float = 30.0) -> None:
        """Ask the loop to end after the current job and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
