"""Weekly planning pages: queue a job and watch it, review a plan on a map and in tables,
edit it (every edit re-checked), re-optimise around pinned stops, publish."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from planner.parts import number_parts_dict
from planner.reasons import is_waiting
from web.forms import required
from web.i18n import TIMEZONE_NAMES, day
from web.models import Regency
from web.scoping import can_write_regency, require_job, require_regency, require_version
from web.services.plan_edits import WEEKDAYS_ID, Edit, EditError, clock, team_day_label
from web.services.planning import (
    JobError,
    cancel_job,
    create_job,
    job_dict,
    next_monday,
    recent_jobs,
    week_choices,
)
from web.services.plans import (
    NotPublishableError,
    PlanChangedError,
    publish_version,
    versions_of_regency,
    versions_of_week,
)
from web.services.review import (
    addable_villages,
    edit_version,
    map_data,
    monday,
    plan_teams_and_days,
    team_days,
    village_flags,
    week_head,
)
from web.services.version_notes import note_text

bp = Blueprint("plans", __name__, url_prefix="/kabupaten/<regency_code>/rencana")


def _indonesian() -> bool:
    return str(get_locale() or "id") == "id"


@bp.app_template_filter("hhmm")
def local_clock(seconds: int | None) -> str:
    """A plan clock in the page's language: ``08.35`` (Indonesian) or ``08:35``."""
    text = clock(seconds)
    return text if _indonesian() else text.replace(".", ":")


@bp.app_template_filter("team_day")
def local_team_day(route: dict[str, Any]) -> str:
    """``Tim 1, Senin 23/11`` in Indonesian, ``Tim 1, Monday 23/11`` in English."""
    if _indonesian() or not route.get("date"):
        return team_day_label(route)
    name = str(route.get("team_name") or route.get("team_id") or route.get("vehicle_id"))
    return f"{name}, {format_date(date.fromisoformat(str(route['date'])), 'EEEE d/M')}"


def local_day(day: str) -> str:
    """``Senin 7/12`` in Indonesian, ``Monday 7/12`` in English."""
    when = date.fromisoformat(day)
    if _indonesian():
        return f"{WEEKDAYS_ID[when.isoweekday() - 1]} {when.day}/{when.month}"
    return format_date(when, "EEEE d/M")


def _day_first(label: str) -> str:
    team, _sep, when = label.partition(", ")
    return f"{when} · {team}" if when else label


def origin_label(origin: str) -> str:
    """What made a version, in the page's language."""
    return {"solver": _("perencana otomatis"), "edit": _("ubahan tangan"),
            "reoptimise": _("optimalkan ulang")}.get(origin, origin)


@bp.app_template_global("version_note")
def version_note(version: Any) -> str:
    """What made a version, in the page's language: its note (kept as data) or its origin."""
    return note_text(version.note_data, version.note) or origin_label(version.origin)


class PlanForm(FlaskForm):
    """Which week, how long the optimiser may think, and its seed."""

    week_start = SelectField(_l("Minggu (mulai Senin)"), validators=[required()])
    time_limit_s = IntegerField(_l("Batas waktu perhitungan (detik)"),
                                validators=[required(), NumberRange(min=1, max=600)])
    seed = IntegerField(_l("Benih acak (angka sama → rencana sama)"), default=0,
                        validators=[Optional(), NumberRange(min=0, max=1_000_000)])


def _plan_form(regency: Regency) -> PlanForm:
    from flask import current_app

    form = PlanForm()
    default = next_monday(regency)
    form.week_start.choices = [SelectChoice(d.isoformat(), day(d)) for d in
                               week_choices(regency)]
    if not form.is_submitted():
        form.week_start.data = default.isoformat()
        form.time_limit_s.data = int(current_app.config["PLANNING_TIME_LIMIT_S"])
    return form


