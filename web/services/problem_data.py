"""The planner's input tables, read from the database of one regency.

``planner.problem.build_problem`` takes the same data frames the file importers produce;
this module builds them from the stored villages (effective flags: the coordinator's
overrides win), the newest backlog counts, the active teams, offices and harbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import shapely
from sqlalchemy import select

from planner.params import PlanningParams
from planner.problem import BuiltProblem, Pin, build_problem
from web.extensions import db
from web.models import Harbour, Office, Regency, Team, Village
from web.services.roads import road_network
from web.services.villages import regency_village_rows

VILLAGE_COLUMNS = ("kode", "desa", "jenis", "kecamatan_kode", "kecamatan", "kabupaten_kode",
                   "kabupaten", "island", "border", "coastal", "remote", "hilly", "stop_lon",
                   "stop_lat", "landmass", "office_travel_s", "wajib_ktp", "sudah_rekam",
                   "belum_rekam")


@dataclass(frozen=True)
class RegencyTables:
    """Villages, teams, offices and harbours of a regency in the planner's shapes."""

    villages: pd.DataFrame
    teams: pd.DataFrame
    offices: pd.DataFrame
    harbours: pd.DataFrame


def _village_rows(regency: Regency) -> list[dict[str, object]]:
    rows = regency_village_rows(regency.code)
    # An island needs a landmass of its own for boat travel; a village the coordinator
    # marked as an island by hand gets a fresh number, one marked mainland gets 0.
    fresh = max((r.village.landmass or 0 for r in rows), default=0) + 1
    out: list[dict[str, object]] = []
    for row in rows:
        v = row.village
        flags = v.flags()
        landmass = v.landmass or 0
        if flags["island"] and landmass == 0:
            landmass, fresh = fresh, fresh + 1
        elif not flags["island"]:
            landmass = 0
        out.append({
            "kode": v.kode, "desa": v.name, "jenis": v.kind, "kecamatan_kode": v.district_code,
            "kecamatan": v.district_name, "kabupaten_kode": regency.code,
            "kabupaten": regency.name, **flags, "stop_lon": v.stop_lon, "stop_lat": v.stop_lat,
            "landmass": landmass, "office_travel_s": v.office_travel_s,
            "wajib_ktp": row.wajib_ktp, "sudah_rekam": row.sudah_rekam,
            "belum_rekam": row.belum_rekam})
    return out


def _hhmm(value: object) -> str | None:
    return None if value is None else value.strftime("%H:%M")  # type: ignore[attr-defined]


def regency_tables(regency: Regency) -> RegencyTables:
    """The regency's data as the planner reads it (no scoping: callers authorised first)."""
    villages = pd.DataFrame(_village_rows(regency), columns=list(VILLAGE_COLUMNS))
    for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "office_travel_s"):
        villages[column] = villages[column].astype("Int64")
    offices = list(db.session.scalars(select(Office).where(Office.regency_code == regency.code)
                                      .order_by(Office.code)))
    office_codes = {o.id: o.code for o in offices}
    teams = list(db.session.scalars(select(Team).where(Team.regency_code == regency.code,
                                                       Team.active.is_(True))
                                    .order_by(Team.name)))
    team_rows = [{
        "team_id": t.code, "name": t.name, "kabupaten_kode": regency.code,
        "base_office_id": office_codes[t.base_office_id], "kits": t.kits,
        "boat_capable": t.boat_capable, "workdays": t.workday_numbers,
        "day_start": _hhmm(t.day_start), "day_end": _hhmm(t.day_end),
        "daily_cap": t.daily_cap, "minutes_per_person": float("nan"),
    } for t in teams if t.base_office_id in office_codes]
    team_frame = pd.DataFrame(team_rows, columns=[
        "team_id", "name", "kabupaten_kode", "base_office_id", "kits", "boat_capable",
        "workdays", "day_start", "day_end", "daily_cap", "minutes_per_person"])
    team_frame["daily_cap"] = team_frame["daily_cap"].astype("Int64")
    team_frame["minutes_per_person"] = team_frame["minutes_per_person"].astype(float)
    office_frame = pd.DataFrame(
        [{"office_id": o.code, "kabupaten_kode": regency.code, "name": o.name, "lon": o.lon,
          "lat": o.lat} for o in offices],
        columns=["office_id", "kabupaten_kode", "name", "lon", "lat"])
    harbours = db.session.scalars(select(Harbour).where(Harbour.regency_code == regency.code)
                                  .order_by(Harbour.code))
    harbour_frame = pd.DataFrame(
        [{"harbour_id": h.code, "kabupaten_kode": regency.code, "name": h.name, "lon": h.lon,
          "lat": h.lat, "sailing_days": h.sailing_days, "departures": h.departures}
         for h in harbours],
        columns=["harbour_id", "kabupaten_kode", "name", "lon", "lat", "sailing_days",
                 "departures"])
    return RegencyTables(villages, team_frame, office_frame, harbour_frame)


def _with_geometry(villages: pd.DataFrame, regency_code: str) -> pd.DataFrame:
    """The villages with their polygons (WGS84) when any is an island, plus the polygons of
    the province's other villages near it (rows with only ``kode``, ``kabupaten_kode`` and
    ``geometry``): boats go round all that land and land on the island's coast (see
    :mod:`planner.crossings`)."""
    if villages.empty or not villages["island"].astype(bool).any():
        return villages
    rows = db.session.execute(select(Village.kode, Village.regency_code,
                                     Village.geometry_geojson).where(
        Village.regency_code.startswith(regency_code[:2]))).all()
    shapes = {k: g for k, _, g in rows}
    geoms = [shapely.from_geojson(shapes[k]) if shapes.get(k) else None
             for k in villages["kode"]]
    own = villages.assign(geometry=geoms)
    others = [(k, r, g) for k, r, g in rows if r != regency_code and g]
    if not others:
        return own
    around = pd.DataFrame({"kode": [k for k, _, _ in others],
                           "kabupaten_kode": [r for _, r, _ in others],
                           "geometry": list(shapely.from_geojson([g for _, _, g in others]))})
    return pd.concat([own, around], ignore_index=True)


def build_regency_problem(regency: Regency, week_start: date, params: PlanningParams, *,
                          pins: Sequence[Pin] = (), strict_pins: bool = True,
                          closed_before: date | None = None,
                          first_day: date | None = None,
                          kept_nights: dict[tuple[str, str], str] | None = None
                          ) -> BuiltProblem:
    """The routing problem of the regency's week, from what the database holds now (no
    team-day on national holidays, cuti bersama or the coordinator's days off)."""
    from web.services.days_off import planner_days_off
    from web.services.never_come import visits_before

    tables = regency_tables(regency)
    # earlier visits from the reports: repeat visits draw fewer (planner/turnout_model.py)
    earlier = visits_before(regency.code, week_start)
    villages = tables.villages.assign(
        visits_before=tables.villages["kode"].map(earlier).fillna(0).astype(int))
    return build_problem(_with_geometry(villages, regency.code), teams=tables.teams,
                         offices=tables.offices,
                         harbours=tables.harbours, regency=regency.code, week_start=week_start,
                         params=params, pins=pins, strict_pins=strict_pins,
                         closed_before=closed_before, roads=road_network(regency.code),
                         days_off=planner_days_off(regency.code, week_start),
                         first_day=first_day, kept_nights=kept_nights)
