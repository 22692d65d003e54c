"""Hand edits of a plan: move, remove, add, pin; every edit re-checked before it is saved.

An edit changes the routes (visit ids per team-day) of a version; :func:`check_plan` then
re-verifies the result against the instance the plan was solved on.  A clean result becomes
a new draft version (with times, figures and the waiting list recomputed); otherwise nothing
is saved and the violations come back in plain Indonesian.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from planner.instance import Instance
from planner.instance_io import instance_from_dict
from planner.parts import number_parts_dict
from planner.plan import PlanRoutes, check_plan, refresh_trips
from planner.reasons import is_waiting
from web.services.covering_edits import covered_villages, mark_covered, stop_serves

ACTIONS = ("move", "remove", "add", "pin", "unpin")
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
REMOVED_REASON = {
    "code": "removed", "text_id": "Dikeluarkan dari rute oleh koordinator",
    "text_en": "Taken off the routes by the coordinator",
    "what_it_would_take_id": "Tambahkan kembali ke salah satu hari-tim",
    "what_it_would_take_en": "Add it back to a team-day"}


class EditError(ValueError):
    """The edit itself is malformed (unknown stop, team-day or village)."""


@dataclass(frozen=True)
class Edit:
    """One change asked for by the coordinator."""

    action: str
    visit_id: str = ""
    vehicle_id: str = ""
    position: int | None = None  # 1-based place in the target route; None = at the end
    village_code: str = ""


@dataclass
class EditResult:
    """The plan after the edit, or why it was refused."""

    plan: dict[str, Any] | None
    violations: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether the edited plan keeps every rule."""
        return self.plan is not None and not self.violations


def clock(seconds: int | None) -> str:
    """Seconds since local midnight → ``08.35`` (Indonesian style)."""
    if seconds is None:
        return "–"
    return f"{seconds // 3600:02d}.{seconds % 3600 // 60:02d}"


def day_clock(seconds: int) -> str:
    """A time of the working day in words a clerk reads: ``17.05``, or ``01.55 esok hari``
    past midnight (never ``25.55``)."""
    days, rest = divmod(seconds, 24 * 3600)
    if days == 0:
        return clock(rest)
    return f"{clock(rest)} esok hari" if days == 1 else f"{clock(rest)} (+{days} hari)"


def duration_text(seconds: int) -> str:
    """``2 j 5 mnt`` / ``45 mnt``."""
    minutes = (seconds + 59) // 60
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} mnt"
    return f"{hours} j {minutes} mnt" if minutes else f"{hours} j"


def team_day_label(route: Mapping[str, Any]) -> str:
    """``Tim 1, Senin 23/11``."""
    text = str(route.get("team_name") or route.get("team_id") or route.get("vehicle_id"))
    if route.get("date"):
        day = date.fromisoformat(str(route["date"]))
        text += f", {WEEKDAYS_ID[day.isoweekday() - 1]} {day.day}/{day.month}"
    return text


def load_instance(data: dict[str, Any]) -> Instance:
    """The stored instance JSON as an :class:`Instance`."""
    return instance_from_dict(data)


def _village_name(instance: Instance, visit_id: str,
                  shown_parts: Mapping[str, int] | None = None) -> str:
    names = instance.meta.get("villages", {})
    visit = next((v for v in instance.visits if v.visit_id == visit_id), None)
    code = visit.village_code if visit else visit_id.split("#")[0]
    info = names.get(code, {}) if isinstance(names, Mapping) else {}
    name = str(info.get("desa") or code)
    if visit is not None and visit.chunks > 1:
        # the part as the pages number it (visiting order, planner/parts.py) when it is
        # on a route; the problem's number for a part still waiting
        part = (shown_parts or {}).get(visit_id, visit.chunk)
        name += f" (bagian {part}/{visit.chunks})"
    if visit is not None and len(visit.serves) > 1:  # a covering stop (issue 19)
        name += f" (titik bersama {len(visit.serves)} desa)"
    return f"Desa {name}"