@bp.route("", methods=["GET", "POST"])
def index(regency_code: str) -> str | Response:
    """Plan a week (coordinator); everyone in scope sees the jobs and versions."""
    regency = require_regency(regency_code)
    can_edit = can_write_regency(regency_code)
    form = _plan_form(regency)
    if request.method == "POST":
        require_regency(regency_code, write=True)
        if form.validate_on_submit():
            try:
                job = create_job(regency, current_user, week_start=monday(form.week_start.data),
                                 time_limit_s=form.time_limit_s.data, seed=form.seed.data or 0)
            except (JobError, ValueError) as exc:
                flash(str(exc), "error")
            else:
                return redirect(url_for("plans.job", regency_code=regency_code, job_id=job.id))
    return render_template("plans/index.html", regency=regency, form=form, can_edit=can_edit,
                           origin_label=origin_label,
                           jobs=recent_jobs(regency_code),
                           versions=versions_of_regency(regency_code, limit=60))


@bp.get("/tugas/<int:job_id>")
def job(regency_code: str, job_id: int) -> str:
    """A planning job: progress bar, best objective so far, cancel."""
    found = require_job(job_id, regency_code=regency_code)
    regency = require_regency(regency_code)
    return render_template("plans/job.html", regency=regency, job=found, info=job_dict(found),
                           can_edit=can_write_regency(regency_code))


@bp.post("/tugas/<int:job_id>/batal")
def cancel(regency_code: str, job_id: int) -> Response:
    """Stop a queued or running job (its solver process is killed)."""
    found = require_job(job_id, regency_code=regency_code, write=True)
    if cancel_job(found):
        flash(_("Perhitungan dibatalkan. Tidak ada rencana yang berubah."), "info")
    else:
        flash(_("Tugas ini sudah selesai; tidak ada yang dibatalkan."), "info")
    return redirect(url_for("plans.job", regency_code=regency_code, job_id=job_id))


def _review(regency_code: str, version_id: int, *, violations: list[str] | None = None,
            conflict: str = "", status: int = 200) -> tuple[str, int]:
    version = require_version(version_id, regency_code=regency_code)
    regency = require_regency(regency_code)
    plan = number_parts_dict(version.plan)  # parts in visiting order (planner/parts.py)
    can_edit = can_write_regency(regency_code)
    flags = village_flags(regency_code)
    days = team_days(plan)
    teams, dates = plan_teams_and_days(plan)
    labels = {r["vehicle_id"]: local_team_day(r) for r in plan["routes"]}
    context: dict[str, Any] = {
        "regency": regency, "version": version, "plan": plan, "week": week_head(version),
        # the list counts what the summary counts: villages with nothing left apart
        "waiting": [u for u in plan["unscheduled"] if is_waiting(str(u["reason"]["code"]))],
        "nothing_left": [u for u in plan["unscheduled"]
                         if not is_waiting(str(u["reason"]["code"]))],
        "versions": versions_of_week(version.regency_code, version.week_start),
        "team_days": days, "colours": {d["vehicle_id"]: d["colour"] for d in days},
        "map_teams": teams, "map_days": [(d, local_day(d)) for d in dates],
        "labels": labels, "options": {k: _day_first(v) for k, v in labels.items()},
        "flags": flags, "can_edit": can_edit, "clock": local_clock, "origin_label": origin_label,
        "addable": addable_villages(version) if can_edit else set(),
        "violations": violations or [], "conflict": conflict,
        "form_vehicle": request.form.get("vehicle_id", ""),
        "tz_name": TIMEZONE_NAMES.get(regency.timezone, regency.timezone),
        "plan_teams": downloads.teams_in_plan(version),
    }
    return render_template("plans/review.html", **context), status


@bp.get("/<int:version_id>")
def review(regency_code: str, version_id: int) -> tuple[str, int]:
    """A plan version: map, per team-day tables, figures, the waiting villages."""
    return _review(regency_code, version_id)


