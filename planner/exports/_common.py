"""Shared pieces of the exports: choosing routes, clock and date text, cell escaping, depots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.errors import ParameterError, Problem
from planner.instance import Instance
from planner.plan import Plan, Route, Stop

#: Plan clocks are seconds since local midnight in WIB (see ``planner.plan.UNITS``).
TIMEZONE_NAME = "Asia/Jakarta"
WIB = ZoneInfo(TIMEZONE_NAME)

#: team_id -> (lon, lat) of the office a team leaves from and returns to.
Depots = Mapping[str, tuple[float, float]]

DAY_NAMES_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember")

# A spreadsheet treats a text cell starting with one of these as a formula (or, for tab and
# carriage return, strips them and looks again): CSV/formula injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def clock(seconds: int) -> str:
    """``HH:MM`` of seconds since local midnight."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def day_text(day: date | str | None) -> str:
    """``Senin, 30 November 2026`` (Indonesian), or ``tanpa tanggal`` without a date."""
    if day is None:
        return "tanpa tanggal"
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{DAY_NAMES_ID[d.isoweekday() - 1]}, {d.day} {MONTH_NAMES_ID[d.month - 1]} {d.year}"


def local_datetime(day: str, seconds: int) -> datetime:
    """The aware datetime (WIB) of ``seconds`` since midnight on ISO date ``day``."""
    midnight = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=WIB)
    return midnight + timedelta(seconds=seconds)


def stop_label(stop: Stop) -> str:
    """The village name people read: desa, or the code when the name is missing."""
    return stop.desa or stop.village_code or stop.visit_id


def chunk_text(stop: Stop) -> str:
    """`` (bagian 1/2)`` for a chunk of a big village, else empty."""
    return f" (bagian {stop.chunk}/{stop.chunks})" if stop.chunks > 1 else ""


def team_routes(plan: Plan, team_id: str | None, *, source: str = "export"
                ) -> tuple[Route, ...]:
    """The routes of ``team_id`` (all routes for ``None``), in date order.

    Raises :class:`~planner.errors.ParameterError` for a team that is not in the plan.
    """
    if team_id is None:
        return plan.routes
    routes = tuple(r for r in plan.routes if r.team_id == team_id)
    if not routes:
        raise ParameterError([Problem(source, None, "team_id",
                                      f"tim {team_id} tidak ada dalam rencana",
                                      f"team {team_id} is not in the plan")])
    return tuple(sorted(routes, key=lambda r: r.date or ""))


def team_name(plan: Plan, team_id: str) -> str:
    """The readable name of ``team_id`` (the id itself when the plan has no name)."""
    return next((r.team_name for r in plan.routes if r.team_id == team_id and r.team_name),
                team_id)


def route_of_day(plan: Plan, team_id: str, day: date | str) -> Route:
    """The route of ``team_id`` on ``day``; ``ParameterError`` when the team does not work."""
    iso = day if isinstance(day, str) else day.isoformat()
    for route in team_routes(plan, team_id, source="whatsapp"):
        if route.date == iso:
            return route
    raise ParameterError([Problem("whatsapp", None, "day",
                                  f"tim {team_id} tidak bertugas pada {iso}",
                                  f"team {team_id} does not work on {iso}")])


def route_points(route: Route, depots: Depots | None
                 ) -> tuple[list[tuple[float, float]], bool]:
    """``(lon, lat)`` of the route: office → stops → office when the office is known.

    The plan keeps no office coordinates, so without ``depots`` (or without this team in it)
    only the chain of stops is returned; the flag says whether the office is included.
    Stops without coordinates are skipped.
    """
    chain = [(s.lon, s.lat) for s in route.stops if s.lon is not None and s.lat is not None]
    depot = depots.get(route.team_id) if depots is not None else None
    if depot is None or not chain:
        return chain, False
    # a day of a multi-day trip ends at its night place, and the next one starts there
    start = depots.get(f"{route.vehicle_id}:start", depot) if depots is not None else depot
    night = route.night or {}
    end = ((float(night["lon"]), float(night["lat"]))
           if night.get("lon") is not None and night.get("lat") is not None else depot)
    return [start, *chain, end], True


def depot_locations(instance: Instance, plan: Plan | Mapping[str, Any] | None = None
                    ) -> dict[str, tuple[float, float]]:
    """team_id -> (lon, lat) of each team's start office, read from a routing instance.

    Pass the result as ``depots=`` to the map exports so routes start and end at the office.
    With ``plan`` (a :class:`Plan` or its JSON), a trip day starts where the plan's previous
    day of the team slept (the solver's night place), else where the instance starts it.
    """
    out: dict[str, tuple[float, float]] = {}
    slept = _nights(plan) if plan is not None else None
    prev: dict[str, str] = {}
    for vehicle in sorted(instance.vehicles, key=lambda v: (v.date or "", v.tour_day)):
        loc = instance.locations[vehicle.start_location]
        start = (loc.lon, loc.lat)
        if slept is not None and prev.get(vehicle.team_id) in slept:
            night = slept[prev[vehicle.team_id]]
            start = night if night is not None else out.get(vehicle.team_id, start)
        prev[vehicle.team_id] = vehicle.vehicle_id
        if start[0] is not None and start[1] is not None:
            point = (float(start[0]), float(start[1]))
            out.setdefault(vehicle.team_id, point)
            # a trip day starting away from the office (issue 18)
            if point != out[vehicle.team_id]:
                out[f"{vehicle.vehicle_id}:start"] = point
    return out


def _nights(plan: Plan | Mapping[str, Any]) -> dict[str, tuple[float, float] | None]:
    """vehicle_id -> (lon, lat) of the night place after the day (``None``: home)."""
    routes = plan.routes if isinstance(plan, Plan) else plan.get("routes", [])
    out: dict[str, tuple[float, float] | None] = {}
    for r in routes:
        vid, night = ((r.vehicle_id, r.night) if isinstance(r, Route)
                      else (str(r["vehicle_id"]), r.get("night")))
        night = night or {}
        lon, lat = night.get("lon"), night.get("lat")
        out[vid] = None if lon is None or lat is None else (float(lon), float(lat))
    return out
