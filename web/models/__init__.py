"""The database models, one module per concept; imported here so Alembic sees them all."""

from web.models.accounts import Role, User
from web.models.calendar import DayOff
from web.models.field import FieldReport, TurnoutRate, VillageContact
from web.models.imports import DataImport, ImportStatus
from web.models.planning import (
    JobStatus,
    PlanInstance,
    PlanningJob,
    PlanStatus,
    PlanVersion,
    PlanWeek,
)
from web.models.regions import Province, Regency
from web.models.sites import Harbour, Office
from web.models.teams import Team
from web.models.villages import FLAGS, BacklogCount, Village

__all__ = [
    "FLAGS",
    "BacklogCount",
    "DataImport",
    "DayOff",
    "FieldReport",
    "Harbour",
    "ImportStatus",
    "JobStatus",
    "Office",
    "PlanInstance",
    "PlanStatus",
    "PlanVersion",
    "PlanWeek",
    "PlanningJob",
    "Province",
    "Regency",
    "Role",
    "Team",
    "TurnoutRate",
    "User",
    "Village",
    "VillageContact",
]