def _shown_parts(plan: Mapping[str, Any]) -> dict[str, int]:
    """visit id -> the part number the pages show for each visit on a route."""
    return {str(s["visit_id"]): int(s.get("chunk") or 1)
            for r in number_parts_dict(plan)["routes"] for s in r["stops"]}


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^vehicle (?P<v>\S+): back at (?P<a>\d+) s, after its shift ends at "
                r"(?P<b>\d+) s"),
     "{v}: kembali ke kantor {a}, lewat batas {b} ({late} terlambat)."),
    (re.compile(r"^vehicle (?P<v>\S+): claimed times return at (?P<a>\d+) s, after its shift "
                r"ends at (?P<b>\d+) s"),
     "{v}: kembali ke kantor {a}, lewat batas {b} ({late} terlambat)."),
    (re.compile(r"^vehicle (?P<v>\S+): load (?P<a>\d+) exceeds capacity (?P<b>\d+)"),
     "{v}: perkiraan {a} perekaman hari ini, lebih dari kapasitas harian tim ini ({b})."),
    (re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) not allowed on this vehicle "
                r"\(pinned to another vehicle\)"),
     "{v}: {x} disematkan ke hari-tim lain."),
    (re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) shares group .* with visit (?P<y>\S+) "
                r"on the same vehicle"),
     "{v}: dua bagian desa yang sama ({x} dan {y}) tidak boleh pada hari-tim yang sama."),
    (re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) starts at (?P<a>\d+) s, after its "
                r"window closes at (?P<b>\d+) s"),
     "{v}: {x} baru dimulai pukul {a}, sesudah batas pukul {b} ({late} terlambat)."),
    (re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) is already made by vehicle (?P<w>\S+)"),
     "{v}: {x} sudah dikunjungi oleh {w}."),
    (re.compile(r"^vehicle (?P<v>\S+): pinned visit (?P<x>\S+) is missing from its route"),
     "{v}: {x} disematkan ke hari-tim ini tetapi tidak ada di rutenya."),
    (re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) is not in the instance"),
     "{v}: {x} tidak dikenal dalam rencana ini."),
    (re.compile(r"^visit (?P<x>\S+) and visit (?P<y>\S+) both claim .*served twice"),
     "{x} dan {y} melayani desa yang sama: satu desa dilayani sekali dalam seminggu "
     "(keluarkan salah satunya dulu)."),
)


_NOT_ALLOWED = re.compile(r"^vehicle (?P<v>\S+): visit (?P<x>\S+) not allowed on this vehicle "
                          r"\(not among its allowed vehicles\)")


def violation_text(message: str, instance: Instance, labels: Mapping[str, str]) -> str:
    """A checker message in plain Indonesian, with the rule and the figures that break it
    (the original when no pattern knows it)."""
    found = _NOT_ALLOWED.match(message)
    if found is not None:
        return not_allowed_text(instance, found["x"], found["v"], labels)
    for pattern, template in _PATTERNS:
        found = pattern.match(message)
        if found is None:
            continue
        parts = found.groupdict()
        times = "exceeds" not in message
        values = {
            "v": labels.get(parts.get("v", ""), parts.get("v", "")),
            "w": labels.get(parts.get("w", ""), parts.get("w", "")),
            "x": _village_name(instance, parts.get("x", "")),
            "y": _village_name(instance, parts.get("y", "")),
            "a": day_clock(int(parts["a"])) if "a" in parts and times else parts.get("a", ""),
            "b": day_clock(int(parts["b"])) if "b" in parts and times else parts.get("b", ""),
            "late": duration_text(int(parts["a"]) - int(parts["b"]))
            if "a" in parts and "b" in parts and times else "",
        }
        return template.format(**values)
    return f"Aturan dilanggar: {message}"


