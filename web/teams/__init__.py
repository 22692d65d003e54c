"""Teams of a regency: list, create, edit; a team's own page for its lead."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from web.extensions import db
from web.forms import required
from web.models import Regency, Team
from web.scoping import can_write_regency, require_regency, require_team
from web.services.days_off import (
    DayOffError,
    add_day_off,
    coming_national_days,
    list_days_off,
    remove_day_off,
)
from web.services.field_schedule import local_today
from web.services.plan_edits import clock
from web.services.planning import planning_today
from web.services.published import (
    cached_for_version,
    lead_version,
    published_team_routes,
)
from web.services.teams import TeamData, list_teams, offices_of, save_team, team_leads_of

bp = Blueprint("teams", __name__)

WEEKDAYS = [(1, _l("Senin")), (2, _l("Selasa")), (3, _l("Rabu")), (4, _l("Kamis")),
            (5, _l("Jumat")), (6, _l("Sabtu")), (7, _l("Minggu"))]


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TeamForm(FlaskForm):
    """Everything the planner needs to know about a team."""

    name = StringField(_l("Nama tim"), validators=[required(), Length(max=200)])
    base_office_id = SelectField(_l("Kantor asal"), coerce=int)
    kits = IntegerField(_l("Jumlah alat rekam"), default=1,
                        validators=[required(), NumberRange(min=1, max=10)])
    boat_capable = BooleanField(_l("Bisa menyeberang dengan perahu"))
    workdays = CheckboxesField(_l("Hari kerja"), coerce=int,
                               choices=[SelectChoice(n, day) for n, day in WEEKDAYS],
                               default=[1, 2, 3, 4, 5])
    day_start = TimeField(_l("Jam mulai"), validators=[Optional()])
    day_end = TimeField(_l("Jam selesai"), validators=[Optional()])
    daily_cap = IntegerField(_l("Batas perekaman per hari (kosong = tanpa batas)"),
                             validators=[Optional(), NumberRange(min=1, max=1000)])
    lead_user_id = SelectField(_l("Akun ketua tim"), coerce=int)
    active = BooleanField(_l("Tim aktif"), default=True)

    def validate_workdays(self, field: CheckboxesField) -> None:
        """At least one working day; a team on leave is switched off with "Tim aktif"."""
        if not field.data:
            raise ValidationError(_("Pilih minimal satu hari kerja. Untuk tim yang libur "
                                    "minggu ini, hapus centang \"Tim aktif\"."))

    def validate_day_end(self, field: TimeField) -> None:
        """The day must end after it starts."""
        if field.data and self.day_start.data and field.data <= self.day_start.data:
            raise ValidationError(_("Jam selesai harus sesudah jam mulai."))


def _form(regency_code: str, team: Team | None) -> TeamForm:
    form = TeamForm(obj=team) if team else TeamForm()
    if team is not None and not form.is_submitted():
        form.workdays.data = list(team.workday_numbers or (1, 2, 3, 4, 5))
        form.base_office_id.data = team.base_office_id or 0
        form.lead_user_id.data = team.leads[0].id if team.leads else 0
    form.base_office_id.choices = [SelectChoice(0, _l("— pilih —"))] + [
        SelectChoice(o.id, o.name) for o in offices_of(regency_code)]
    form.lead_user_id.choices = [SelectChoice(0, _l("— belum ada —"))] + [
        SelectChoice(u.id, f"{u.full_name or u.username} ({u.username})")
        for u in team_leads_of(regency_code)]
    return form


def _data(form: TeamForm) -> TeamData:
    return TeamData(name=form.name.data or "", base_office_id=form.base_office_id.data or None,
                    kits=form.kits.data or 1, boat_capable=bool(form.boat_capable.data),
                    workdays=tuple(form.workdays.data or ()), day_start=form.day_start.data,
                    day_end=form.day_end.data, daily_cap=form.daily_cap.data,
                    lead_user_id=form.lead_user_id.data or None, active=bool(form.active.data))


@bp.get("/kabupaten/<regency_code>/tim")
def index(regency_code: str) -> str:
    """The regency's teams."""
    regency = require_regency(regency_code)
    return render_template("teams/index.html", regency=regency, teams=list_teams(regency_code),
                           weekdays=dict(WEEKDAYS), can_edit=can_write_regency(regency_code))


