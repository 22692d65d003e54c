"""HTTP errors in one place: a plain Indonesian page, or JSON under ``/api``."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _messages() -> dict[int, str]:
    return {
        400: _("Permintaan tidak dapat diproses."),
        403: _("Anda tidak berhak membuka halaman ini."),
        404: _("Halaman tidak ditemukan."),
        405: _("Cara membuka halaman ini tidak diizinkan."),
        413: _("Berkas terlalu besar."),
        429: _("Terlalu banyak percobaan. Tunggu satu menit lalu coba lagi."),
    }


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _render(code: int, message: str) -> tuple[object, int]:
    if request.path.startswith("/api/"):
        return {"error": message, "status": code}, code
    return render_template("error.html", code=code, message=message), code


def _csrf_error(error: CSRFError) -> tuple[object, int]:
    return _render(400, _("Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu "
                          "kirim lagi."))


def _http_error(error: HTTPException) -> tuple[object, int]:
    code = error.code or 500
    return _render(code, _messages().get(code, error.description or ""))
