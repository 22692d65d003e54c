"""Bring a regency's files in: read and check them with the planner, then store them in
one transaction.  A refused or crashed upload changes no village, count, office or team;
only its record (status ``failed`` with its problems) is kept so the clerk can see why.

Each file is refused unread past the ``UPLOAD_MAX_*`` limits of the configuration, and an
upload keeps at most ``UPLOAD_MAX_PROBLEMS`` problems (one per kind, the rest counted).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import IO, Any

import pandas as pd
import shapely
from flask import current_app
from sqlalchemy import select
from werkzeug.utils import secure_filename

from planner.classify_cache import ClassificationCache
from planner.dataset import Dataset, load_dataset
from planner.errors import InputError, Problem
from planner.limits import ReadLimits, number_en, number_id
from planner.params import PlanningParams
from planner.workflow import classify_dataset
from web.extensions import db
from web.models import (
    BacklogCount,
    DataImport,
    DayOff,
    Harbour,
    ImportStatus,
    Office,
    Regency,
    Team,
    User,
    Village,
)
from web.models.base import utcnow
from web.services.regions import ensure_regency
from web.services.text_limits import too_long as text_too_long

log = logging.getLogger(__name__)
#: Retired villages named in the import's warning (the rest are counted).
_RETIRED_LISTED = 20


@dataclass(frozen=True)
class FileKind:
    """One file the upload form asks for."""

    role: str
    required: bool
    extensions: tuple[str, ...]


#: The files of a regency, in the order of the upload form.
FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("villages", True, (".gpkg", ".geojson", ".json", ".zip")),
    FileKind("backlog", True, (".xlsx", ".csv")),
    FileKind("offices", True, (".csv", ".xlsx")),
    FileKind("harbours", False, (".csv", ".xlsx")),
    FileKind("teams", False, (".csv", ".xlsx")),
    FileKind("neighbours", False, (".gpkg", ".geojson", ".json", ".zip")),
    FileKind("overrides", False, (".csv", ".xlsx")),
    FileKind("roads", False, (".pbf", ".gpkg", ".geojson", ".json", ".zip")),
    FileKind("days_off", False, (".csv", ".xlsx")),
)


@dataclass(frozen=True)
class UploadedFile:
    """A file as the browser sent it."""

    filename: str
    stream: IO[bytes]


class ImportRefusedError(Exception):
    """Raised inside the transaction to undo everything; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def import_upload(regency: Regency, user: User | None, files: Mapping[str, UploadedFile], *,
                  code_list: str = "") -> DataImport:
    """Save the files to a temporary folder, read them with the planner and store them."""
    listing = [{"role": role, "filename": f.filename} for role, f in files.items()]
    with tempfile.TemporaryDirectory(prefix="jemput-bola-upload-") as folder:
        paths: dict[str, str] = {}
        for role, upload in files.items():
            name = secure_filename(upload.filename) or f"{role}.bin"
            os.makedirs(os.path.join(folder, role))
            path = os.path.join(folder, role, name)
            with open(path, "wb") as out:
                size = _copy(upload.stream, out)
            paths[role] = path
            next(item for item in listing if item["role"] == role)["size"] = size
        missing = [k.role for k in FILE_KINDS if k.required and k.role not in paths]
        if missing:
            return _record_failure(regency, user, listing, code_list, [
                Problem(role, None, None, "berkas wajib belum dipilih",
                        "required file not chosen") for role in missing])
        try:
            dataset = load_dataset(**paths, limits=upload_limits())
        except InputError as exc:
            return _record_failure(regency, user, listing, code_list,
                                   _readable(exc.problems, folder))
        return store_dataset(regency, user, dataset, files=listing, code_list=code_list,
                             folder=folder)


