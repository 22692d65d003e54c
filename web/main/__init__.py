"""Dashboards: the province's regencies, a coordinator's regency, a team lead's team."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.models import Role
from web.scoping import require_regency, visible_regencies
from web.services.field_schedule import local_today
from web.services.imports import latest_imports
from web.services.plans import drafts_awaiting_review
from web.services.villages import regency_figures

bp = Blueprint("main", __name__)


@bp.get("/beranda")
def dashboard() -> str | Response:
    """Where each role starts."""
    if current_user.role == Role.TEAM_LEAD:
        if current_user.team_id is None:
            return render_template("main/no_team.html")
        return redirect(url_for("teams.own_team", team_id=current_user.team_id))
    if current_user.role == Role.COORDINATOR:
        return redirect(url_for("main.regency", regency_code=current_user.regency_code))
    rows = [(r, regency_figures(r.code)) for r in visible_regencies()]
    return render_template("main/province.html", rows=rows)


@bp.get("/kabupaten/<regency_code>/")
def regency(regency_code: str) -> str:
    """A regency at a glance: villages, backlog, flags, latest uploads."""
    found = require_regency(regency_code)
    today = local_today(found)
    drafts = drafts_awaiting_review(regency_code,
                                    from_week=today - timedelta(days=today.weekday()))
    return render_template("main/regency.html", regency=found,
                           figures=regency_figures(regency_code), drafts=drafts,
                           imports=latest_imports(regency_code, limit=5))
