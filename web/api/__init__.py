"""The JSON API (``/api/v1``): the same operations as the pages, for scripts and other apps.

Sign in through the login form (session cookie); state-changing calls send the CSRF token
from ``<meta name="csrf-token">`` in the ``X-CSRFToken`` header.  Errors are JSON
(``{"error": ..., "status": ...}``).  The OpenAPI 3 document is ``/api/v1/openapi.json``;
bodies and query parameters are checked against it (:mod:`web.api.validation`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound

from web.api.openapi import openapi_document
from web.api.validation import RequestError, check_query, json_body
from web.plans import edit_from
from web.scoping import require_job, require_province, require_regency, require_version
from web.services.plan_edits import EditError
from web.services.planning import (
    JobError,
    QueueFullError,
    cancel_job,
    create_job,
    job_dict,
    next_monday,
)
from web.services.plans import (
    NotPublishableError,
    PlanChangedError,
    publish_version,
    versions_of_regency,
)
from web.services.province_plans import batch_dict, plan_province, province_batch
from web.services.review import edit_version, version_dict
from web.services.teams import list_teams
from web.services.villages import FILTER_FLAGS, list_villages

bp = Blueprint("api", __name__, url_prefix="/api/v1")

JSON = dict[str, Any]


def _problem(status: int, message: str, **extra: Any) -> tuple[JSON, int]:
    return {"error": message, "status": status, **extra}, status


@bp.errorhandler(RequestError)
def refused(problem: RequestError) -> tuple[JSON, int]:
    """A request the document does not allow: 400 (not JSON) or 422 (the problems)."""
    return problem.body(), problem.status


def _queue_job(regency: Any, **kwargs: Any) -> tuple[JSON, int]:
    try:
        job = create_job(regency, current_user, **kwargs)
    except QueueFullError as exc:
        return _problem(429, str(exc), queued=exc.queued, limit=exc.limit)
    except JobError as exc:
        return _problem(400, str(exc))
    return job_dict(job), 202


@bp.get("/openapi.json")
def openapi() -> JSON:
    """The OpenAPI 3 document of this API."""
    return openapi_document()


@bp.get("/docs")
def docs() -> str:
    """A readable page of the API document (rendered by a local script)."""
    return render_template("api/docs.html")


@bp.get("/regencies/<regency_code>/villages")
def villages(regency_code: str) -> JSON:
    """The regency's villages with flags and backlog (``?flag=remote`` filters)."""
    require_regency(regency_code)
    check_query()
    flags = tuple(f for f in request.args.getlist("flag") if f in FILTER_FLAGS)
    return {"regency_code": regency_code, "villages": [
        {"kode": r.village.kode, "name": r.village.name, "district": r.village.district_name,
         "stop": {"lat": r.village.stop_lat, "lon": r.village.stop_lon},
         "flags": r.village.flags(), "overridden": list(r.village.overridden()),
         "wajib_ktp": r.wajib_ktp, "sudah_rekam": r.sudah_rekam, "belum_rekam": r.belum_rekam}
        for r in list_villages(regency_code, flags=flags)]}


@bp.get("/regencies/<regency_code>/teams")
def teams(regency_code: str) -> JSON:
    """The regency's teams."""
    require_regency(regency_code)
    return {"regency_code": regency_code, "teams": [
        {"id": t.id, "code": t.code, "name": t.name, "kits": t.kits,
         "boat_capable": t.boat_capable, "workdays": list(t.workday_numbers or ()),
         "day_start": t.day_start.strftime("%H:%M") if t.day_start else None,
         "day_end": t.day_end.strftime("%H:%M") if t.day_end else None,
         "daily_cap": t.daily_cap, "active": t.active,
         "base_office": t.base_office.name if t.base_office else None}
        for t in list_teams(regency_code)]}


@bp.post("/regencies/<regency_code>/jobs")
def create_job_api(regency_code: str) -> tuple[JSON, int]:
    """Queue a planning job (202); the worker runs it."""
    regency = require_regency(regency_code, write=True)
    body = json_body()
    week = (date.fromisoformat(body["week_start"]) if "week_start" in body
            else next_monday(regency))
    return _queue_job(regency, week_start=week, time_limit_s=body.get("time_limit_s"),
                      seed=body.get("seed", 0), solution_limit=body.get("solution_limit"))


