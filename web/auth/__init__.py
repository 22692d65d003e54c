"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length

from web.extensions import limiter, login_limit_key
from web.forms import required
from web.security import safe_next, start_session
from web.services.accounts import (
    MIN_PASSWORD_LENGTH,
    authenticate,
    end_sessions,
    password_matches,
    set_password,
)

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Nama pengguna"), validators=[required(), Length(max=80)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Kata sandi"), validators=[required(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class PasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current = PasswordField(_l("Kata sandi sekarang"), validators=[required(), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("Kata sandi baru"), validators=[
        required(), Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l(
            "Kata sandi paling sedikit %(min)d karakter."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        required(), EqualTo("new", message=_l("Kedua kata sandi baru tidak sama."))],
        render_kw={"autocomplete": "new-password"})


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _password_limit_key() -> str:
    """Guesses of the current password count per account, whatever the address."""
    return f"password|{current_user.get_id()}"


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
            start_session(user)
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


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_password_limit_key, methods=["POST"])
def change_password() -> str | Response:
    """Change one's own password; every other session of the account ends, this one goes
    on (on a fresh session)."""
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        if not password_matches(user, form.current.data or ""):
            form.current.errors = [*form.current.errors, _("Kata sandi sekarang salah.")]
        else:
            set_password(user, form.new.data or "")
            start_session(user)
            flash(_("Kata sandi sudah diganti. Sesi di perangkat lain sudah diakhiri."),
                  "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH)
