"""Exports of a plan for people and their tools: spreadsheets, maps, calendars, paper, phones.

A pure library (no web): each function takes a :class:`~planner.plan.Plan` (and a team for
the per-team formats) and returns text or bytes; the caller writes or serves them, with a
name from :func:`safe_filename` / :func:`plan_filename`.  Columns and fields are listed in
``docs/exports.md``.  Times are local WIB clock times, as in the plan.

The plan keeps no office coordinates; map exports take ``depots`` (team_id -> (lon, lat)),
e.g. :func:`depot_locations` of the routing instance, to draw office → villages → office.
"""

from planner.exports._common import Depots, depot_locations, escape_cell
from planner.exports.filenames import plan_filename, safe_filename
from planner.exports.geojson import plan_to_geojson
from planner.exports.gpx import plan_to_gpx
from planner.exports.ics import plan_to_ics
from planner.exports.kml import plan_to_kml
from planner.exports.pdf import route_sheet_pdf
from planner.exports.share import navigation_links, whatsapp_text, whatsapp_url
from planner.exports.tables import (
    STOP_COLUMNS,
    UNSCHEDULED_COLUMNS,
    plan_to_csv,
    plan_to_xlsx,
)

__all__ = [
    "STOP_COLUMNS",
    "UNSCHEDULED_COLUMNS",
    "Depots",
    "depot_locations",
    "escape_cell",
    "navigation_links",
    "plan_filename",
    "plan_to_csv",
    "plan_to_geojson",
    "plan_to_gpx",
    "plan_to_ics",
    "plan_to_kml",
    "plan_to_xlsx",
    "route_sheet_pdf",
    "safe_filename",
    "whatsapp_text",
    "whatsapp_url",
]
