"""The team lead's phone pages (``/lapangan``): the week's stops, today first, with reports
that wait in an outbox on the phone while there is no signal; and the service worker that
keeps the pages, their assets and the schedule for offline use."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, make_response, render_template
from flask_babel import format_date, get_locale
from werkzeug.wrappers import Response

from web.scoping import require_field_team
from web.services.field_schedule import team_schedule

bp = Blueprint("field", __name__, url_prefix="/lapangan")

#: Bump when the cached shell changes shape; the worker drops older caches.
CACHE_VERSION = "lapangan-v1"
#: The team's PDF route sheet (web/plans/downloads.py, by the exports work).
ROUTE_SHEET_ENDPOINT = "plans.team_download_pdf"


def route_sheet_url(version_id: int, team_id: int, regency_code: str) -> str | None:
    """The printable PDF route sheet of the team, served by the plans blueprint's downloads
    (endpoint ``plans.team_download_pdf``, see docs/web.md); None while it is absent."""
    from flask import url_for

    if ROUTE_SHEET_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(ROUTE_SHEET_ENDPOINT, regency_code=regency_code, version_id=version_id,
                   team_id=team_id)


@bp.get("/tim/<int:team_id>")
def stops(team_id: int) -> str:
    """The team's published stops: today first, then the rest of the week."""
    team = require_field_team(team_id)
    schedule = in_page_language(team_schedule(team))
    version = schedule["version"]
    sheet = route_sheet_url(version["id"], team.id, team.regency_code) if version else None
    return render_template("field/stops.html", team=team, schedule=schedule,
                           route_sheet=sheet, can_report=_can_report(team_id))


def in_page_language(schedule: dict[str, Any]) -> dict[str, Any]:
    """The schedule's day names and clock times in the page's language: the service writes
    ``Senin, 30/11/2026`` and ``08.30``; English reads ``Monday, 30/11/2026`` and ``08:30``.
    The JSON of the API (the phone's offline copy) keeps the service's texts."""
    if str(get_locale() or "id") == "id":
        return schedule

    def label(iso: str | None, text: str) -> str:
        return format_date(date.fromisoformat(iso), "EEEE, d/M/yyyy") if iso else text

    def hhmm(text: str) -> str:
        return text.replace(".", ":")

    version = schedule["version"]
    if version is not None:
        version = {**version, "week_label": label(version["week_start"],
                                                  version["week_label"])}
    days = [{**d, "label": label(d["date"], d["label"]), "start": hhmm(d["start"]),
             "end": hhmm(d["end"]),
             "stops": [{**s, "arrival": hhmm(s["arrival"]), "departure": hhmm(s["departure"])}
                       for s in d["stops"]]}
            for d in schedule["days"]]
    return {**schedule, "version": version, "days": days}


def _can_report(team_id: int) -> bool:
    from flask_login import current_user

    from web.models import Role

    if current_user.role == Role.TEAM_LEAD:
        return bool(current_user.team_id == team_id)
    return current_user.role == Role.COORDINATOR


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker of the field pages (scope ``/lapangan/``)."""
    body = render_template("field/sw.js", cache_version=CACHE_VERSION)
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/lapangan/"
    response.headers["Cache-Control"] = "no-cache"
    return response
