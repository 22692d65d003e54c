"""What the review page and the API show of a plan version, and the edits made to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from planner.parts import number_parts_dict
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
from web.services.version_notes import note_data_for_edit

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


def team_colours(plan: dict[str, Any]) -> dict[str, int]:
    """Colour index of every team of the plan: one colour per team, the same all week."""
    teams: dict[str, str] = {}
    for r in plan["routes"]:
        teams.setdefault(str(r["team_id"]), str(r.get("team_name") or r["team_id"]))
    order = sorted(teams, key=lambda t: (teams[t], t))
    return {team: i % len(PALETTE) for i, team in enumerate(order)}


def plan_teams_and_days(plan: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The plan's teams (id, name, colour; by name) and its dates, for legends and filters."""
    colours = team_colours(plan)
    names = {str(r["team_id"]): str(r.get("team_name") or r["team_id"]) for r in plan["routes"]}
    teams = [{"team_id": t, "name": names[t], "colour": c, "colour_hex": PALETTE[c]}
             for t, c in sorted(colours.items(), key=lambda tc: tc[1])]
    dates = sorted({str(r["date"]) for r in plan["routes"] if r.get("date")})
    return teams, dates


def team_days(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every team-day of the plan with its label and its team's colour index."""
    colours = team_colours(plan)
    return [{"vehicle_id": r["vehicle_id"], "label": team_day_label(r),
             "colour": colours[str(r["team_id"])], "team_id": str(r["team_id"]),
             "date": r.get("date"), "team_name": r.get("team_name"),
             "option": _day_first(r)} for r in plan["routes"]]


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
    colours = team_colours(version.plan)
    routes = []
    # the n-th visit of a village this week (repeat visits look different on the map)
    nth: dict[str, int] = {}
    ordered = sorted(version.plan["routes"], key=lambda r: (str(r.get("date") or ""),
                                                           str(r["team_id"])))
    visit_number: dict[str, int] = {}
    for r in ordered:
        for s in r["stops"]:
            code = str(s.get("village_code") or s["visit_id"])
            nth[code] = nth.get(code, 0) + 1
            visit_number[s["visit_id"]] = nth[code]
    for r in number_parts_dict(version.plan)["routes"]:
        if not r["stops"]:
            continue
        colour = colours[str(r["team_id"])]
        routes.append({
            "vehicle_id": r["vehicle_id"], "label": team_day_label(r), "colour": colour,
            "colour_hex": PALETTE[colour], "team_id": str(r["team_id"]),
            "date": r.get("date"), "depot": depots.get(r["vehicle_id"]),
            "stops": [{"sequence": s["sequence"], "visit_id": s["visit_id"],
                       "village_code": s["village_code"], "desa": s["desa"],
                       "lat": s["lat"], "lon": s["lon"], "arrival_s": s["arrival_s"],
                       "expected_recordings": s["expected_recordings"],
                       "chunk": s.get("chunk", 1), "chunks": s.get("chunks", 1),
                       "visit_number": visit_number[s["visit_id"]],
                       "visits": nth[str(s.get("village_code") or s["visit_id"])],
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
                        origin="edit", note=note,
                        note_data=note_data_for_edit(version.plan, result.plan, routes, edit))
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
