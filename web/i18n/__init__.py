"""Language: Bahasa Indonesia by default, English on request; dates and numbers to match.

The templates are written in Indonesian (the msgids); ``translations/en`` holds English.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, request, session, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.numbers import format_number
from web.extensions import babel

bp = Blueprint("i18n", __name__)

TIMEZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
                  "Asia/Jayapura": "WIT"}


def select_locale() -> str:
    """The language chosen with the switch link, else Indonesian."""
    chosen = session.get("lang")
    languages = current_app.config["LANGUAGES"]
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The user's regency's zone (WIB, WITA or WIT), else the default (WIB)."""
    regency = getattr(current_user, "regency_code", None)
    if regency:
        from web.extensions import db
        from web.models import Regency

        found = db.session.get(Regency, regency)
        if found is not None:
            return found.timezone
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def init_app(app: Flask) -> None:
    """Flask-Babel with our selectors, plus number and date filters for templates."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.context_processor(_language_context)


def number(value: Any, digits: int = 0) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English; a dash when unknown (the ``number``
    filter of every template: the same text as the planner's PDF, WhatsApp and CLI)."""
    return format_number(value, digits, locale=str(get_locale() or "id"))


def day(value: date | None) -> str:
    """27 November 2025 / November 27, 2025."""
    return "–" if value is None else format_date(value, format="long")


def moment(value: datetime | None) -> str:
    """Date and time in the user's zone with its Indonesian name: 27 Nov 2025 14.05 WIB."""
    if value is None:
        return "–"
    zone = select_timezone()
    text = format_datetime(value, format="d MMM yyyy HH.mm" if str(get_locale()) == "id"
                           else "d MMM yyyy HH:mm")
    return f"{text} {TIMEZONE_NAMES.get(zone, zone)}"


def _language_context() -> dict[str, Any]:
    lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    other = "en" if lang == "id" else "id"
    return {"lang": lang, "other_lang": other,
            "other_lang_label": "English" if other == "en" else "Bahasa Indonesia"}


@bp.get("/bahasa/<lang>")
def set_language(lang: str) -> Response:
    """Remember the language in the session and go back where the user was."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    from web.security import safe_next

    return redirect(safe_next(request.args.get("next"), url_for("health.index")))
