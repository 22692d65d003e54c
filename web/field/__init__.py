"""The team lead's phone pages (``/lapangan``): the week's stops, today first, with reports
that wait in an outbox on the phone while there is no signal; and the service worker that
keeps the pages, their assets and the schedule for offline use."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template
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
    schedule = team_schedule(team)
    version = schedule["version"]
    sheet = route_sheet_url(version["id"], team.id, team.regency_code) if version else None
    return render_template("field/stops.html", team=team, schedule=schedule,
                           route_sheet=sheet, can_report=_can_report(team_id))


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
