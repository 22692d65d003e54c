"""Plan a whole province's week at once: one planning job per regency, followed together.

The jobs are ordinary planning jobs (the embedded worker or Celery workers run them, each
regency's coordinator reviews and publishes its own draft); what binds them is a batch id
in their parameters.  Regencies without teams or villages are skipped with the reason.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from web.extensions import db
from web.models import JobStatus, PlanningJob, Regency, Team, User, Village
from web.services.planning import JobError, create_job

#: Jobs of a batch are looked for among this many newest jobs of the province.
_RECENT_JOBS = 2000


@dataclass(frozen=True)
class Skipped:
    """A regency of the province that got no job, and why (Indonesian)."""

    regency_code: str
    regency_name: str
    reason: str


@dataclass(frozen=True)
class Batch:
    """The jobs of one province-wide planning run."""

    batch_id: str
    province_code: str
    week_start: date | None
    jobs: list[PlanningJob]
    skipped: list[Skipped]

    @property
    def fraction(self) -> float:
        """Overall progress: each job's fraction (1 when ended), averaged."""
        if not self.jobs:
            return 1.0
        return sum(1.0 if j.status not in (JobStatus.QUEUED, JobStatus.RUNNING)
                   else float((j.progress or {}).get("fraction") or 0.0)
                   for j in self.jobs) / len(self.jobs)

    def counts(self) -> dict[str, int]:
        """How many jobs are in each status."""
        out: dict[str, int] = {}
        for job in self.jobs:
            out[job.status] = out.get(job.status, 0) + 1
        return out


def _plannable(regencies: list[Regency]) -> tuple[list[Regency], list[Skipped]]:
    codes = [r.code for r in regencies]
    teams = dict(db.session.execute(select(Team.regency_code, func.count()).where(
        Team.regency_code.in_(codes)).group_by(Team.regency_code)).all())
    villages = dict(db.session.execute(select(Village.regency_code, func.count()).where(
        Village.regency_code.in_(codes), Village.retired_at.is_(None))
        .group_by(Village.regency_code)).all())
    ready: list[Regency] = []
    skipped: list[Skipped] = []
    for regency in regencies:
        if not villages.get(regency.code):
            skipped.append(Skipped(regency.code, regency.name, "belum ada data desa"))
        elif not teams.get(regency.code):
            skipped.append(Skipped(regency.code, regency.name, "belum ada tim"))
        else:
            ready.append(regency)
    return ready, skipped


def plan_province(province_code: str, user: User | None, *, week_start: date,
                  time_limit_s: float | None = None) -> Batch:
    """Queue one job per regency of the province that has villages and teams."""
    if week_start.isoweekday() != 1:
        raise JobError("minggu harus dimulai hari Senin")
    regencies = list(db.session.scalars(select(Regency).where(
        Regency.province_code == province_code).order_by(Regency.code)))
    if not regencies:
        raise JobError("provinsi ini belum punya kabupaten/kota")
    ready, skipped = _plannable(regencies)
    batch_id = secrets.token_hex(6)
    jobs: list[PlanningJob] = []
    for regency in ready:
        try:
            job = create_job(regency, user, week_start=week_start, time_limit_s=time_limit_s,
                             extra_params={"batch": batch_id})
        except JobError as exc:  # e.g. the regency's queue is full: the others still run
            skipped.append(Skipped(regency.code, regency.name, str(exc)))
            continue
        jobs.append(job)
    return Batch(batch_id, province_code, week_start, jobs, skipped)


def province_batch(province_code: str, batch_id: str) -> Batch | None:
    """A batch of the province by id (None when none of its jobs is found)."""
    codes = select(Regency.code).where(Regency.province_code == province_code)
    recent = db.session.scalars(select(PlanningJob).where(
        PlanningJob.regency_code.in_(codes)).order_by(PlanningJob.id.desc())
        .limit(_RECENT_JOBS))
    jobs = sorted((j for j in recent if (j.params or {}).get("batch") == batch_id),
                  key=lambda j: j.regency_code)
    if not jobs:
        return None
    return Batch(batch_id, province_code, jobs[0].week_start, jobs, [])


def batch_dict(batch: Batch) -> dict[str, Any]:
    """The batch as the API and the progress page's script read it."""
    from web.services.planning import job_dict

    return {"batch": batch.batch_id, "province_code": batch.province_code,
            "week_start": batch.week_start.isoformat() if batch.week_start else None,
            "fraction": round(batch.fraction, 3), "counts": batch.counts(),
            "jobs": [job_dict(j) for j in batch.jobs],
            "skipped": [{"regency_code": s.regency_code, "reason": s.reason}
                        for s in batch.skipped]}