def not_allowed_text(instance: Instance, visit_id: str, vehicle_id: str,
                     labels: Mapping[str, str]) -> str:
    """Why this team-day may not make this visit: the first rule it breaks, with figures."""
    label = labels.get(vehicle_id, vehicle_id)
    name = _village_name(instance, visit_id)
    vi = next((k for k, v in enumerate(instance.vehicles) if v.vehicle_id == vehicle_id), None)
    xi = next((k for k, v in enumerate(instance.visits) if v.visit_id == visit_id), None)
    if vi is None or xi is None:
        return f"{label}: tim ini tidak dapat mengunjungi {name}."
    veh, visit = instance.vehicles[vi], instance.visits[xi]
    if veh.capacity is not None and visit.demand > veh.capacity:
        return (f"{label}: {name} diperkirakan {visit.demand} perekaman, lebih dari kapasitas "
                f"harian tim ini ({veh.capacity}).")
    go = int(instance.duration_s[veh.start_location, visit.location])
    back = int(instance.duration_s[visit.location, veh.end_location])
    service = instance.service_time_s(xi, vi)
    home = veh.shift_start_s + go + service + back
    if home > veh.shift_end_s:
        return (f"{label}: {name} saja tidak muat dalam satu hari kerja: berangkat "
                f"{clock(veh.shift_start_s)}, perjalanan {duration_text(go)}, layanan "
                f"{duration_text(service)}, pulang {duration_text(back)}: kembali ke kantor "
                f"{day_clock(home)}, lewat batas {clock(veh.shift_end_s)} "
                f"({duration_text(home - veh.shift_end_s)} terlambat).")
    if not veh.boat_capable and any(
            instance.allowed(xi, k) and instance.vehicles[k].boat_capable
            for k in range(len(instance.vehicles))):
        return (f"{label}: {name} hanya dapat dicapai dengan perahu, dan tim ini tidak "
                "membawa perahu.")
    return (f"{label}: {name} tidak termasuk desa yang boleh dikunjungi tim ini "
            "(dibatasi saat perencanaan).")


def _routes_of(plan: Mapping[str, Any]) -> dict[str, list[str]]:
    return {str(r["vehicle_id"]): [str(s["visit_id"]) for s in r["stops"]]
            for r in plan["routes"]}


def _pinned_of(plan: Mapping[str, Any]) -> set[str]:
    return {str(s["visit_id"]) for r in plan["routes"] for s in r["stops"] if s.get("pinned")}


def _find(routes: Mapping[str, list[str]], visit_id: str) -> str:
    for vid, visits in routes.items():
        if visit_id in visits:
            return vid
    raise EditError(f"kunjungan {visit_id} tidak ada di rute")


def _insert(visits: list[str], visit_id: str, position: int | None) -> None:
    at = len(visits) if position is None else max(0, min(len(visits), position - 1))
    visits.insert(at, visit_id)


def apply_to_routes(plan: Mapping[str, Any], instance: Instance, edit: Edit
                    ) -> tuple[dict[str, list[str]], set[str], str]:
    """The routes and pinned visits after ``edit``, and a note saying what changed."""
    routes = _routes_of(plan)
    pinned = _pinned_of(plan)
    labels = {str(r["vehicle_id"]): team_day_label(r) for r in plan["routes"]}
    if edit.action not in ACTIONS:
        raise EditError(f"perubahan tidak dikenal: {edit.action}")
    if edit.action in ("move", "add") and edit.vehicle_id not in routes:
        raise EditError("hari-tim tujuan tidak ada di rencana ini")
    if edit.action == "add":
        taken = {v for visits in routes.values() for v in visits}
        free = [v for v in instance.visits
                if v.village_code == edit.village_code and v.visit_id not in taken]
        if not free:
            raise EditError(f"desa {edit.village_code} tidak dapat ditambahkan "
                            "(tidak ada kunjungan tersisa untuk desa ini)")
        vehicle = next(i for i, v in enumerate(instance.vehicles)
                       if v.vehicle_id == edit.vehicle_id)
        visit = next((v for v in free if v.allowed_vehicles is None
                      or vehicle in v.allowed_vehicles), free[0])
        _insert(routes[edit.vehicle_id], visit.visit_id, edit.position)
        return routes, pinned, (f"tambah {_village_name(instance, visit.visit_id)} ke "
                                f"{labels[edit.vehicle_id]}")
    source = _find(routes, edit.visit_id)
    name = _village_name(instance, edit.visit_id, _shown_parts(plan))
    if edit.action == "pin":
        pinned.add(edit.visit_id)
        return routes, pinned, f"sematkan {name} ke {labels[source]}"
    if edit.action == "unpin":
        pinned.discard(edit.visit_id)
        return routes, pinned, f"lepas sematan {name}"
    if edit.visit_id in pinned:
        raise EditError(f"{name} disematkan ke {labels[source]}; lepas sematannya dulu")
    routes[source].remove(edit.visit_id)
    if edit.action == "remove":
        return routes, pinned, f"keluarkan {name} dari {labels[source]}"
    _insert(routes[edit.vehicle_id], edit.visit_id, edit.position)
    where = f"urutan {edit.position}" if edit.position else "akhir rute"
    return routes, pinned, f"pindahkan {name} ke {labels[edit.vehicle_id]} ({where})"