def store_dataset(regency: Regency, user: User | None, dataset: Dataset, *,
                  files: list[dict[str, Any]], code_list: str = "",
                  folder: str | None = None) -> DataImport:
    """Classify the villages and store everything of ``regency`` in one transaction."""
    warnings = _readable(list(dataset.warnings), folder)
    try:
        if not (dataset.villages["kabupaten_kode"].astype(str) == regency.code).any():
            raise ImportRefusedError([Problem(
                files[0]["filename"] if files else "villages", None, "kabupaten_kode",
                f"berkas desa tidak berisi desa kabupaten/kota {regency.code}",
                f"the village file has no village of regency {regency.code}")])
        # Only this regency's villages are stored: measure only the land their flags need
        # (a province's file costs what the regency costs), or read a kept classification.
        classified = classify_dataset(dataset, PlanningParams(), regencies=[regency.code],
                                      cache=classification_cache())
        mine = classified[classified["kabupaten_kode"] == regency.code]
        too_long = text_too_long({"villages": mine, "offices": dataset.offices,
                                  "harbours": dataset.harbours, "teams": dataset.teams},
                                 regency.code)
        if too_long:  # PostgreSQL would refuse them at the commit (SQLite stores them)
            raise ImportRefusedError(too_long)
        record = DataImport(regency_code=regency.code, uploaded_by_id=user.id if user else None,
                            status=ImportStatus.DONE, files=files,
                            problems=_stored(warnings), code_list=code_list,
                            village_count=len(mine))
        db.session.add(record)
        if "kabupaten" in mine.columns and isinstance(mine["kabupaten"].iloc[0], str):
            ensure_regency(regency.code, mine["kabupaten"].iloc[0])
        db.session.flush()
        offices = _store_sites(Office, "office_id", regency.code, dataset.offices)
        _store_sites(Harbour, "harbour_id", regency.code, dataset.harbours)
        villages = _store_villages(record, regency.code, mine)
        _store_backlog(record, villages, mine)
        _store_teams(regency.code, dataset.teams, offices)
        if dataset.roads is not None:  # plans of this regency are routed on it from now on
            from web.services.roads import keep_road_file

            keep_road_file(regency.code, dataset.sources["roads"])
        _store_days_off(regency.code, dataset.days_off, offices)
        db.session.commit()
    except InputError as exc:
        db.session.rollback()
        return _record_failure(regency, user, files, code_list,
                               _readable(list(exc.problems), folder))
    except ImportRefusedError as exc:
        db.session.rollback()
        return _record_failure(regency, user, files, code_list, exc.problems)
    except Exception:
        db.session.rollback()
        log.exception("import of regency %s crashed", regency.code)
        return _record_failure(regency, user, files, code_list, [Problem(
            "", None, None, "terjadi kesalahan di server; tidak ada data yang diubah",
            "the server failed; no data was changed")])
    return record


def classification_cache() -> ClassificationCache | None:
    """The app's classification cache (``CLASSIFY_CACHE_FOLDER``; empty = none)."""
    folder = current_app.config.get("CLASSIFY_CACHE_FOLDER")
    return ClassificationCache(folder) if folder else None


def upload_limits() -> ReadLimits:
    """The read limits of this app's configuration (``UPLOAD_MAX_*``)."""
    config = current_app.config
    return ReadLimits(max_rows=int(config["UPLOAD_MAX_ROWS"]),
                      max_columns=int(config["UPLOAD_MAX_COLUMNS"]),
                      max_cells=int(config["UPLOAD_MAX_CELLS"]),
                      max_problems=int(config["UPLOAD_MAX_PROBLEMS"]))


def _stored(problems: list[Problem]) -> list[dict[str, Any]]:
    """At most ``UPLOAD_MAX_PROBLEMS`` problems, errors first, plus one closing count.

    The planner already groups and caps what it reports; this bounds what the record
    keeps whatever its source (several files, the store's own checks).
    """
    cap = int(current_app.config["UPLOAD_MAX_PROBLEMS"])
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    if len(ordered) <= cap + 1:  # the planner's own list: ``cap`` kinds and its count
        return [p.to_dict() for p in ordered]
    kept = [p.to_dict() for p in ordered[:cap]]
    rest = ordered[cap:]
    if rest:
        kept.append(Problem(
            "", None, None,
            f"… dan {number_id(len(rest))} masalah lain tidak disimpan (batas "
            f"{number_id(cap)} per unggahan)",
            f"… and {number_en(len(rest))} more problem(s) not kept (limit {number_en(cap)} "
            "per upload)", "error" if any(p.severity == "error" for p in rest)
            else "warning").to_dict())
    return kept


def _copy(source: IO[bytes], target: IO[bytes]) -> int:
    size = 0
    while chunk := source.read(1024 * 1024):
        target.write(chunk)
        size += len(chunk)
    return size


def _readable(problems: list[Problem] | tuple[Problem, ...], folder: str | None) -> list[Problem]:
    """Show the file name the clerk chose, not our temporary path."""
    if folder is None:
        return list(problems)
    out = []
    for p in problems:
        name = p.file
        if name.startswith(folder):
            name = Path(name.split(":", 1)[0] if name.count(":") else name).name
        out.append(Problem(name, p.row, p.column, p.message_id, p.message_en, p.severity))
    return out


