"""The coordinator's team-lead accounts: create, disable, enable, reset the password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Regexp

from web.forms import required
from web.models import Regency, Role
from web.scoping import require_managed_user, require_regency
from web.services.accounts import (
    AccountError,
    create_user,
    random_password,
    set_active,
    set_password,
)
from web.services.teams import list_teams, team_leads_of

bp = Blueprint("accounts", __name__, url_prefix="/kabupaten/<regency_code>/pengguna")


class TeamLeadForm(FlaskForm):
    """A new team-lead account; its password is generated and shown once."""

    username = StringField(_l("Nama pengguna"), validators=[
        required(), Length(max=80),
        Regexp(r"^[a-zA-Z0-9._-]+$", message=_l("Hanya huruf, angka, titik, garis bawah, strip"))])
    full_name = StringField(_l("Nama lengkap"), validators=[Length(max=120)])
    team_id = SelectField(_l("Tim"), coerce=int, validators=[required()])


@bp.route("", methods=["GET", "POST"])
def index(regency_code: str) -> str | Response:
    """Team-lead accounts of the regency and a form to add one."""
    regency = require_regency(regency_code, write=True)
    form = TeamLeadForm()
    form.team_id.choices = [SelectChoice(t.id, t.name) for t in list_teams(regency_code)]
    new_password: tuple[str, str] | None = None
    if form.validate_on_submit():
        password = random_password()
        try:
            create_user(username=form.username.data or "", password=password,
                        role=Role.TEAM_LEAD, regency_code=regency_code,
                        team=str(form.team_id.data), full_name=form.full_name.data or "")
        except AccountError as exc:
            form.username.errors = [*form.username.errors, str(exc)]
        else:
            new_password = (form.username.data or "").lower(), password
    return _page(regency, form, new_password=new_password)


def _page(regency: Regency, form: TeamLeadForm, *, new_password: tuple[str, str] | None = None,
          reset_password: tuple[str, str] | None = None) -> str:
    form.team_id.choices = [SelectChoice(t.id, t.name) for t in list_teams(regency.code)]
    return render_template("accounts/index.html", regency=regency, form=form,
                           users=team_leads_of(regency.code), new_password=new_password,
                           reset_password=reset_password)


@bp.post("/<int:user_id>/status")
def toggle(regency_code: str, user_id: int) -> Response:
    """Disable an account (its sessions end at once) or enable it again."""
    user = require_managed_user(regency_code, user_id)
    set_active(user, active=not user.active)
    flash(_("Akun %(name)s diaktifkan.", name=user.username) if user.active
          else _("Akun %(name)s dinonaktifkan; sesinya sudah diakhiri.", name=user.username),
          "success")
    return redirect(url_for("accounts.index", regency_code=regency_code))


@bp.post("/<int:user_id>/kata-sandi")
def reset_password(regency_code: str, user_id: int) -> str:
    """Give a team lead a new random password, shown once here; their sessions end."""
    regency = require_regency(regency_code, write=True)
    user = require_managed_user(regency_code, user_id)
    password = random_password()
    set_password(user, password)
    return _page(regency, TeamLeadForm(formdata=None), reset_password=(user.username, password))
