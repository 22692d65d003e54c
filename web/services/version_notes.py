"""What made a plan version, kept as data and told in the reader's language.

A version's ``note`` used to be an Indonesian sentence ("pindahkan Desa Sukamaju (bagian 1/2)
ke Tim 1, Senin 30/11 (urutan 2)"), which an English page then showed as is.  The version now
also keeps ``note_data``: the edit (action, village, part, team, day, position) or the
planning job, and :func:`note_text` words it in the page's language.  ``note`` stays filled
(Indonesian) for the API; versions without data show ``note`` as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import has_request_context
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _

from planner.parts import number_parts_dict
from web.services.plan_edits import WEEKDAYS_ID


def edit_note_data(action: str, *, village: str, part: tuple[int, int] | None = None,
                   team: str = "", day: str | None = None,
                   position: int | None = None) -> dict[str, Any]:
    """An edit as data: ``action`` (move, add, remove, pin, unpin) and what it touched."""
    return {"kind": "edit", "action": action, "village": village,
            "part": list(part) if part else None, "team": team, "day": day,
            "position": position}


def note_data_for_edit(old_plan: Mapping[str, Any], new_plan: Mapping[str, Any] | None,
                       routes: Mapping[str, list[str]], edit: Any) -> dict[str, Any]:
    """The note data of ``edit`` (a :class:`~web.services.plan_edits.Edit`) from the plans
    before and after it and the routes it produced (vehicle id -> visit ids)."""
    before = number_parts_dict(old_plan)
    after = number_parts_dict(new_plan) if new_plan else before
    visit_id = edit.visit_id
    if edit.action == "add":
        taken = {str(s["visit_id"]) for r in before["routes"] for s in r["stops"]}
        visit_id = next((v for v in routes.get(edit.vehicle_id, []) if v not in taken), "")
    stops = {str(s["visit_id"]): (r, s) for plan in (before, after)
             for r in plan["routes"] for s in r["stops"]}
    if edit.action in ("move", "add", "pin", "unpin"):  # the part as it reads afterwards
        stops.update({str(s["visit_id"]): (r, s) for r in after["routes"] for s in r["stops"]})
    route, stop = stops.get(visit_id, ({}, {}))
    if edit.action in ("move", "add"):
        route = next((r for r in after["routes"] if r["vehicle_id"] == edit.vehicle_id), route)
    village = str(stop.get("desa") or "")
    if not village:
        code = edit.village_code or visit_id.split("#")[0]
        village = next((str(u.get("desa") or code) for u in before.get("unscheduled", [])
                        if u.get("village_code") == code), code)
    chunks = int(stop.get("chunks") or 1)
    return edit_note_data(edit.action, village=village,
                          part=(int(stop.get("chunk") or 1), chunks) if chunks > 1 else None,
                          team=str(route.get("team_name") or route.get("team_id") or ""),
                          day=route.get("date"), position=edit.position)


def job_note_data(job_id: int) -> dict[str, Any]:
    """A version made by planning job ``job_id``."""
    return {"kind": "job", "job_id": job_id}


def _team_day(data: Mapping[str, Any], lang: str) -> str:
    team = str(data.get("team") or "")
    if not data.get("day"):
        return team
    day = date.fromisoformat(str(data["day"]))
    if lang == "id":
        when = f"{WEEKDAYS_ID[day.isoweekday() - 1]} {day.day}/{day.month}"
    else:
        when = format_date(day, "EEEE d/M")
    return f"{team}, {when}" if team else when


def _village(data: Mapping[str, Any]) -> str:
    name = _("Desa %(name)s", name=data.get("village") or "")
    part = data.get("part")
    if part:
        name += " (" + _("bagian %(n)s", n=f"{part[0]}/{part[1]}") + ")"
    return name


def _words(data: Mapping[str, Any], lang: str) -> str:
    if data.get("kind") == "job":
        return _("tugas perencanaan #%(n)s", n=data.get("job_id"))
    action = data.get("action")
    values = {"name": _village(data), "day": _team_day(data, lang)}
    if action == "move":
        where = (_("urutan %(n)s", n=data["position"]) if data.get("position")
                 else _("akhir rute"))
        return _("pindahkan %(name)s ke %(day)s (%(where)s)", where=where, **values)
    if action == "add":
        return _("tambah %(name)s ke %(day)s", **values)
    if action == "remove":
        return _("keluarkan %(name)s dari %(day)s", **values)
    if action == "pin":
        return _("sematkan %(name)s ke %(day)s", **values)
    if action == "unpin":
        return _("lepas sematan %(name)s", **values)
    return ""


def note_text(data: Mapping[str, Any] | None, written: str = "", *,
              lang: str | None = None) -> str:
    """The note in ``lang`` (default: the request's language); ``written`` (the stored
    Indonesian ``note``) without data or outside a request."""
    if not data or not has_request_context():
        return written
    lang = lang or str(get_locale() or "id")
    with force_locale(lang):
        return _words(data, lang) or written
