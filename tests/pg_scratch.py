"""Scratch PostgreSQL databases for the tests.

The server is ``JEMPUT_BOLA_TEST_POSTGRES_URL`` (default: ``root`` on 127.0.0.1:5432, trust
auth, as on the development and CI machines).  Each scratch database is made with
``CREATE DATABASE`` under a random name (with its creation time, so leftovers of a killed
run are dropped a day later by the next run) and dropped afterwards, so test runs never see each
other's rows nor an engineer's own data.  ``migrated=True`` clones a template that
``flask db upgrade`` (the Alembic migrations) built once per test session.

``JEMPUT_BOLA_TEST_DB=postgres`` makes the web tests run on these databases instead of a
SQLite file (see ``tests/web/web_fixtures.py``).  Without a server the tests that need one
are skipped with :func:`unavailable_reason`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import Pool

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
#: Where scratch databases are made (an SQLAlchemy URL; its database is only connected to).
ADMIN_URL: URL = make_url(os.environ.get("JEMPUT_BOLA_TEST_POSTGRES_URL") or DEFAULT_URL)
#: ``postgres`` runs the whole web suite on PostgreSQL; anything else keeps SQLite files.
SELECTED = (os.environ.get("JEMPUT_BOLA_TEST_DB") or "sqlite").strip().lower()
USE_POSTGRES = SELECTED in ("postgres", "postgresql")
#: The session time zone of every scratch database: not UTC (the server's own zone), so a
#: naive or wrongly converted time shows up as a nine-hour error instead of hiding.
SESSION_TIMEZONE = "Asia/Jayapura"
PREFIX = "jb_test_"
#: A scratch database older than this is a leftover of a killed run (no test run lasts a day).
STALE_AFTER_S = 24 * 3600

_created: list[str] = []
#: Every connection opened on a scratch database, by database name: kept (so none is
#: garbage-collected open, a ResourceWarning) and closed when the database is dropped.
_connections: dict[str, list[Any]] = {}


def _remember_connection(dbapi_connection: Any, _record: Any) -> None:
    info = getattr(dbapi_connection, "info", None)
    name = getattr(info, "dbname", "")
    if isinstance(name, str) and name.startswith(PREFIX):
        _connections.setdefault(name, []).append(dbapi_connection)


event.listen(Pool, "connect", _remember_connection)


def _dsn(database: str | None = None) -> str:
    """A libpq connection string (psycopg) for the server, on ``database`` if given."""
    url = ADMIN_URL.set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def _where() -> str:
    return f"{ADMIN_URL.host or 'localhost'}:{ADMIN_URL.port or 5432}"


@functools.cache
def unavailable_reason() -> str | None:
    """Why PostgreSQL cannot be used for the tests here, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (python3 -m pip install -e '.[test]')"
    try:
        with psycopg.connect(_dsn(), connect_timeout=3, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (f"PostgreSQL not reachable at {_where()} ({first}); start it or set "
                "JEMPUT_BOLA_TEST_POSTGRES_URL")
    return None


def _admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(_dsn(), connect_timeout=10, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def _new_name() -> str:
    _sweep_stale()
    return f"{PREFIX}{int(time.time())}_{os.getpid()}_{secrets.token_hex(4)}"


@functools.cache
def _sweep_stale() -> None:
    """Drop scratch databases made more than :data:`STALE_AFTER_S` ago (the creation time is
    in the name): left by a run that was killed before it could clean up."""
    import psycopg

    with psycopg.connect(_dsn(), connect_timeout=10, autocommit=True) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'jb\\_test\\_%'")]
    for name in names:
        made = name[len(PREFIX):].split("_", 1)[0]
        if made.isdigit() and int(made) > 10**9 and time.time() - int(made) > STALE_AFTER_S:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(name: str) -> str:
    """The SQLAlchemy URL (psycopg 3 driver) of a database on the test server."""
    return ADMIN_URL.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)


def create_database(*, migrated: bool) -> str:
    """A new empty (or migrated) database; its SQLAlchemy URL.  Dropped by
    :func:`drop_database` or, at the latest, when the test process exits."""
    name = _new_name()
    template = _migrated_template() if migrated else "template0"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'',
           f"ALTER DATABASE \"{name}\" SET timezone TO '{SESSION_TIMEZONE}'")
    _created.append(name)
    return url_of(name)


def drop_database(url: str) -> None:
    """Drop a scratch database, closing whatever connections are still open on it."""
    name = make_url(url).database or ""
    if not name.startswith(PREFIX):
        raise ValueError(f"not a scratch database: {name!r}")
    _drop(name)


def _drop(name: str) -> None:
    for connection in _connections.pop(name, []):
        connection.close()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if name in _created:
        _created.remove(name)


def database_exists(name: str) -> bool:
    """Whether the server has a database of that name."""
    import psycopg

    with psycopg.connect(_dsn(), connect_timeout=10, autocommit=True) as connection:
        row = connection.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                                 (name,)).fetchone()
    return bool(row and row[0])


@functools.cache
def _migrated_template() -> str:
    """A database ``flask db upgrade`` built from nothing (once per test process)."""
    from web import create_app
    from web.database import upgrade_database
    from web.extensions import db

    name = _new_name() + "_tpl"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    _created.append(name)
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": url_of(name)})
    upgrade_database(app)
    with app.app_context():
        db.engine.dispose()  # a template must have no connection when it is cloned
    return name


@atexit.register
def _drop_leftovers() -> None:
    for name in list(_created):
        try:
            _drop(name)
        except Exception as exc:  # the server went away: nothing more to clean
            print(f"could not drop scratch database {name}: {exc}")


@contextlib.contextmanager
def scratch_database(*, migrated: bool) -> Iterator[str]:
    """A scratch database for a ``with`` block (its URL); dropped at the end."""
    url = create_database(migrated=migrated)
    try:
        yield url
    finally:
        drop_database(url)
