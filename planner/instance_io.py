"""The instance JSON: read, write and validate the file the solver consumes.

The shape is documented by ``planner/schemas/instance.schema.json`` (JSON Schema 2020-12) and
shown by ``docs/examples/instance.small.json``.  :func:`instance_from_dict` does not need a
schema library: it checks everything itself, including what a schema cannot say (matrix sized
to the locations, indices in range, windows ordered, pins allowed), and raises one
:class:`~planner.errors.InputError` whose problems name the JSON path (``visits[3].prize``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import InputError, Problem
from planner.instance import SCHEMA_VERSION, Instance, Location, Vehicle, Visit

_LOCATION_KINDS = ("depot", "village", "point")


def instance_to_dict(inst: Instance) -> dict[str, Any]:
    """The instance as plain JSON-ready data (see the instance schema)."""
    return {
        "schema_version": inst.schema_version,
        "name": inst.name,
        "locations": [
            {"location_id": loc.location_id, "lon": loc.lon, "lat": loc.lat, "kind": loc.kind,
             "lodging_rp": loc.lodging_rp}
            for loc in inst.locations
        ],
        "visits": [
            {
                "visit_id": v.visit_id,
                "location": v.location,
                "prize": v.prize,
                "service_s": v.service_s,
                "demand": v.demand,
                "village_code": v.village_code,
                "allowed_vehicles": (
                    None if v.allowed_vehicles is None else list(v.allowed_vehicles)
                ),
                "pinned_vehicle": v.pinned_vehicle,
                "time_window_s": None if v.time_window_s is None else list(v.time_window_s),
                "group": v.group,
                "chunk": v.chunk,
                "chunks": v.chunks,
                # covering stops only (issue 19): absent keeps older instance files as they were
                **({"exclusive": list(v.exclusive)} if v.exclusive else {}),
                **({"serves": [[code, n] for code, n in v.serves]} if v.serves else {}),
            }
            for v in inst.visits
        ],
        "vehicles": [
            {
                "vehicle_id": k.vehicle_id,
                "team_id": k.team_id,
                "start_location": k.start_location,
                "end_location": k.end_location,
                "shift_start_s": k.shift_start_s,
                "shift_end_s": k.shift_end_s,
                "capacity": k.capacity,
                "date": k.date,
                "boat_capable": k.boat_capable,
                "service_s_per_demand": k.service_s_per_demand,
                "tour": k.tour,
                "tour_day": k.tour_day,
                "night_options": None if k.night_options is None else list(k.night_options),
                "max_nights_away": k.max_nights_away,
                "night_rp": k.night_rp,
                "rp_per_m": k.rp_per_m,
            }
            for k in inst.vehicles
        ],
        "duration_s": inst.duration_s.tolist(),
        "distance_m": inst.distance_m.tolist(),
        "meta": dict(inst.meta),
        "leg_rp": None if inst.leg_rp is None else inst.leg_rp.tolist(),
        "budget_rp": inst.budget_rp,
    }


class _Checker:
    """Collects problems while reading fields; each problem names its JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, path: str, message_id: str, message_en: str) -> None:
        self.problems.append(Problem(self.source, None, path, message_id, message_en))

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail(path, "harus berupa objek", "must be an object")
            return {}
        return data

    def seq(self, data: dict[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(f"{path}{key}", "harus berupa daftar", "must be a list")
            return []
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, optional: bool = False
             ) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not optional and not value and key.endswith("_id")):
            self.fail(f"{path}{key}", "harus berupa teks", "must be a text")
            return None
        return value

    def integer(self, data: dict[str, Any], key: str, path: str, *, optional: bool = False,
                default: int | None = None, minimum: int = 0) -> int | None:
        value = data.get(key, default)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}{key}", "harus bilangan bulat", "must be an integer")
            return None
        if value < minimum:
            self.fail(f"{path}{key}", f"harus minimal {minimum}", f"must be at least {minimum}")
            return None
        return value

    def index(self, data: dict[str, Any], key: str, path: str, size: int, what: str,
              *, optional: bool = False) -> int | None:
        value = self.integer(data, key, path, optional=optional)
        if value is not None and value >= size:
            self.fail(f"{path}{key}", f"indeks {what} di luar jangkauan (0..{size - 1})",
                      f"{what} index out of range (0..{size - 1})")
            return None
        return value

    def matrix(self, data: dict[str, Any], key: str, size: int) -> np.ndarray[Any, Any]:
        rows = data.get(key)
        empty = np.zeros((size, size), dtype=np.int64)
        if not isinstance(rows, list) or len(rows) != size or any(
            not isinstance(r, list) or len(r) != size for r in rows
        ):
            self.fail(key, f"matriks harus persegi {size}x{size} (sesuai jumlah lokasi)",
                      f"matrix must be square {size}x{size} (one row per location)")
            return empty
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                if isinstance(cell, bool) or not isinstance(cell, int) or cell < 0:
                    self.fail(f"{key}[{i}][{j}]", "harus bilangan bulat tidak negatif",
                              "must be a non-negative integer")
                    return empty
        return np.array(rows, dtype=np.int64).reshape(size, size)


