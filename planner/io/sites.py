"""Offices, harbours and teams from CSV/XLSX.

Offices and harbours are points with a regency code; teams belong to a regency and start
from a base office (resolved against the offices by :func:`planner.dataset.load_dataset`).
Blank optional team settings stay ``None``/NA: the planner applies its defaults later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import Problem
from planner.io.cells import (
    bool_column,
    duplicate_rows,
    kode_column,
    refuse_personal_data,
    require_headers,
    text_column,
)
from planner.io.schedule import parse_hhmm, parse_workdays
from planner.io.tables import Table, read_table
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.sailing import parse_days, parse_times
from planner.validation import (
    ProblemCollector,
    check_point,
    match_headers,
    parse_count,
    parse_float,
    show,
    slugify,
)

_KAB = ("kabupaten_kode", "kode_kabupaten", "kab_kode", "kdpkab", "kode_kab")
SITE_ALIASES: dict[str, tuple[str, ...]] = {
    "kabupaten_kode": _KAB,
    "name": ("name", "nama", "nama_kantor", "nama_pelabuhan"),
    "lat": ("lat", "latitude", "lintang"),
    "lon": ("lng", "lon", "long", "longitude", "bujur"),
    "site_id": ("office_id", "harbour_id", "id", "kantor_id", "pelabuhan_id"),
    "sailing_days": ("sailing_days", "hari_berlayar", "hari_kapal"),
    "departures": ("departures", "jam_berangkat", "keberangkatan"),
}
TEAM_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("team", "nama_tim", "tim", "name", "nama", "team_name"),
    "team_id": ("team_id", "id_tim", "kode_tim"),
    "kabupaten_kode": _KAB,
    "base": ("base", "kantor", "base_office", "kantor_asal", "office"),
    "kits": ("recording_kits", "kits", "jumlah_alat", "alat", "perangkat"),
    "boat_capable": ("boat_capable", "bisa_kapal", "kapal", "boat"),
    "workdays": ("workdays", "hari_kerja"),
    "day_start": ("day_start", "jam_mulai"),
    "day_end": ("day_end", "jam_selesai"),
    "daily_cap": ("daily_cap", "kuota_harian", "kuota"),
    "minutes_per_person": ("minutes_per_person", "menit_per_orang"),
    # multi-day trips and their costs (issue 18); all optional
    "max_trip_days": ("max_trip_days", "maks_hari_perjalanan", "hari_perjalanan"),
    "team_size": ("team_size", "jumlah_anggota", "anggota"),
    "vehicle_kind": ("vehicle_kind", "kendaraan", "jenis_kendaraan"),
}


def _start(path: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...],
           limits: ReadLimits) -> tuple[Table, dict[str, str], ProblemCollector]:
    table = read_table(path, limits=limits)
    refuse_personal_data(table.columns(), table.source, lists_people=False)
    collector = ProblemCollector(table.source, limits)
    collector.extend(table.warnings)
    found = match_headers(table.headers, aliases)
    require_headers(found, {k: aliases[k] for k in required}, table.headers, collector)
    collector.raise_if_errors()
    return table, found, collector


def _names(table: Table, header: str, collector: ProblemCollector) -> list[str | None]:
    names = text_column(table, header)
    for row, name in zip(table.row_numbers, names, strict=True):
        if name is None:
            collector.error(row, header, "nama kosong", "name is blank")
    return names


def _ids(table: Table, found: dict[str, str], key: str, names: list[str | None],
         collector: ProblemCollector, what: tuple[str, str]) -> list[str | None]:
    given = text_column(table, found.get(key))
    ids = [g or (slugify(n) if n else None) for g, n in zip(given, names, strict=True)]
    duplicate_rows(ids, table.row_numbers, found.get(key, found["name"]), collector, what)
    return ids


def read_sites(path: str, *, kind: str = "office", limits: ReadLimits = DEFAULT_LIMITS
               ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read offices (``kind="office"``) or harbours (``kind="harbour"``).

    Columns: ``office_id``/``harbour_id`` (given, or a slug of the name), ``kabupaten_kode``,
    ``name``, ``lon``, ``lat``.  Points with lat/lng swapped are swapped back with a warning;
    points outside Indonesia are errors.
    """
    table, found, collector = _start(path, SITE_ALIASES, ("kabupaten_kode", "name", "lat", "lon"),
                                       limits)
    kab = kode_column(table, found["kabupaten_kode"], collector, level="kabupaten")
    names = _names(table, found["name"], collector)
    what = ("id kantor", "office id") if kind == "office" else ("id pelabuhan", "harbour id")
    ids = _ids(table, found, "site_id", names, collector, what)
    lons: list[float] = []
    lats: list[float] = []
    for row, lon, lat in zip(table.row_numbers, table.column(found["lon"]),
                             table.column(found["lat"]), strict=True):
        point, status = check_point(lon, lat)
        if status == "swapped":
            collector.warning(row, found["lat"], "lintang/bujur tertukar; telah dibalik",
                              "latitude/longitude were swapped; swapped back")
        elif status == "missing":
            collector.error(row, found["lat"], "koordinat kosong", "coordinates are blank")
        elif status == "not_number":
            collector.error(row, found["lat"], f"koordinat bukan angka ('{show(lat)}', "
                            f"'{show(lon)}')", f"coordinates are not numbers ('{show(lat)}', "
                            f"'{show(lon)}')")
        elif status == "outside":
            collector.error(row, found["lat"], "titik di luar Indonesia (lintang -11..6, "
                            "bujur 95..141)", "point lies outside Indonesia (lat -11..6, "
                            "lon 95..141)")
        lons.append(point[0] if point else np.nan)
        lats.append(point[1] if point else np.nan)
    schedule = _schedule_columns(table, found, collector) if kind == "harbour" else {}
    collector.raise_if_errors()
    frame = pd.DataFrame({
        f"{kind}_id": pd.Series(ids, dtype="str"),
        "kabupaten_kode": pd.Series(kab, dtype="str"),
        "name": pd.Series(names, dtype="str"),
        "lon": pd.Series(lons, dtype="float64"),
        "lat": pd.Series(lats, dtype="float64"),
        **{k: pd.Series(v, dtype="object") for k, v in schedule.items()},
    })
    return frame, collector.warnings()