def _own_province(province_code: str) -> str:
    """The signed-in province monitor's province, which must be the one in the path."""
    own = require_province()
    if own != province_code:
        raise Forbidden()
    return own


@bp.post("/provinces/<province_code>/jobs")
def create_province_jobs(province_code: str) -> tuple[JSON, int]:
    """Queue one planning job per regency of the province (202); the workers run them."""
    province = _own_province(province_code)
    body = json_body()
    week = (date.fromisoformat(body["week_start"]) if "week_start" in body else None)
    if week is None:
        today = date.today()
        week = today + timedelta(days=7 - today.weekday())
    try:
        batch = plan_province(province, current_user, week_start=week,
                              time_limit_s=body.get("time_limit_s"))
    except JobError as exc:
        return _problem(400, str(exc))
    return batch_dict(batch), 202


@bp.get("/provinces/<province_code>/batches/<batch_id>")
def province_batch_status(province_code: str, batch_id: str) -> JSON:
    """A province-wide planning run: every regency's job and the overall progress."""
    batch = province_batch(_own_province(province_code), batch_id)
    if batch is None:
        raise NotFound()
    return batch_dict(batch)


@bp.get("/jobs/<int:job_id>")
def job(job_id: int) -> JSON:
    """A job's status and progress (best objective so far, elapsed seconds)."""
    return job_dict(require_job(job_id))


@bp.post("/jobs/<int:job_id>/cancel")
def cancel(job_id: int) -> JSON:
    """Cancel a queued or running job."""
    found = require_job(job_id, write=True)
    cancelled = cancel_job(found)
    return {**job_dict(found), "cancelled": cancelled}


@bp.get("/regencies/<regency_code>/plans")
def plans(regency_code: str) -> JSON:
    """The regency's plan versions (``?week_start=YYYY-MM-DD`` for one week)."""
    require_regency(regency_code)
    check_query()
    found = versions_of_regency(regency_code)
    week = request.args.get("week_start")
    if week:
        found = [v for v in found if v.week_start.isoformat() == week]
    return {"regency_code": regency_code,
            "versions": [version_dict(v, with_plan=False) for v in found]}


@bp.get("/plans/<int:version_id>")
def plan(version_id: int) -> JSON:
    """One plan version with its plan JSON and the week's revision (for publishing)."""
    return version_dict(require_version(version_id))


@bp.post("/plans/<int:version_id>/edits")
def edit(version_id: int) -> tuple[JSON, int]:
    """Move/remove/add/pin/unpin; 201 with the new draft, or 422 with the violations."""
    version = require_version(version_id, write=True)
    body = json_body()
    try:
        outcome = edit_version(version, edit_from(body), user=current_user,
                               dry_run=bool(body.get("dry_run")))
    except EditError as exc:
        return _problem(400, str(exc))
    result = outcome.result
    if not result.ok:
        return _problem(422, "perubahan melanggar aturan; tidak disimpan",
                        violations=result.violations)
    if outcome.version is None:
        return {"ok": True, "dry_run": True, "note": result.note,
                "summary": (result.plan or {}).get("summary", {})}, 200
    return {"ok": True, "note": result.note, "version": version_dict(outcome.version)}, 201


@bp.post("/plans/<int:version_id>/publish")
def publish(version_id: int) -> tuple[JSON, int]:
    """Publish a draft if the week is still at ``base_revision``; 409 when it changed."""
    version = require_version(version_id, write=True)
    body = json_body()
    try:
        done = publish_version(version, base_revision=body["base_revision"], user=current_user)
    except PlanChangedError:
        return _problem(409, "rencana minggu ini sudah berubah; baca ulang lalu coba lagi")
    except NotPublishableError:
        return _problem(409, "hanya draf yang dapat diterbitkan")
    return {"published_version_id": done.version_id, "week_revision": done.revision}, 200


@bp.post("/plans/<int:version_id>/reoptimise")
def reoptimise(version_id: int) -> tuple[JSON, int]:
    """Queue a job that plans the rest of the week again around the pinned stops."""
    version = require_version(version_id, write=True)
    regency = require_regency(version.regency_code, write=True)
    body = json_body()
    return _queue_job(regency, week_start=version.week_start,
                      time_limit_s=body.get("time_limit_s"), seed=body.get("seed", 0),
                      solution_limit=body.get("solution_limit"), base_version=version)
