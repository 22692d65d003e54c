"""Deny by default, the login session check and the security headers of every response."""

from __future__ import annotations

import time
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response as BaseResponse

from web.extensions import db

#: Endpoints anyone may open without logging in.  Everything else needs a login.
PUBLIC_ENDPOINTS: frozenset[str] = frozenset(
    {"static", "health.health", "health.index", "auth.login", "i18n.set_language",
     "api.openapi", "api.docs"})


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Login manager, the deny-by-default gate and the response headers."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(refuse_nul_characters)
    app.before_request(redirect_to_https)
    app.before_request(enforce_session_lifetime)
    app.before_request(require_login)
    app.after_request(set_security_headers)


def refuse_nul_characters() -> None:
    """400 for a request with a NUL character (U+0000) in its path, query, form or JSON.

    No form or phone sends one; PostgreSQL cannot store it in text (nor take it as a query
    parameter), so it would otherwise end as a server error there and as stored garbage on
    SQLite.  Checked before anything reads the database.
    """
    if "\x00" in request.path or _has_nul(list(request.args.items(multi=True))):
        abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if _has_nul(request.get_json(silent=True)):
            abort(400)
    elif _has_nul(list(request.form.items(multi=True))) or _has_nul(
            [f.filename for f in request.files.values()]):
        abort(400)


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def load_user(token: str) -> object | None:
    """Session token ``id:version`` → the user, only if active and the version is current.

    Logout and disabling bump ``session_version``, so every old session stops here.
    """
    from web.models import User

    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session(user: object) -> None:
    """Log ``user`` in on a fresh session: nothing of the session before the login survives
    but the language, so the CSRF secret is new (a token seen before the login is useless
    after it), and the session's lifetime starts now."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now


def _end_session() -> None:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def enforce_session_lifetime() -> None:
    """End a session unused for ``SESSION_IDLE_TIMEOUT_S`` or older than
    ``SESSION_MAX_AGE_S`` (both from the signed session, checked here on the server: a
    copied cookie expires too).  A session without these times (made before they
    existed) is ended as well.  The request then goes on as anonymous."""
    from flask import current_app

    if "_user_id" not in session or request.endpoint == "static":
        return
    now = int(time.time())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    config = current_app.config
    if (not isinstance(login_at, int) or not isinstance(seen_at, int)
            or now - login_at > int(config["SESSION_MAX_AGE_S"])
            or now - seen_at > int(config["SESSION_IDLE_TIMEOUT_S"])):
        _end_session()
        if not request.path.startswith("/api/"):
            flash(_("Sesi Anda sudah berakhir. Silakan masuk lagi."), "info")
        return
    if now - seen_at >= 60:  # a new cookie at most once a minute
        session["seen_at"] = now


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path of this site, else ``fallback`` (no open redirect).

    Browsers drop tabs and line breaks from URLs and read ``\\`` as ``/``, so
    ``/%09/evil.example`` (a tab) would become ``//evil.example``: a control character, a
    Unicode line or format character or a backslash sends the user to ``fallback``.  A line
    break is a forged request (it can never be put in a header): 400.
    """
    if not target:
        return fallback
    if "\r" in target or "\n" in target:
        abort(400)
    if any(c == "\\" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in target):
        return fallback
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/")
            or target.startswith("//")):
        return fallback
    return iri_to_uri(target)  # other letters percent-encoded: the header stays ASCII


def _unauthorized() -> BaseResponse | tuple[dict[str, str], int]:
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": "login required"}, 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def redirect_to_https() -> BaseResponse | None:
    """With ``FORCE_HTTPS`` (behind TLS in production), plain HTTP is sent to HTTPS."""
    from flask import current_app

    if current_app.config.get("FORCE_HTTPS") and not request.is_secure:
        return redirect(request.url.replace("http://", "https://", 1), code=301)
    return None


def require_login() -> BaseResponse | tuple[dict[str, str], int] | None:
    """Every endpoint except :data:`PUBLIC_ENDPOINTS` needs a logged-in user."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        return None
    return _unauthorized()


def content_security_policy(tile_origin: str) -> str:
    """Only our own origin, plus the map tile server for images."""
    return "; ".join([
        "default-src 'self'",
        f"img-src 'self' data: {tile_origin}",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def set_security_headers(response: Response) -> Response:
    """CSP, nosniff, no framing, referrer policy; no caching of signed-in pages."""
    from flask import current_app

    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(config["TILE_ORIGIN"]))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # the tile server's usage policy wants our origin as referrer, nothing more
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if config.get("FORCE_HTTPS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response
