"""PostgreSQL for real: the migrations, time zones, the row lock of a report, and concurrent
reports and publications through ``python -m web`` (separate connections, real threads).

Marked ``postgres``: skipped, with the reason, when no server answers at
``JEMPUT_BOLA_TEST_POSTGRES_URL`` (default root@127.0.0.1:5432).  These run whichever database
the rest of the suite uses (``JEMPUT_BOLA_TEST_DB``).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pg_scratch
import psycopg
import pytest
import report_storm
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from live_http import login as http_login
from live_http import served
from sqlalchemy import inspect, select, text
from web_fixtures import PASSWORD, WEEK, build_app, login, make_config, make_world

from web import create_app
from web.database import MIGRATIONS_DIR, upgrade_database
from web.extensions import db
from web.models import (
    FieldReport,
    PlanStatus,
    PlanVersion,
    PlanWeek,
    Role,
)
from web.services.accounts import create_user
from web.services.plans import publish_version, store_draft

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    """A scratch database the migrations built (dropped afterwards)."""
    with pg_scratch.scratch_database(migrated=True) as url:
        yield url


@pytest.fixture
def pg_app(tmp_path, pg_url):
    """The app (CSRF and limits off) on the scratch database."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_url)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_migrations_upgrade_downgrade_and_match_the_models_on_postgres(tmp_path):
    """``db upgrade`` on an empty PostgreSQL database makes exactly the models' schema
    (timestamps with time zone, JSON columns); downgrading to nothing and upgrading again
    works too."""
    with pg_scratch.scratch_database(migrated=False) as url:
        app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
        upgrade_database(app)
        with app.app_context():
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection),
                                        db.metadata) == []
                types = dict(connection.execute(text(
                    "SELECT table_name || '.' || column_name, data_type "
                    "FROM information_schema.columns WHERE table_schema = 'public'")).all())
            assert types["field_report.created_at"] == "timestamp with time zone"
            assert types["village.retired_at"] == "timestamp with time zone"
            assert types["plan_version.plan"] == "json"
            assert types["village.island_computed"] == "boolean"
            downgrade(directory=MIGRATIONS_DIR, revision="base")
            db.engine.dispose()
            assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade_database(app)
        with app.app_context():
            assert {t.name for t in db.metadata.sorted_tables} <= set(
                inspect(db.engine).get_table_names())
            db.engine.dispose()


def test_times_keep_their_instant_whatever_the_session_zone(pg_app):
    """A report time sent with +07:00 is stored as the same instant and read back in UTC,
    though the database session runs in Asia/Jayapura (UTC+9)."""
    with pg_app.app_context():
        world = make_world()
        target = world.targets["own"]
        version = db.session.get(PlanVersion, target.version_id)
        publish_version(version, base_revision=0, user=None)
        zone = db.session.scalar(text("SHOW timezone"))
    client = pg_app.test_client()
    assert login(client, "ketua").status_code == 302
    sent = client.post(f"/api/v1/teams/{target.team_id}/reports", json={
        "idempotency_key": "zona-waktu-1", "visit_id": target.kode, "date": WEEK.isoformat(),
        "recorded": 7, "reported_at": "2026-11-30T16:30:00+07:00"})
    assert sent.status_code == 201, sent.get_json()
    with pg_app.app_context():
        report = db.session.scalars(select(FieldReport)).one()
        assert report.reported_at == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
        assert report.reported_at.utcoffset() == timedelta(0)
        stored_utc = db.session.scalar(text(
            "SELECT reported_at AT TIME ZONE 'UTC' FROM field_report"))
        shown_local = db.session.scalar(text("SELECT reported_at::text FROM field_report"))
    assert zone == pg_scratch.SESSION_TIMEZONE
    assert stored_utc == datetime(2026, 11, 30, 9, 30)
    assert shown_local == "2026-11-30 18:30:00+09"
    assert report.reported_at == datetime(2026, 11, 30, 16, 30,
                                          tzinfo=timezone(timedelta(hours=7)))


