"""Field reports of a team's stops: idempotent submission, corrections, and the backlog.

A report is accepted once per idempotency key (made on the phone).  Sending it again with
the same body returns the stored report and changes nothing (a retry after a lost answer);
the same key with another body is refused.  Another report of the same stop (team, visit,
date) is a correction: the one made last (``reported_at``, not the order of arrival) is in
force and the others stop counting; a coordinator's correction stays in force until a later
correction by a coordinator (:func:`settle_stop`).

The village's backlog is a new :class:`BacklogCount` row with source ``laporan``: the newest
uploaded (SIAK) count minus the people recorded in the active reports made after it.  The
planner reads the newest row, so next week's plan starts from it.  A covering stop's report
lowers the backlog of every village it served by that village's share
(:mod:`web.services.covering_reports`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.parts import number_parts_dict
from planner.scoring import turnout_for
from web.extensions import db
from web.models import (
    BacklogCount,
    FieldReport,
    PlanStatus,
    PlanVersion,
    Role,
    Team,
    User,
    Village,
)
from web.services.covering_reports import COVER_LIKE, covered_recorded, report_split
from web.services.turnout import service_params, village_type

#: Source of the backlog rows written from field reports.
REPORT_SOURCE = "laporan"
#: 16 or more digits in a row (spaces, dots or dashes between them allowed): a NIK, refused.
NIK_LIKE = re.compile(r"(?:\d[\s.\-]?){15}\d")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{8,80}$")
MAX_RECORDED = 5000


class ReportError(Exception):
    """A report refused: ``status`` 400 (malformed), 409 (key reused with another body) or
    422 (breaks a rule); ``message`` in plain Indonesian."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ReportBody:
    """The normalised body of a report (what the idempotency key is bound to)."""

    idempotency_key: str
    visit_id: str
    stop_date: date
    recorded: int | None
    unreachable: bool
    reason: str
    notes: str
    reported_at: datetime | None

    def digest(self) -> str:
        """SHA-256 of the canonical body without the key."""
        data = {"visit_id": self.visit_id, "date": self.stop_date.isoformat(),
                "recorded": self.recorded, "unreachable": self.unreachable,
                "reason": self.reason, "notes": self.notes}
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: Any, *, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReportError(400, f"{name} harus berupa teks")
    text = value.strip()
    if len(text) > limit:
        raise ReportError(422, f"{name} paling panjang {limit} huruf")
    if NIK_LIKE.search(text):
        raise ReportError(422, f"{name} berisi angka 16 digit (seperti NIK). Jangan menulis "
                          "NIK atau nama warga; laporkan jumlahnya saja.")
    return text


