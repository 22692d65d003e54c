"""One team's week as an iCalendar file: an event per stop, in WIB (Asia/Jakarta)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from planner.exports._common import (
    TIMEZONE_NAME,
    chunk_text,
    local_datetime,
    stop_label,
    team_name,
    team_routes,
)
from planner.numbers import format_number
from planner.plan import Plan

PRODID = "-//Jemput Bola//Rencana perekaman KTP-el//ID"


def plan_to_ics(plan: Plan, team_id: str, *, stamp: datetime | None = None) -> bytes:
    """An iCalendar (RFC 5545) file of ``team_id``'s stops, with a VTIMEZONE for WIB.

    Each stop is a ``VEVENT`` from arrival to departure (``TZID=Asia/Jakarta``): summary
    ``"Perekaman KTP-el: Desa X"``, location ``"Desa X, Kec. Y"``, ``GEO`` when the stop has
    coordinates, a description with the expected recordings, and a stable ``UID`` (so an
    updated plan replaces the events in a calendar app).  ``stamp`` is the ``DTSTAMP``
    (default: now, UTC).  Team-days without a date are skipped: a calendar needs one.
    """
    name = team_name(plan, team_id)
    dtstamp = stamp or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Jemput bola {name}")
    cal.add("x-wr-timezone", TIMEZONE_NAME)
    for route in team_routes(plan, team_id, source="ics"):
        if route.date is None:
            continue
        for s in route.stops:
            village = stop_label(s)
            event = Event()
            event.add("uid", f"{route.vehicle_id}/{s.visit_id}@jemput-bola")
            event.add("dtstamp", dtstamp)
            event.add("dtstart", local_datetime(route.date, s.arrival_s))
            event.add("dtend", local_datetime(route.date, s.departure_s))
            event.add("summary", f"Perekaman KTP-el: {village}{chunk_text(s)}")
            event.add("location", f"{village}, Kec. {s.kecamatan}" if s.kecamatan else village)
            if s.lat is not None and s.lon is not None:
                event.add("geo", (s.lat, s.lon))
            event.add("description", (
                f"Tim: {name}\nUrutan: {s.sequence}\nKode desa: {s.village_code or s.visit_id}\n"
                f"Perkiraan rekam: {format_number(s.expected_recordings)} orang"))
            cal.add_component(event)
        if route.night:  # a night away from base on a multi-day trip
            place = str(route.night.get("name", ""))
            event = Event()
            event.add("uid", f"{route.vehicle_id}/malam@jemput-bola")
            event.add("dtstamp", dtstamp)
            event.add("dtstart", local_datetime(route.date, route.end_s))
            event.add("dtend", local_datetime(route.date, max(route.end_s, 21 * 3600)))
            event.add("summary", f"Menginap di {place}")
            event.add("location", place)
            if route.night.get("lat") is not None and route.night.get("lon") is not None:
                event.add("geo", (route.night["lat"], route.night["lon"]))
            event.add("description", f"Tim: {name}\nMalam ini menginap di {place}")
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