def _with_pins(instance: Instance, routes: Mapping[str, list[str]], pinned: set[str]
               ) -> Instance:
    """The instance whose pins are the plan's pins (the coordinator decides them)."""
    vehicle_index = {v.vehicle_id: i for i, v in enumerate(instance.vehicles)}
    where = {visit: vehicle_index[vid] for vid, visits in routes.items()
             for visit in visits if vid in vehicle_index}
    visits = tuple(replace(v, pinned_vehicle=where.get(v.visit_id) if v.visit_id in pinned
                           else None) for v in instance.visits)
    return replace(instance, visits=visits)


def recheck(plan: dict[str, Any], instance: Instance, routes: Mapping[str, list[str]],
            pinned: set[str], flags: Mapping[str, Mapping[str, bool]]) -> EditResult:
    """Re-verify ``routes`` with :func:`check_plan`; the recomputed plan when they pass."""
    checked = _with_pins(instance, routes, pinned)
    # the nights stay where they are (the solver's choice): a tour day ends there and the
    # next day starts there
    nights = {str(r["vehicle_id"]): (None if not r.get("night")
                                     else str(r["night"].get("location_id")))
              for r in plan["routes"]}
    report = check_plan(checked, PlanRoutes({vid: [(v, None, None) for v in visits]
                                             for vid, visits in routes.items()},
                                            nights=nights))
    labels = {str(r["vehicle_id"]): team_day_label(r) for r in plan["routes"]}
    if not report.ok:
        return EditResult(None, [violation_text(m, instance, labels)
                                 for m in report.violations])
    return EditResult(_rebuild(plan, checked, report, pinned, flags))