def instance_from_dict(data: Any, *, source: str = "instance") -> Instance:
    """Build and validate an :class:`Instance`; raise :class:`InputError` listing every problem."""
    c = _Checker(source)
    top = c.obj(data, "$")
    if top.get("schema_version") != SCHEMA_VERSION:
        c.fail("schema_version", f"versi skema harus '{SCHEMA_VERSION}'",
               f"schema_version must be '{SCHEMA_VERSION}'")
        raise InputError(c.problems)
    name = c.text(top, "name", "") or ""
    locations = [_location(c, raw, f"locations[{i}].")
                 for i, raw in enumerate(c.seq(top, "locations", ""))]
    n_loc = len(locations)
    raw_vehicles = c.seq(top, "vehicles", "")
    vehicles = [_vehicle(c, raw, f"vehicles[{i}].", n_loc) for i, raw in enumerate(raw_vehicles)]
    visits = [_visit(c, raw, f"visits[{i}].", n_loc, len(raw_vehicles))
              for i, raw in enumerate(c.seq(top, "visits", ""))]
    duration = c.matrix(top, "duration_s", n_loc)
    distance = c.matrix(top, "distance_m", n_loc)
    leg = None if top.get("leg_rp") is None else c.matrix(top, "leg_rp", n_loc)
    budget = c.integer(top, "budget_rp", "", optional=True)
    _unique(c, "visits", [v.visit_id if v else None for v in visits], "visit_id")
    _unique(c, "vehicles", [k.vehicle_id if k else None for k in vehicles], "vehicle_id")
    _unique(c, "locations", [loc.location_id if loc else None for loc in locations],
            "location_id")
    meta = top.get("meta", {})
    if not isinstance(meta, dict):
        c.fail("meta", "harus berupa objek", "must be an object")
    if c.problems:
        raise InputError(c.problems)
    return Instance(
        name=name,
        locations=tuple(loc for loc in locations if loc is not None),
        visits=tuple(v for v in visits if v is not None),
        vehicles=tuple(k for k in vehicles if k is not None),
        duration_s=duration,
        distance_m=distance,
        meta=dict(meta),
        leg_rp=leg,
        budget_rp=budget,
    )