def _record_failure(regency: Regency, user: User | None, files: list[dict[str, Any]],
                    code_list: str, problems: list[Problem]) -> DataImport:
    record = DataImport(regency_code=regency.code, uploaded_by_id=user.id if user else None,
                        status=ImportStatus.FAILED, files=files, code_list=code_list,
                        problems=_stored(problems), village_count=0)
    db.session.add(record)
    db.session.commit()
    return record


def _value(value: Any) -> Any:
    """numpy/pandas scalars → plain Python; NA → None."""
    if value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _store_sites(model: type[Office] | type[Harbour], id_column: str, regency_code: str,
                 frame: pd.DataFrame) -> dict[str, int]:
    """Upsert the regency's offices (or harbours) by code; drop those no longer listed."""
    rows = frame[frame["kabupaten_kode"] == regency_code]
    existing = {s.code: s for s in db.session.scalars(
        select(model).where(model.regency_code == regency_code))}
    seen: dict[str, int] = {}
    for code, name, lon, lat in zip(rows[id_column], rows["name"], rows["lon"], rows["lat"],
                                    strict=True):
        site = existing.get(code) or model(regency_code=regency_code, code=code)
        site.name, site.lon, site.lat = str(name), float(lon), float(lat)
        if model is Harbour:
            row = rows[rows[id_column] == code].iloc[0]
            for column in ("sailing_days", "departures"):
                value = _value(row.get(column)) if column in rows.columns else None
                setattr(site, column, str(value) if value is not None else None)
        db.session.add(site)
        db.session.flush()
        seen[str(code)] = site.id
    gone = [site for code, site in existing.items() if code not in seen]
    if model is Office:
        _refuse_dropping_used_offices(regency_code, gone)
    for site in gone:
        db.session.delete(site)
    return seen


def _refuse_dropping_used_offices(regency_code: str, gone: list[Any]) -> None:
    """An office a team is based at cannot vanish through an upload: teams would drop out."""
    problems = []
    for office in gone:
        teams = db.session.scalars(select(Team.name).where(
            Team.regency_code == regency_code, Team.base_office_id == office.id)).all()
        if teams:
            problems.append(Problem(
                "offices", None, "name",
                f"kantor '{office.name}' tidak ada di berkas baru, padahal menjadi kantor "
                f"tim {', '.join(teams)}; pindahkan tim ke kantor lain dulu atau sertakan "
                "kantor ini",
                f"office '{office.name}' is missing from the new file but is the base of "
                f"team(s) {', '.join(teams)}; move the teams first or keep the office"))
    if problems:
        raise ImportRefusedError(problems)


def _store_villages(record: DataImport, regency_code: str, frame: pd.DataFrame
                    ) -> dict[str, Village]:
    """Upsert villages by code; computed flags are replaced, the coordinator's overrides
    are kept, and a flag given in the files fills an override the coordinator never set."""
    existing = {v.kode: v for v in db.session.scalars(
        select(Village).where(Village.regency_code == regency_code))}
    out: dict[str, Village] = {}
    for row in frame.itertuples(index=False):
        data = row._asdict()
        village = existing.get(data["kode"]) or Village(kode=data["kode"],
                                                        regency_code=regency_code)
        village.name = str(data["desa"])
        village.kind = str(_value(data.get("jenis")) or "desa")
        village.district_code = str(_value(data.get("kecamatan_kode")) or "")
        village.district_name = str(_value(data.get("kecamatan")) or "")
        village.geometry_geojson = shapely.to_geojson(data["geometry"])
        village.stop_lon = float(data["stop_lon"])
        village.stop_lat = float(data["stop_lat"])
        village.border_kind = _value(data.get("border_kind"))
        village.office_travel_s = _int(data.get("office_travel_s"))
        village.office_distance_m = _int(data.get("office_distance_m"))
        village.landmass = _int(data.get("landmass"))
        for flag in ("island", "border", "coastal", "remote"):
            setattr(village, f"{flag}_computed", bool(data[f"{flag}_computed"]))
            # classify_dataset applied the file's override: keep it apart from computed
            if (getattr(village, f"{flag}_override") is None
                    and flag in tuple(data.get("overridden") or ())):
                setattr(village, f"{flag}_override", bool(data[flag]))
        village.hilly_computed = bool(_value(data.get("hilly")) or False)
        db.session.add(village)
        out[village.kode] = village
    # A village missing from the new file is retired, never deleted: its counts, field
    # reports and contact stay, and a later file that lists it again brings it back.
    now = utcnow()
    retired = []
    for kode, village in existing.items():
        if kode in out:
            village.retired_at = None
        elif village.retired_at is None:
            village.retired_at = now
            retired.append(village)
    if retired:
        names = ", ".join(f"{v.kode} ({v.name})" for v in retired[:_RETIRED_LISTED])
        more = len(retired) - _RETIRED_LISTED
        tail_id = f" dan {more} lainnya" if more > 0 else ""
        tail_en = f" and {more} more" if more > 0 else ""
        record.problems = [*record.problems, Problem(
            "villages", None, "kode",
            f"{len(retired)} desa tidak ada di berkas baru dan dinonaktifkan (data dan "
            f"laporannya tetap disimpan; aktif lagi bila muncul di berkas berikutnya): "
            f"{names}{tail_id}",
            f"{len(retired)} village(s) missing from the new file were retired (their data "
            f"and reports are kept; they come back when a later file lists them): "
            f"{names}{tail_en}", "warning").to_dict()]
    db.session.flush()
    return out


