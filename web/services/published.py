"""The published plan in a precomputed form for the pages read most: a team lead's routes.

A plan version never changes once stored (edits make new versions), so what a page derives
from its plan JSON is computed once per version and web process and kept: the request then
reads a few columns of the version row and none of its JSON.  The key holds the version's
id *and* its creation time, so a version deleted and an id reused never meet a stale entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar, cast

from sqlalchemy import select

from planner.parts import number_parts_dict
from web.extensions import db
from web.models import PlanStatus, PlanVersion
from web.services.plan_edits import team_day_label

#: Derived values a web process keeps (a few kinds for a few weeks of a few regencies).
CACHE_SIZE = 256
T = TypeVar("T")


@dataclass(frozen=True)
class PublishedVersion:
    """The columns of a version the team page shows, without its plan JSON."""

    id: int
    regency_code: str
    week_start: date
    version: int
    created_at: datetime | None


@dataclass(frozen=True)
class TeamRoutes:
    """One team's team-days of a version with stops, and the label of each."""

    routes: tuple[dict[str, Any], ...]
    labels: dict[str, str]


_cache: OrderedDict[tuple[int, str, str], Any] = OrderedDict()
_lock = threading.Lock()


def cached_for_version(version_id: int, created_at: datetime | None, kind: str,
                       compute: Callable[[], T]) -> T:
    """``compute()`` for this version, once per process (the newest versions are kept)."""
    key = (version_id, created_at.isoformat() if created_at else "", kind)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return cast(T, _cache[key])
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def latest_published_head(regency_code: str) -> PublishedVersion | None:
    """The published version of the regency's latest week that has one (no plan JSON)."""
    row = db.session.execute(select(
        PlanVersion.id, PlanVersion.regency_code, PlanVersion.week_start, PlanVersion.version,
        PlanVersion.created_at).where(
        PlanVersion.regency_code == regency_code, PlanVersion.status == PlanStatus.PUBLISHED)
        .order_by(PlanVersion.week_start.desc()).limit(1)).first()
    return None if row is None else PublishedVersion(*row)


#: A week's team-days lie within its seven days (a tour's nights included), so a version
#: that started this long before today has no team-day left.
_WEEK_SPAN = timedelta(days=7)


def _last_team_days(plan: dict[str, Any], week_start: date) -> dict[str | None, date]:
    """team code -> the date of its last team-day in the plan; ``None`` -> the plan's last."""
    last: dict[str | None, date] = {}
    for route in plan.get("routes") or []:
        if not route.get("date"):
            continue
        day = date.fromisoformat(str(route["date"]))
        for key in (str(route.get("team_id")), None):
            if key not in last or day > last[key]:
                last[key] = day
    last.setdefault(None, week_start + timedelta(days=6))
    return last


def lead_version(regency_code: str, today: date,
                 team_code: str | None = None) -> PublishedVersion | None:
    """The published week a team lead sees, on every one of their pages ("Tim saya", the
    field page, its offline copy): this week's plan until the team's last team-day of it is
    past, then the next published week; with nothing ahead, the latest week published.

    ``team_code=None`` takes the last team-day of any team.  The team-days are read once per
    version and process (:func:`cached_for_version`).
    """
    rows = [PublishedVersion(*row) for row in db.session.execute(select(
        PlanVersion.id, PlanVersion.regency_code, PlanVersion.week_start, PlanVersion.version,
        PlanVersion.created_at).where(
        PlanVersion.regency_code == regency_code, PlanVersion.status == PlanStatus.PUBLISHED,
        PlanVersion.week_start > today - _WEEK_SPAN - _WEEK_SPAN)
        .order_by(PlanVersion.week_start, PlanVersion.version))]
    for version in rows:
        last = cached_for_version(version.id, version.created_at, "last_team_days",
                                  partial(_read_last_team_days, version))
        if last.get(team_code, last[None]) >= today:
            return version
    return latest_published_head(regency_code)


def _read_last_team_days(version: PublishedVersion) -> dict[str | None, date]:
    plan = db.session.scalar(select(PlanVersion.plan).where(PlanVersion.id == version.id))
    return _last_team_days(plan or {}, version.week_start)


def _by_team(plan: dict[str, Any]) -> dict[str, TeamRoutes]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for route in number_parts_dict(plan)["routes"]:
        grouped.setdefault(str(route["team_id"]), []).append(route)
    return {team: TeamRoutes(tuple(r for r in routes if r["stops"]),
                             {r["vehicle_id"]: team_day_label(r) for r in routes})
            for team, routes in grouped.items()}


def published_team_routes(version: PublishedVersion, team_code: str) -> TeamRoutes:
    """The team's routes of the version, computed once per version and process."""

    def compute() -> dict[str, TeamRoutes]:
        plan = db.session.scalar(select(PlanVersion.plan).where(PlanVersion.id == version.id))
        return _by_team(plan or {"routes": []})

    by_team = cached_for_version(version.id, version.created_at, "team_routes", compute)
    return by_team.get(team_code, TeamRoutes((), {}))


def clear_cache() -> None:
    """Forget every precomputed version (tests)."""
    with _lock:
        _cache.clear()