def _unique(c: _Checker, key: str, ids: list[str | None], field: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident is not None and ident in seen:
            c.fail(f"{key}[{i}].{field}", f"id ganda '{ident}'", f"duplicate id '{ident}'")
        if ident is not None:
            seen.add(ident)


def _location(c: _Checker, raw: Any, path: str) -> Location | None:
    d = c.obj(raw, path.rstrip("."))
    before = len(c.problems)
    ident = c.text(d, "location_id", path)
    coords: dict[str, float | None] = {}
    for key, bound in (("lon", 180.0), ("lat", 90.0)):
        value = d.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > bound
        ):
            c.fail(f"{path}{key}", f"harus angka antara -{bound:g} dan {bound:g}",
                   f"must be a number between -{bound:g} and {bound:g}")
            value = None
        coords[key] = None if value is None else float(value)
    kind = d.get("kind", "village")
    if kind not in _LOCATION_KINDS:
        c.fail(f"{path}kind", f"jenis harus salah satu dari {_LOCATION_KINDS}",
               f"kind must be one of {_LOCATION_KINDS}")
    lodging = c.integer(d, "lodging_rp", path, default=0)
    if len(c.problems) > before or ident is None or lodging is None:
        return None
    return Location(ident, coords["lon"], coords["lat"], str(kind), lodging)


def _vehicle(c: _Checker, raw: Any, path: str, n_loc: int) -> Vehicle | None:
    d = c.obj(raw, path.rstrip("."))
    before = len(c.problems)
    ident = c.text(d, "vehicle_id", path)
    team = c.text(d, "team_id", path)
    start = c.index(d, "start_location", path, n_loc, "lokasi/location")
    end = c.index(d, "end_location", path, n_loc, "lokasi/location")
    shift_start = c.integer(d, "shift_start_s", path)
    shift_end = c.integer(d, "shift_end_s", path)
    capacity = c.integer(d, "capacity", path, optional=True)
    date = c.text(d, "date", path, optional=True)
    per_demand = c.integer(d, "service_s_per_demand", path, default=0)
    boat = d.get("boat_capable", False)
    if not isinstance(boat, bool):
        c.fail(f"{path}boat_capable", "harus true/false", "must be true/false")
    if shift_start is not None and shift_end is not None and shift_end < shift_start:
        c.fail(f"{path}shift_end_s", "akhir shift sebelum awalnya",
               "shift ends before it starts")
    tour = c.text(d, "tour", path, optional=True)
    tour_day = c.integer(d, "tour_day", path, default=0)
    max_away = c.integer(d, "max_nights_away", path, default=0)
    night_rp = c.integer(d, "night_rp", path, default=0)
    rp_per_m = c.integer(d, "rp_per_m", path, default=0)
    options: tuple[int, ...] | None = None
    raw_options = d.get("night_options")
    if raw_options is not None:
        if not isinstance(raw_options, list) or not raw_options or any(
                isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < n_loc
                for x in raw_options):
            c.fail(f"{path}night_options", f"harus daftar indeks lokasi 0..{n_loc - 1}",
                   f"must be a list of location indices 0..{n_loc - 1}")
        else:
            options = tuple(raw_options)
            if tour is None:
                c.fail(f"{path}night_options", "hanya untuk hari tur (tour)",
                       "only for tour days (tour)")
    if (len(c.problems) > before or ident is None or team is None or start is None
            or end is None or shift_start is None or shift_end is None or per_demand is None
            or tour_day is None or max_away is None or night_rp is None or rp_per_m is None):
        return None
    return Vehicle(ident, team, start, end, shift_start, shift_end, capacity, date, bool(boat),
                   per_demand, tour=tour, tour_day=tour_day, night_options=options,
                   max_nights_away=max_away, night_rp=night_rp, rp_per_m=rp_per_m)


