"""Planning parameters as frozen dataclasses, loadable from a TOML file.

Every default is documented in ``docs/model.md``.  ``load_params`` validates the whole file
and raises one :class:`~planner.errors.ParameterError` listing every bad value.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from planner.errors import ParameterError, Problem

#: Village types a turnout rate can be set for, in the order they are looked up.
TURNOUT_TYPES: tuple[str, ...] = ("island", "border", "remote", "coastal", "kelurahan", "desa")


#: Where road travel times come from (``[travel] provider``): ``auto`` routes on the road
#: network when one is given and estimates otherwise.
TRAVEL_PROVIDERS: tuple[str, ...] = ("auto", "estimate", "roads", "osrm")


#: Default speed per road class (km/h), for OpenStreetMap ``highway`` values and BIG RBI
#: ``REMARK`` values (lower case, ``_link`` dropped; see :mod:`planner.roads`).  A mobile
#: team's car on Indonesian regency roads: well below the legal limits, and far below on
#: tracks.  Footways, paths and steps are not driven unless given a speed.
DEFAULT_ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80.0, "trunk": 55.0, "primary": 45.0, "secondary": 40.0, "tertiary": 35.0,
    "unclassified": 30.0, "residential": 25.0, "road": 25.0, "living_street": 15.0,
    "service": 15.0, "track": 12.0,
    "jalan tol": 80.0, "jalan arteri": 45.0, "jalan kolektor": 40.0, "jalan lokal": 30.0,
    "jalan lain": 20.0,
}


def _default_road_speeds() -> dict[str, float]:
    return dict(DEFAULT_ROAD_SPEEDS_KMH)


@dataclass(frozen=True)
class TravelParams:
    """Road and boat travel: estimates, a road network or an OSRM server."""

    detour_factor: float = 1.35
    speed_urban_kmh: float = 25.0
    speed_rural_kmh: float = 35.0
    speed_hilly_kmh: float = 20.0
    boat_speed_kmh: float = 15.0
    boarding_s: int = 1800
    #: ``auto``, ``estimate``, ``roads`` or ``osrm`` (see ``TRAVEL_PROVIDERS``).
    provider: str = "auto"
    #: Speed per road class on a road network (km/h); a file's table is merged over the
    #: defaults (``planner.roads.DEFAULT_ROAD_SPEEDS_KMH``); a class at 0 is not driven.
    road_speeds_kmh: dict[str, float] = field(default_factory=_default_road_speeds)
    #: The leg between a stop and its nearest road vertex: straight line x detour factor
    #: at this speed.
    access_speed_kmh: float = 10.0
    #: A stop farther than this from any road is off the network: its road legs are estimates.
    max_snap_m: float = 3000.0
    #: Base URL of an OSRM server (``provider = "osrm"``), e.g. ``http://10.0.0.5:5000``.
    osrm_url: str = ""
    osrm_profile: str = "driving"
    osrm_timeout_s: float = 60.0


@dataclass(frozen=True)
class GeographyParams:
    """How villages are classified."""

    #: Villages whose travel time to the office is above this quantile of their regency
    #: are remote (default: top quartile).
    remote_quantile: float = 0.75
    #: A fixed threshold in seconds instead of the quantile, when set.
    remote_threshold_s: int | None = None


@dataclass(frozen=True)
class ServiceParams:
    """Turnout and time spent at a stop."""

    turnout_rate: float = 0.6
    #: Per village type (see ``TURNOUT_TYPES``); the first type a village has wins.
    turnout_by_type: dict[str, float] = field(default_factory=dict)
    setup_s: int = 1800
    minutes_per_person: float = 5.0


@dataclass(frozen=True)
class TurnoutModelParams:
    """Who comes to a visit (``[turnout]``; see ``planner/turnout_model.py``).

    A share of the backlog never comes (moved away, died, duplicates, unwilling); the rest
    comes to a visit with the village's turnout rate, falling by ``repeat_decay`` for each
    earlier visit; a visit records at most its capacity, so plans count
    ``E[min(capacity, people who come)]``.  ``enabled = false`` plans on
    ``floor(backlog x rate)`` as before.
    """

    enabled: bool = True
    #: Share of a village's backlog that never comes (0-1).
    never_come: float = 0.1
    #: Per village code, overriding ``never_come`` (set, or learned from reports).
    never_come_by_village: dict[str, float] = field(default_factory=dict)
    #: Turnout of a visit is the rate x ``repeat_decay ** earlier visits`` of the village.
    repeat_decay: float = 0.85


@dataclass(frozen=True)
class ScoringParams:
    """Priority weights: weight = 1 + sum of the weights of the flags a village has."""

    # Chosen with ``planner simulate`` on Banten (docs/simulation.md): at 1.0/1.0/1.5/0.5 the
    # planner cleared remote/border/island backlog 28 % faster than the manual rule but 1 %
    # less in total; at three quarters of those it clears 25 %+ faster and more in total.
    w_remote: float = 0.75
    w_border: float = 0.75
    w_island: float = 1.125
    w_coastal: float = 0.375
    #: Prize factor of each further chunk of a big village: chunk k earns ``chunk_decay**(k-1)``
    #: of its full prize, so new villages come before returning to the same one.
    chunk_decay: float = 0.85


@dataclass(frozen=True)
class ShiftParams:
    """Default working week for teams whose file does not say."""

    day_start: str = "08:00"
    day_end: str = "15:30"
    #: ISO weekday numbers (1 = Monday ... 6 = Saturday).
    workdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    #: No team-day on Indonesia's national holidays and cuti bersama (see planner/calendar.py).
    national_holidays: bool = True


@dataclass(frozen=True)
class SolverParams:
    """Search settings; the time limit and seed are always explicit."""

    time_limit_s: float = 30.0
    seed: int = 0
    #: Deterministic test mode: stop after this many improving solutions / LNS rounds
    #: instead of wall time (``None`` = wall time only).
    solution_limit: int | None = None


def _default_fuel() -> dict[str, int]:
    return {"car": 3000, "motorbike": 1000, "boat": 6000}


@dataclass(frozen=True)
class TripParams:
    """Multi-day trips with overnight stays, and their costs in rupiah (issue 18).

    The rupiah defaults are *examples* of the order of magnitude in 2026 (a car at about
    10 km per litre of Pertalite at Rp 10.000, a hired boat per crossing, a modest per-diem
    and a losmen room), not official rates: set the office's own in the params file.
    """

    #: ``false`` gives the day-trip plans of before (every day starts and ends at the base).
    enabled: bool = True
    #: Most consecutive working days of one trip (a team's ``max_trip_days`` column wins).
    max_days: int = 4
    #: A village is a trip candidate when the round trip from the team's base takes at
    #: least this many minutes (or no day trip can reach it).
    min_round_trip_min: int = 150
    #: Villages within this many minutes of a night place are worked from it.
    camp_radius_min: int = 60
    #: A trip is made only when the far backlog around its night place would fill at least
    #: this share of the trip's team-days.
    min_fill: float = 0.6
    #: Rupiah per km driven (fuel and wear), by the team's vehicle kind (teams'
    #: ``vehicle_kind``, default car); the instance keeps whole rupiah per metre (rounded).
    fuel_rp_per_km: dict[str, int] = field(default_factory=_default_fuel)
    #: Rupiah for hiring a boat, per crossing (each leg between two landmasses).
    boat_hire_rp: int = 750_000
    #: Rupiah per person per night away from base (uang harian), times the team's size.
    per_diem_rp: int = 150_000
    #: Rupiah per night's lodging where no ``lodging.csv`` gives the price.
    lodging_rp: int = 300_000
    #: People in a team where the teams file does not say (``team_size``).
    team_size: int = 3
    #: Weekly budget per regency code (rupiah), e.g. ``{"36.01" = 15000000}``; a regency
    #: not listed has no budget.
    weekly_budget_rp: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RemedyParams:
    """What it would take to schedule a waiting village: changes verified by re-planning
    (see ``planner/remedies.py``)."""

    enabled: bool = True
    #: Waiting villages given a verified remedy per plan (the most valuable first).
    villages: int = 10
    #: Seconds of each verifying re-plan (warm-started from the plan).
    time_limit_s: float = 0.5
    #: All re-plans together take at most this share of ``[solver] time_limit_s``.
    budget_share: float = 1.0
    #: Most extra team-days one suggestion may ask for.
    max_extra_days: int = 8
    #: Longest extension of a team-day's shift a suggestion may ask for (minutes).
    max_extra_shift_min: int = 180


#: How the distance from a neighbour to a covering stop is measured.
COVERING_DISTANCES = ("straight", "road")


@dataclass(frozen=True)
class CoveringParams:
    """Covering stops: one venue serves its neighbours too (see ``planner/covering.py``)."""

    #: ``false`` plans one stop per village, as before issue 19.
    enabled: bool = True
    #: Farthest a neighbour's stop point may be from the venue (m).
    reach_m: float = 3000.0
    #: ``reach_m`` per regency code (``"36.02" = 5000``); others use ``reach_m``.
    reach_m_by_regency: dict[str, float] = field(default_factory=dict)
    #: ``straight`` (great circle between stop points) or ``road`` (the travel matrix's
    #: distance: the road network when one is given, else the estimate).
    distance: str = "straight"
    #: Share of a neighbour's expected people who come when it lies at the reach; the share
    #: falls linearly from 1 at the venue to this at the reach.
    turnout_at_reach: float = 0.5
    #: Most neighbours one stop serves (keeps the candidate count bounded).
    max_neighbours: int = 4
    #: Besides the stop serving all its neighbours, also offer the venue with only its nearest
    #: neighbour (two candidates per venue instead of one).  Off by default: on Pandeglang it
    #: made each OR-Tools round ~4x as slow as without covering (1.8x with one candidate) for
    #: no clear gain (docs/benchmarks.md).
    nearest_pair: bool = False

    def reach_for(self, regency: str) -> float:
        """The reach (m) in ``regency``."""
        return float(self.reach_m_by_regency.get(regency, self.reach_m))


@dataclass(frozen=True)
class PlanningParams:
    """All parameters of a planning run."""

    travel: TravelParams = field(default_factory=TravelParams)
    geography: GeographyParams = field(default_factory=GeographyParams)
    service: ServiceParams = field(default_factory=ServiceParams)
    scoring: ScoringParams = field(default_factory=ScoringParams)
    shift: ShiftParams = field(default_factory=ShiftParams)
    solver: SolverParams = field(default_factory=SolverParams)
    turnout: TurnoutModelParams = field(default_factory=TurnoutModelParams)
    remedies: RemedyParams = field(default_factory=RemedyParams)
    trips: TripParams = field(default_factory=TripParams)
    covering: CoveringParams = field(default_factory=CoveringParams)


def _hhmm_ok(text: str) -> bool:
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return False
    h, m = int(parts[0]), int(parts[1])
    return 0 <= h <= 23 and 0 <= m <= 59


def validate_params(params: PlanningParams, *, source: str = "parameter") -> PlanningParams:
    """Raise :class:`ParameterError` listing every invalid value; return ``params`` if fine."""
    bad: list[tuple[str, str, str]] = []
    t = params.travel
    for name in ("speed_urban_kmh", "speed_rural_kmh", "speed_hilly_kmh", "boat_speed_kmh"):
        if not getattr(t, name) > 0:
            bad.append((f"travel.{name}", "kecepatan harus lebih dari 0", "speed must be above 0"))
    if not t.detour_factor >= 1.0:
        bad.append(("travel.detour_factor", "faktor belokan minimal 1",
                    "detour factor must be >= 1"))
    if t.boarding_s < 0:
        bad.append(("travel.boarding_s", "waktu naik kapal tidak boleh negatif",
                    "boarding time must not be negative"))
    if t.provider not in TRAVEL_PROVIDERS:
        bad.append(("travel.provider", f"pilih salah satu: {', '.join(TRAVEL_PROVIDERS)}",
                    f"choose one of: {', '.join(TRAVEL_PROVIDERS)}"))
    if t.provider == "osrm" and not t.osrm_url.startswith(("http://", "https://")):
        bad.append(("travel.osrm_url", "alamat server OSRM (http://...) wajib diisi",
                    "the OSRM server's address (http://...) is required"))
    for cls, speed in t.road_speeds_kmh.items():
        if isinstance(speed, bool) or not isinstance(speed, int | float) or speed < 0:
            bad.append((f"travel.road_speeds_kmh.{cls}",
                        "kecepatan harus angka 0 atau lebih (0 = tidak dilalui)",
                        "speed must be a number, 0 or more (0 = not driven)"))
    for name in ("access_speed_kmh", "max_snap_m", "osrm_timeout_s"):
        if not getattr(t, name) > 0:
            bad.append((f"travel.{name}", "harus lebih dari 0", "must be above 0"))
    g = params.geography
    if not 0.0 < g.remote_quantile < 1.0:
        bad.append(("geography.remote_quantile", "kuantil harus antara 0 dan 1",
                    "quantile must be between 0 and 1"))
    if g.remote_threshold_s is not None and g.remote_threshold_s <= 0:
        bad.append(("geography.remote_threshold_s", "ambang harus lebih dari 0",
                    "threshold must be above 0"))
    s = params.service
    rates = {"service.turnout_rate": s.turnout_rate}
    rates.update({f"service.turnout_by_type.{k}": v for k, v in s.turnout_by_type.items()})
    for name, rate in rates.items():
        if not 0.0 <= rate <= 1.0:
            bad.append((name, "tingkat kehadiran harus antara 0 dan 1",
                        "turnout rate must be between 0 and 1"))
    for key in s.turnout_by_type:
        if key not in TURNOUT_TYPES:
            bad.append((f"service.turnout_by_type.{key}",
                        f"jenis desa tidak dikenal; pilih dari {', '.join(TURNOUT_TYPES)}",
                        f"unknown village type; choose from {', '.join(TURNOUT_TYPES)}"))
    if s.setup_s < 0:
        bad.append(("service.setup_s", "waktu persiapan tidak boleh negatif",
                    "set-up time must not be negative"))
    if not s.minutes_per_person > 0:
        bad.append(("service.minutes_per_person", "menit per orang harus lebih dari 0",
                     "minutes per person must be above 0"))
    tm = params.turnout
    shares = {"turnout.never_come": tm.never_come}
    shares.update({f"turnout.never_come_by_village.{k}": v
                   for k, v in tm.never_come_by_village.items()})
    for name, share in shares.items():
        if isinstance(share, bool) or not isinstance(share, int | float) \
                or not 0.0 <= share < 1.0:
            bad.append((name, "bagian yang tidak pernah datang harus 0 sampai di bawah 1",
                        "share that never comes must be at least 0 and below 1"))
    if not 0.0 < tm.repeat_decay <= 1.0:
        bad.append(("turnout.repeat_decay", "penurunan kunjungan ulang harus antara 0 dan 1",
                    "repeat decay must be above 0 and at most 1"))
    w = params.scoring
    for name in ("w_remote", "w_border", "w_island", "w_coastal"):
        if getattr(w, name) < 0:
            bad.append((f"scoring.{name}", "bobot tidak boleh negatif",
                        "weight must not be negative"))
    if not 0.0 < w.chunk_decay <= 1.0:
        bad.append(("scoring.chunk_decay", "faktor potongan harus antara 0 dan 1",
                    "chunk decay must be above 0 and at most 1"))
    sh = params.shift
    for name in ("day_start", "day_end"):
        if not _hhmm_ok(getattr(sh, name)):
            bad.append((f"shift.{name}", "jam harus berformat JJ:MM", "time must be HH:MM"))
    if _hhmm_ok(sh.day_start) and _hhmm_ok(sh.day_end) and sh.day_end <= sh.day_start:
        bad.append(("shift.day_end", "jam selesai harus setelah jam mulai",
                    "end of day must be after its start"))
    if not sh.workdays or any(d not in range(1, 8) for d in sh.workdays):
        bad.append(("shift.workdays", "hari kerja harus angka 1 (Senin) sampai 7 (Minggu)",
                    "workdays must be numbers 1 (Monday) to 7 (Sunday)"))
    cv = params.covering
    reaches = {"covering.reach_m": cv.reach_m}
    reaches.update({f"covering.reach_m_by_regency.{k}": v
                    for k, v in cv.reach_m_by_regency.items()})
    for name, reach in reaches.items():
        if isinstance(reach, bool) or not isinstance(reach, int | float) or reach < 0:
            bad.append((name, "jangkauan harus angka 0 atau lebih (meter)",
                        "reach must be a number, 0 or more (metres)"))
    if cv.distance not in COVERING_DISTANCES:
        bad.append(("covering.distance", f"pilih salah satu: {', '.join(COVERING_DISTANCES)}",
                    f"choose one of: {', '.join(COVERING_DISTANCES)}"))
    if not 0.0 <= cv.turnout_at_reach <= 1.0:
        bad.append(("covering.turnout_at_reach", "harus antara 0 dan 1",
                    "must be between 0 and 1"))
    if cv.max_neighbours < 0:
        bad.append(("covering.max_neighbours", "tidak boleh negatif", "must not be negative"))
    so = params.solver
    if not so.time_limit_s > 0:
        bad.append(("solver.time_limit_s", "batas waktu harus lebih dari 0",
                    "time limit must be above 0"))
    if so.solution_limit is not None and so.solution_limit <= 0:
        bad.append(("solver.solution_limit", "batas solusi harus lebih dari 0",
                    "solution limit must be above 0"))
    rm = params.remedies
    if rm.villages < 0 or rm.max_extra_days < 0 or rm.max_extra_shift_min < 0:
        bad.append(("remedies", "jumlah tidak boleh negatif", "counts must not be negative"))
    if not rm.time_limit_s > 0 or rm.budget_share < 0:
        bad.append(("remedies.time_limit_s", "batas waktu harus lebih dari 0",
                    "time limit must be above 0"))
    bad += _validate_trips(params.trips)
    if bad:
        raise ParameterError.from_messages(source, bad)
    return params


def _validate_trips(tr: TripParams) -> list[tuple[str, str, str]]:
    bad: list[tuple[str, str, str]] = []
    if not 2 <= tr.max_days <= 7:
        bad.append(("trips.max_days", "lama perjalanan 2 sampai 7 hari",
                    "a trip lasts 2 to 7 days"))
    for name in ("min_round_trip_min", "camp_radius_min"):
        if getattr(tr, name) <= 0:
            bad.append((f"trips.{name}", "harus lebih dari 0", "must be above 0"))
    if not 0.0 <= tr.min_fill <= 1.0:
        bad.append(("trips.min_fill", "harus antara 0 dan 1", "must be between 0 and 1"))
    money = {f"trips.{n}": getattr(tr, n) for n in ("boat_hire_rp", "per_diem_rp", "lodging_rp")}
    money.update({f"trips.fuel_rp_per_km.{k}": v for k, v in tr.fuel_rp_per_km.items()})
    money.update({f"trips.weekly_budget_rp.{k}": v for k, v in tr.weekly_budget_rp.items()})
    for name, value in money.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            bad.append((name, "rupiah harus bilangan bulat 0 atau lebih",
                        "rupiah must be a whole number, 0 or more"))
    if tr.team_size < 1:
        bad.append(("trips.team_size", "tim minimal 1 orang", "a team has at least 1 person"))
    return bad


def _build(cls: type[Any], data: dict[str, Any], prefix: str, problems: list[Problem],
           source: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(Problem(source, None, f"{prefix}{key}", "parameter tidak dikenal",
                                    "unknown parameter"))
            continue
        default = getattr(cls(), key)
        if is_dataclass(default):
            if not isinstance(value, dict):
                problems.append(Problem(source, None, f"{prefix}{key}",
                                        "harus berupa tabel", "must be a table"))
                continue
            kwargs[key] = _build(type(default), value, f"{prefix}{key}.", problems, source)
        elif isinstance(default, dict) and isinstance(value, dict):
            kwargs[key] = {**default, **value}  # a partial table keeps the other defaults
        elif isinstance(default, tuple):
            kwargs[key] = tuple(value) if isinstance(value, list) else value
        elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            kwargs[key] = float(value)
        else:
            kwargs[key] = value
    return replace(cls(), **kwargs)


def load_params(path: str | Path | None = None, *, overrides: dict[str, Any] | None = None
                ) -> PlanningParams:
    """Read parameters from a TOML file (sections ``[travel]``, ``[service]``...).

    Missing values keep their defaults.  ``overrides`` is merged over the file (same shape).
    """
    data: dict[str, Any] = {}
    source = str(path) if path is not None else "parameter"
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ParameterError([Problem(source, None, None, "berkas tidak ditemukan",
                                          "file not found")]) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError([Problem(source, None, None,
                                          f"berkas TOML tidak valid: {exc}",
                                          f"invalid TOML file: {exc}")]) from exc
    for section, values in (overrides or {}).items():
        data.setdefault(section, {}).update(values)
    problems: list[Problem] = []
    try:
        params = _build(PlanningParams, data, "", problems, source)
    except TypeError as exc:  # a value of the wrong type inside a nested table
        problems.append(Problem(source, None, None, f"nilai tidak valid: {exc}",
                                f"invalid value: {exc}"))
    if problems:
        raise ParameterError(problems)
    return validate_params(params, source=source)