def _store_backlog(record: DataImport, villages: dict[str, Village], frame: pd.DataFrame) -> None:
    """One count row per village for this import (history kept; the newest is current)."""
    for kode, wajib, sudah, belum in zip(frame["kode"], frame["wajib_ktp"],
                                         frame["sudah_rekam"], frame["belum_rekam"],
                                         strict=True):
        db.session.add(BacklogCount(
            village_id=villages[kode].id, import_id=record.id, source="import",
            wajib_ktp=_int(wajib), sudah_rekam=_int(sudah), belum_rekam=_int(belum)))
    db.session.flush()


def _int(value: Any) -> int | None:
    value = _value(value)
    return None if value is None else int(value)


def _time(value: Any) -> time | None:
    value = _value(value)
    if value is None:
        return None
    hours, minutes = str(value).split(":")[:2]
    return time(int(hours), int(minutes))


def _store_teams(regency_code: str, frame: pd.DataFrame, offices: dict[str, int]) -> None:
    """Upsert the teams of the file by code; teams made in the app are left alone."""
    if frame.empty:
        return
    rows = frame[frame["kabupaten_kode"] == regency_code]
    existing = {t.code: t for t in db.session.scalars(
        select(Team).where(Team.regency_code == regency_code))}
    for row in rows.itertuples(index=False):
        data = row._asdict()
        team = existing.get(data["team_id"]) or Team(regency_code=regency_code,
                                                      code=data["team_id"])
        team.name = str(data["name"])
        team.base_office_id = offices.get(str(_value(data["base_office_id"]) or ""))
        team.kits = int(data["kits"])
        team.boat_capable = bool(data["boat_capable"])
        days = _value(data["workdays"])
        team.workdays = ",".join(str(d) for d in days) if days else None
        team.day_start, team.day_end = _time(data["day_start"]), _time(data["day_end"])
        team.daily_cap = _int(data["daily_cap"])
        team.active = True
        db.session.add(team)
    db.session.flush()



def _store_days_off(regency_code: str, frame: pd.DataFrame, offices: dict[str, int]) -> None:
    """Add the file's days off of this regency (one already stored is not added twice)."""
    teams = {t.code: t.id for t in db.session.scalars(
        select(Team).where(Team.regency_code == regency_code))}
    stored = {(d.day, d.office_id, d.team_id) for d in db.session.scalars(
        select(DayOff).where(DayOff.regency_code == regency_code))}
    for row in frame.to_dict("records"):
        office, team = _value(row["office_id"]), _value(row["team_id"])
        if (office is not None and office not in offices) or (
                team is not None and team not in teams):
            continue  # another regency's office or team
        key = (row["date"], offices.get(office) if office else None,
               teams.get(team) if team else None)
        if key not in stored:
            stored.add(key)
            db.session.add(DayOff(regency_code=regency_code, day=key[0], office_id=key[1],
                                  team_id=key[2], reason=str(row["reason"])[:200]))
    db.session.flush()


def latest_imports(regency_code: str, *, limit: int = 20) -> list[DataImport]:
    """The regency's uploads, newest first."""
    from web.scoping import scoped

    return list(db.session.scalars(scoped(
        select(DataImport).where(DataImport.regency_code == regency_code)
        .order_by(DataImport.id.desc()).limit(limit), DataImport)))
