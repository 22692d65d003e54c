"""A team's published stops as its lead reads them on a phone: today first, then the rest
of the week; contacts, navigation and WhatsApp links, and each stop's report in force."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from planner.covering import stop_invitation
from planner.errors import InputError, ParameterError
from planner.exports import navigation_links, whatsapp_text, whatsapp_url
from planner.parts import number_parts_dict
from planner.plan import Stop, leg_text, plan_from_dict
from web.extensions import db
from web.i18n import TIMEZONE_NAMES
from web.models import PlanVersion, Regency, Team, Village, VillageContact
from web.models.base import utcnow
from web.services.field_reports import (
    active_reports_by_stop,
    report_dict,
    unreachable_villages,
)
from web.services.plan_edits import WEEKDAYS_ID, clock
from web.services.published import lead_version

_STOP_FIELDS = tuple(f.name for f in fields(Stop))


def local_today(regency: Regency) -> date:
    """Today in the regency's own zone."""
    return datetime.now(ZoneInfo(regency.timezone)).date()


def schedule_version(regency_code: str, today: date,
                     team_code: str | None = None) -> PlanVersion | None:
    """The published plan the team lead sees (:func:`web.services.published.lead_version`:
    this week until the team's last team-day of it is past, then the next week)."""
    head = lead_version(regency_code, today, team_code)
    return None if head is None else db.session.get(PlanVersion, head.id)


def _serves(stop: dict[str, Any]) -> dict[str, Any]:
    """A covering stop's invitation and the people expected from each village it serves."""
    codes = list(stop.get("serves") or [])
    names = list(stop.get("serves_desa") or [])
    people = list(stop.get("served") or [])
    if len(codes) < 2:
        return {"invitation": "", "serves": []}
    names += [""] * (len(codes) - len(names))
    people += [0] * (len(codes) - len(people))
    return {"invitation": stop_invitation(codes, names),
            "serves": [{"village_code": c, "desa": n or c, "people": int(p)}
                       for c, n, p in zip(codes, names, people, strict=True)]}


def _day_label(day: date) -> str:
    return f"{WEEKDAYS_ID[day.isoweekday() - 1]}, {day.day}/{day.month}/{day.year}"


def _boat(leg: Any) -> dict[str, Any] | None:
    """A boat leg as the lead reads it: harbour, crossing minutes and a sentence (both
    languages: the page picks one, the offline copy keeps both)."""
    if not isinstance(leg, dict) or leg.get("mode") != "boat":
        return None
    return {"harbour": leg.get("harbour"), "crossing_min": leg.get("crossing_min"),
            "text_id": leg_text(leg, "id"), "text_en": leg_text(leg, "en")}


def team_schedule(team: Team, *, today: date | None = None) -> dict[str, Any]:
    """Everything the team lead's page and its offline copy show (JSON-ready)."""
    regency = db.session.get(Regency, team.regency_code)
    assert regency is not None
    today = today or local_today(regency)
    tz_name = TIMEZONE_NAMES.get(regency.timezone, regency.timezone)
    version = schedule_version(team.regency_code, today, team.code)
    out: dict[str, Any] = {
        "team": {"id": team.id, "code": team.code, "name": team.name},
        "regency": {"code": regency.code, "name": regency.name, "timezone": tz_name},
        "today": today.isoformat(), "generated_at": utcnow().isoformat(),
        "version": None, "days": []}
    if version is None:
        return out
    out["version"] = {"id": version.id, "version": version.version,
                      "week_start": version.week_start.isoformat(),
                      "week_label": _day_label(version.week_start)}
    # parts of a big village numbered in visiting order, as on every page (planner/parts.py);
    # a trip day without a stop still shows: the team travels and sleeps away (issue 18)
    routes = [r for r in number_parts_dict(version.plan).get("routes", [])
              if r.get("team_id") == team.code and (r.get("stops") or r.get("night"))]
    codes = {s["village_code"] for r in routes for s in r["stops"] if s.get("village_code")}
    villages = {v.kode: v for v in db.session.scalars(
        select(Village).where(Village.kode.in_(codes)))} if codes else {}
    contacts = {c.village_id: c.contact for c in db.session.scalars(
        select(VillageContact).where(VillageContact.village_id.in_(
            [v.id for v in villages.values()])))} if villages else {}
    warnings = unreachable_villages(team.regency_code, before=version.week_start)
    reports = active_reports_by_stop(team, version.week_start)
    try:
        plan = plan_from_dict(version.plan)
    except InputError:  # a hand-made plan without every field: no share text
        plan = None
    days = []
    for route in sorted(routes, key=lambda r: r.get("date") or ""):
        day = date.fromisoformat(route["date"]) if route.get("date") else None
        stops = []
        for s in route["stops"]:
            village = villages.get(s.get("village_code") or "")
            stop_obj = Stop(**{k: s.get(k, "") if k.startswith("priority") else s.get(k)
                               for k in _STOP_FIELDS})
            report = reports.get((s["visit_id"], route.get("date") or ""))
            warning = warnings.get(s.get("village_code") or "")
            stops.append({
                "visit_id": s["visit_id"], "sequence": s["sequence"],
                "village_code": s.get("village_code"), "desa": s.get("desa") or "",
                "kecamatan": s.get("kecamatan") or "",
                "chunk": s.get("chunk", 1), "chunks": s.get("chunks", 1),
                "arrival": clock(s.get("arrival_s")), "departure": clock(s.get("departure_s")),
                "expected_recordings": s.get("expected_recordings", 0),
                "boat": _boat(s.get("leg")),
                **_serves(s),
                "contact": contacts.get(village.id, "") if village else "",
                "flags": [f for f, on in village.flags().items() if on] if village else [],
                "links": navigation_links(stop_obj),
                "warning": (f"{warning.report.stop_date.isoformat()}: {warning.report.reason}"
                            if warning else ""),
                "report": report_dict(report) if report else None})
        share = ""
        if day is not None and plan is not None:
            try:
                share = whatsapp_url(whatsapp_text(plan, team.code, day))
            except ParameterError:
                share = ""
        days.append({"date": route.get("date"), "label": _day_label(day) if day else "",
                     "is_today": day == today, "is_past": day is not None and day < today,
                     "start": clock(route.get("start_s")), "end": clock(route.get("end_s")),
                     "expected_recordings": route.get("expected_recordings", 0),
                     "return_boat": _boat(route.get("return_leg")),
                     # where the team sleeps tonight when away from base (multi-day trip)
                     "night": str((route.get("night") or {}).get("name") or ""),
                     "whatsapp_url": share, "stops": stops})
    # today first, then the days still to come, then the days already past
    days.sort(key=lambda d: (0 if d["is_today"] else 2 if d["is_past"] else 1, d["date"] or ""))
    out["days"] = days
    return out
