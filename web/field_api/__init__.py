"""The field part of the JSON API (``/api/v1``): a team's schedule (also the offline copy
on the phone), its stop reports, learned turnout, and a regency's progress.

Same sessions, CSRF header (``X-CSRFToken``) and JSON errors as :mod:`web.api`; documented
in the same OpenAPI document (:mod:`web.field_api.openapi`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from web.api.validation import RequestError, json_body
from web.scoping import require_field_team, require_regency
from web.services.field_reports import (
    ReportError,
    report_dict,
    submit_report,
    team_reports,
)
from web.services.field_schedule import team_schedule
from web.services.never_come import never_come_view
from web.services.progress import regency_progress
from web.services.turnout import accept_turnout, learned_turnout

bp = Blueprint("field_api", __name__, url_prefix="/api/v1")

JSON = dict[str, Any]


def _problem(status: int, message: str) -> tuple[JSON, int]:
    return {"error": message, "status": status}, status


@bp.errorhandler(RequestError)
def refused(problem: RequestError) -> tuple[JSON, int]:
    """A request the document does not allow: 400 (not JSON) or 422 (the problems)."""
    return problem.body(), problem.status


@bp.get("/teams/<int:team_id>/schedule")
def schedule(team_id: int) -> JSON:
    """The team's published stops (today first) with the CSRF token the phone sends back."""
    team = require_field_team(team_id)
    return {**team_schedule(team), "csrf_token": generate_csrf()}


@bp.get("/teams/<int:team_id>/reports")
def reports(team_id: int) -> JSON:
    """The team's reports, newest first (superseded ones too, marked inactive)."""
    team = require_field_team(team_id)
    return {"team_id": team.id, "reports": [report_dict(r) for r in team_reports(team)]}


@bp.post("/teams/<int:team_id>/reports")
def create_report(team_id: int) -> tuple[JSON, int]:
    """Report a stop: 201 stored, 200 the same key and body again (nothing changed),
    409 the key was used with another body, 422 a rule is broken."""
    team = require_field_team(team_id, write=True)
    data = json_body()
    try:
        report, created = submit_report(team, current_user, data)
    except ReportError as exc:
        return _problem(exc.status, exc.message)
    return {**report_dict(report), "replayed": not created}, 201 if created else 200


def _turnout_json(regency_code: str) -> JSON:
    return {"regency_code": regency_code, "types": [
        {"village_type": r.village_type, "reports": r.reports, "recorded": r.recorded,
         "expected": r.expected, "ratio": round(r.ratio, 3), "learned_rate": r.learned_rate,
         "current_rate": r.current_rate, "few_reports": r.few,
         "accepted_rate": r.accepted.rate if r.accepted else None}
        for r in learned_turnout(regency_code)], "model": _model_json(regency_code)}


def _model_json(regency_code: str) -> JSON:
    view = never_come_view(regency_code)
    learned, current = view.learned, view.current
    return {"never_come": {"learned": learned.never_come,
                           "reports": learned.never_come_reports,
                           "current": current.never_come},
            "repeat_decay": {"learned": learned.repeat_decay,
                             "reports": learned.repeat_reports,
                             "current": current.repeat_decay},
            "villages": [{"village_code": code, "never_come": share, "reports": n}
                         for code, (share, n) in learned.by_village.items()]}


@bp.get("/regencies/<regency_code>/turnout")
def turnout(regency_code: str) -> JSON:
    """Turnout learned from the reports, per village type, beside the rates in use."""
    require_regency(regency_code)
    return _turnout_json(regency_code)


@bp.post("/regencies/<regency_code>/turnout")
def accept(regency_code: str) -> JSON | tuple[JSON, int]:
    """Accept the learned rates (``{"types": [...]}``, or all) for the next plans."""
    require_regency(regency_code, write=True)
    types = json_body().get("types") or []
    accept_turnout(regency_code, current_user, types=tuple(types))
    return _turnout_json(regency_code)


@bp.get("/regencies/<regency_code>/progress")
def progress(regency_code: str) -> JSON:
    """Backlog left, recorded this week and in total, flagged villages visited, weekly trend."""
    require_regency(regency_code)
    return regency_progress(regency_code).as_dict()
