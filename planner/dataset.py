"""All of an office's input files read, cross-checked and held together as one value.

:func:`load_dataset` reads every file, collects the problems of *all* of them plus the
cross-file checks (unknown village codes, teams without an office...) and either returns a
complete :class:`Dataset` or raises one :class:`~planner.errors.InputError`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd

from planner.errors import InputError, Problem, Severity
from planner.io.backlog import read_backlog
from planner.io.days_off import empty_days_off, read_days_off
from planner.io.layers import WGS84, read_neighbours
from planner.io.lodging import empty_lodging, read_lodging
from planner.io.overrides import OVERRIDE_FIELDS, read_overrides
from planner.io.sites import read_harbours, read_offices, read_teams
from planner.io.villages import read_villages
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.roads import RoadNetwork, read_roads
from planner.validation import ProblemCollector

T = TypeVar("T")
MANIFEST = "manifest.toml"
MANIFEST_KEYS: tuple[str, ...] = ("villages", "backlog", "offices", "harbours", "teams",
                                  "neighbours", "overrides", "roads", "days_off",
                                  "lodging")
_REQUIRED_KEYS = ("villages", "backlog", "offices")
_SITE_COLUMNS = ("kabupaten_kode", "name", "lon", "lat")
_TEAM_COLUMNS = ("team_id", "name", "kabupaten_kode", "base", "base_office_id", "kits",
                 "boat_capable", "workdays", "day_start", "day_end", "daily_cap",
                 "minutes_per_person", "source_row")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Everything read for one planning run; every frame is normalised (see ``planner.io``).

    ``overrides`` holds the coordinator's flags per village (``kode`` plus nullable
    ``island``/``border``/``coastal``/``remote``/``hilly``), from the backlog's columns and
    the overrides file (the file wins).  ``warnings`` never refused the import.
    ``roads`` is the road network when one was given (travel is then routed on it).
    """

    villages: gpd.GeoDataFrame
    backlog: pd.DataFrame
    offices: pd.DataFrame
    harbours: pd.DataFrame
    teams: pd.DataFrame
    neighbours: gpd.GeoDataFrame
    overrides: pd.DataFrame
    warnings: tuple[Problem, ...]
    sources: dict[str, str]
    roads: RoadNetwork | None = None
    #: The coordinator's days off (see :mod:`planner.io.days_off`); none when not given.
    days_off: pd.DataFrame = field(default_factory=empty_days_off)
    #: Lodging points for multi-day trips (see :mod:`planner.io.lodging`); none when not given.
    lodging: pd.DataFrame = field(default_factory=empty_lodging)

    def village_table(self) -> gpd.GeoDataFrame:
        """Villages left-joined with backlog counts and overrides on ``kode``.

        Counts stay NA for villages without a backlog row (a data problem to show, not a
        zero).  Overrides appear as ``island_override`` ... ``hilly_override`` so they are
        never confused with computed flags (``hilly`` is the boundary file's own value).
        """
        counts = self.backlog[["kode", "wajib_ktp", "sudah_rekam", "belum_rekam"]].astype(
            {"belum_rekam": "Int64"})
        flags = self.overrides.rename(columns={f: f"{f}_override" for f in OVERRIDE_FIELDS})
        table = self.villages.merge(counts, on="kode", how="left")
        table = table.merge(flags, on="kode", how="left")
        return gpd.GeoDataFrame(table, geometry="geometry", crs=WGS84)