def _schedule_columns(table: Table, found: dict[str, str], collector: ProblemCollector
                      ) -> dict[str, list[str | None]]:
    """Optional ``sailing_days`` and ``departures`` of harbours, checked, kept as written."""
    out: dict[str, list[str | None]] = {}
    checks = {"sailing_days": (parse_days, "hari berlayar tidak dikenal",
                               "unknown sailing day"),
              "departures": (parse_times, "jam berangkat bukan jam (contoh 07:00; 13.30)",
                             "departure is not a time of day (e.g. 07:00; 13.30)")}
    for key, (parse, msg_id, msg_en) in checks.items():
        if key not in found:
            continue
        values = text_column(table, found[key])
        for row, value in zip(table.row_numbers, values, strict=True):
            try:
                parse(value)
            except ValueError as exc:
                collector.error(row, found[key], f"{msg_id}: '{show(str(exc))}'",
                                f"{msg_en}: '{show(str(exc))}'")
        out[key] = values
    return out


def read_offices(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Civil-registration offices: ``office_id``, ``kabupaten_kode``, ``name``, ``lon``, ``lat``."""
    return read_sites(path, kind="office", limits=limits)


def read_harbours(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """Harbours: ``harbour_id``, ``kabupaten_kode``, ``name``, ``lon``, ``lat``, and when
    given ``sailing_days`` and ``departures`` (see :mod:`planner.sailing`)."""
    return read_sites(path, kind="harbour", limits=limits)


def _positive_ints(table: Table, header: str | None, collector: ProblemCollector, *,
                   required: bool) -> list[int | None]:
    out: list[int | None] = []
    if header is None:
        return [None] * len(table.rows)
    for row, value in zip(table.row_numbers, table.column(header), strict=True):
        number, kind = parse_count(value)
        if kind == "blank" and not required:
            out.append(None)
            continue
        if number is None or number < 1:
            collector.error(row, header, f"'{show(value)}' harus bilangan bulat minimal 1",
                            f"'{show(value)}' must be a whole number of at least 1")
        out.append(number)
    return out


def _team_settings(table: Table, found: dict[str, str], collector: ProblemCollector
                   ) -> dict[str, list[object]]:
    rows = table.row_numbers
    n = len(rows)
    out: dict[str, list[object]] = {"workdays": [None] * n, "day_start": [None] * n,
                                    "day_end": [None] * n, "minutes_per_person": [np.nan] * n}
    if "workdays" in found:
        for i, value in enumerate(table.column(found["workdays"])):
            days, ok = parse_workdays(value)
            if not ok:
                collector.error(rows[i], found["workdays"], f"hari kerja '{show(value)}' tidak "
                                "terbaca (contoh: 1-5, Sen-Jum, Senin-Sabtu)", f"workdays "
                                f"'{show(value)}' unreadable (e.g. 1-5, Mon-Fri, Sen-Jum)")
            out["workdays"][i] = days
    for key in ("day_start", "day_end"):
        if key in found:
            for i, value in enumerate(table.column(found[key])):
                time, ok = parse_hhmm(value)
                if not ok:
                    collector.error(rows[i], found[key], f"jam '{show(value)}' harus JJ:MM",
                                    f"time '{show(value)}' must be HH:MM")
                out[key][i] = time
    for i, (start, end) in enumerate(zip(out["day_start"], out["day_end"], strict=True)):
        if isinstance(start, str) and isinstance(end, str) and end <= start:
            collector.error(rows[i], found["day_end"], "jam selesai harus setelah jam mulai",
                            "end of day must be after its start")
    if "minutes_per_person" in found:
        for i, value in enumerate(table.column(found["minutes_per_person"])):
            minutes = parse_float(value)
            if minutes is None and value is None:
                continue
            if minutes is None or minutes <= 0:
                collector.error(rows[i], found["minutes_per_person"],
                                f"'{show(value)}' harus angka lebih dari 0",
                                f"'{show(value)}' must be a number above 0")
            else:
                out["minutes_per_person"][i] = minutes
    return out


def read_teams(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
               ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read mobile recording teams.

    Columns: ``team_id`` (given, or a slug of the name), ``name``, ``kabupaten_kode``,
    ``base`` (office name or id as written, NA = the regency's office), ``base_office_id``
    (NA here; resolved by :func:`planner.dataset.load_dataset`), ``kits`` (int >= 1),
    ``boat_capable`` (bool), ``workdays`` (tuple of ISO weekdays or None), ``day_start`` and
    ``day_end`` ('HH:MM' or None), ``daily_cap`` (nullable Int64), ``minutes_per_person``
    (float, NaN when not given), ``source_row``, and for multi-day trips ``max_trip_days``
    and ``team_size`` (nullable Int64) and ``vehicle_kind`` (lower case or None).
    """
    table, found, collector = _start(path, TEAM_ALIASES, ("name", "kabupaten_kode", "kits"),
                                       limits)
    names = _names(table, found["name"], collector)
    ids = _ids(table, found, "team_id", names, collector, ("id tim", "team id"))
    kab = kode_column(table, found["kabupaten_kode"], collector, level="kabupaten")
    kits = _positive_ints(table, found["kits"], collector, required=True)
    boat = (bool_column(table, found["boat_capable"], collector)
            if "boat_capable" in found else [None] * len(names))
    caps = _positive_ints(table, found.get("daily_cap"), collector, required=False)
    trip_days = _positive_ints(table, found.get("max_trip_days"), collector, required=False)
    sizes = _positive_ints(table, found.get("team_size"), collector, required=False)
    settings = _team_settings(table, found, collector)
    collector.raise_if_errors()
    frame = pd.DataFrame({
        "team_id": pd.Series(ids, dtype="str"),
        "name": pd.Series(names, dtype="str"),
        "kabupaten_kode": pd.Series(kab, dtype="str"),
        "base": pd.Series(text_column(table, found.get("base")), dtype="str"),
        "base_office_id": pd.Series([None] * len(names), dtype="str"),
        "kits": pd.Series(kits, dtype="int64"),
        "boat_capable": pd.Series([bool(b) for b in boat], dtype="bool"),
        "workdays": pd.Series(settings["workdays"], dtype="object"),
        "day_start": pd.Series(settings["day_start"], dtype="object"),
        "day_end": pd.Series(settings["day_end"], dtype="object"),
        "daily_cap": pd.Series(caps, dtype="Int64"),
        "minutes_per_person": pd.Series(settings["minutes_per_person"], dtype="float64"),
        "source_row": pd.Series(table.row_numbers, dtype="int64"),
        "max_trip_days": pd.Series(trip_days, dtype="Int64"),
        "team_size": pd.Series(sizes, dtype="Int64"),
        "vehicle_kind": pd.Series([str(k).strip().lower() if k else None for k in
                                   text_column(table, found.get("vehicle_kind"))],
                                  dtype="object"),
    })
    return frame, collector.warnings()
