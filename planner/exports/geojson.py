"""The plan as GeoJSON: stops as Points, each team-day's route as a LineString.

The plan keeps no office coordinates: pass ``depots`` (e.g. from
:func:`~planner.exports.depot_locations`) for lines office → stops → office; without them a
line joins only the stops, and a team-day with a single located stop has no line.
"""

from __future__ import annotations

from typing import Any

from planner.exports._common import Depots, clock, route_points, team_routes
from planner.plan import Plan


def plan_to_geojson(plan: Plan, *, team_id: str | None = None,
                    depots: Depots | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (WGS84 lon/lat) of the plan's stops and routes.

    Point properties: ``kind="stop"``, ``team_id``, ``team``, ``date``, ``sequence``,
    ``village_code``, ``village`` (desa), ``kecamatan``, ``arrival`` and ``departure``
    (``HH:MM`` WIB), ``expected`` (expected recordings), ``chunk``, ``chunks``.  LineString
    properties: ``kind="route"``, ``team_id``, ``team``, ``date``, ``stops``, ``expected``,
    ``travel_s``, ``distance_m``, ``with_office`` (whether the line starts and ends at the
    office).  Stops without coordinates are left out.
    """
    features: list[dict[str, Any]] = []
    for route in team_routes(plan, team_id, source="geojson"):
        for s in route.stops:
            if s.lon is None or s.lat is None:
                continue
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {
                    "kind": "stop", "team_id": route.team_id, "team": route.team_name,
                    "date": route.date, "sequence": s.sequence,
                    "village_code": s.village_code or s.visit_id, "village": s.desa,
                    "kecamatan": s.kecamatan, "arrival": clock(s.arrival_s),
                    "departure": clock(s.departure_s), "expected": s.expected_recordings,
                    "chunk": s.chunk, "chunks": s.chunks}})
        points, with_office = route_points(route, depots)
        if len(points) < 2:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in points]},
            "properties": {
                "kind": "route", "team_id": route.team_id, "team": route.team_name,
                "date": route.date, "stops": len(route.stops),
                "expected": route.expected_recordings, "travel_s": route.travel_s,
                "distance_m": route.distance_m, "with_office": with_office}})
    return {"type": "FeatureCollection", "name": plan.name, "features": features}