@bp.get("/<int:version_id>/peta.json")
def map_json(regency_code: str, version_id: int) -> dict[str, Any]:
    """Routes and waiting villages for the review map."""
    version = require_version(version_id, regency_code=regency_code)
    data = map_data(version)
    if not _indonesian():
        labels = {r["vehicle_id"]: local_team_day(r) for r in version.plan["routes"]}
        for route in data["routes"]:
            route["label"] = labels.get(route["vehicle_id"], route["label"])
        # the waiting villages' reasons in English too (the plan keeps both languages)
        reasons = {str(u["village_code"]): u["reason"].get("text_en") or u["reason"]["text_id"]
                   for u in version.plan.get("unscheduled", [])}
        for waiting in data["unscheduled"]:
            waiting["reason"] = reasons.get(waiting["village_code"], waiting["reason"])
    return data


def edit_from(values: Any) -> Edit:
    """An :class:`Edit` from form or JSON fields."""
    position = values.get("position")
    try:
        pos = int(position) if position not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise EditError("urutan harus berupa angka") from exc
    return Edit(action=str(values.get("action") or ""), visit_id=str(values.get("visit_id") or ""),
                vehicle_id=str(values.get("vehicle_id") or ""), position=pos,
                village_code=str(values.get("village_code") or ""))


@bp.post("/<int:version_id>/ubah")
def edit(regency_code: str, version_id: int) -> Response | tuple[str, int]:
    """Move, remove, add or pin a stop; saved as a new draft only when every rule holds."""
    version = require_version(version_id, regency_code=regency_code, write=True)
    try:
        outcome = edit_version(version, edit_from(request.form), user=current_user)
    except EditError as exc:
        flash(str(exc), "error")
        return redirect(url_for("plans.review", regency_code=regency_code,
                                version_id=version_id))
    if outcome.version is None:
        return _review(regency_code, version_id, violations=outcome.result.violations,
                       status=422)
    flash(_("Perubahan disimpan sebagai versi %(n)s (draf): %(note)s",
            n=outcome.version.version,
            note=note_text(outcome.version.note_data, outcome.result.note)), "success")
    return redirect(url_for("plans.review", regency_code=regency_code,
                            version_id=outcome.version.id) + "#rute")


@bp.post("/<int:version_id>/optimalkan")
def reoptimise(regency_code: str, version_id: int) -> Response:
    """Plan the rest of the week again, keeping the pinned stops where they are."""
    version = require_version(version_id, regency_code=regency_code, write=True)
    regency = require_regency(regency_code, write=True)
    from flask import current_app

    try:
        found = create_job(regency, current_user, week_start=version.week_start,
                           time_limit_s=float(request.form.get("time_limit_s") or
                                              current_app.config["PLANNING_TIME_LIMIT_S"]),
                           base_version=version)
    except (JobError, ValueError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("plans.review", regency_code=regency_code,
                                version_id=version_id))
    return redirect(url_for("plans.job", regency_code=regency_code, job_id=found.id))


@bp.post("/<int:version_id>/terbitkan")
def publish(regency_code: str, version_id: int) -> Response | tuple[str, int]:
    """Publish a draft, if nobody published this week since the page was opened."""
    version = require_version(version_id, regency_code=regency_code, write=True)
    base = request.form.get("base_revision", "")
    if not base.isdigit():
        abort(400)
    try:
        publish_version(version, base_revision=int(base), user=current_user)
    except PlanChangedError:
        return _review(regency_code, version_id, status=409, conflict=_(
            "Rencana minggu ini sudah berubah sejak halaman ini dibuka (ada versi lain yang "
            "diterbitkan). Tidak ada yang diterbitkan. Periksa versi terbaru lalu coba lagi."))
    except NotPublishableError:
        flash(_("Hanya draf yang dapat diterbitkan."), "error")
        return redirect(url_for("plans.review", regency_code=regency_code,
                                version_id=version_id))
    flash(_("Versi %(n)s diterbitkan. Ketua tim sekarang melihat rute ini.",
            n=version.version), "success")
    return redirect(url_for("plans.review", regency_code=regency_code, version_id=version_id))


from web.plans import downloads  # noqa: E402  (registers the download routes on bp)