def test_a_report_waits_for_the_village_row_lock(pg_app, pg_url):
    """While another transaction holds the village row (FOR NO KEY UPDATE, which a plain
    foreign key check would not wait for), a report of that village waits; it is stored as
    soon as the other transaction ends."""
    with pg_app.app_context():
        world = make_world()
        target = world.targets["own"]
        publish_version(db.session.get(PlanVersion, target.version_id), base_revision=0,
                        user=None)
    client = pg_app.test_client()
    assert login(client, "ketua").status_code == 302
    answers = []
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as other, psycopg.connect(dsn, autocommit=True) as watcher:
        other.execute("SELECT id FROM village WHERE kode = %s FOR NO KEY UPDATE",
                      (target.kode,))
        thread = threading.Thread(target=lambda: answers.append(client.post(
            f"/api/v1/teams/{target.team_id}/reports", json={
                "idempotency_key": "kunci-terkunci", "visit_id": target.kode,
                "date": WEEK.isoformat(), "recorded": 12})))
        thread.start()
        waiting = 0
        deadline = time.monotonic() + 30
        while not waiting and time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'").fetchone()[0]
            time.sleep(0.05)
        assert waiting == 1
        assert thread.is_alive()
        assert answers == []
        other.commit()
        thread.join(timeout=30)
    assert [a.status_code for a in answers] == [201]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A scratch database with the report storm's world and two regencies to publish in,
    served by ``python -m web`` in its own process."""
    if pg_scratch.unavailable_reason():
        pytest.skip(pg_scratch.unavailable_reason())
    tmp = tmp_path_factory.mktemp("live")
    with pg_scratch.scratch_database(migrated=True) as url:
        app = create_app(make_config(tmp, SQLALCHEMY_DATABASE_URI=url))
        posts = report_storm.seed(app, password=PASSWORD)
        with app.app_context():
            drafts = _publishing_world()
        with served(url, tmp / "server.log") as base:
            yield base, app, posts, drafts
        with app.app_context():
            db.engine.dispose()


PUBLISHERS = 8
PUBLISH_REGENCY = "36.91"


def _publishing_world() -> list[int]:
    """Eight coordinators of 36.91 and eight drafts of its week (ids)."""
    from web_fixtures import create_team, create_village, tiny_plan

    from web.services.regions import ensure_regency

    ensure_regency(PUBLISH_REGENCY, "Kabupaten Terbit")
    db.session.flush()
    village = create_village(PUBLISH_REGENCY, "36.91.01.2001")
    team = create_team(PUBLISH_REGENCY)
    for i in range(PUBLISHERS):
        create_user(username=f"koordinator-{i + 1}", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=PUBLISH_REGENCY, commit=False)
    db.session.commit()
    return [store_draft(regency_code=PUBLISH_REGENCY, week_start=WEEK,
                        plan=tiny_plan(village, team), instance_id=None, created_by_id=None,
                        note=f"draf {i + 1}").id for i in range(PUBLISHERS)]


def _publish_at_once(sessions, drafts, revision):
    start = threading.Barrier(len(drafts))
    answers = [None] * len(drafts)

    def publish(i):
        start.wait()
        answers[i] = sessions[i].request("POST", f"/api/v1/plans/{drafts[i]}/publish",
                                         json_body={"base_revision": revision})

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(len(drafts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_publications_of_one_week_one_wins_the_rest_are_told(live):
    """Eight coordinators publish eight drafts of one week at the same moment from the same
    revision: exactly one succeeds, seven get 409 and change nothing; a second round from
    the new revision again has one winner, which supersedes the first."""
    base, app, _posts, drafts = live
    sessions = [http_login(base, f"koordinator-{i + 1}", PASSWORD) for i in range(PUBLISHERS)]
    first = _publish_at_once(sessions, drafts, 0)
    assert sorted(a.status for a in first) == [200] + [409] * (PUBLISHERS - 1)
    winner = next(a.body for a in first if a.status == 200)
    assert winner["week_revision"] == 1
    losers = [i for i, a in enumerate(first) if a.status == 409]
    second = _publish_at_once([sessions[i] for i in losers], [drafts[i] for i in losers], 1)
    assert sorted(a.status for a in second) == [200] + [409] * (len(losers) - 1)
    again = next(a.body for a in second if a.status == 200)
    with app.app_context():
        week = db.session.scalars(select(PlanWeek).filter_by(regency_code=PUBLISH_REGENCY)).one()
        status = dict(db.session.execute(select(PlanVersion.id, PlanVersion.status).where(
            PlanVersion.regency_code == PUBLISH_REGENCY)).all())
    assert (week.revision, week.published_version_id) == (2, again["published_version_id"])
    assert status[winner["published_version_id"]] == PlanStatus.SUPERSEDED
    assert status[again["published_version_id"]] == PlanStatus.PUBLISHED
    assert sorted(status.values()).count(PlanStatus.DRAFT) == PUBLISHERS - 2


def test_200_concurrent_reports_of_one_village_lose_nothing_and_count_nothing_twice(live):
    """200 reports of one village at once over HTTP (130 stops, 20 corrections, 50 retries):
    150 stored, one in force per stop, every retry answered as a replay, and the backlog
    equal to the upload minus the people recorded in the reports in force."""
    base, app, posts, _drafts = live
    storm = report_storm.send_all(base, posts, password=PASSWORD)
    assert storm.statuses() == {201: 150, 200: 50}
    found = report_storm.outcome(app)
    assert found.keys == {p.body["idempotency_key"] for p in posts}
    assert found.stored == 150
    assert found.in_force == found.stops_reported == report_storm.FIRST_REPORTS
    assert found.backlog == report_storm.BACKLOG - found.recorded_in_force
    assert found.sudah_rekam == 1000 - report_storm.BACKLOG + found.recorded_in_force
    assert found.backlog_rows_from_reports == 150
    for post, answer in zip(posts, storm.answers, strict=True):
        assert answer.body["idempotency_key"] == post.body["idempotency_key"]
        assert answer.body["recorded"] == post.body["recorded"]


def test_scratch_databases_are_dropped():
    """A scratch database is gone after its block (nothing piles up on the server)."""
    with pg_scratch.scratch_database(migrated=False) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith(pg_scratch.PREFIX)
        assert pg_scratch.database_exists(name)
    assert not pg_scratch.database_exists(name)


def test_leftovers_of_a_killed_run_are_dropped_a_day_later():
    """A scratch database whose name says it was made two days ago (its run was killed
    before cleaning up) is dropped by the next run; a fresh one is left alone."""
    old = f"{pg_scratch.PREFIX}{int(time.time()) - 2 * 24 * 3600}_1_{'0' * 8}"
    pg_scratch._admin(f'CREATE DATABASE "{old}" TEMPLATE template0')
    with pg_scratch.scratch_database(migrated=False) as url:
        fresh = url.rsplit("/", 1)[1]
        pg_scratch._sweep_stale.cache_clear()
        pg_scratch._sweep_stale()
        assert not pg_scratch.database_exists(old)
        assert pg_scratch.database_exists(fresh)
