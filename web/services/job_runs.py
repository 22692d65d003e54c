"""Running a job that a queue delivered (Celery): never twice at once, never lost.

A queue with late acknowledgement may deliver a job again: after the worker process that had
it died, or after the broker's visibility timeout.  The job row decides what a delivery does:

- ``queued``: win it with a conditional UPDATE and run it;
- ``running`` with a fresh heartbeat: another process is solving it, so this delivery waits
  (:class:`JobStillAliveError`, the task retries later) and never runs it beside the first;
- ``running`` and its worker known to be gone (same host, process ended: see
  :func:`web.services.planning.worker_gone`) or its heartbeat silent: its worker died.
  The first such takeover runs the job again (``params.retries`` = 1); a job that lost
  its worker twice is failed with the reason.  The takeover is a compare-and-swap on
  ``started_at``, so two deliveries cannot both take it over;
- anything else (done, failed, cancelled): nothing to do.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from web.extensions import db
from web.models import JobStatus, PlanningJob
from web.models.base import utcnow
from web.services.planning import worker_identity

#: A job is run again at most this many times after its worker died.
MAX_TAKEOVERS = 1


class JobStillAliveError(Exception):
    """The job is running elsewhere with a fresh heartbeat: try this delivery again later."""

    def __init__(self, job_id: int, *, max_retries: int) -> None:
        super().__init__(f"job {job_id} is running in another worker")
        self.max_retries = max_retries


def stale_after_s() -> float:
    """Seconds of heartbeat silence after which a running job's worker is taken as dead."""
    from web.services import planning

    return float(current_app.config.get("PLANNING_STALE_AFTER_S", planning.STALE_AFTER_S))


def _heartbeat_age_s(job: PlanningJob) -> float:
    beat = float((job.progress or {}).get("heartbeat") or 0)
    return time.time() - beat


def _take_over(job: PlanningJob, started_at: datetime | None) -> bool:
    retries = int(job.params.get("retries") or 0) + 1
    won = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job.id, PlanningJob.status == JobStatus.RUNNING,
        PlanningJob.started_at == started_at).values(
        started_at=utcnow(), params={**job.params, "retries": retries},
        progress={"fraction": 0.0, "elapsed_s": 0.0, "best_prize": None,
                  "heartbeat": time.time(), "worker": worker_identity()}))
    db.session.commit()
    return bool(won.rowcount)  # type: ignore[attr-defined]


def fail_lost_job(job_id: int, why: str) -> bool:
    """Mark a job that is still queued or running as failed because its worker was lost."""
    result = db.session.execute(update(PlanningJob).where(
        PlanningJob.id == job_id,
        PlanningJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))).values(
        status=JobStatus.FAILED, finished_at=utcnow(),
        error=("Pekerja perencanaan berhenti di tengah perhitungan dan tugas tidak dapat "
               f"dilanjutkan ({why}). Rencana yang sudah terbit tidak berubah. Silakan "
               "rencanakan lagi.")))
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def run_delivered_job(job_id: int) -> str:
    """Run job ``job_id`` for a queue delivery if the row says so; what was done."""
    from web.services.planning import claim_job, run_job

    job = claim_job(job_id)
    if job is not None:
        run_job(job)
        return "ran"
    job = db.session.get(PlanningJob, job_id)
    if job is None:
        return "gone"
    db.session.refresh(job)
    if job.status != JobStatus.RUNNING:
        return f"already {job.status}"
    from web.services.planning import worker_gone

    stale = stale_after_s()
    worker = str((job.progress or {}).get("worker") or "")
    if not (worker and worker_gone(worker)) and _heartbeat_age_s(job) <= stale:
        limit = float(job.params.get("time_limit_s") or 60)
        retry_s = float(current_app.config["CELERY_STALE_RETRY_S"])
        budget_s = limit * 1.1 + float(current_app.config["CELERY_TIME_MARGIN_S"]) + stale
        raise JobStillAliveError(job_id, max_retries=math.ceil(budget_s / max(retry_s, 0.1)) + 2)
    if int(job.params.get("retries") or 0) >= MAX_TAKEOVERS:
        fail_lost_job(job_id, "pekerja hilang dua kali")
        return "failed"
    if not _take_over(job, job.started_at):
        return "taken by another delivery"
    db.session.refresh(job)
    run_job(job)
    return "ran again"
