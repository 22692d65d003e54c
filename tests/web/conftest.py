"""Fixtures of the web tests (helpers live in ``web_fixtures``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pg_scratch
import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_fixtures import POSTGRES_URLS, World, build_app, make_world

from web.extensions import db


def _dropping_new_databases() -> Iterator[None]:
    before = set(POSTGRES_URLS)
    yield
    for path in set(POSTGRES_URLS) - before:
        pg_scratch.drop_database(POSTGRES_URLS.pop(path))


@pytest.fixture(autouse=True, scope="module")
def _drop_module_postgres() -> Iterator[None]:
    """Drop the scratch PostgreSQL databases a module-scoped fixture made."""
    yield from _dropping_new_databases()


@pytest.fixture(autouse=True)
def _drop_test_postgres() -> Iterator[None]:
    """Drop the scratch PostgreSQL databases the test made (``JEMPUT_BOLA_TEST_DB=postgres``)."""
    yield from _dropping_new_databases()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty database."""
    app = build_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser without a session."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """The ``flask`` command line of the app."""
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> World:
    """The three-regency world in the app's database."""
    with app.app_context():
        return make_world()