def _rebuild(plan: dict[str, Any], instance: Instance, report: Any, pinned: set[str],
             flags: Mapping[str, Mapping[str, bool]]) -> dict[str, Any]:
    old_stops = {str(s["visit_id"]): s for r in plan["routes"] for s in r["stops"]}
    old_routes = {str(r["vehicle_id"]): r for r in plan["routes"]}
    names = instance.meta.get("villages", {})
    routes: list[dict[str, Any]] = []
    for vi, sched in enumerate(report.schedules):
        veh = instance.vehicles[vi]
        base = old_routes.get(veh.vehicle_id, {})
        stops: list[dict[str, Any]] = []
        prev = sched.start_location if sched.start_location >= 0 else veh.start_location
        for seq, idx in enumerate(sched.visits, start=1):
            visit = instance.visits[idx]
            loc = instance.locations[visit.location]
            old = old_stops.get(visit.visit_id, {})
            info = names.get(visit.village_code or "", {}) if isinstance(names, Mapping) else {}
            stops.append({
                "sequence": seq, "visit_id": visit.visit_id,
                "village_code": visit.village_code,
                "desa": old.get("desa") or str(info.get("desa", "")),
                "kecamatan": old.get("kecamatan") or str(info.get("kecamatan", "")),
                "arrival_s": sched.arrival_s[seq - 1], "start_s": sched.start_s[seq - 1],
                "departure_s": sched.departure_s[seq - 1],
                "travel_from_previous_s": int(instance.duration_s[prev, visit.location]),
                "distance_from_previous_m": int(instance.distance_m[prev, visit.location]),
                "expected_recordings": visit.demand, "prize": visit.prize,
                "chunk": visit.chunk, "chunks": visit.chunks,
                "pinned": visit.visit_id in pinned, "lon": loc.lon, "lat": loc.lat,
                "priority_id": old.get("priority_id", ""),
                "priority_en": old.get("priority_en", ""),
                **stop_serves(visit, names if isinstance(names, Mapping) else {})})
            prev = visit.location
        routes.append({
            "vehicle_id": veh.vehicle_id, "team_id": veh.team_id,
            "team_name": base.get("team_name", veh.team_id), "date": veh.date,
            "start_s": veh.shift_start_s,
            "end_s": sched.end_s if stops else veh.shift_start_s,
            "travel_s": sched.travel_s, "distance_m": sched.distance_m,
            "expected_recordings": sum(s["expected_recordings"] for s in stops),
            "stops": stops,
            # a trip day keeps its night; costs and trips are recomputed below (issue 18)
            **({"night": base["night"]} if base.get("night") else {})})
    visited = {s["village_code"] for r in routes for s in r["stops"]}
    before = {s["village_code"]: s for r in plan["routes"] for s in r["stops"]}
    unscheduled = [u for u in plan["unscheduled"] if u["village_code"] not in visited]
    listed = {u["village_code"] for u in unscheduled}
    for code, stop in before.items():
        if code not in visited and code not in listed:
            unscheduled.append({"village_code": code, "desa": stop.get("desa", ""),
                                "kecamatan": stop.get("kecamatan", ""),
                                "expected_recordings": sum(
                                    v.demand for v in instance.visits if v.village_code == code),
                                "weight": None, "reason": dict(REMOVED_REASON)})
            listed.add(code)
    unscheduled = mark_covered(unscheduled, routes,
                               names if isinstance(names, Mapping) else {}, REMOVED_REASON)
    result = dict(plan)
    result["routes"] = routes
    result["unscheduled"] = unscheduled
    result["summary"] = summarise(routes, unscheduled, report, flags,
                                  base=plan.get("summary", {}))
    result["solver"] = {**plan.get("solver", {}), "edited": True}
    # costs need the instance's rupiah fields (a stored instance read back without them
    # keeps the plan's costs as they were)
    if ("trips" in plan or "costs" in plan) and instance.leg_rp is not None:
        result = refresh_trips(instance, result)
    # a moved part keeps its visit id; its label follows the new visiting order
    return number_parts_dict(result)


def summarise(routes: list[dict[str, Any]], unscheduled: list[dict[str, Any]], report: Any,
              flags: Mapping[str, Mapping[str, bool]], *, base: Mapping[str, Any]
              ) -> dict[str, Any]:
    """The plan's summary figures, recomputed after an edit (same keys as the planner's)."""
    stops = [s for r in routes for s in r["stops"]]
    recordings = sum(s["expected_recordings"] for s in stops)
    summary = dict(base)
    summary.update({
        "team_days": len(routes), "team_days_used": sum(1 for r in routes if r["stops"]),
        "stops": len(stops), "villages_visited": len({s["village_code"] for s in stops}),
        # the same count as the list of waiting villages (no_backlog ones are listed apart)
        "villages_unscheduled": sum(1 for u in unscheduled
                                    if is_waiting(str(u["reason"].get("code", "")))),
        "villages_covered": len(covered_villages(routes)),
        "expected_recordings": recordings,
        "prize": report.prize, "travel_s": report.travel_s, "distance_m": report.distance_m})
    # people from each village, wherever its stop is (a covering stop serves several)
    people: dict[str, int] = {}
    for s in stops:
        for code, n in zip(s.get("serves") or [s["village_code"]],
                           s.get("served") or [s["expected_recordings"]], strict=False):
            people[code] = people.get(code, 0) + int(n)
    for flag in ("remote", "border", "island"):
        flagged = {code for code, f in flags.items() if f.get(flag)}
        rec = sum(n for code, n in people.items() if code in flagged)
        summary[f"{flag}_villages_visited"] = len(set(people) & flagged)
        summary[f"{flag}_recordings_share"] = round(rec / recordings, 4) if recordings else 0.0
    return summary
