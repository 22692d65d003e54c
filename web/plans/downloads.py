"""Files of a plan version: the whole plan (XLSX, CSV, GeoJSON) and per team (GPX, KML, ICS,
the printable PDF route sheet, and the team's own XLSX/CSV/GeoJSON).

Every file comes from :mod:`planner.exports` and is served as an attachment under a safe name
(:func:`~planner.exports.plan_filename`).  Who gets what:

* the whole plan: whoever may read the version (the regency's coordinator, the province);
* one team's files: the same readers, and the team's own lead, but only from a **published**
  version (a draft may still change); another team's files are refused (403).

Map files draw office → villages → office: the offices come from the instance the version
was solved on (:func:`~planner.exports.depot_locations`), or, for a version without a stored
instance, from each team's base office in the database.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, send_file
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from planner.errors import ParameterError
from planner.exports import (
    Depots,
    depot_locations,
    plan_filename,
    plan_to_csv,
    plan_to_geojson,
    plan_to_gpx,
    plan_to_ics,
    plan_to_kml,
    plan_to_xlsx,
    route_sheet_pdf,
)
from planner.plan import Plan, plan_from_dict
from web.extensions import db
from web.models import PlanStatus, PlanVersion, Role, Team
from web.plans import bp
from web.scoping import require_team, require_version
from web.services.plan_edits import load_instance
from web.services.plans import instance_data


@dataclass(frozen=True)
class FileKind:
    """One download format: its content type and how to write it."""

    extension: str
    mimetype: str
    #: (plan, team code or None for the whole plan, depots, version) -> bytes
    write: Callable[[Plan, str | None, Depots, PlanVersion], bytes]
    #: whether the format exists for the whole plan (map and calendar files are per team)
    whole_plan: bool


def _stamp(version: PlanVersion) -> datetime:
    """A fixed DTSTAMP per version, so the same version always gives the same calendar."""
    made = version.published_at or version.created_at or datetime.now(UTC)
    return made if made.tzinfo else made.replace(tzinfo=UTC)


def _team(team: str | None) -> str:
    assert team is not None  # per-team formats are only routed with a team
    return team


FILE_KINDS: dict[str, FileKind] = {k.extension: k for k in (
    FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             lambda plan, team, depots, v: plan_to_xlsx(plan, team_id=team), True),
    FileKind("csv", "text/csv",
             lambda plan, team, depots, v: plan_to_csv(plan, team_id=team)
             .encode("utf-8-sig"), True),
    FileKind("geojson", "application/geo+json",
             lambda plan, team, depots, v: json.dumps(
                 plan_to_geojson(plan, team_id=team, depots=depots),
                 ensure_ascii=False).encode("utf-8"), True),
    FileKind("gpx", "application/gpx+xml",
             lambda plan, team, depots, v: plan_to_gpx(plan, _team(team), depots=depots)
             .encode("utf-8"), False),
    FileKind("kml", "application/vnd.google-earth.kml+xml",
             lambda plan, team, depots, v: plan_to_kml(plan, _team(team), depots=depots)
             .encode("utf-8"), False),
    FileKind("ics", "text/calendar",
             lambda plan, team, depots, v: plan_to_ics(plan, _team(team), stamp=_stamp(v)),
             False),
    FileKind("pdf", "application/pdf",
             lambda plan, team, depots, v: route_sheet_pdf(plan, _team(team)), False),
)}

WHOLE_PLAN_KINDS = tuple(k for k in FILE_KINDS if FILE_KINDS[k].whole_plan)
TEAM_KINDS = tuple(FILE_KINDS)


def teams_in_plan(version: PlanVersion) -> list[Team]:
    """The regency's teams that have a day in the version, by name (for download links)."""
    codes = {r["team_id"] for r in version.plan["routes"]}
    return list(db.session.scalars(select(Team).where(
        Team.regency_code == version.regency_code, Team.code.in_(codes)).order_by(Team.name)))


def depots_of(version: PlanVersion) -> dict[str, tuple[float, float]]:
    """team code -> (lon, lat) of its office: from the stored instance, else the database."""
    data = instance_data(version)
    if data is not None:
        return depot_locations(load_instance(data), version.plan)
    out: dict[str, tuple[float, float]] = {}
    for team in db.session.scalars(select(Team).where(
            Team.regency_code == version.regency_code)):
        office = team.base_office
        if office is not None and office.lon is not None and office.lat is not None:
            out[team.code] = (office.lon, office.lat)
    return out


def _send(version: PlanVersion, kind: FileKind, team: Team | None) -> Response:
    plan = plan_from_dict(version.plan)
    code = team.code if team is not None else None
    if code is not None and not any(r.team_id == code for r in plan.routes):
        abort(404)  # the team has no day in this plan: no empty file
    try:
        data = kind.write(plan, code, depots_of(version) if kind.extension in
                          ("geojson", "gpx", "kml") else {}, version)
    except ParameterError:
        abort(404)
    name = plan_filename(plan, kind.extension, team_id=code)
    response = send_file(io.BytesIO(data), mimetype=kind.mimetype, as_attachment=True,
                         download_name=name, etag=False, last_modified=None, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def team_version(regency_code: str, version_id: int, team_id: int) -> tuple[PlanVersion, Team]:
    """The version and team of a per-team download, or 404/403.

    Readers of the regency get any team of it; a team lead gets its own team (another team:
    403) and only from a published version (a draft: 403).
    """
    version = db.session.get(PlanVersion, version_id)
    team = db.session.get(Team, team_id)
    if (version is None or team is None or version.regency_code != regency_code
            or team.regency_code != regency_code):
        abort(404)
    if current_user.is_authenticated and current_user.role == Role.TEAM_LEAD:
        require_team(team_id, regency_code=regency_code)
        if version.status != PlanStatus.PUBLISHED:
            abort(403)
        return version, team
    return require_version(version_id, regency_code=regency_code), require_team(
        team_id, regency_code=regency_code)


def _whole(extension: str) -> Callable[..., Response]:
    def download(regency_code: str, version_id: int) -> Response:
        version = require_version(version_id, regency_code=regency_code)
        return _send(version, FILE_KINDS[extension], None)

    download.__doc__ = f"The whole plan as {extension.upper()} (readers of the regency)."
    return download


def _per_team(extension: str) -> Callable[..., Response]:
    def download(regency_code: str, version_id: int, team_id: int) -> Response:
        version, team = team_version(regency_code, version_id, team_id)
        return _send(version, FILE_KINDS[extension], team)

    download.__doc__ = (f"One team's {extension.upper()} (readers of the regency; the team's "
                        "lead from a published version).")
    return download


for _ext in WHOLE_PLAN_KINDS:
    bp.add_url_rule(f"/<int:version_id>/unduh/rencana.{_ext}", endpoint=f"download_{_ext}",
                    view_func=_whole(_ext), methods=["GET"])
for _ext in TEAM_KINDS:
    bp.add_url_rule(f"/<int:version_id>/tim/<int:team_id>/unduh/rute.{_ext}",
                    endpoint=f"team_download_{_ext}", view_func=_per_team(_ext),
                    methods=["GET"])