def parse_report(data: Any) -> ReportBody:
    """Check and normalise a report body (raises :class:`ReportError`)."""
    if not isinstance(data, dict):
        raise ReportError(400, "isi laporan harus berupa objek JSON")
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ReportError(400, "idempotency_key wajib: 8–80 huruf, angka, - atau _")
    visit_id = data.get("visit_id")
    if not isinstance(visit_id, str) or not visit_id.strip():
        raise ReportError(400, "visit_id wajib diisi")
    try:
        stop_date = date.fromisoformat(str(data.get("date")))
    except ValueError as exc:
        raise ReportError(400, "date harus berupa tanggal YYYY-MM-DD") from exc
    unreachable = data.get("unreachable", False)
    if not isinstance(unreachable, bool):
        raise ReportError(400, "unreachable harus true atau false")
    reason = _text(data.get("reason"), name="alasan", limit=300)
    notes = _text(data.get("notes"), name="catatan", limit=1000)
    recorded = data.get("recorded")
    if unreachable:
        if not reason:
            raise ReportError(422, "tuliskan alasan desa tidak dapat dijangkau")
        if recorded not in (None, 0):
            raise ReportError(422, "desa yang tidak terjangkau tidak punya jumlah perekaman")
        recorded = None
    else:
        if isinstance(recorded, bool) or not isinstance(recorded, int):
            raise ReportError(422, "jumlah orang yang direkam wajib diisi (angka bulat)")
        if not 0 <= recorded <= MAX_RECORDED:
            raise ReportError(422, f"jumlah orang yang direkam harus 0–{MAX_RECORDED}")
    reported_at = None
    if data.get("reported_at"):
        try:
            reported_at = datetime.fromisoformat(str(data["reported_at"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ReportError(400, "reported_at harus berupa waktu ISO 8601") from exc
        if reported_at.tzinfo is None:
            raise ReportError(400, "reported_at harus menyebut zona waktu")
    return ReportBody(key, visit_id.strip(), stop_date, recorded, unreachable, reason, notes,
                      reported_at)


def week_monday(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class PlannedStop:
    """A stop of the team in a plan that was published for its week."""

    version: PlanVersion
    stop: dict[str, Any]


def find_planned_stop(team: Team, visit_id: str, stop_date: date) -> PlannedStop | None:
    """The stop in the week's published version (or one published earlier that week)."""
    versions = db.session.scalars(select(PlanVersion).where(
        PlanVersion.regency_code == team.regency_code,
        PlanVersion.week_start == week_monday(stop_date),
        PlanVersion.status.in_((PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)))
        .order_by(PlanVersion.status == PlanStatus.SUPERSEDED, PlanVersion.version.desc()))
    for version in versions:
        for route in version.plan.get("routes", []):
            if route.get("team_id") != team.code or route.get("date") != stop_date.isoformat():
                continue
            for stop in route.get("stops", []):
                if stop.get("visit_id") == visit_id:
                    return PlannedStop(version, stop)
    return None


def submit_report(team: Team, user: User | None, data: Any) -> tuple[FieldReport, bool]:
    """Store a report once; ``(report, created)``.  A replay returns ``created=False``.

    Raises :class:`ReportError` for a malformed body (400), a key reused with another body
    (409) or a stop that is not in the team's published plan (422).
    """
    body = parse_report(data)
    existing = _by_key(body.idempotency_key)
    if existing is not None:
        return _replay(existing, team, body), False
    planned = find_planned_stop(team, body.visit_id, body.stop_date)
    if planned is None or not planned.stop.get("village_code"):
        raise ReportError(422, "kunjungan ini tidak ada dalam rencana tim yang terbit untuk "
                          "tanggal itu")
    # the village row is locked until the commit (PostgreSQL; SQLite writes one at a time
    # anyway): two reports of one village at once must not both compute the backlog from
    # the reports committed before either of them
    village = db.session.scalar(select(Village).where(
        Village.kode == planned.stop["village_code"],
        Village.regency_code == team.regency_code).with_for_update())
    if village is None:
        raise ReportError(422, "desa kunjungan ini tidak ada di kabupaten/kota tim")
    kind = village_type(village)
    _, rate = turnout_for(village.flags(), village.kind,
                          service_params(team.regency_code))
    report = FieldReport(
        idempotency_key=body.idempotency_key, body_hash=body.digest(),
        regency_code=team.regency_code, team_id=team.id, village_id=village.id,
        plan_version_id=planned.version.id, visit_id=body.visit_id, stop_date=body.stop_date,
        week_start=week_monday(body.stop_date), recorded=body.recorded,
        expected=int(planned.stop.get("expected_recordings") or 0), turnout_used=rate,
        turnout_type=kind, unreachable=body.unreachable, reason=body.reason,
        notes=body.notes, created_by_id=user.id if user else None,
        reported_at=body.reported_at)
    try:
        db.session.add(report)
        db.session.flush()
        settle_stop(report)
        db.session.flush()
        refresh_backlog(village.id)
        for code in list(report_split(report))[1:]:  # the neighbours a covering stop served
            neighbour = db.session.scalar(select(Village).where(
                Village.kode == code, Village.regency_code == team.regency_code))
            if neighbour is not None:
                refresh_backlog(neighbour.id)
        db.session.commit()
    except IntegrityError:
        # the same key stored by a concurrent retry a moment ago: answer as a replay
        db.session.rollback()
        existing = _by_key(body.idempotency_key)
        if existing is None:
            raise
        return _replay(existing, team, body), False
    except BaseException:
        db.session.rollback()
        raise
    return report, True


def made_at(report: FieldReport) -> datetime:
    """When the report was made: the phone's ``reported_at``, but never later than its
    arrival (a phone whose clock runs ahead must not win every later correction)."""
    if report.reported_at is None:
        return report.created_at
    return min(report.reported_at, report.created_at)


def settle_stop(report: FieldReport) -> FieldReport:
    """Decide which report of ``report``'s stop is in force, after ``report`` was added.

    Not the last to arrive but the last made: a phone that was offline may deliver a report
    made before the one in force, and it must not undo it.  A correction by the regency's
    coordinator outranks the team lead's reports whenever they were made; only a later
    correction by a coordinator replaces it.  The losers point to the report in force.
    """
    active = list(db.session.scalars(select(FieldReport).where(
        FieldReport.team_id == report.team_id, FieldReport.visit_id == report.visit_id,
        FieldReport.stop_date == report.stop_date, FieldReport.superseded_by_id.is_(None))))
    if report not in active:
        active.append(report)
    authors = {r.created_by_id for r in active if r.created_by_id is not None}
    coordinators = set(db.session.scalars(select(User.id).where(
        User.id.in_(authors), User.role == Role.COORDINATOR))) if authors else set()
    winner = max(active, key=lambda r: (r.created_by_id in coordinators, made_at(r), r.id))
    for other in active:
        if other is not winner:
            other.superseded_by_id = winner.id
    return winner


def _by_key(key: str) -> FieldReport | None:
    return db.session.scalar(select(FieldReport).where(FieldReport.idempotency_key == key))


def _replay(existing: FieldReport, team: Team, body: ReportBody) -> FieldReport:
    if existing.team_id != team.id or existing.body_hash != body.digest():
        raise ReportError(409, "kunci laporan ini sudah dipakai untuk laporan lain dengan isi "
                          "berbeda; laporan tidak disimpan. Buat laporan baru untuk koreksi.")
    return existing


def refresh_backlog(village_id: int) -> BacklogCount | None:
    """Write the village's backlog after its reports (flushed, not committed).

    Base: the newest count that did not come from reports (an upload).  Reports made after
    it are subtracted; reports made before it are taken as already in the uploaded count.
    """
    base = db.session.scalar(select(BacklogCount).where(
        BacklogCount.village_id == village_id, BacklogCount.source != REPORT_SOURCE)
        .order_by(BacklogCount.id.desc()).limit(1))
    if base is None or base.belum_rekam is None:
        return None
    reported = int(db.session.scalar(select(func.coalesce(func.sum(FieldReport.recorded), 0))
                                     .where(FieldReport.village_id == village_id,
                                            FieldReport.superseded_by_id.is_(None),
                                            FieldReport.created_at >= base.recorded_at,
                                            FieldReport.visit_id.not_like(COVER_LIKE))) or 0)
    # covering stops (issue 19): this village's share of every stop that served it
    village = db.session.get(Village, village_id)
    if village is not None:
        reported += covered_recorded(village.regency_code, village.kode, base.recorded_at)
    row = BacklogCount(village_id=village_id, source=REPORT_SOURCE, wajib_ktp=base.wajib_ktp,
                       sudah_rekam=None if base.sudah_rekam is None
                       else base.sudah_rekam + min(reported, base.belum_rekam),
                       belum_rekam=max(0, base.belum_rekam - reported))
    db.session.add(row)
    db.session.flush()
    return row


def report_dict(report: FieldReport) -> dict[str, Any]:
    """A report as the API returns it (counts only)."""
    return {"id": report.id, "idempotency_key": report.idempotency_key,
            "team_id": report.team_id, "visit_id": report.visit_id,
            "date": report.stop_date.isoformat(), "recorded": report.recorded,
            "expected": report.expected, "unreachable": report.unreachable,
            "reason": report.reason, "notes": report.notes,
            "superseded_by_id": report.superseded_by_id,
            "active": report.superseded_by_id is None,
            "plan_version_id": report.plan_version_id,
            # a covering stop's count shared among the villages it served (else empty)
            "by_village": report_split(report),
            "created_at": report.created_at.isoformat() if report.created_at else None}


def team_reports(team: Team, *, week_start: date | None = None) -> list[FieldReport]:
    """The team's reports (optionally of one week), newest first."""
    query = select(FieldReport).where(FieldReport.team_id == team.id)
    if week_start is not None:
        query = query.where(FieldReport.week_start == week_start)
    return list(db.session.scalars(query.order_by(FieldReport.id.desc())))


def active_reports_by_stop(team: Team, week_start: date) -> dict[tuple[str, str], FieldReport]:
    """The report in force of each stop of the week: ``(visit_id, date) -> report``."""
    return {(r.visit_id, r.stop_date.isoformat()): r for r in db.session.scalars(
        select(FieldReport).where(FieldReport.team_id == team.id,
                                  FieldReport.week_start == week_start,
                                  FieldReport.superseded_by_id.is_(None)))}


def regency_reports(regency_code: str, *, limit: int = 100) -> list[FieldReport]:
    """The regency's latest reports (callers authorised the regency)."""
    return list(db.session.scalars(select(FieldReport).where(
        FieldReport.regency_code == regency_code).order_by(FieldReport.id.desc()).limit(limit)))


def village_names(village_ids: set[int]) -> dict[int, str]:
    """Names of these villages by id (for tables of reports)."""
    if not village_ids:
        return {}
    return {row.id: row.name for row in db.session.execute(
        select(Village.id, Village.name).where(Village.id.in_(village_ids)))}


def visit_part(visit_id: str) -> int:
    """The part of a village a visit id names (``36.90.02.2016#3`` → 3)."""
    _code, _sep, part = visit_id.partition("#")
    return int(part) if part.isdigit() else 1


def report_parts(reports: list[FieldReport]) -> dict[int, str]:
    """report id -> ``"2/3"`` for a report of a part of a big village: the part as the team
    lead's pages number it (visiting order in the report's plan, planner/parts.py), not the
    solver's number in the visit id."""
    wanted = {r.plan_version_id for r in reports if r.plan_version_id and "#" in r.visit_id}
    labels: dict[tuple[int, str], str] = {}
    for version in (db.session.scalars(select(PlanVersion).where(PlanVersion.id.in_(wanted)))
                    if wanted else ()):
        for route in number_parts_dict(version.plan).get("routes", []):
            for stop in route.get("stops", []):
                if int(stop.get("chunks") or 1) > 1:
                    labels[(version.id, str(stop["visit_id"]))] = \
                        f"{stop['chunk']}/{stop['chunks']}"
    out: dict[int, str] = {}
    for r in reports:
        found = labels.get((r.plan_version_id or 0, r.visit_id))
        if found is None and visit_part(r.visit_id) > 1:
            found = str(visit_part(r.visit_id))  # its plan is gone: the visit id's number
        if found:
            out[r.id] = found
    return out


@dataclass(frozen=True)
class Unreachable:
    """A village whose report in force says the team could not reach it."""

    village: Village
    report: FieldReport
    team_name: str


def unreachable_villages(regency_code: str, *, before: date | None = None
                         ) -> dict[str, Unreachable]:
    """Villages whose newest report in force (of a stop before ``before``) is unreachable,
    by village code: the reason travels into the next plan."""
    query = (select(FieldReport, Village, Team).join(Village, Village.id == FieldReport.village_id)
             .join(Team, Team.id == FieldReport.team_id)
             .where(FieldReport.regency_code == regency_code,
                    FieldReport.superseded_by_id.is_(None)))
    if before is not None:
        query = query.where(FieldReport.stop_date < before)
    newest: dict[str, tuple[FieldReport, Village, Team]] = {}
    for report, village, team in db.session.execute(
            query.order_by(FieldReport.stop_date, FieldReport.id)):
        newest[village.kode] = (report, village, team)
    return {code: Unreachable(village, report, team.name)
            for code, (report, village, team) in newest.items() if report.unreachable}


def unreachable_notes(regency_code: str, week_start: date) -> list[str]:
    """Notes for a new plan of ``week_start``: each village last reported unreachable."""
    return [f"Desa {u.village.name} ({code}) dilaporkan tidak terjangkau oleh {u.team_name} "
            f"pada {u.report.stop_date.isoformat()}: {u.report.reason}"
            for code, u in sorted(unreachable_villages(regency_code, before=week_start).items())]
