"""Migrations, SQLite settings, the create-user command and the first run."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from web_fixtures import PASSWORD, SAMPLE, build_app, login, make_config

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import Role, User, Village
from web.services.bootstrap import create_demo_accounts, load_sample_if_empty

TABLES = {"province", "regency", "user_account", "team", "office", "harbour", "village",
          "backlog_count", "data_import", "planning_job", "plan_version"}


def sqlite_file(tmp_path):
    """The SQLite file of the test (also when the suite runs on PostgreSQL)."""
    return f"sqlite:///{tmp_path / 'test.db'}"


def test_upgrade_creates_the_tables_on_an_empty_sqlite_file(tmp_path):
    """``db upgrade`` on a new SQLite file creates every table of the models."""
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=sqlite_file(tmp_path)))
    upgrade_database(app)
    with sqlite3.connect(tmp_path / "test.db") as con:
        names = {row[0] for row in con.execute("SELECT name FROM sqlite_master "
                                               "WHERE type='table'")}
    assert names >= TABLES | {"alembic_version"}


def test_migrations_match_the_models(tmp_path):
    """After upgrading, the models and the migrated schema have no difference."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    """Every connection has foreign keys on, WAL journaling and a busy timeout."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=sqlite_file(tmp_path))
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_create_user_command(app, runner):
    """``flask create-user`` makes a coordinator with a hashed password that logs in."""
    result = runner.invoke(args=["create-user", "Andi", "--role", "coordinator",
                                 "--regency", "36.02", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.username == "andi"
        assert user.role == Role.COORDINATOR
        assert user.regency_code == "36.02"
        assert user.province_code == "36"
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("pbkdf2")
    assert login(app.test_client(), "andi").status_code == 302


def test_create_user_command_refuses_a_team_lead_without_team(runner):
    """A team lead needs a team of its regency; the command says so and fails."""
    result = runner.invoke(args=["create-user", "budi", "--role", "team_lead",
                                 "--regency", "36.02", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "tim" in result.output


def test_first_run_loads_the_sample_and_creates_one_account_per_role(tmp_path):
    """The first run upgrades, loads the sample regency once and creates demo accounts once."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        assert load_sample_if_empty(str(SAMPLE)) == "36.90"
        assert load_sample_if_empty(str(SAMPLE)) is None
        accounts = create_demo_accounts("36.90")
        assert {a.role for a in accounts} == {"province", "coordinator", "team_lead"}
        assert create_demo_accounts("36.90") == []
        assert db.session.query(Village).count() == 150
    client = app.test_client()
    coordinator = next(a for a in accounts if a.role == "coordinator")
    assert login(client, coordinator.username, coordinator.password).status_code == 302
    assert "Tanjung Harapan" in client.get("/kabupaten/36.90/").get_data(as_text=True)


def test_app_reads_instance_config_then_environment(tmp_path, monkeypatch):
    """Defaults, then instance/config.py, then JEMPUT_BOLA_* variables, in that order."""
    import flask

    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nLOGIN_RATE_LIMIT = '3/minute'\n")
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("JEMPUT_BOLA_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["LOGIN_RATE_LIMIT"] == "3/minute"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(f"sqlite:///{tmp_path}")
