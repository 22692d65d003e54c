"""The one place that decides what the logged-in user may see and change.

Every query for regency data goes through :func:`scoped` (lists) or a ``require_*``
function (one object).  The rules:

* **province**: reads every regency of its province, changes nothing;
* **coordinator**: reads and changes its own regency only;
* **team lead**: reads its own team only.

Outside a user's scope the answer is 403; an object that does not exist is 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, select

from web.extensions import db
from web.models import DataImport, PlanningJob, PlanVersion, Regency, Role, Team, User, Village

S = TypeVar("S", bound=Select[Any])


def _user() -> User:
    user = current_user._get_current_object()
    if not isinstance(user, User):
        abort(401)
    return user


def regency_condition(column: Any, *, write: bool = False) -> ColumnElement[bool]:
    """SQL condition on a ``regency_code`` column limiting rows to the user's scope."""
    user = _user()
    if user.role == Role.COORDINATOR:
        return column == user.regency_code  # type: ignore[no-any-return]
    if user.role == Role.PROVINCE and not write:
        in_province = select(Regency.code).where(Regency.province_code == user.province_code)
        return column.in_(in_province)  # type: ignore[no-any-return]
    return false()


def scoped(statement: S, model: Any, *, write: bool = False) -> S:
    """``statement`` limited to the rows of ``model`` the user may read (or change)."""
    user = _user()
    condition = regency_condition(model.regency_code, write=write)
    if model is Team and user.role == Role.TEAM_LEAD and not write:
        condition = (Team.id == user.team_id) if user.team_id is not None else false()
    return statement.where(condition)


def can_read_regency(code: str) -> bool:
    """Whether the user may read the regency's villages, teams and imports."""
    user = _user()
    if user.role == Role.COORDINATOR:
        return user.regency_code == code
    if user.role == Role.PROVINCE:
        return code.split(".")[0] == user.province_code
    return False


def can_write_regency(code: str) -> bool:
    """Whether the user may change the regency's data (its coordinator only)."""
    user = _user()
    return user.role == Role.COORDINATOR and user.regency_code == code


def require_regency(code: str, *, write: bool = False) -> Regency:
    """The regency, or 404/403."""
    regency = db.session.get(Regency, code)
    if regency is None:
        abort(404)
    if not (can_write_regency(code) if write else can_read_regency(code)):
        abort(403)
    return regency


def _one(statement: Select[Any]) -> Any:
    found = db.session.execute(statement).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def require_team(team_id: int, *, regency_code: str | None = None,
                 write: bool = False) -> Team:
    """A team the user may read (team leads: their own) or change; 404/403 otherwise."""
    team = db.session.get(Team, team_id)
    if team is None or (regency_code is not None and team.regency_code != regency_code):
        abort(404)
    allowed = db.session.execute(scoped(select(Team).where(Team.id == team_id), Team,
                                        write=write)).scalar_one_or_none()
    if allowed is None:
        abort(403)
    return team


def require_village(regency_code: str, kode: str, *, write: bool = False) -> Village:
    """A village of the regency the user may read or change."""
    require_regency(regency_code, write=write)
    return _one(scoped(select(Village).where(Village.regency_code == regency_code,
                                             Village.kode == kode), Village, write=write))


def require_import(regency_code: str, import_id: int) -> DataImport:
    """An upload record of a regency the user may read."""
    require_regency(regency_code)
    return _one(scoped(select(DataImport).where(DataImport.regency_code == regency_code,
                                                DataImport.id == import_id), DataImport))


def require_managed_user(regency_code: str, user_id: int) -> User:
    """A team-lead account of the coordinator's own regency."""
    require_regency(regency_code, write=True)
    return _one(scoped(select(User).where(User.id == user_id, User.role == Role.TEAM_LEAD,
                                          User.regency_code == regency_code), User, write=True))


def require_job(job_id: int, *, regency_code: str | None = None,
                write: bool = False) -> PlanningJob:
    """A planning job of a regency the user may read (or, to cancel, change)."""
    job = db.session.get(PlanningJob, job_id)
    if job is None or (regency_code is not None and job.regency_code != regency_code):
        abort(404)
    require_regency(job.regency_code, write=write)
    return _one(scoped(select(PlanningJob).where(PlanningJob.id == job_id), PlanningJob,
                       write=write))


def require_version(version_id: int, *, regency_code: str | None = None,
                    write: bool = False) -> PlanVersion:
    """A plan version of a regency the user may read (or change: edit, publish)."""
    version = db.session.get(PlanVersion, version_id)
    if version is None or (regency_code is not None and version.regency_code != regency_code):
        abort(404)
    require_regency(version.regency_code, write=write)
    return _one(scoped(select(PlanVersion).where(PlanVersion.id == version_id), PlanVersion,
                       write=write))


def visible_regencies() -> list[Regency]:
    """Regencies the user may read, by code."""
    return list(db.session.scalars(scoped(select(Regency).order_by(Regency.code), _RegencyCode)))


class _RegencyCode:
    """Adapter: :func:`scoped` on the Regency table itself (its key is ``code``)."""

    regency_code = Regency.code


def require_field_team(team_id: int, *, write: bool = False) -> Team:
    """A team whose field pages the user may read or (``write``) report for: its own lead
    and its regency's coordinator; the province reads its province's teams and never
    reports.  404 for no such team, 403 outside the scope."""
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    user = _user()
    if user.role == Role.TEAM_LEAD:
        allowed = user.team_id is not None and user.team_id == team.id
    elif user.role == Role.COORDINATOR:
        allowed = user.regency_code == team.regency_code
    else:
        allowed = not write and can_read_regency(team.regency_code)
    if not allowed:
        abort(403)
    return team


def require_province() -> str:
    """The province code of a province monitor; 403 for every other role."""
    user = _user()
    if user.role != Role.PROVINCE or not user.province_code:
        abort(403)
    return str(user.province_code)
