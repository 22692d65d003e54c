"""The embedded planning worker: takes queued jobs in order and runs them, one at a time.

Started as a daemon thread by ``python -m web`` (or with ``START_WORKER``), or on its own
with ``flask --app web worker``.  Several workers (threads or processes) may share a
database: a job is claimed with an UPDATE only one of them wins.  The solve itself runs in
a child process (``planner.solver.solve_isolated``) that is killed when it overruns.
"""

from __future__ import annotations

import logging
import threading

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

    def run_forever(self) -> None:
        """Run jobs until :meth:`stop`; failed jobs from a dead worker are closed first."""
        from web.extensions import db
        from web.services.planning import fail_stale_jobs

        with self.app.app_context():
            try:
                fail_stale_jobs()
            finally:
                db.session.remove()
        while not self._stop.is_set():
            try:
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
