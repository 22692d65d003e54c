"""Parts of a big village numbered in the order the teams visit them.

A village whose turnout does not fit one team-day is cut into parts (chunks, see
``docs/model.md``).  The problem numbers the parts as it cuts them, and the solver is free to
visit part 3 before part 2; a team lead then reads "bagian 1/3", "bagian 3/3", "bagian 2/3"
down the week and wonders what happened to part 2.  The parts of a village are alike (only
their size may differ), so the label follows the calendar instead: the first visit of the
week is part 1, the next part 2, and so on.  Parts still waiting come after the visited ones.
The visit ids (``<village code>#<n>``) stay as they are: edits, reports and pins refer to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # plan.py numbers its parts with this module
    from planner.plan import Plan, Route

#: One scheduled part: (village key, date or "", arrival in s, route position, visit id).
_Entry = tuple[str, str, int, int, str]


def _village_key(village_code: str | None, visit_id: str) -> str:
    return village_code or visit_id.split("#", 1)[0]


def part_numbers(entries: Iterable[_Entry]) -> dict[str, int]:
    """visit id -> the part's number in visiting order within its village (1, 2, …).

    Each entry is ``(village, date, arrival_s, route_position, visit_id)``; the order is
    date, then arrival time, then the route's position in the plan (days without a date
    keep the plan's order).
    """
    by_village: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_village.setdefault(entry[0], []).append(entry)
    numbers: dict[str, int] = {}
    for visits in by_village.values():
        for n, entry in enumerate(sorted(visits, key=lambda e: (e[1], e[2], e[3], e[4])),
                                  start=1):
            numbers[entry[4]] = n
    return numbers


def number_routes(routes: tuple[Route, ...]) -> tuple[Route, ...]:
    """``routes`` with each part's ``chunk`` numbered in visiting order (see the module);
    the same tuple when they already are."""
    numbers = part_numbers(
        (_village_key(s.village_code, s.visit_id), r.date or "", s.arrival_s, position,
         s.visit_id)
        for position, r in enumerate(routes) for s in r.stops if s.chunks > 1)
    if all(s.chunk == numbers[s.visit_id] for r in routes for s in r.stops
           if s.visit_id in numbers):
        return routes
    return tuple(replace(r, stops=tuple(
        replace(s, chunk=numbers[s.visit_id]) if s.visit_id in numbers else s
        for s in r.stops)) for r in routes)


def number_parts(plan: Plan) -> Plan:
    """``plan`` with its parts numbered in visiting order (a :class:`Plan` always is: its
    constructor calls :func:`number_routes`)."""
    return replace(plan, routes=number_routes(plan.routes))


def number_parts_dict(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The same for a plan JSON (a stored version): a copy whose stops carry the numbers."""
    routes = list(plan.get("routes") or [])
    numbers = part_numbers(
        (_village_key(s.get("village_code"), str(s["visit_id"])), str(r.get("date") or ""),
         int(s.get("arrival_s") or 0), position, str(s["visit_id"]))
        for position, r in enumerate(routes) for s in r.get("stops") or []
        if int(s.get("chunks") or 1) > 1)
    if not numbers:
        return dict(plan)
    return {**plan, "routes": [
        {**r, "stops": [{**s, "chunk": numbers[str(s["visit_id"])]}
                        if str(s["visit_id"]) in numbers else s
                        for s in r.get("stops") or []]}
        for r in routes]}
