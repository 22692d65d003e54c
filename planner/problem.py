"""Build the routing instance of one regency's week from classified, scored villages.

Vehicles are team-days; visits are villages, big villages split into chunks that fit one
team-day.  Villages that no team can serve in a working day are left out here, each with its
reason (see :mod:`planner.reasons`), so the solver only sees what it can plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.calendar import DayOff, ExcludedDay, excluded_day_notes, team_days_off
from planner.covering import VenueFacts, claim_own_visits, covering_visits
from planner.crossings import CrossingLegs, crossing_matrices, regency_crossings
from planner.errors import InfeasibleError, ParameterError, Problem
from planner.instance import Instance, Location, Vehicle, Visit
from planner.params import PlanningParams
from planner.reasons import Reason, reason, trip_reason
from planner.road_travel import travel_provider
from planner.roads import RoadNetwork
from planner.sailing import (
    boat_starts,
    harbour_schedules,
    no_sailing_detail,
    straight_to_the_boat,
)
from planner.scoring import VillageScore, prize_for, score_villages
from planner.travel import Harbour, MatrixProvider, TravelPoint, haversine_m
from planner.trips import (
    FarVillage,
    Trip,
    TripTeam,
    choose_trips,
    consecutive_runs,
    days_needed,
    is_far,
    leg_rupiah,
    shape_vehicles,
)


@dataclass(frozen=True)
class Pin:
    """A stop fixed to a team-day (from a published plan)."""

    village_code: str
    team_id: str
    date: date
    #: The visit that was made (``code#k``), kept when it still exists: chunks of one
    #: village may differ in size, so another one might not fit the day.
    visit_id: str | None = None


@dataclass(frozen=True)
class TeamDay:
    """Facts about one vehicle that the plan shows to people."""

    team_id: str
    team_name: str
    date: date
    base_name: str


@dataclass(frozen=True)
class BuiltProblem:
    """The instance plus everything needed to explain it."""

    instance: Instance
    regency: str
    week_start: date
    scores: dict[str, VillageScore]
    #: Villages left out before solving, with their reasons.
    excluded: dict[str, Reason]
    #: ``kode`` -> village facts (names, flags, stop point) for every village of the regency.
    villages: pd.DataFrame
    team_days: tuple[TeamDay, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Working weekdays of a team that got no team-day (holiday, day off, already past).
    excluded_days: tuple[ExcludedDay, ...] = field(default_factory=tuple)
    #: ``visit_id`` -> expected recordings ``E[min(capacity, people who come)]`` (turnout
    #: model on; a visit not listed expects its demand).
    expected_by_visit: dict[str, int] = field(default_factory=dict)
    #: Boat crossings of the instance's legs between landmasses (``None``: no island).
    crossings: CrossingLegs | None = None
    #: Multi-day trips chosen for the week (issue 18; see :mod:`planner.trips`).
    trips: tuple[Trip, ...] = field(default_factory=tuple)
    #: Location index -> a name people know (offices, lodging points, villages).
    place_names: dict[int, str] = field(default_factory=dict)
    #: Villages that only a trip reaches and that no chosen trip covers -> days it needs.
    trip_needed: dict[str, int] = field(default_factory=dict)
    #: Most consecutive working days a team without a trip has free this week.
    free_run: int = 0


def _hhmm_to_s(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def _opt(value: object) -> object | None:
    if value is None:
        return None
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    return value


def _road_class(jenis: str, hilly: bool) -> str:
    if hilly:
        return "hilly"
    return "urban" if jenis == "kelurahan" else "rural"


def _build_vehicles(teams: pd.DataFrame, offices: pd.DataFrame, week_start: date,
                    params: PlanningParams, depot_index: dict[str, int], *,
                    days_off: Sequence[DayOff] = (), first_day: date | None = None
                    ) -> tuple[list[Vehicle], list[TeamDay], list[ExcludedDay]]:
    problems: list[tuple[str, str, str]] = []
    vehicles: list[Vehicle] = []
    team_days: list[TeamDay] = []
    skipped: list[ExcludedDay] = []
    office_names = dict(zip(offices["office_id"], offices["name"], strict=False))
    for team in teams.to_dict("records"):
        tid = str(team["team_id"])
        kits = int(team["kits"])
        mpp = _opt(team["minutes_per_person"]) or params.service.minutes_per_person
        if kits < 1:
            problems.append((f"team {tid}.kits", "jumlah alat rekam minimal 1",
                             "a team needs at least one recording kit"))
            continue
        if not float(str(mpp)) > 0:
            problems.append((f"team {tid}.minutes_per_person", "menit per orang harus > 0",
                             "minutes per person must be above 0"))
            continue
        # None means "the default week"; an empty tuple means "no working day this week"
        given = team["workdays"]
        days = params.shift.workdays if given is None or (
            isinstance(given, float) and math.isnan(given)) else tuple(given)
        start = str(_opt(team["day_start"]) or params.shift.day_start)
        end = str(_opt(team["day_end"]) or params.shift.day_end)
        cap = _opt(team["daily_cap"])
        spd = math.ceil(float(str(mpp)) * 60 / kits)
        depot = depot_index[str(team["base_office_id"])]
        dates = [week_start + timedelta(days=int(d) - 1) for d in sorted(set(days))]
        off = team_days_off(tid, str(team["base_office_id"]), dates, days_off,
                            national=params.shift.national_holidays)
        for day in dates:
            if day in off:
                skipped.append(off[day])
                continue
            if first_day is not None and day < first_day:
                skipped.append(ExcludedDay(day, tid, "sudah lewat (minggu sudah berjalan)",
                                           "past"))
                continue
            vehicles.append(Vehicle(
                vehicle_id=f"{tid}@{day.isoformat()}", team_id=tid, start_location=depot,
                end_location=depot, shift_start_s=_hhmm_to_s(start),
                shift_end_s=_hhmm_to_s(end), capacity=None if cap is None else int(str(cap)),
                date=day.isoformat(), boat_capable=bool(team["boat_capable"]),
                service_s_per_demand=spd))
            team_days.append(TeamDay(tid, str(team["name"]), day,
                                     str(office_names.get(team["base_office_id"], ""))))
    if problems:
        raise ParameterError.from_messages("teams", problems)
    return vehicles, team_days, skipped


def build_problem(villages: pd.DataFrame, *, teams: pd.DataFrame, offices: pd.DataFrame,
                  harbours: pd.DataFrame | None, regency: str, week_start: date,
                  params: PlanningParams, pins: Sequence[Pin] = (),
                  provider: MatrixProvider | None = None,
                  strict_pins: bool = True, closed_before: date | None = None,
                  roads: RoadNetwork | None = None,
                  days_off: Sequence[DayOff] = (), first_day: date | None = None,
                  land: Sequence[Any] = (), lodging: pd.DataFrame | None = None,
                  trip_rule: str = "planner",
                  kept_nights: Mapping[tuple[str, str], str] | None = None
                  ) -> BuiltProblem:
    """Build the instance of ``regency`` for the week starting on Monday ``week_start``.

    ``villages`` is the classified table (see :func:`planner.geography.classify_villages`)
    joined with the backlog (``belum_rekam`` may be missing: a data problem).  A pin that
    cannot be kept raises :class:`InfeasibleError`; with ``strict_pins=False`` it is dropped
    and said in the problem's ``notes`` instead (re-planning after the data changed).

    Team-days dated before ``closed_before`` are history (re-planning in the middle of a
    week): they keep their pinned visits and take no other.  Team-days before
    ``first_day`` are not made at all (the first plan of a week that has started), nor are
    those on national holidays, cuti bersama (unless ``[shift] national_holidays = false``)
    or the coordinator's ``days_off``; the problem's ``excluded_days`` and ``notes`` say
    which and why (see :mod:`planner.calendar`).

    Travel comes from ``provider``, else from :func:`~planner.road_travel.travel_provider`
    (routed on ``roads`` when given); the instance's ``meta["travel"]`` says which.  Boat
    legs go round the land of ``villages`` (its ``geometry``) and of the geo frames in
    ``land`` (other regencies' villages, neighbour areas; see :mod:`planner.crossings`).

    With ``[trips] enabled`` (the default) some teams go away for several days, sleeping
    at a ``lodging`` point, a kecamatan office or a village (chosen by ``trip_rule``, see
    :mod:`planner.trips`); the instance carries the costs in rupiah and the weekly budget.
    ``kept_nights`` (``(team_id, date) -> night place id`` of a published plan being
    re-planned) keeps those teams' trips as they were: their pinned stops stay reachable.
    """
    if week_start.isoweekday() != 1:
        raise ParameterError([Problem("parameter", None, "week",
                                      f"{week_start.isoformat()} bukan hari Senin",
                                      f"{week_start.isoformat()} is not a Monday")])
    vill = villages[villages["kabupaten_kode"] == regency].sort_values("kode")
    if vill.empty:
        raise ParameterError([Problem("parameter", None, "regency",
                                      f"kabupaten/kota {regency} tidak ada di data desa",
                                      f"regency {regency} is not in the villages data")])
    team_rows = teams[teams["kabupaten_kode"] == regency]
    if team_rows.empty:
        raise ParameterError([Problem("parameter", None, "regency",
                                      f"tidak ada tim untuk {regency}",
                                      f"no team is based in regency {regency}")])
    base_ids = sorted({str(b) for b in team_rows["base_office_id"]})
    depot_index = {oid: i for i, oid in enumerate(base_ids)}
    vehicles, team_days, skipped = _build_vehicles(team_rows, offices, week_start, params,
                                                   depot_index, days_off=days_off,
                                                   first_day=first_day)
    if not vehicles:
        why = "; ".join(excluded_day_notes(skipped, _team_names(team_rows)))
        raise ParameterError([Problem("parameter", None, "week",
                                      "tidak ada hari kerja dalam minggu ini"
                                      + (f" ({why})" if why else ""),
                                      "no working day in this week")])
    scores = score_villages(vill, service=params.service, scoring=params.scoring,
                            turnout=params.turnout)

    off = {str(o["office_id"]): o for o in offices.to_dict("records")}
    points = [TravelPoint(float(off[o]["lon"]), float(off[o]["lat"]), 0, "urban")
              for o in base_ids]
    locations = [Location(f"office:{o}", float(off[o]["lon"]), float(off[o]["lat"]), "depot")
                 for o in base_ids]
    excluded: dict[str, Reason] = {}
    candidates: list[dict[Any, Any]] = []
    for row in vill.to_dict("records"):
        code = str(row["kode"])
        if code not in scores:
            excluded[code] = reason("data_problem", detail_id="jumlah belum rekam tidak ada",
                                    detail_en="backlog count missing")
        elif scores[code].expected_recordings < 1:
            excluded[code] = reason("no_backlog")
        elif pd.isna(row["stop_lon"]) or pd.isna(row["stop_lat"]):
            excluded[code] = reason("data_problem", detail_id="titik kunjungan tidak ada",
                                    detail_en="no stop point")
        else:
            candidates.append(row)
            points.append(TravelPoint(float(row["stop_lon"]), float(row["stop_lat"]),
                                      int(row["landmass"]),
                                      _road_class(str(row["jenis"]), bool(row.get("hilly")))))
            locations.append(Location(code, float(row["stop_lon"]), float(row["stop_lat"])))
    trips_on = params.trips.enabled
    names = {i: str(off[o]["name"]) for i, o in enumerate(base_ids)}
    lodging_locs: dict[int, int] = {}  # location -> teams it can take a night
    if trips_on:
        locations = [loc if loc.kind == "depot" else replace(loc,
                     lodging_rp=params.trips.lodging_rp) for loc in locations]
        for i, row in enumerate(candidates):
            names[len(base_ids) + i] = str(row.get("desa", "") or row["kode"])
        for lon, lat, place, name, cap in _lodging_points(regency, offices, base_ids, lodging,
                                                          params):
            lodging_locs[len(locations)] = cap
            names[len(locations)] = name
            points.append(TravelPoint(lon, lat, harbour_landmass(lon, lat, vill), "urban"))
            locations.append(place)
    hb: list[Harbour] = []
    if harbours is not None and not harbours.empty:
        for h in harbours[harbours["kabupaten_kode"] == regency].to_dict("records"):
            hb.append(Harbour(str(h["name"]), float(h["lon"]), float(h["lat"]),
                              harbour_landmass(float(h["lon"]), float(h["lat"]), vill)))
    prov = provider or travel_provider(params.travel, hb, roads)
    crossings = regency_crossings(villages, vill, hb, params.travel,
                                  more_land=[_wgs84(f) for f in land if f is not None],
                                  schedules=harbour_schedules(harbours, regency))
    legs: CrossingLegs | None = None
    if crossings:
        mats, legs = crossing_matrices(prov, points, crossings)
    else:
        mats = prov.matrices(points)
    dur = straight_to_the_boat(mats.duration_s, legs, len(base_ids))
    landmass = [pt.landmass for pt in points]
    trips: list[Trip] = []
    trip_needed: dict[str, int] = {}
    free_run = [0]
    vehicles = _with_trips(vehicles, team_rows, params, trips_on, trips, candidates, scores,
                           dur, landmass, base_ids, depot_index, lodging_locs, closed_before,
                           trip_rule, trip_needed, free_run, kept_nights or {},
                           {loc.location_id: i for i, loc in enumerate(locations)})

    visits: list[Visit] = []
    expected_by_visit: dict[str, int] = {}
    setup = params.service.setup_s
    decay = params.scoring.chunk_decay
    boat_any = any(v.boat_capable for v in vehicles)
    venues: list[VenueFacts] = []
    for i, row in enumerate(candidates):
        code = str(row["kode"])
        loc = len(base_ids) + i
        score = scores[code]
        island = bool(row["island"])
        caps: list[int] = []
        starts, window = boat_starts(legs, vehicles, loc, dur, params.travel.boarding_s)
        for v, at in zip(vehicles, starts, strict=True):
            if (island and not v.boat_capable) or at is None:
                caps.append(0)
                continue
            free = v.shift_end_s - at - int(dur[loc, v.end_location]) - setup
            fit = free // v.service_s_per_demand if v.service_s_per_demand > 0 else 10**9
            caps.append(max(0, min(fit, v.capacity if v.capacity is not None else fit)))
        usable = [k for k, c in enumerate(caps) if c >= 1]
        if not usable:
            cause = _why_unservable(island, boat_any, vehicles, dur, loc, setup)
            if trips_on and cause.code == "overnight":
                days = trip_needed.get(code, 2)
                cause = trip_reason(days, team_free=free_run[0] >= days)
            excluded[code] = cause
            trip_needed.pop(code, None)
            if island and boat_any and any(s is None for s in starts):
                detail = no_sailing_detail(legs, vehicles, loc)
                excluded[code] = reason("no_sailing", detail_id=detail[0], detail_en=detail[1])
            continue
        useful = [caps[k] for k in usable if caps[k] >= MIN_SHARE]
        parts, share = chunk_sizes(score.expected_recordings, max(caps[k] for k in usable),
                                   min(useful) if useful else max(caps[k] for k in usable),
                                   len(usable))
        sizes = parts if share is None else [*parts, share]
        n_chunks = len(sizes)
        # turnout model: a visit records E[min(capacity, people who come)], visits after
        # the first from fewer people at a lower rate (planner/turnout_model.py)
        gains = (score.model.visit_expectations(sizes) if score.model is not None
                 else [float(d) for d in sizes])
        for k, demand in enumerate(sizes, start=1):
            allowed = tuple(j for j in usable if caps[j] >= demand)
            visit_id = code if n_chunks == 1 else f"{code}#{k}"
            if score.model is not None:
                expected_by_visit[visit_id] = round(gains[k - 1])
            visits.append(Visit(
                visit_id=visit_id, location=loc,
                # the share is a first visit whoever makes it: no decay
                prize=prize_for(gains[k - 1], score.weight,
                                decay ** (k - 1) if k <= len(parts) else 1),
                service_s=setup,
                demand=demand, village_code=code,
                allowed_vehicles=None if len(allowed) == len(vehicles) else allowed,
                # the largest team's chunks go to different team-days; the share may ride
                # with one of them (a big team records the whole village in one day)
                group=code if len(parts) > 1 and k <= len(parts) else None,
                time_window_s=None if window is None
                else (window, max(v.shift_end_s for v in vehicles)),
                chunk=k, chunks=n_chunks))
        if n_chunks == 1:
            venues.append(VenueFacts(code, loc, float(row["stop_lon"]), float(row["stop_lat"]),
                                     int(row["landmass"]), sizes[0], tuple(caps),
                                     visits[-1].time_window_s))

    def expectation(village: str, people: int) -> float:
        model = scores[village].model
        return model.visit_expectations([people])[0] if model is not None else float(people)

    covers = covering_visits(venues, scores, regency=regency, params=params.covering,
                             setup_s=setup, n_vehicles=len(vehicles), distance_m=mats.distance_m,
                             expectation=expectation)
    for cover in covers:
        if any(scores[c].model is not None for c, _ in cover.serves):
            expected_by_visit[cover.visit_id] = round(sum(expectation(c, n)
                                                          for c, n in cover.serves))
    visits = claim_own_visits(visits, covers) + covers
    notes = _calendar_notes(skipped, _team_names(team_rows), first_day)
    for pin in pins:
        try:
            visits = _apply_pins(visits, vehicles, [pin], excluded)
        except InfeasibleError as exc:
            if strict_pins:
                raise
            notes.append(f"Sematan dilepas / pin dropped: {exc}")
    # a covering stop may not serve a village whose own visit is pinned (it would be served
    # twice); a pinned covering stop stays
    pinned_codes = {v.village_code for v in visits if v.pinned_vehicle is not None}
    visits = [v for v in visits if not v.serves or v.pinned_vehicle is not None
              or not pinned_codes & set(v.exclusive)]
    closed = {k for k, v in enumerate(vehicles)
              if closed_before is not None and v.date
              and date.fromisoformat(v.date) < closed_before}
    if closed_before is not None and closed:
        visits = _close_days(visits, len(vehicles), closed)
        day = closed_before.isoformat()
        notes.append(f"Hari-tim sebelum {day} sudah lewat: rutenya tidak diubah, hanya "
                     f"kunjungan yang sudah ada yang dipertahankan / team-days before {day} are "
                     "past: their routes keep only the visits they had")
    info_cols = [c for c in ("kode", "desa", "kecamatan_kode", "kecamatan", "jenis", "island",
                             "border", "coastal", "remote", "stop_lon", "stop_lat",
                             "office_travel_s", "belum_rekam") if c in vill.columns]
    info = pd.DataFrame(vill[info_cols]).set_index("kode")
    meta: dict[str, object] = {"regency": regency, "week_start": week_start.isoformat(),
                               **({"travel": dict(mats.info)} if mats.info else {}),
                               "villages": {str(k): {"desa": str(r.get("desa", "")),
                                                     "kecamatan": str(r.get("kecamatan", ""))}
                                            for k, r in info.iterrows()}}
    instance = Instance(name=f"{regency} {week_start.isoformat()}", locations=tuple(locations),
                        visits=tuple(visits), vehicles=tuple(vehicles),
                        duration_s=dur, distance_m=mats.distance_m, meta=meta,
                        leg_rp=leg_rupiah(landmass, params.trips.boat_hire_rp),
                        budget_rp=params.trips.weekly_budget_rp.get(regency))
    return BuiltProblem(instance, regency, week_start, scores, excluded, info, tuple(team_days),
                        tuple(notes), tuple(skipped), expected_by_visit, legs, tuple(trips),
                        names, trip_needed, free_run[0])


def _lodging_points(regency: str, offices: pd.DataFrame, base_ids: Sequence[str],
                    lodging: pd.DataFrame | None, params: PlanningParams
                    ) -> list[tuple[float, float, Location, str, int]]:
    """Night places besides village stop points: the lodging file's points of the regency,
    else the regency's offices that are no team's base (kecamatan offices, free)."""
    out: list[tuple[float, float, Location, str, int]] = []
    if lodging is not None and not lodging.empty:
        rows = lodging[lodging["kabupaten_kode"].astype(str) == regency]
        for r in rows.to_dict("records"):
            cost = _opt(r.get("cost_rp"))
            lon, lat = float(r["lon"]), float(r["lat"])
            out.append((lon, lat, Location(f"lodging:{r['lodging_id']}", lon, lat, "lodging",
                                           params.trips.lodging_rp if cost is None
                                           else int(str(cost))),
                        str(r["name"]), int(str(_opt(r.get("capacity")) or 1))))
        return out
    rows = offices[(offices["kabupaten_kode"].astype(str) == regency)
                   & ~offices["office_id"].astype(str).isin(set(base_ids))]
    for r in rows.to_dict("records"):
        lon, lat = float(r["lon"]), float(r["lat"])
        out.append((lon, lat, Location(f"office:{r['office_id']}", lon, lat, "lodging", 0),
                    str(r["name"]), 1))
    return out


def _kept_trips(vehicles: Sequence[Vehicle], nights: Mapping[tuple[str, str], str],
                loc_ids: Mapping[str, int], depot_index: Mapping[str, int],
                rows: Mapping[str, dict[str, Any]]) -> list[Trip]:
    """The trips of a published plan's nights (runs of nights away and the day home), where
    the night place is still a location of the instance."""
    out: list[Trip] = []
    by_team: dict[str, list[int]] = {}
    for k, v in enumerate(vehicles):
        by_team.setdefault(v.team_id, []).append(k)
    for tid, ks in by_team.items():
        if tid not in rows or not any(key[0] == tid for key in nights):
            continue
        base = depot_index[str(rows[tid]["base_office_id"])]
        ks.sort(key=lambda k: vehicles[k].date or "")
        run: list[int] = []
        camp: int | None = None
        for k in ks:
            place = nights.get((tid, vehicles[k].date or ""))
            loc = loc_ids.get(place) if place else None
            if loc is not None and (camp is None or loc == camp):
                run.append(k)
                camp = loc
                continue
            if run and camp is not None:
                out.append(Trip(f"{tid}:{vehicles[run[0]].date}", tid, (*run, k), camp, base))
            run, camp = [], None
    return out


def _team_value(team: dict[str, Any], key: str, default: int) -> int:
    value = _opt(team.get(key))
    return default if value is None else int(str(value))


def _with_trips(vehicles: list[Vehicle], teams: pd.DataFrame, params: PlanningParams,
                enabled: bool, trips: list[Trip], candidates: Sequence[dict[Any, Any]],
                scores: dict[str, VillageScore], dur: npt.NDArray[np.int64],
                landmass: Sequence[int], base_ids: Sequence[str],
                depot_index: dict[str, int], lodging_locs: dict[int, int],
                closed_before: date | None, rule: str, trip_needed: dict[str, int],
                free_run: list[int], kept_nights: Mapping[tuple[str, str], str],
                loc_ids: Mapping[str, int]) -> list[Vehicle]:
    """The vehicles with their costs and, when trips are on, the chosen trips' shape.

    Fills ``trips``, ``trip_needed`` (villages only a trip reaches, none chosen covers) and
    ``free_run[0]`` (most consecutive days a team without a trip has).
    """
    tp = params.trips
    rows: dict[str, dict[str, Any]] = {str(t["team_id"]): {str(k): x for k, x in t.items()}
                                       for t in teams.to_dict("records")}
    rp_per_m, night_rp, max_nights, options = {}, {}, {}, {}
    for tid, t in rows.items():
        kind = str(_opt(t.get("vehicle_kind")) or "car")
        per_km = tp.fuel_rp_per_km.get(kind, tp.fuel_rp_per_km.get("car", 0))
        rp_per_m[tid] = int(per_km / 1000 + 0.5)
        night_rp[tid] = tp.per_diem_rp * _team_value(t, "team_size", tp.team_size)
        max_nights[tid] = _team_value(t, "max_trip_days", tp.max_days) - 1
    if not enabled:
        return shape_vehicles(vehicles, [], night_options={}, max_nights={},
                              rp_per_m=rp_per_m, night_rp=night_rp, tours=False)
    setup = params.service.setup_s
    n_base = len(base_ids)
    far: list[FarVillage] = []
    for i, row in enumerate(candidates):
        code = str(row["kode"])
        far.append(FarVillage(code, n_base + i, scores[code].expected_recordings,
                              scores[code].weight, bool(row["island"]),
                              str(row.get("kecamatan", "") or row.get("kecamatan_kode", ""))))
    team_list: list[TripTeam] = []
    for tid, t in rows.items():
        mine = [k for k, v in enumerate(vehicles) if v.team_id == tid and not (
            closed_before is not None and v.date and date.fromisoformat(v.date) < closed_before)]
        if not mine:
            continue
        v0 = vehicles[mine[0]]
        length = v0.shift_end_s - v0.shift_start_s
        fit = (length - 3600 - setup) // max(1, v0.service_s_per_demand)
        cap = int(fit if v0.capacity is None else min(fit, v0.capacity))
        team_list.append(TripTeam(tid, depot_index[str(t["base_office_id"])],
                                  bool(t["boat_capable"]), int(t["kits"]),
                                  max_nights[tid] + 1, max(1, cap), tuple(mine)))
    shift = max(v.shift_end_s - v.shift_start_s for v in vehicles)
    far = [v for v in far if any(is_far(dur, t.base, v.location, shift, tp) for t in team_list)]
    camps = sorted({*lodging_locs, *(v.location for v in far)})
    trips += _kept_trips(vehicles, kept_nights, loc_ids, depot_index, rows)
    kept = {tr.team_id for tr in trips}
    trips += choose_trips(dur, vehicles, [t for t in team_list if t.team_id not in kept], far,
                          camps, landmass, tp, rule=rule,
                          camp_capacity={**dict.fromkeys(camps, 1), **lodging_locs})
    radius = tp.camp_radius_min * 60
    for tt in team_list:
        near = sorted(camps, key=lambda c: int(dur[tt.base, c]))
        reachable = [c for c in near if int(dur[tt.base, c]) < shift
                     and (tt.boat_capable or landmass[c] == landmass[tt.base])]
        chosen = [tr.camp for tr in trips if tr.team_id == tt.team_id]
        options[tt.team_id] = tuple(dict.fromkeys([tt.base, *chosen, *reachable[-8:]]))
    covered = {v.code for tr in trips for v in far
               if int(dur[tr.camp, v.location]) <= radius}
    travelling = {tr.team_id for tr in trips}
    free_run[0] = max((min(len(r), tt.max_days) for tt in team_list
                       if tt.team_id not in travelling
                       for r in consecutive_runs([vehicles[k].date for k in tt.vehicles])),
                      default=0)
    best_cap = max((tt.day_capacity for tt in team_list), default=1)
    most = max((tt.max_days for tt in team_list), default=tp.max_days)
    for v in far:
        if v.code not in covered:
            trip_needed[v.code] = days_needed(v.expected, best_cap, most)
    return shape_vehicles(vehicles, trips, night_options=options, max_nights=max_nights,
                          rp_per_m=rp_per_m, night_rp=night_rp, tours=True)


def _team_names(teams: pd.DataFrame) -> dict[str, str]:
    return {str(t): str(n) for t, n in zip(teams["team_id"], teams["name"], strict=True)}


def _calendar_notes(skipped: Sequence[ExcludedDay], names: dict[str, str],
                    first_day: date | None) -> list[str]:
    notes = []
    if any(e.kind == "past" for e in skipped) and first_day is not None:
        notes.append(f"Minggu ini sudah berjalan: hanya hari {first_day.isoformat()} dan "
                     "sesudahnya yang direncanakan / the week has started: only "
                     f"{first_day.isoformat()} onwards is planned")
    notes += excluded_day_notes([e for e in skipped if e.kind != "past"], names)
    return notes


#: The fewest people a team-day's share of a village is worth a day's work for: a village
#: cut for the largest team also gets one share the smallest team recording at least this
#: many there can take (see :func:`chunk_sizes`).
MIN_SHARE = 30


def _even(total: int, size: int, slots: int) -> list[int]:
    n = min(math.ceil(total / size), slots)
    plannable = min(total, n * size)
    return [plannable // n + (1 if k < plannable % n else 0) for k in range(n)]


def chunk_sizes(expected: int, big: int, small: int, slots: int) -> tuple[list[int], int | None]:
    """Demands of a village's visits: chunks for the largest team, and a share (or None).

    ``big`` is the most the strongest team-day records there in a day, ``small`` the least
    that a team-day recording at least :data:`MIN_SHARE` people there can (the smallest team
    that reaches it), ``slots`` the team-days that can go.  Chunks are even and sized for
    the largest team (no tiny remainder visit).  When the smallest team could take none of
    them, the village keeps one *share* of ``small`` people (half the village when the rest
    would be under :data:`MIN_SHARE`) that every team reaching it can take, and the rest is
    cut evenly for the largest team.  Everything adds up to at most ``expected``.
    """
    even = _even(expected, big, slots)
    if max(even) <= small or small >= big or slots < 2:
        return even, None
    share = small if expected - small >= MIN_SHARE else expected // 2
    return _even(expected - share, big, slots - 1), share


def _wgs84(frame: Any) -> Any:
    """A geo frame in WGS84 (others as given)."""
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def harbour_landmass(lon: float, lat: float, villages: pd.DataFrame) -> int:
    """The landmass of a harbour: that of the village whose stop point is nearest.

    A harbour on an island serves crossings from that island, not from the office's mainland
    (landmass 0); the nearest village of the regency tells which side of the water it is on.
    """
    pts = villages.dropna(subset=["stop_lon", "stop_lat"])
    if pts.empty or "landmass" not in pts.columns:
        return 0
    dist = haversine_m(pts["stop_lon"].to_numpy(dtype=np.float64),
                       pts["stop_lat"].to_numpy(dtype=np.float64), lon, lat)
    return int(pts["landmass"].iloc[int(np.argmin(dist))])


def _why_unservable(island: bool, boat_any: bool, vehicles: Sequence[Vehicle],
                    dur: npt.NDArray[np.int64], loc: int, setup: int) -> Reason:
    if island and not boat_any:
        return reason("no_boat_team")
    one_way = any(int(dur[v.start_location, loc]) + setup + v.service_s_per_demand
                  <= v.shift_end_s - v.shift_start_s
                  for v in vehicles if v.boat_capable or not island)
    if one_way:
        return reason("overnight")
    return reason("unreachable")


def _close_days(visits: list[Visit], n_vehicles: int, closed: set[int]) -> list[Visit]:
    """Only pinned visits may ride on the ``closed`` vehicles (team-days already worked)."""
    out = []
    for v in visits:
        if v.pinned_vehicle is None:
            allowed = v.allowed_vehicles if v.allowed_vehicles is not None \
                else tuple(range(n_vehicles))
            v = Visit(**{**v.__dict__,
                         "allowed_vehicles": tuple(k for k in allowed if k not in closed)})
        out.append(v)
    return out


def _may_make(visit: Visit, vehicle: int) -> bool:
    return visit.allowed_vehicles is None or vehicle in visit.allowed_vehicles


def _apply_pins(visits: list[Visit], vehicles: Sequence[Vehicle], pins: Sequence[Pin],
                excluded: dict[str, Reason]) -> list[Visit]:
    by_vehicle = {(v.team_id, v.date): k for k, v in enumerate(vehicles)}
    out = list(visits)
    for pin in pins:
        key = (pin.team_id, pin.date.isoformat())
        if key not in by_vehicle:
            raise InfeasibleError(f"pin {pin.village_code}: team {pin.team_id} does not work "
                                  f"on {pin.date.isoformat()}")
        k = by_vehicle[key]
        free = [i for i, v in enumerate(out)
                if v.village_code == pin.village_code and v.pinned_vehicle is None]
        # the same visit when it is still there, else the first chunk this team-day can make
        # (a smaller team may only fit the share)
        same = [i for i in free if out[i].visit_id == pin.visit_id and _may_make(out[i], k)]
        idx = same[0] if same else next((i for i in free if _may_make(out[i], k)),
                                        free[0] if free else None)
        if idx is None:
            why = excluded.get(pin.village_code)
            raise InfeasibleError(f"pin {pin.village_code}: village cannot be visited"
                                  + (f" ({why.code})" if why else ""))
        v = out[idx]
        if v.allowed_vehicles is not None and k not in v.allowed_vehicles:
            raise InfeasibleError(f"pin {pin.village_code}: team {pin.team_id} cannot make "
                                  f"this visit on {pin.date.isoformat()}")
        out[idx] = Visit(**{**v.__dict__, "pinned_vehicle": k})
    return out
