"""Build the routing instance of one regency's week from classified, scored villages.

Vehicles are team-days; visits are villages, big villages split into chunks that fit one
team-day.  Villages that no team can serve in a working day are left out here, each with its
reason (see :mod:`planner.reasons`), so the solver only sees what it can plan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.calendar import DayOff, ExcludedDay, excluded_day_notes, team_days_off
from planner.covering import VenueFacts, claim_own_visits, covering_visits
from planner.errors import InfeasibleError, ParameterError, Problem
from planner.instance import Instance, Location, Vehicle, Visit
from planner.params import PlanningParams
from planner.reasons import Reason, reason
from planner.road_travel import travel_provider
from planner.roads import RoadNetwork
from planner.scoring import VillageScore, prize_for, score_villages
from planner.travel import Harbour, MatrixProvider, TravelPoint, haversine_m


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
                  days_off: Sequence[DayOff] = (), first_day: date | None = None
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
    (routed on ``roads`` when given); the instance's ``meta["travel"]`` says which.
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
    scores = score_villages(vill, service=params.service, scoring=params.scoring)

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
    hb: list[Harbour] = []
    if harbours is not None and not harbours.empty:
        for h in harbours[harbours["kabupaten_kode"] == regency].to_dict("records"):
            hb.append(Harbour(str(h["name"]), float(h["lon"]), float(h["lat"]),
                              harbour_landmass(float(h["lon"]), float(h["lat"]), vill)))
    prov = provider or travel_provider(params.travel, hb, roads)
    mats = prov.matrices(points)
    dur = mats.duration_s

    visits: list[Visit] = []
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
        for v in vehicles:
            if island and not v.boat_capable:
                caps.append(0)
                continue
            length = v.shift_end_s - v.shift_start_s
            free = length - int(dur[v.start_location, loc]) - int(dur[loc, v.end_location]) - setup
            fit = free // v.service_s_per_demand if v.service_s_per_demand > 0 else 10**9
            caps.append(max(0, min(fit, v.capacity if v.capacity is not None else fit)))
        usable = [k for k, c in enumerate(caps) if c >= 1]
        if not usable:
            excluded[code] = _why_unservable(island, boat_any, vehicles, dur, loc, setup)
            continue
        useful = [caps[k] for k in usable if caps[k] >= MIN_SHARE]
        parts, share = chunk_sizes(score.expected_recordings, max(caps[k] for k in usable),
                                   min(useful) if useful else max(caps[k] for k in usable),
                                   len(usable))
        sizes = parts if share is None else [*parts, share]
        n_chunks = len(sizes)
        if n_chunks == 1:
            venues.append(VenueFacts(code, loc, float(row["stop_lon"]), float(row["stop_lat"]),
                                     int(row["landmass"]), sizes[0], tuple(caps)))
        for k, demand in enumerate(sizes, start=1):
            allowed = tuple(j for j in usable if caps[j] >= demand)
            visits.append(Visit(
                visit_id=code if n_chunks == 1 else f"{code}#{k}", location=loc,
                # the share is a first visit whoever makes it: no decay
                prize=prize_for(demand, score.weight, decay ** (k - 1) if k <= len(parts) else 1),
                service_s=setup,
                demand=demand, village_code=code,
                allowed_vehicles=None if len(allowed) == len(vehicles) else allowed,
                # the largest team's chunks go to different team-days; the share may ride
                # with one of them (a big team records the whole village in one day)
                group=code if len(parts) > 1 and k <= len(parts) else None,
                chunk=k, chunks=n_chunks))
    covers = covering_visits(venues, scores, regency=regency, params=params.covering,
                             setup_s=setup, n_vehicles=len(vehicles), distance_m=mats.distance_m)
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
                        duration_s=dur, distance_m=mats.distance_m, meta=meta)
    return BuiltProblem(instance, regency, week_start, scores, excluded, info, tuple(team_days),
                        tuple(notes), tuple(skipped))


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
