"""Teams of a regency: create and edit, and who leads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select

from web.extensions import db
from web.models import Office, Role, Team, User
from web.scoping import scoped


@dataclass(frozen=True)
class TeamData:
    """What the team form edits."""

    name: str
    base_office_id: int | None
    kits: int
    boat_capable: bool
    workdays: tuple[int, ...]
    day_start: time | None
    day_end: time | None
    daily_cap: int | None
    lead_user_id: int | None
    active: bool = True


def list_teams(regency_code: str) -> list[Team]:
    """The regency's teams the user may see, by name."""
    return list(db.session.scalars(scoped(
        select(Team).where(Team.regency_code == regency_code).order_by(Team.name), Team)))


def offices_of(regency_code: str) -> list[Office]:
    """Offices a team of the regency can be based at."""
    return list(db.session.scalars(scoped(
        select(Office).where(Office.regency_code == regency_code).order_by(Office.name),
        Office)))


def team_leads_of(regency_code: str) -> list[User]:
    """Team-lead accounts of the regency."""
    return list(db.session.scalars(scoped(
        select(User).where(User.regency_code == regency_code, User.role == Role.TEAM_LEAD)
        .order_by(User.username), User, write=True)))


#: Room left in ``team.code`` for the ``-2``, ``-3`` ... that keeps a code unique.
_SUFFIX_ROOM = 8


def _unique_code(regency_code: str, name: str) -> str:
    """A code from the name that fits its column (a 200-letter name is allowed; PostgreSQL,
    unlike SQLite, refuses a value longer than the column)."""
    longest = Team.__table__.c.code.type.length - _SUFFIX_ROOM
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    base = slug[:longest].strip("-") or "tim"
    taken = set(db.session.scalars(select(Team.code).where(Team.regency_code == regency_code)))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def save_team(regency_code: str, team: Team | None, data: TeamData) -> Team:
    """Create (``team`` None) or update a team, and point the chosen lead account at it."""
    if team is None:
        team = Team(regency_code=regency_code, code=_unique_code(regency_code, data.name))
        db.session.add(team)
    team.name = data.name.strip()
    offices = {o.id for o in offices_of(regency_code)}
    team.base_office_id = data.base_office_id if data.base_office_id in offices else None
    team.kits = data.kits
    team.boat_capable = data.boat_capable
    team.workdays = ",".join(str(d) for d in sorted(set(data.workdays))) or None
    team.day_start, team.day_end = data.day_start, data.day_end
    team.daily_cap = data.daily_cap
    team.active = data.active
    db.session.flush()
    if data.lead_user_id is not None:
        lead = next((u for u in team_leads_of(regency_code) if u.id == data.lead_user_id), None)
        if lead is not None:
            lead.team_id = team.id
    db.session.commit()
    return team
