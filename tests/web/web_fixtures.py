"""Helpers of the web tests: app building, factories with defaults, a small world of three
regencies in two provinces, and logging in as each role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pg_scratch
import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app
from web.extensions import db, limiter
from web.models import (
    BacklogCount,
    DataImport,
    ImportStatus,
    JobStatus,
    Office,
    PlanningJob,
    Role,
    Team,
    User,
    Village,
)
from web.services.accounts import create_user
from web.services.plans import store_draft
from web.services.regions import ensure_regency

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
PASSWORD = "rahasia-123"
SQUARE = {"type": "Polygon", "coordinates": [[[105.0, -7.0], [105.01, -7.0], [105.01, -7.01],
                                               [105.0, -7.01], [105.0, -7.0]]]}


#: Scratch PostgreSQL databases of the running test, by its ``tmp_path``
#: (``JEMPUT_BOLA_TEST_DB=postgres``; the conftest drops them after the test).
POSTGRES_URLS: dict[Path, str] = {}


def database_uri(tmp_path: Path) -> str:
    """The test's database: a SQLite file in tmp_path, or with ``JEMPUT_BOLA_TEST_DB=postgres``
    a scratch PostgreSQL database the migrations built (the same one for the same path)."""
    if not pg_scratch.USE_POSTGRES:
        return f"sqlite:///{tmp_path / 'test.db'}"
    reason = pg_scratch.unavailable_reason()
    if reason is not None:
        pytest.skip(f"JEMPUT_BOLA_TEST_DB=postgres: {reason}")
    if tmp_path not in POSTGRES_URLS:
        POSTGRES_URLS[tmp_path] = pg_scratch.create_database(migrated=True)
    return POSTGRES_URLS[tmp_path]


def make_config(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """Test configuration: the test's database (:func:`database_uri`), fast hashes, CSRF and
    limits off."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SAMPLE_DATA": str(SAMPLE),
        "ROADS_FOLDER": str(tmp_path / "roads"),
        # a fixed clock: the tests' week (2026-11-30) has not started, whatever the date
        "PLANNING_TODAY": "2026-11-27",
    }
    config.update(overrides)
    if "SQLALCHEMY_DATABASE_URI" not in config:
        config["SQLALCHEMY_DATABASE_URI"] = database_uri(tmp_path)
    return config