@bp.route("/kabupaten/<regency_code>/tim/baru", methods=["GET", "POST"])
def create(regency_code: str) -> str | Response:
    """A new team."""
    regency = require_regency(regency_code, write=True)
    form = _form(regency_code, None)
    if form.validate_on_submit():
        team = save_team(regency_code, None, _data(form))
        flash(_("Tim %(name)s dibuat.", name=team.name), "success")
        return redirect(url_for("teams.index", regency_code=regency_code))
    return render_template("teams/edit.html", regency=regency, form=form, team=None)


@bp.route("/kabupaten/<regency_code>/tim/<int:team_id>", methods=["GET", "POST"])
def edit(regency_code: str, team_id: int) -> str | Response:
    """Change a team."""
    regency = require_regency(regency_code, write=True)
    team = require_team(team_id, regency_code=regency_code, write=True)
    form = _form(regency_code, team)
    if form.validate_on_submit():
        save_team(regency_code, team, _data(form))
        flash(_("Tim %(name)s disimpan.", name=team.name), "success")
        return redirect(url_for("teams.index", regency_code=regency_code))
    return render_template("teams/edit.html", regency=regency, form=form, team=team)


@bp.get("/tim/<int:team_id>")
def own_team(team_id: int) -> str:
    """A team's page: its lead sees it; so do its coordinator and the province."""
    team = require_team(team_id)
    # the published plan in its precomputed form: neither its JSON nor its tables are
    # read or rendered again per request (web/services/published.py)
    # the same week as the field page and its offline copy (one rule: lead_version)
    today = local_today(db.session.get(Regency, team.regency_code))
    version = lead_version(team.regency_code, today, team.code)
    routes_html = Markup("")
    if version is not None:
        found = version

        def render_routes() -> Markup:
            routes = published_team_routes(found, team.code)
            return Markup(render_template("teams/_routes.html", team=team, version=found,
                                          routes=routes.routes, labels=routes.labels,
                                          clock=clock, today=today.isoformat()))

        routes_html = cached_for_version(version.id, version.created_at,
                                         f"team_html:{team.id}:{get_locale()}:{today}",
                                         render_routes)
    return render_template("teams/own.html", team=team, weekdays=dict(WEEKDAYS),
                           version=version, routes_html=routes_html)


class DayOffForm(FlaskForm):
    """A day off for every team, an office's teams or one team."""

    day = DateField(_l("Tanggal"), validators=[required()])
    scope = SelectField(_l("Berlaku untuk"), default="")
    reason = StringField(_l("Alasan (tampil di rencana)"),
                         validators=[required(), Length(max=200)])


def _scope_choices(regency_code: str) -> list[SelectChoice]:
    choices = [SelectChoice("", _l("Semua tim"))]
    choices += [SelectChoice(f"office:{o.id}", _("Tim di kantor %(name)s", name=o.name))
                for o in offices_of(regency_code)]
    choices += [SelectChoice(f"team:{t.id}", t.name) for t in list_teams(regency_code)]
    return choices


@bp.route("/kabupaten/<regency_code>/hari-libur", methods=["GET", "POST"])
def days_off(regency_code: str) -> str | Response:
    """Days without field work: the coordinator's days off (add, remove) and the coming
    national holidays and cuti bersama the planner leaves out by itself."""
    regency = require_regency(regency_code, write=request.method == "POST")
    form = DayOffForm()
    form.scope.choices = _scope_choices(regency_code)
    today = planning_today(regency)
    if request.method == "POST" and request.form.get("remove"):
        removed = remove_day_off(regency_code, int(request.form["remove"])) \
            if request.form["remove"].isdigit() else None
        if removed is None:
            flash(_("Hari libur itu tidak ada (mungkin sudah dihapus)."), "error")
        else:
            flash(_("Hari libur %(day)s dihapus.", day=removed.day.isoformat()), "success")
        return redirect(url_for("teams.days_off", regency_code=regency_code))
    if form.validate_on_submit():
        kind, _sep, ident = (form.scope.data or "").partition(":")
        try:
            row = add_day_off(regency_code, form.day.data, form.reason.data or "",
                              office_id=int(ident) if kind == "office" else None,
                              team_id=int(ident) if kind == "team" else None,
                              user=current_user)
        except DayOffError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Hari libur %(day)s disimpan: tidak ada hari-tim pada hari itu.",
                    day=row.day.isoformat()), "success")
            return redirect(url_for("teams.days_off", regency_code=regency_code))
    since = today - timedelta(days=today.weekday())
    return render_template("teams/days_off.html", regency=regency, form=form,
                           days=list_days_off(regency_code, since=since),
                           national=coming_national_days(since),
                           can_edit=can_write_regency(regency_code))