def _attempt(read: Callable[[str], tuple[T, list[Problem]]], path: str,
             problems: ProblemCollector) -> T | None:
    try:
        value, warnings = read(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(warnings)
    return value


def _merge_overrides(backlog: pd.DataFrame | None, extra: pd.DataFrame | None,
                     source: str, problems: ProblemCollector) -> pd.DataFrame:
    columns = ["kode", *OVERRIDE_FIELDS]
    base = (backlog[columns] if backlog is not None
            else pd.DataFrame({c: pd.Series(dtype="str" if c == "kode" else "boolean")
                               for c in columns}))
    base = base.set_index("kode")
    if extra is not None:
        extra = extra.set_index("kode")
        both = extra.index.intersection(base.index)
        for field in OVERRIDE_FIELDS:
            a, b = base.loc[both, field], extra.loc[both, field]
            clash = (a.notna() & b.notna() & (a != b)).fillna(False)
            for kode in clash[clash].index:
                row = int(extra.loc[kode, "source_row"])
                problems.add(Problem(source, row, field, f"{kode}: nilai ini menggantikan "
                                        "nilai di berkas backlog", f"{kode}: this value "
                                        "replaces the one in the backlog file", "warning"))
        base = extra[list(OVERRIDE_FIELDS)].combine_first(base)
    base = base[base.notna().any(axis=1)]
    return base.reset_index().rename(columns={"index": "kode"})[columns]


def _check_codes(villages: gpd.GeoDataFrame, backlog: pd.DataFrame | None,
                 extra: pd.DataFrame | None, sources: dict[str, str],
                 problems: ProblemCollector) -> None:
    known = set(villages["kode"])
    for key, frame in (("backlog", backlog), ("overrides", extra)):
        if frame is None:
            continue
        unknown = frame[~frame["kode"].isin(known)]
        for kode, row in zip(unknown["kode"], unknown["source_row"], strict=True):
            problems.add(Problem(sources[key], int(row), "kode",
                                    f"kode desa '{kode}' tidak ada di peta desa",
                                    f"village code '{kode}' is not in the village map"))
    if backlog is not None:
        missing = sorted(known - set(backlog["kode"]))
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            problems.add(Problem(sources["villages"], None, "kode",
                                    f"{len(missing)} desa tanpa baris backlog: {shown}",
                                    f"{len(missing)} villages have no backlog row: {shown}",
                                    "warning"))


def _resolve_teams(villages: gpd.GeoDataFrame | None, offices: pd.DataFrame | None,
                   teams: pd.DataFrame, sources: dict[str, str],
                   problems: ProblemCollector) -> pd.DataFrame:
    regencies = set(villages["kabupaten_kode"]) if villages is not None else None
    by_key: dict[str, str] = {}
    by_regency: dict[str, list[str]] = {}
    if offices is not None:
        for oid, name, kab in zip(offices["office_id"], offices["name"],
                                  offices["kabupaten_kode"], strict=True):
            by_key.setdefault(oid.casefold(), oid)
            by_key.setdefault(" ".join(name.split()).casefold(), oid)
            by_regency.setdefault(kab, []).append(oid)
    resolved: list[str | None] = []
    source = sources["teams"]
    for row, kab, base in zip(teams["source_row"], teams["kabupaten_kode"], teams["base"],
                              strict=True):
        found: str | None = None
        if regencies is not None and kab not in regencies:
            problems.add(Problem(source, int(row), "kabupaten_kode",
                                    f"kabupaten {kab} tidak ada di peta desa",
                                    f"regency {kab} is not in the village map"))
        if offices is None:
            pass
        elif not pd.isna(base):
            found = by_key.get(" ".join(str(base).split()).casefold())
            if found is None:
                problems.add(Problem(source, int(row), "base",
                                        f"kantor '{base}' tidak ada di berkas kantor",
                                        f"office '{base}' is not in the offices file"))
        elif len(by_regency.get(kab, [])) == 1:
            found = by_regency[kab][0]
        elif len(by_regency.get(kab, [])) > 1:
            problems.add(Problem(source, int(row), "base",
                                    f"kabupaten {kab} punya beberapa kantor; isi kolom base",
                                    f"regency {kab} has several offices; fill in the base column"))
        resolved.append(found)
    return teams.assign(base_office_id=pd.Series(resolved, dtype="str", index=teams.index))


def _check_offices(villages: gpd.GeoDataFrame, offices: pd.DataFrame,
                   teams: pd.DataFrame | None, sources: dict[str, str],
                   problems: ProblemCollector) -> None:
    staffed = set(teams["kabupaten_kode"]) if teams is not None else set()
    with_office = set(offices["kabupaten_kode"])
    for kab in sorted(set(villages["kabupaten_kode"]) - with_office):
        severity: Severity = "error" if kab in staffed else "warning"
        problems.add(Problem(sources["offices"], None, "kabupaten_kode",
                                f"kabupaten {kab} punya desa tetapi tidak punya kantor",
                                f"regency {kab} has villages but no office", severity))


def _check_days_off(days_off: pd.DataFrame, offices: pd.DataFrame | None,
                    teams: pd.DataFrame | None, source: str,
                    problems: ProblemCollector) -> None:
    """A day off for an office or team that does not exist would silently plan that day."""
    known_offices = set(offices["office_id"]) if offices is not None else set()
    known_teams = set(teams["team_id"]) if teams is not None else set()
    for row, office, team in zip(days_off["source_row"], days_off["office_id"],
                                 days_off["team_id"], strict=True):
        if office is not None and office not in known_offices:
            problems.add(Problem(source, int(row), "office_id",
                                    f"kantor '{office}' tidak ada di berkas kantor",
                                    f"office '{office}' is not in the offices file"))
        if team is not None and team not in known_teams:
            problems.add(Problem(source, int(row), "team_id",
                                    f"tim '{team}' tidak ada di berkas tim",
                                    f"team '{team}' is not in the teams file"))


def _empty_sites(kind: str) -> pd.DataFrame:
    return pd.DataFrame({f"{kind}_id": pd.Series(dtype="str"),
                         **{c: pd.Series(dtype="float64" if c in ("lon", "lat") else "str")
                            for c in _SITE_COLUMNS}})


def load_dataset(*, villages: str, backlog: str, offices: str, harbours: str | None = None,
                 teams: str | None = None, neighbours: str | None = None,
                 overrides: str | None = None, roads: str | None = None,
                 days_off: str | None = None, lodging: str | None = None,
                 limits: ReadLimits = DEFAULT_LIMITS) -> Dataset:
    """Read and cross-check every file; return a :class:`Dataset` or raise one InputError.

    The error lists every problem of every file (warnings included), the same problem on
    many rows once, at most ``limits.max_problems`` kinds; nothing is returned half-read.
    Each file is refused unread past ``limits`` (rows, columns, cells).  Paths to polygon
    and line layers may be ``PATH:LAYER``; ``roads`` is an OpenStreetMap extract
    (``.osm.pbf``) or a road line layer (see :mod:`planner.roads`).
    """
    given = {"villages": villages, "backlog": backlog, "offices": offices,
             "harbours": harbours, "teams": teams, "neighbours": neighbours,
             "overrides": overrides, "roads": roads, "days_off": days_off,
             "lodging": lodging}
    sources = {k: v for k, v in given.items() if v is not None}
    problems = ProblemCollector("", limits)
    v = _attempt(partial(read_villages, limits=limits), villages, problems)
    b = _attempt(partial(read_backlog, limits=limits), backlog, problems)
    o = _attempt(partial(read_offices, limits=limits), offices, problems)
    h = (_attempt(partial(read_harbours, limits=limits), harbours, problems) if harbours
         else _empty_sites("harbour"))
    t = _attempt(partial(read_teams, limits=limits), teams, problems) if teams else None
    n = (_attempt(partial(read_neighbours, limits=limits), neighbours, problems) if neighbours
         else None)
    x = (_attempt(partial(read_overrides, limits=limits), overrides, problems) if overrides
         else None)
    r = _attempt(read_roads, roads, problems) if roads else None
    d = _attempt(read_days_off, days_off, problems) if days_off else None
    lo = (_attempt(partial(read_lodging, limits=limits), lodging, problems) if lodging
          else None)
    if v is not None:
        _check_codes(v, b, x, sources, problems)
        if o is not None:
            _check_offices(v, o, t, sources, problems)
    if t is not None:
        t = _resolve_teams(v, o, t, sources, problems)
    if d is not None:
        _check_days_off(d, o, t, sources["days_off"], problems)
    merged = _merge_overrides(b, x, overrides or "", problems)
    problems.raise_if_errors()
    assert v is not None
    assert b is not None
    assert o is not None
    assert h is not None
    if x is not None:  # the backlog shows the overrides that apply, whichever file had them
        flags = merged.set_index("kode")
        for field in OVERRIDE_FIELDS:
            b = b.assign(**{field: b["kode"].map(flags[field]).astype("boolean")})
    return Dataset(
        villages=v, backlog=b, offices=o, harbours=h,
        teams=t if t is not None else pd.DataFrame({c: pd.Series(dtype="object")
                                                    for c in _TEAM_COLUMNS}),
        neighbours=n if n is not None else gpd.GeoDataFrame(
            {"kode": pd.Series(dtype="str"), "name": pd.Series(dtype="str")},
            geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84),
        overrides=merged,
        days_off=d if d is not None else empty_days_off(),
        lodging=lo if lo is not None else empty_lodging(),
        warnings=tuple(problems.warnings()),
        sources=sources, roads=r,
    )


def _resolve(folder: Path, spec: str) -> str:
    if Path(spec).is_absolute():
        return spec
    if (folder / spec).exists() or ":" not in spec:
        return str(folder / spec)
    path, layer = spec.rsplit(":", 1)
    return f"{folder / path}:{layer}" if (folder / path).is_file() else str(folder / spec)


def load_manifest(folder: str | Path) -> dict[str, str]:
    """Read ``manifest.toml`` in ``folder``: file roles -> paths resolved against the folder."""
    path = Path(folder) / MANIFEST
    source = str(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise InputError([Problem(source, None, None, "berkas manifest tidak ditemukan",
                                  "manifest file not found")]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise InputError([Problem(source, None, None, f"manifest tidak valid: {exc}",
                                  f"invalid manifest: {exc}")]) from exc
    problems = [Problem(source, None, key, "kunci tidak dikenal; pilih dari "
                        f"{', '.join(MANIFEST_KEYS)}", "unknown key; choose from "
                        f"{', '.join(MANIFEST_KEYS)}") for key in data if key not in MANIFEST_KEYS]
    problems += [Problem(source, None, key, "harus berupa teks (path berkas)",
                         "must be text (a file path)")
                 for key, value in data.items() if key in MANIFEST_KEYS
                 and not isinstance(value, str)]
    problems += [Problem(source, None, key, "kunci wajib tidak ada", "required key missing")
                 for key in _REQUIRED_KEYS if key not in data]
    if problems:
        raise InputError(problems)
    return {key: _resolve(Path(folder), value) for key, value in data.items()}


def load_dataset_from_folder(folder: str | Path, *,
                             limits: ReadLimits = DEFAULT_LIMITS) -> Dataset:
    """:func:`load_dataset` on the files named by the folder's ``manifest.toml``."""
    m = load_manifest(folder)
    return load_dataset(villages=m["villages"], backlog=m["backlog"], offices=m["offices"],
                        harbours=m.get("harbours"), teams=m.get("teams"),
                        neighbours=m.get("neighbours"), overrides=m.get("overrides"),
                        roads=m.get("roads"), days_off=m.get("days_off"),
                        lodging=m.get("lodging"), limits=limits)
