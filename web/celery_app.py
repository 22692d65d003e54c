"""Celery as the scale-out job runner (the Flask documentation's pattern).

``JOB_RUNNER = "embedded"`` (the default) keeps the worker thread of ``python -m web`` or
``flask worker``; with ``JOB_RUNNER = "celery"`` a queued job is also sent to Celery on Redis
and ``celery -A web.tasks worker`` processes run it, on this machine or others.  Both run the
same :func:`web.services.planning.run_job`; the job row in the database stays the truth
(status, progress, cancel), Celery only carries "job N is waiting".

Delivery is at least once (``acks_late``; a message of a worker process that dies is handed
out again), so :func:`run_planning_job` makes a second delivery harmless: it runs a job only
after winning it with a conditional UPDATE, and takes over a running job only when its
heartbeat has gone silent (the worker died), once.  See ``docs/deploy.md``.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask

#: Name of the one task; the web process sends it, workers run it.
PLAN_TASK = "jemput_bola.plan_job"
#: Celery setting (from ``CELERY_WARM_SOLVER``): start the solver's forkserver in each pool
#: process at its start.
WARM_SOLVER = "jemput_bola_warm_solver"


def celery_config(app: Flask) -> dict[str, Any]:
    """Celery settings from the Flask config (``CELERY_*`` keys, env ``JEMPUT_BOLA_CELERY_*``)."""
    config = app.config
    return {
        "broker_url": config["CELERY_BROKER_URL"],
        "result_backend": config["CELERY_RESULT_BACKEND"],
        "task_default_queue": config["CELERY_QUEUE"],
        # A job is acknowledged when it ends, and handed out again when the process that
        # ran it died (kill -9, out of memory): the job row decides whether to run it.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # One solve at a time per worker process; no prefetched jobs waiting behind it.
        "worker_prefetch_multiplier": 1,
        "worker_concurrency": int(config["CELERY_CONCURRENCY"]),
        # Redis hands an unacknowledged message to another worker after this long: longer
        # than the longest solve, or a live job would be delivered twice.
        "broker_transport_options": {
            "visibility_timeout": int(config["CELERY_VISIBILITY_TIMEOUT_S"])},
        "result_expires": 24 * 3600,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        # each pool process starts the solver's process server when it starts (see
        # _allow_solver_processes), not when its first job is already waiting on it
        WARM_SOLVER: bool(config.get("CELERY_WARM_SOLVER", True)),
    }


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _allow_solver_processes(**_: Any) -> None:
    """Let a pool process start the solver's own process, and start its process server.

    Celery's pool processes are daemonic, and multiprocessing refuses children to a daemonic
    process, because nothing would reap them when it dies.  The solver process is reaped by
    :func:`planner.solver.solve_isolated` (joined or killed), so the rule is lifted here.

    Each pool process has its own forkserver (the solver's processes fork from it), which
    imports OR-Tools and the compiled search once: seconds of CPU that the first job of the
    process would otherwise wait for.  Started here, on a thread, while the process is idle.
    """
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    config["daemon"] = False
    # billiard's own key type cannot be pickled by multiprocessing's forkserver: a fresh one
    config["authkey"] = multiprocessing.process.AuthenticationString(os.urandom(32))
    from celery import current_app

    if current_app.conf.get(WARM_SOLVER, True):
        from planner.solver.isolated import start_early

        start_early()


def celery_init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run inside ``app``'s context; kept in ``app.extensions``."""

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(app))
    celery.set_default()
    _register(celery, app)
    app.extensions["celery"] = celery
    return celery


def _register(celery: Celery, app: Flask) -> None:
    FlaskTaskBase = celery.Task  # noqa: N806 - the app's task class (runs in app context)
    retry_s = float(app.config["CELERY_STALE_RETRY_S"])

    class PlanJobTask(FlaskTaskBase):  # type: ignore[misc, valid-type]
        def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                       einfo: Any) -> None:
            # e.g. the hard time limit killed the process: the row must not stay "running"
            from web.services.job_runs import fail_lost_job

            with app.app_context():
                fail_lost_job(int(args[0]), f"{type(exc).__name__}: {exc}")

    @celery.task(name=PLAN_TASK, bind=True, base=PlanJobTask,  # type: ignore[untyped-decorator]
                 max_retries=None)
    def plan_job(self: Task, job_id: int) -> str:
        from web.services.job_runs import JobStillAliveError, run_delivered_job

        try:
            return run_delivered_job(job_id)
        except JobStillAliveError as alive:
            # another worker holds the job and still beats: look again later, never twice
            raise self.retry(countdown=retry_s, max_retries=alive.max_retries) from None


def send_job(app: Flask, job_id: int, *, time_limit_s: float) -> str:
    """Queue job ``job_id`` on Celery; the id of the Celery task."""
    celery: Celery = app.extensions["celery"]
    # The solver process is killed at 1.1 x its limit + 5 s by run_job itself; this hard
    # limit is for a task stuck elsewhere (building the problem, the database).
    hard_s = time_limit_s * 1.1 + float(app.config["CELERY_TIME_MARGIN_S"])
    result = celery.send_task(PLAN_TASK, args=[job_id], queue=app.config["CELERY_QUEUE"],
                              time_limit=hard_s)
    return str(result.id)