def build_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app with its tables created (on PostgreSQL the migrations made them already)."""
    app = create_app(make_config(tmp_path, **overrides))
    with app.app_context():
        db.create_all()
        if app.config.get("RATELIMIT_ENABLED", True):
            limiter.reset()  # the limiter object is shared by every app of the session
    return app


def create_team(regency_code: str, **overrides: Any) -> Team:
    """A team with sensible defaults."""
    n = db.session.query(Team).count() + 1
    values: dict[str, Any] = {"regency_code": regency_code, "code": f"tim-{n}",
                              "name": f"Tim {n}", "kits": 1, "boat_capable": False}
    values.update(overrides)
    team = Team(**values)
    db.session.add(team)
    db.session.flush()
    return team


def create_village(regency_code: str, kode: str, *, belum_rekam: int = 100,
                   **overrides: Any) -> Village:
    """A small square village with one backlog count."""
    values: dict[str, Any] = {"kode": kode, "name": f"Desa {kode}", "regency_code": regency_code,
                              "district_code": kode[:8], "district_name": "Kecamatan Uji",
                              "geometry_geojson": json.dumps(SQUARE), "stop_lon": 105.005,
                              "stop_lat": -7.005}
    values.update(overrides)
    village = Village(**values)
    db.session.add(village)
    db.session.flush()
    db.session.add(BacklogCount(village_id=village.id, wajib_ktp=1000,
                                sudah_rekam=1000 - belum_rekam, belum_rekam=belum_rekam))
    return village


WEEK = date(2026, 11, 30)


def tiny_plan(village: Village, team: Team) -> dict[str, Any]:
    """A plan JSON with one route of one stop (no stored instance: edits are refused)."""
    stop = {"sequence": 1, "visit_id": village.kode, "village_code": village.kode,
            "desa": village.name, "kecamatan": village.district_name, "arrival_s": 30600,
            "start_s": 30600, "departure_s": 36000, "travel_from_previous_s": 1800,
            "distance_from_previous_m": 20000, "expected_recordings": 60, "prize": 6000,
            "chunk": 1, "chunks": 1, "pinned": False, "lon": village.stop_lon,
            "lat": village.stop_lat, "priority_id": "", "priority_en": ""}
    route = {"vehicle_id": f"{team.code}@{WEEK.isoformat()}", "team_id": team.code,
             "team_name": team.name, "date": WEEK.isoformat(), "start_s": 28800, "end_s": 37800,
             "travel_s": 3600, "distance_m": 40000, "expected_recordings": 60, "stops": [stop]}
    summary = {"team_days": 1, "team_days_used": 1, "stops": 1, "villages_visited": 1,
               "villages_unscheduled": 0, "expected_recordings": 60, "prize": 6000,
               "travel_s": 3600, "distance_m": 40000}
    return {"name": "uji", "regency": village.regency_code, "week_start": WEEK.isoformat(),
            "routes": [route], "unscheduled": [], "summary": summary, "solver": {}}


@dataclass
class Target:
    """The ids a URL of one regency (and team) needs."""

    regency_code: str
    team_id: int
    kode: str
    user_id: int
    import_id: int
    job_id: int = 0
    version_id: int = 0


@dataclass
class World:
    """Three regencies: 36.90 (own), 36.91 (same province), 32.01 (another province)."""

    targets: dict[str, Target]


def make_world() -> World:
    """Regencies, teams, villages, imports and accounts for every role (in an app context)."""
    targets: dict[str, Target] = {}
    teams: dict[str, Team] = {}
    for key, code in (("own", "36.90"), ("other", "36.91"), ("far", "32.01")):
        ensure_regency(code, f"Kabupaten {code}")
        db.session.flush()
        db.session.add(Office(regency_code=code, code=f"kantor-{code}", name=f"Kantor {code}",
                              lon=105.0, lat=-7.0))
        team = create_team(code, name=f"Tim A {code}")
        teams[key] = team
        village = create_village(code, f"{code}.01.2001")
        record = DataImport(regency_code=code, status=ImportStatus.DONE, files=[],
                            problems=[], village_count=1)
        db.session.add(record)
        db.session.flush()
        spare = create_user(username=f"cadangan-{code}", password=PASSWORD, role=Role.TEAM_LEAD,
                            regency_code=code, team=str(team.id), commit=False)
        db.session.flush()
        job = PlanningJob(regency_code=code, week_start=WEEK, status=JobStatus.QUEUED,
                          params={"time_limit_s": 1}, progress={})
        db.session.add(job)
        db.session.flush()
        version = store_draft(regency_code=code, week_start=WEEK,
                              plan=tiny_plan(village, team), instance_id=None,
                              created_by_id=None)
        targets[key] = Target(code, team.id, village.kode, spare.id, record.id, job.id,
                              version.id)
    sibling = create_team("36.90", name="Tim B 36.90")
    own = targets["own"]
    targets["sibling"] = Target("36.90", sibling.id, own.kode, own.user_id, own.import_id,
                                own.job_id, own.version_id)
    create_user(username="provinsi", password=PASSWORD, role=Role.PROVINCE, province_code="36",
                commit=False)
    create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                regency_code="36.90", commit=False)
    create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD, regency_code="36.90",
                team=str(teams["own"].id), commit=False)
    db.session.commit()
    return World(targets)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form (CSRF off in the default test config)."""
    return client.post("/masuk", data={"username": username, "password": password})


def user_by_name(username: str) -> User:
    """An account by username (in an app context)."""
    return db.session.query(User).filter_by(username=username).one()
