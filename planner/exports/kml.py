"""One team's week as KML (Google Earth, Maps.me, OsmAnd): a folder per day."""

from __future__ import annotations

import simplekml

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
from planner.plan import Plan


def plan_to_kml(plan: Plan, team_id: str, *, depots: Depots | None = None) -> str:
    """KML text of ``team_id``'s week.

    One ``<Folder>`` per working day with stops, named ``"<date> <day name>"``; in it a
    ``<Placemark>`` ``<Point>`` per stop (``"<sequence>. <desa>"``, a description with
    kecamatan, times in WIB and expected recordings, a time span from arrival to departure),
    and a ``<LineString>`` placemark for the route (office → villages → office when
    ``depots`` knows the office, else the villages only).
    """
    name = team_name(plan, team_id)
    kml = simplekml.Kml(name=f"Jemput bola {name} {plan.week_start or plan.name}")
    for route in team_routes(plan, team_id, source="kml"):
        if not route.stops:
            continue
        folder = kml.newfolder(name=f"{route.date or ''} {day_text(route.date)}".strip())
        for s in route.stops:
            if s.lon is None or s.lat is None:
                continue
            point = folder.newpoint(
                name=f"{s.sequence}. {stop_label(s)}{chunk_text(s)}", coords=[(s.lon, s.lat)],
                description=(f"Kec. {s.kecamatan}\nTiba {clock(s.arrival_s)} WIB, selesai "
                             f"{clock(s.departure_s)} WIB\nPerkiraan rekam: "
                             f"{format_number(s.expected_recordings)} orang"))
            point.extendeddata.newdata("village_code", s.village_code or s.visit_id)
            point.extendeddata.newdata("sequence", str(s.sequence))
            point.extendeddata.newdata("expected", str(s.expected_recordings))
            if route.date:
                point.timespan.begin = local_datetime(route.date, s.arrival_s).isoformat()
                point.timespan.end = local_datetime(route.date, s.departure_s).isoformat()
        points, _ = route_points(route, depots)
        if len(points) >= 2:
            line = folder.newlinestring(name=f"Rute {name} {route.date or ''}".strip(),
                                        coords=points)
            line.style.linestyle.width = 3
            line.style.linestyle.color = simplekml.Color.blue
    return str(kml.kml())
