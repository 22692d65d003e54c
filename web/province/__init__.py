"""The province's progress dashboard (``/provinsi``): per regency backlog left, people
recorded this week and in total, remote/border/island villages visited, a weekly trend, a
map of villages by backlog left; any regency opened read-only.  The one thing the province
starts is planning: "plan all regencies for week W" (``/provinsi/rencana``) queues one job
per regency; the drafts it makes are reviewed and published by each regency's coordinator."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from web.forms import required
from web.i18n import day
from web.scoping import require_province, require_regency, visible_regencies
from web.services.planning import JobError
from web.services.progress import (
    WATCHED_FLAGS,
    province_trend,
    regency_progress,
    trend_svg,
    villages_points,
)
from web.services.province_plans import batch_dict, plan_province, province_batch

bp = Blueprint("province", __name__, url_prefix="/provinsi")


@bp.get("")
def index() -> str:
    """Every regency of the province side by side, the province's weekly trend and map."""
    require_province()
    progress = [regency_progress(r.code) for r in visible_regencies()]
    trend = province_trend(progress)
    chart = trend_svg(trend, label=_("Direkam per minggu, seluruh provinsi"), width=560,
                      height=160)
    sparks = {p.code: trend_svg(p.trend, label=_("Tren %(name)s", name=p.name), width=96,
                                height=28, small=True)
              for p in progress}
    return render_template("province/index.html", progress=progress, flags=WATCHED_FLAGS,
                           chart=chart, sparks=sparks)


@bp.get("/peta.json")
def map_json() -> dict[str, Any]:
    """Every village of the province: stop point, backlog left, watched flags."""
    require_province()
    return {"villages": villages_points([r.code for r in visible_regencies()])}


@bp.get("/kabupaten/<regency_code>")
def regency(regency_code: str) -> str:
    """One regency read-only: figures, weekly trend, map (its coordinator may look too)."""
    found = require_regency(regency_code)
    progress = regency_progress(regency_code)
    return render_template("province/regency.html", regency=found, p=progress,
                           flags=WATCHED_FLAGS,
                           chart=trend_svg(progress.trend,
                                           label=_("Direkam per minggu, %(name)s",
                                                   name=found.name),
                                           width=560, height=160))


@bp.get("/kabupaten/<regency_code>/peta.json")
def regency_map(regency_code: str) -> dict[str, Any]:
    """The regency's villages for the map."""
    require_regency(regency_code)
    return {"villages": villages_points([regency_code])}


class ProvincePlanForm(FlaskForm):
    """Which week every regency of the province is planned for, and for how long."""

    week_start = SelectField(_l("Minggu (mulai Senin)"), validators=[required()])
    time_limit_s = IntegerField(_l("Batas waktu perhitungan per kabupaten/kota (detik)"),
                                validators=[required(), NumberRange(min=1, max=600)])


def _mondays() -> list[date]:
    today = date.today()
    first = today - timedelta(days=today.weekday())
    return [first + timedelta(days=7 * k) for k in range(5)]


@bp.route("/rencana", methods=["GET", "POST"])
def plan_all() -> str | Response | tuple[str, int]:
    """Plan all regencies of the province for one week: one job each, followed together."""
    province = require_province()
    form = ProvincePlanForm()
    mondays = _mondays()
    form.week_start.choices = [SelectChoice(d.isoformat(), day(d)) for d in mondays]
    if not form.is_submitted():
        form.week_start.data = mondays[1].isoformat()
        form.time_limit_s.data = int(current_app.config["PLANNING_TIME_LIMIT_S"])
    elif form.validate_on_submit():
        try:
            batch = plan_province(province, current_user,
                                  week_start=date.fromisoformat(form.week_start.data),
                                  time_limit_s=form.time_limit_s.data)
        except JobError as exc:
            flash(str(exc), "error")
        else:
            for skipped in batch.skipped:
                flash(_("%(name)s tidak direncanakan: %(reason)s", name=skipped.regency_name,
                        reason=skipped.reason), "info")
            return redirect(url_for("province.plan_batch", batch_id=batch.batch_id))
    status = 400 if form.is_submitted() else 200
    return render_template("province/plan_all.html", form=form), status


@bp.get("/rencana/<batch_id>")
def plan_batch(batch_id: str) -> str:
    """Progress of a province-wide planning run: every regency's job and the whole."""
    batch = province_batch(require_province(), batch_id)
    if batch is None:
        abort(404)
    names = {r.code: r.name for r in visible_regencies()}
    return render_template("province/plan_batch.html", batch=batch, names=names)


@bp.get("/rencana/<batch_id>.json")
def plan_batch_json(batch_id: str) -> dict[str, Any]:
    """The batch's progress for the page's script."""
    batch = province_batch(require_province(), batch_id)
    if batch is None:
        abort(404)
    return batch_dict(batch)
