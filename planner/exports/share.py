"""Sharing a day's route from a phone: WhatsApp text and links, navigation links per stop."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from planner.covering import stop_invitation
from planner.exports._common import (
    chunk_text,
    clock,
    day_text,
    route_of_day,
    stop_label,
    team_name,
)
from planner.numbers import format_number
from planner.plan import Plan, Stop, leg_text

WHATSAPP_URL = "https://wa.me/?text="
GOOGLE_MAPS_DIR_URL = "https://www.google.com/maps/dir/?api=1&destination="


def _coord(value: float) -> str:
    # six decimals is ~0.1 m: plenty, and keeps URLs short and stable
    return f"{value:.6f}".rstrip("0").rstrip(".")


def navigation_links(stop: Stop) -> dict[str, str]:
    """``{"geo": "geo:lat,lng", "google_maps": "https://www.google.com/maps/dir/..."}``.

    ``geo:`` opens the phone's own map app (works offline with OsmAnd or Maps.me); the
    Google Maps URL starts directions to the stop.  Empty for a stop without coordinates.
    """
    if stop.lat is None or stop.lon is None:
        return {}
    lat_lng = f"{_coord(stop.lat)},{_coord(stop.lon)}"
    return {"geo": f"geo:{lat_lng}", "google_maps": f"{GOOGLE_MAPS_DIR_URL}{lat_lng}"}


def whatsapp_text(plan: Plan, team_id: str, day: date | str) -> str:
    """The day's route of ``team_id`` as a WhatsApp message (Indonesian, times in WIB).

    A bold title with team and date, one numbered line per stop (arrival and departure,
    village, kecamatan, expected recordings), for a covering stop the invitation ("Warga Desa
    A, B dan C diundang ke Kantor Desa A") with the people expected from each village,
    followed by its Google Maps link, and a total; a boat leg gets a line before the stop it
    reaches (harbour and crossing time).
    Raises :class:`~planner.errors.ParameterError` when the team does not work that day.
    """
    route = route_of_day(plan, team_id, day)
    lines = [f"*Jadwal perekaman KTP-el {team_name(plan, team_id)}*",
             f"{day_text(route.date)}", ""]
    if not route.stops:
        lines.append("Tidak ada kunjungan hari ini.")
        if route.night:
            lines.append(f"Malam ini menginap di {route.night.get('name', '')}")
        return "\n".join(lines)
    lines.append(f"Berangkat {clock(route.start_s)} WIB")
    for s in route.stops:
        boat = leg_text(s.leg)
        if boat:
            lines.append(f"Naik {boat}")
        kec = f", Kec. {s.kecamatan}" if s.kecamatan else ""
        lines.append(f"{s.sequence}. {clock(s.arrival_s)}-{clock(s.departure_s)} "
                     f"{stop_label(s)}{chunk_text(s)}{kec}: perkiraan "
                     f"{format_number(s.expected_recordings)} orang")
        invite = stop_invitation(s.serves, s.serves_desa)
        if invite:  # a covering stop: who is invited, and how many from each village
            each = ", ".join(f"{n or c} {format_number(p)}" for c, n, p in zip(
                s.serves, [*s.serves_desa, *[""] * len(s.serves)], s.served, strict=False))
            lines.append(f"   {invite} (perkiraan: {each} orang)")
        link = navigation_links(s).get("google_maps")
        if link:
            lines.append(f"   {link}")
    back = leg_text(route.return_leg)
    if back:
        lines.append(f"Pulang naik {back}" if not route.night else f"Naik {back}")
    if route.night:
        lines.append(f"Selesai {clock(route.end_s)} WIB. Malam ini menginap di "
                     f"{route.night.get('name', '')}")
    else:
        lines.append(f"Kembali ke kantor {clock(route.end_s)} WIB")
    lines += ["",
              f"Total: {format_number(len(route.stops))} kunjungan, perkiraan "
              f"{format_number(route.expected_recordings)} "
              "orang direkam."]
    return "\n".join(lines)


def whatsapp_url(text: str) -> str:
    """``https://wa.me/?text=`` + ``text`` percent-encoded (UTF-8, spaces as ``%20``)."""
    return WHATSAPP_URL + quote(text, safe="")
