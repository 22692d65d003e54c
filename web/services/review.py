"""What the review page and the API show of a plan version, and the edits made to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from web.extensions import db
from web.models import PlanVersion, PlanWeek, User, Village
from web.services.plan_edits import (
    Edit,
    EditError,
    EditResult,
    apply_to_routes,
    load_instance,
    recheck,
    team_day_label,
)
from web.services.plans import ensure_week, instance_data, store_draft

#: Route colours; ``.c0`` … ``.c23`` in app.css use the same.
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
           "#1f78b4", "#b2182b", "#4d4d4d", "#8c510a", "#01665e",
           "#7fc97f", "#beaed4", "#fdc086", "#386cb0", "#f0027f", "#bf5b17",
           "#666666", "#1a9850", "#762a83", "#e08214", "#35978f", "#c51b7d")


def village_flags(regency_code: str) -> dict[str, dict[str, bool]]:
    """Effective flags of every village of the regency (callers authorised it)."""
    # the outlines are the bulk of a village row and are not needed here
    return {v.kode: v.flags() for v in db.session.scalars(
        select(Village).where(Village.regency_code == regency_code)
        .options(defer(Village.geometry_geojson)))}


def village_points(regency_code: str) -> dict[str, tuple[float, float]]:
    """Stop point (lat, lon) of every village of the regency."""
    return {v.kode: (v.stop_lat, v.stop_lon) for v in db.session.scalars(
        select(Village).where(Village.regency_code == regency_code))}


def week_head(version: PlanVersion) -> PlanWeek:
    """The week's head row: published version and revision."""
    return ensure_week(version.regency_code, version.week_start)


def team_days(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every team-day of the plan with its label and colour index."""
    return [{"vehicle_id": r["vehicle_id"], "label": team_day_label(r), "colour": i % len(PALETTE),
             "date": r.get("date"), "team_name": r.get("team_name"),
             "option": _day_first(r)} for i, r in enumerate(plan["routes"])]


def _day_first(route: dict[str, Any]) -> str:
    """``Sen 30/11 · Tim 2``: the day first, so a narrow list still shows it."""
    label = team_day_label(route)
    team, _, when = label.partition(", ")
    return f"{when} · {team}" if when else label


def addable_villages(version: PlanVersion) -> frozenset[str]:
    """Villages with a visit in the instance that no route makes yet (can be added);
    computed once per version and process (version and instance never change)."""
    from web.services.published import cached_for_version

    return cached_for_version(version.id, version.created_at, "addable",
                              lambda: _addable_villages(version))


def _addable_villages(version: PlanVersion) -> frozenset[str]:
    data = instance_data(version)
    if data is None:
        return frozenset()
    taken = {s["visit_id"] for r in version.plan["routes"] for s in r["stops"]}
    return frozenset(str(v["village_code"]) for v in data["visits"]
                     if v.get("village_code") and v["visit_id"] not in taken)


def map_data(version: PlanVersion) -> dict[str, Any]:
    """Routes (office → stops → office) and waiting villages for the review map."""
    data = instance_data(version)
    depots: dict[str, list[float]] = {}
    if data is not None:
        for vehicle in data["vehicles"]:
            loc = data["locations"][vehicle["start_location"]]
            depots[vehicle["vehicle_id"]] = [loc["lat"], loc["lon"]]
    routes = []
    for i, r in enumerate(version.plan["routes"]):
        if not r["stops"]:
            continue
        routes.append({
            "vehicle_id": r["vehicle_id"], "label": team_day_label(r), "colour": i % len(PALETTE),
            "colour_hex": PALETTE[i % len(PALETTE)], "depot": depots.get(r["vehicle_id"]),
            "stops": [{"sequence": s["sequence"], "visit_id": s["visit_id"],
                       "village_code": s["village_code"], "desa": s["desa"],
                       "lat": s["lat"], "lon": s["lon"], "arrival_s": s["arrival_s"],
                       "expected_recordings": s["expected_recordings"],
                       "pinned": bool(s.get("pinned"))} for s in r["stops"]]})
    points = village_points(version.regency_code)
    waiting = [{"village_code": u["village_code"], "desa": u["desa"],
                "lat": points[u["village_code"]][0], "lon": points[u["village_code"]][1],
                "reason": u["reason"]["text_id"],
                "expected_recordings": u["expected_recordings"]}
               for u in version.plan["unscheduled"] if u["village_code"] in points]
    return {"version_id": version.id, "routes": routes, "unscheduled": waiting}


@dataclass(frozen=True)
class EditOutcome:
    """The result of an edit: the new draft, or the violations (nothing saved)."""

    result: EditResult
    version: PlanVersion | None


def edit_version(version: PlanVersion, edit: Edit, *, user: User | None,
                 dry_run: bool = False) -> EditOutcome:
    """Apply ``edit`` to the version's routes, re-check, and save a new draft when clean.

    Raises :class:`EditError` for a malformed edit (unknown stop, team-day or village).
    """
    data = instance_data(version)
    if data is None:
        raise EditError("rencana ini tidak menyimpan instansinya; tidak dapat diubah")
    instance = load_instance(data)
    routes, pinned, note = apply_to_routes(version.plan, instance, edit)
    result = recheck(version.plan, instance, routes, pinned,
                     village_flags(version.regency_code))
    result.note = note
    if not result.ok or dry_run:
        return EditOutcome(result, None)
    assert result.plan is not None
    draft = store_draft(regency_code=version.regency_code, week_start=version.week_start,
                        plan=result.plan, instance_id=version.instance_id,
                        created_by_id=user.id if user else None, based_on_id=version.id,
                        origin="edit", note=note)
    return EditOutcome(result, draft)


def version_dict(version: PlanVersion, *, with_plan: bool = True) -> dict[str, Any]:
    """A version as the API returns it."""
    week = week_head(version)
    out: dict[str, Any] = {
        "id": version.id, "regency_code": version.regency_code,
        "week_start": version.week_start.isoformat(), "version": version.version,
        "status": version.status, "origin": version.origin, "note": version.note,
        "based_on_id": version.based_on_id,
        "created_at": version.created_at.isoformat() if version.created_at else None,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "week_revision": week.revision, "week_published_version_id": week.published_version_id,
        "summary": version.plan.get("summary", {})}
    if with_plan:
        out["plan"] = version.plan
    return out


def team_routes(version: PlanVersion, team_code: str) -> list[dict[str, Any]]:
    """The routes of one team in a version (its lead's page)."""
    return [r for r in version.plan["routes"] if r["team_id"] == team_code]


def monday(text: str) -> date:
    """A ``YYYY-MM-DD`` Monday (ValueError otherwise)."""
    day = date.fromisoformat(text)
    if day.isoweekday() != 1:
        raise ValueError("not a Monday")
    return day