def _visit(c: _Checker, raw: Any, path: str, n_loc: int, n_veh: int) -> Visit | None:
    d = c.obj(raw, path.rstrip("."))
    before = len(c.problems)
    ident = c.text(d, "visit_id", path)
    loc = c.index(d, "location", path, n_loc, "lokasi/location")
    prize = c.integer(d, "prize", path)
    service = c.integer(d, "service_s", path)
    demand = c.integer(d, "demand", path)
    village = c.text(d, "village_code", path, optional=True)
    group = c.text(d, "group", path, optional=True)
    chunk = c.integer(d, "chunk", path, default=1, minimum=1)
    chunks = c.integer(d, "chunks", path, default=1, minimum=1)
    pinned = c.index(d, "pinned_vehicle", path, n_veh, "kendaraan/vehicle", optional=True)
    allowed: tuple[int, ...] | None = None
    raw_allowed = d.get("allowed_vehicles")
    if raw_allowed is not None:
        if not isinstance(raw_allowed, list):
            c.fail(f"{path}allowed_vehicles", "harus daftar indeks", "must be a list of indices")
        else:
            for j in range(len(raw_allowed)):
                value = raw_allowed[j]
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n_veh:
                    c.fail(f"{path}allowed_vehicles[{j}]",
                           f"indeks kendaraan harus 0..{n_veh - 1}",
                           f"vehicle index must be 0..{n_veh - 1}")
            if len(set(map(str, raw_allowed))) != len(raw_allowed):
                c.fail(f"{path}allowed_vehicles", "indeks ganda", "duplicate index")
            allowed = tuple(int(x) for x in raw_allowed if isinstance(x, int))
    if pinned is not None and allowed is not None and pinned not in allowed:
        c.fail(f"{path}pinned_vehicle",
               "kendaraan yang dipatok tidak diizinkan untuk kunjungan ini",
               "the pinned vehicle is not allowed for this visit")
    window: tuple[int, int] | None = None
    raw_window = d.get("time_window_s")
    if raw_window is not None:
        if (not isinstance(raw_window, list) or len(raw_window) != 2
                or any(isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in raw_window)):
            c.fail(f"{path}time_window_s", "harus [awal, akhir] dalam detik",
                   "must be [start, end] in seconds")
        elif raw_window[0] > raw_window[1]:
            c.fail(f"{path}time_window_s", "awal jendela waktu setelah akhirnya",
                   "time window opens after it closes")
        else:
            window = (raw_window[0], raw_window[1])
    if chunk is not None and chunks is not None and chunk > chunks:
        c.fail(f"{path}chunk", "nomor bagian melebihi jumlah bagian", "chunk exceeds chunks")
    exclusive, serves = _covering_fields(c, d, path)
    if (len(c.problems) > before or ident is None or loc is None or prize is None
            or service is None or demand is None or chunk is None or chunks is None):
        return None
    return Visit(ident, loc, prize, service, demand, village, allowed, pinned, window, group,
                 chunk, chunks, exclusive, serves)


def _covering_fields(c: _Checker, d: dict[str, Any], path: str
                     ) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    """A visit's optional ``exclusive`` keys and ``serves`` pairs (covering stops)."""
    raw_ex = d.get("exclusive", [])
    exclusive: tuple[str, ...] = ()
    if not isinstance(raw_ex, list) or not all(isinstance(x, str) for x in raw_ex):
        c.fail(f"{path}exclusive", "harus daftar teks", "must be a list of strings")
    else:
        exclusive = tuple(raw_ex)
    raw_sv = d.get("serves", [])
    serves: tuple[tuple[str, int], ...] = ()
    if not isinstance(raw_sv, list) or not all(
            isinstance(x, list) and len(x) == 2 and isinstance(x[0], str)
            and isinstance(x[1], int) and not isinstance(x[1], bool) and x[1] >= 0
            for x in raw_sv):
        c.fail(f"{path}serves", "harus daftar [kode desa, jumlah orang]",
               "must be a list of [village code, people]")
    else:
        serves = tuple((str(x[0]), int(x[1])) for x in raw_sv)
    return exclusive, serves


def write_instance(inst: Instance, path: str | Path) -> None:
    """Write the instance JSON (UTF-8, indented) to ``path``."""
    Path(path).write_text(json.dumps(instance_to_dict(inst), indent=1) + "\n", encoding="utf-8")


def read_instance(path: str | Path) -> Instance:
    """Read and validate an instance JSON file; raise :class:`InputError` on any problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError([Problem(source, None, None, "berkas tidak ditemukan",
                                  "file not found")]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(source, exc.lineno, None, f"JSON tidak valid: {exc.msg}",
                                  f"invalid JSON: {exc.msg}")]) from exc
    return instance_from_dict(data, source=source)
