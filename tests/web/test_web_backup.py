"""``flask backup`` / ``flask restore`` on a real database while reports are being written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from field_fixtures import publish
from processes import PYTHON, REPO, child_env
from web_fixtures import WEEK, login, make_config, make_world

from web import create_app
from web.database import upgrade_database
from web.extensions import db


def _flask(uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``flask --app web`` command line, as an operator runs it (its own process)."""
    env = child_env(JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI=uri, JEMPUT_BOLA_SECRET_KEY="uji")
    return subprocess.run([PYTHON, "-m", "flask", "--app", "web", *args], cwd=REPO, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, check=False)


def _keys(db_path: Path) -> set[str]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT idempotency_key FROM field_report")}


class ReportWriter(threading.Thread):
    """A team lead posting reports through the app, one after another, until stopped;
    remembers each report with the time its 201 came back (committed by then)."""

    def __init__(self, app, team_id: int, kode: str) -> None:
        super().__init__(daemon=True)
        self.app, self.url, self.kode = app, f"/api/v1/teams/{team_id}/reports", kode
        self.committed: list[tuple[str, float]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        client = self.app.test_client()
        assert login(client, "ketua").status_code == 302
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"laporan-{n:06d}"
            response = client.post(self.url, json={
                "idempotency_key": key, "visit_id": self.kode, "date": WEEK.isoformat(),
                "recorded": n % 90, "notes": f"laporan ke-{n}"})
            if response.status_code == 201:
                self.committed.append((key, time.time()))
            else:
                self.failures.append(f"{response.status_code} {response.get_data(as_text=True)}")


@pytest.fixture
def live(tmp_path):
    """A migrated SQLite database with the small world and a published plan (SQLite even
    when the suite runs on PostgreSQL: these tests are about the SQLite backup)."""
    sqlite = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=sqlite))
    upgrade_database(app)
    with app.app_context():
        world = make_world()
        publish(world.targets["own"].version_id)
    yield app, world, tmp_path / "test.db"
    with app.app_context():
        db.engine.dispose()


def test_backup_while_reports_are_written_then_restore_keeps_every_committed_report(live):
    app, world, db_path = live
    target = world.targets["own"]
    writer = ReportWriter(app, target.team_id, target.kode)
    writer.start()
    try:
        assert _wait(lambda: len(writer.committed) >= 20)
        started = time.time()
        backup = db_path.parent / "cadangan" / "jb.db"
        done = _flask(app.config["SQLALCHEMY_DATABASE_URI"], "backup", str(backup))
        assert done.returncode == 0, done.stderr
        assert "Cadangan disimpan" in done.stdout
        finished = time.time()
        # the writer went on during and after the backup
        assert _wait(lambda: sum(t > finished for _, t in writer.committed) >= 3)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert not writer.failures, writer.failures[:3]
    before = {key for key, at in writer.committed if at < started}
    everything = {key for key, _ in writer.committed}
    in_backup = _keys(backup)
    assert before <= in_backup, f"lost {len(before - in_backup)} of {len(before)}"
    assert in_backup < everything  # the reports written after the backup are not in it
    # a single self-contained file: no -wal beside it holds part of the data
    assert not Path(f"{backup}-wal").exists()
    copied = db_path.parent / "salinan.db"
    shutil.copy(backup, copied)
    assert _keys(copied) == in_backup

    # without --yes, answering no, nothing is replaced
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0
    assert "Lanjutkan?" in refused.output
    assert _keys(db_path) == everything

    restored = runner.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "dipulihkan" in restored.output
    assert _keys(db_path) == in_backup
    # the database replaced is kept beside it, with the reports written after the backup
    kept = [p for p in db_path.parent.iterdir() if ".sebelum-pulih-" in p.name]
    assert len(kept) == 1
    assert _keys(kept[0]) == everything
    # the running app reads the restored reports (its pooled connections see the new data)
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    listed = client.get(f"/api/v1/teams/{target.team_id}/reports").get_json()["reports"]
    assert len(listed) == len(in_backup)


def test_restore_refuses_a_file_that_is_not_a_backup(live, tmp_path):
    app, _, db_path = live
    junk = tmp_path / "bukan.db"
    junk.write_bytes(os.urandom(4096))
    before = _keys(db_path)
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "bukan basis data SQLite yang utuh" in result.output
    assert _keys(db_path) == before


def _wait(check, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


PG_SERVER = {"host": "127.0.0.1", "port": 5432, "user": os.environ.get("PGUSER", "root")}


@pytest.fixture
def postgres_uri():
    """A scratch database on the PostgreSQL server at 127.0.0.1:5432, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (package postgresql-client)")
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3,
                                **PG_SERVER)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432: {exc}")
    name = f"jb_cadangan_{os.getpid()}_{int(time.time())}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{PG_SERVER['user']}@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _pg_keys(app) -> set[str]:
    from sqlalchemy import text

    with app.app_context():
        keys = {row[0] for row in db.session.execute(
            text("SELECT idempotency_key FROM field_report"))}
        db.session.remove()
        return keys


@pytest.mark.postgres
def test_postgres_backup_while_reports_are_written_then_restore(tmp_path, postgres_uri):
    """pg_dump's snapshot holds every report committed before it started; pg_restore brings
    exactly those back, and the data it replaced is dumped beside the backup first."""
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_uri))
    upgrade_database(app)
    with app.app_context():
        world = make_world()
        publish(world.targets["own"].version_id)
    target = world.targets["own"]
    writer = ReportWriter(app, target.team_id, target.kode)
    writer.start()
    runner = app.test_cli_runner()
    backup = tmp_path / "jb.dump"
    try:
        assert _wait(lambda: len(writer.committed) >= 20)
        started = time.time()
        done = runner.invoke(args=["backup", str(backup)])
        assert done.exit_code == 0, done.output
        finished = time.time()
        assert _wait(lambda: sum(t > finished for _, t in writer.committed) >= 3)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    try:
        assert not writer.failures, writer.failures[:3]
        everything = {key for key, _ in writer.committed}
        assert _pg_keys(app) == everything
        restored = runner.invoke(args=["restore", str(backup), "--yes"])
        assert restored.exit_code == 0, restored.output
        in_backup = _pg_keys(app)
        assert {key for key, at in writer.committed if at < started} <= in_backup
        assert in_backup < everything  # the reports written after the backup are not in it
        kept = [p for p in tmp_path.iterdir() if ".sebelum-pulih-" in p.name]
        assert len(kept) == 1
        client = app.test_client()
        assert login(client, "ketua").status_code == 302
        listed = client.get(f"/api/v1/teams/{target.team_id}/reports").get_json()["reports"]
        assert len(listed) == len(in_backup)
    finally:
        with app.app_context():
            db.engine.dispose()
