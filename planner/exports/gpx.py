"""One team's week as GPX: a route per day (office → villages → office) and a waypoint per stop.

GPX times are UTC; arrival times are converted from WIB.  Without ``depots`` the route has
only the villages (the plan keeps no office coordinates).
"""

from __future__ import annotations

from datetime import UTC

import gpxpy.gpx

from planner.exports._common import (
    Depots,
    chunk_text,
    clock,
    day_text,
    local_datetime,
    route_points,
    stop_label,
    team_name,
    team_routes,
)
from planner.numbers import format_number
from planner.plan import Plan, Stop


def _description(stop: Stop) -> str:
    return (f"Kec. {stop.kecamatan}; tiba {clock(stop.arrival_s)}, selesai "
            f"{clock(stop.departure_s)} WIB; perkiraan "
            f"{format_number(stop.expected_recordings)} orang")


def plan_to_gpx(plan: Plan, team_id: str, *, depots: Depots | None = None) -> str:
    """GPX 1.1 text of ``team_id``'s week.

    Each working day with stops is a ``<rte>`` named ``"<team> <date>"`` whose points are
    the office (when ``depots`` knows it), the villages in visiting order, and the office
    again; each stop is also a ``<wpt>`` with its arrival time (UTC), village name, and a
    description with kecamatan, times and expected recordings.
    """
    name = team_name(plan, team_id)
    gpx = gpxpy.gpx.GPX()
    gpx.name = f"Jemput bola {name} {plan.week_start or plan.name}"
    gpx.creator = "Jemput Bola"
    for route in team_routes(plan, team_id, source="gpx"):
        if not route.stops:
            continue
        rte = gpxpy.gpx.GPXRoute(name=f"{name} {route.date or ''}".strip(),
                                 description=day_text(route.date))
        points, with_office = route_points(route, depots)
        located = [(s, s.lon, s.lat) for s in route.stops
                   if s.lon is not None and s.lat is not None]
        names = [stop_label(s) for s, _, _ in located]
        first = ("Penginapan" if depots is not None and f"{route.vehicle_id}:start" in depots
                 else "Kantor")
        last = str(route.night.get("name") or "Penginapan") if route.night else "Kantor"
        labels = [first, *names, last] if with_office else names
        for (lon, lat), label in zip(points, labels, strict=True):
            rte.points.append(gpxpy.gpx.GPXRoutePoint(latitude=lat, longitude=lon, name=label))
        gpx.routes.append(rte)
        for s, lon, lat in located:
            when = local_datetime(route.date, s.arrival_s).astimezone(UTC) if route.date else None
            gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
                latitude=lat, longitude=lon, time=when,
                name=f"{s.sequence}. {stop_label(s)}{chunk_text(s)}",
                description=_description(s), symbol="Flag"))
    return gpx.to_xml(version="1.1")
