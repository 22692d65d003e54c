"""Logging in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from web.extensions import limiter, login_limit_key
from web.forms import required
from web.security import safe_next
from web.services.accounts import authenticate, end_sessions

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Nama pengguna"), validators=[required(), Length(max=80)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Kata sandi"), validators=[required(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=login_limit_key, methods=["POST"])
def login() -> str | Response:
    """The login form; a failed attempt says so without telling which field was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
        flash(_("Nama pengguna atau kata sandi salah, atau akun dinonaktifkan."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/keluar")
def logout() -> Response:
    """End this session and every other session of the account (server side)."""
    end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login"))
