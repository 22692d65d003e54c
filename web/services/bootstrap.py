"""First run: an up-to-date database, the sample regency and one demo account per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from planner.dataset import load_dataset_from_folder
from web.extensions import db
from web.models import (
    DataImport,
    ImportStatus,
    PlanningJob,
    PlanVersion,
    Regency,
    Role,
    Team,
    User,
    Village,
)
from web.services.accounts import create_user, random_password
from web.services.imports import store_dataset
from web.services.regions import ensure_regency


@dataclass(frozen=True)
class DemoAccount:
    """A demo account created on first run (the password is shown only once)."""

    username: str
    password: str
    role: str
    scope: str


def load_sample_if_empty(folder: str) -> str | None:
    """Load the sample regency when there is no village yet; its code, or None."""
    if db.session.scalar(select(func.count()).select_from(Village)):
        return None
    dataset = load_dataset_from_folder(folder)
    code = str(dataset.villages["kabupaten_kode"].iloc[0])
    regency = ensure_regency(code, str(dataset.villages["kabupaten"].iloc[0]))
    db.session.commit()
    files = [{"role": role, "filename": path.rsplit("/", 1)[-1]}
             for role, path in dataset.sources.items()]
    record: DataImport = store_dataset(regency, None, dataset, files=files,
                                       code_list="data contoh (fiktif)")
    if record.status != ImportStatus.DONE:
        raise RuntimeError(f"sample data refused: {record.problems}")
    return code


def create_demo_accounts(regency_code: str) -> list[DemoAccount]:
    """One account per role for the regency, if there are no accounts at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return []
    team = db.session.scalars(select(Team).where(Team.regency_code == regency_code)
                              .order_by(Team.name)).first()
    wanted = [("provinsi", Role.PROVINCE, regency_code[:2], None),
              ("koordinator", Role.COORDINATOR, regency_code, None)]
    if team is not None:
        wanted.append(("ketua-tim", Role.TEAM_LEAD, regency_code, team.code))
    accounts = []
    for username, role, scope, team_code in wanted:
        password = random_password()
        create_user(username=username, password=password, role=role,
                    province_code=scope if role == Role.PROVINCE else None,
                    regency_code=None if role == Role.PROVINCE else scope, team=team_code,
                    full_name=f"Demo {username}")
        accounts.append(DemoAccount(username, password, role.value,
                                    team.name if team_code and team else scope))
    return accounts


def queue_first_plan(time_limit_s: float) -> PlanningJob | None:
    """Queue a plan of next week for the first regency that has none (and no job for it), so
    the coordinator finds a draft to review at the first login; None when nothing is due."""
    from web.services.planning import QueueFullError, create_job, next_monday

    if time_limit_s <= 0:
        return None
    regency = db.session.scalars(select(Regency).join(Village, Village.regency_code ==
                                                      Regency.code).limit(1)).first()
    if regency is None:
        return None
    week = next_monday(regency)
    for model in (PlanVersion, PlanningJob):
        if db.session.scalar(select(func.count()).select_from(model).where(
                model.regency_code == regency.code, model.week_start == week)):
            return None
    try:
        return create_job(regency, None, week_start=week, time_limit_s=time_limit_s)
    except QueueFullError:  # the regency is planning other weeks already: start anyway
        return None
