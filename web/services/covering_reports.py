"""Field reports of covering stops: the recorded count shared among the villages served.

A covering stop (issue 19) records residents of several villages at one venue; the team
lead reports one number for the stop.  It is shared among the villages the stop serves in
proportion to the people the plan expected from each (:func:`planner.covering.split_recorded`,
largest remainder, the venue first), and each village's backlog is lowered by its share.
The report stays one row on the venue's village; the shares are derived from the published
plan it refers to, so no table holds them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from planner.covering import is_cover_visit_id, split_recorded
from web.extensions import db
from web.models import FieldReport, PlanVersion

#: SQL ``LIKE`` pattern of covering visit ids (``<venue code>+<neighbours>``).
COVER_LIKE = "%+%"


def stop_serves(report: FieldReport) -> list[tuple[str, int]]:
    """``(village_code, expected people)`` of the report's stop when it is a covering stop."""
    if not is_cover_visit_id(report.visit_id) or report.plan_version_id is None:
        return []
    version = db.session.get(PlanVersion, report.plan_version_id)
    if version is None:
        return []
    day = report.stop_date.isoformat()
    for route in version.plan.get("routes", []):
        if route.get("date") != day:
            continue
        for stop in route.get("stops", []):
            if stop.get("visit_id") == report.visit_id:
                codes = list(stop.get("serves") or [])
                people = list(stop.get("served") or [])
                if len(codes) > 1 and len(people) == len(codes):
                    return [(str(c), int(n)) for c, n in zip(codes, people, strict=True)]
    return []


def report_split(report: FieldReport) -> dict[str, int]:
    """Village code -> people recorded, for a covering stop's report (empty otherwise)."""
    serves = stop_serves(report)
    if not serves or report.recorded is None:
        return {}
    shares = split_recorded(int(report.recorded), [n for _, n in serves])
    return {code: n for (code, _), n in zip(serves, shares, strict=True)}


def covered_recorded(regency_code: str, village_code: str, since: datetime) -> int:
    """People of ``village_code`` recorded at covering stops, by active reports made since."""
    reports = db.session.scalars(select(FieldReport).where(
        FieldReport.regency_code == regency_code, FieldReport.superseded_by_id.is_(None),
        FieldReport.created_at >= since, FieldReport.recorded.is_not(None),
        FieldReport.visit_id.like(COVER_LIKE)))
    return sum(report_split(r).get(village_code, 0) for r in reports)

