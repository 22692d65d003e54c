"""Jemput Bola web application (Flask application factory)."""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any

from flask import Flask

from web.config import DEV_SECRET_KEY, defaults

ENV_PREFIX = "JEMPUT_BOLA"

#: The feature blueprints, one package each (``web/<name>/``).
BLUEPRINTS: tuple[str, ...] = ("health", "auth", "i18n", "main", "villages", "uploads",
                               "teams", "accounts", "plans", "api", "field", "field_api",
                               "reports", "province")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``JEMPUT_BOLA_*`` variables.

    ``test_config`` replaces the instance file and the environment (tests stay hermetic).
    Building the app never touches the database; ``python -m web`` and
    ``flask --app web db upgrade`` create or upgrade it.
    """
    app = Flask(__name__, instance_relative_config=True)
    from web import routing

    routing.init_app(app)  # before any blueprint adds a rule
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(ENV_PREFIX)
    else:
        app.config.from_mapping(test_config)
    _ensure_instance_folder(app)
    if test_config is None and app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        app.config["SECRET_KEY"] = _instance_secret_key(app)

    _trust_proxies(app)
    from web import cli, errors, i18n, security
    from web.database import init_database
    from web.extensions import csrf, limiter, login_manager

    init_database(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app, login_manager)
    i18n.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for name in BLUEPRINTS:
        module = __import__(f"web.{name}", fromlist=["bp"])
        app.register_blueprint(module.bp)
    if app.config["JOB_RUNNER"] == "celery":
        from web.celery_app import celery_init_app

        celery_init_app(app)
    elif app.config["JOB_RUNNER"] != "embedded":
        raise ValueError(f"JOB_RUNNER must be 'embedded' or 'celery', not "
                         f"{app.config['JOB_RUNNER']!r}")
    # START_WORKER: e.g. under a WSGI server with one process
    if app.config.get("START_WORKER") and app.config["JOB_RUNNER"] == "embedded":
        from web.worker import PlanningWorker

        app.extensions["planning_worker"] = PlanningWorker(app)
        app.extensions["planning_worker"].start()
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies (nginx, a load balancer), take the client
    address, scheme, host and port from their ``X-Forwarded-*`` headers: HTTPS is then seen
    as HTTPS (no redirect loop with ``FORCE_HTTPS``) and the login limit counts per client,
    not per proxy.  0 (the default) trusts no such header: a client could forge them."""
    count = int(app.config["TRUSTED_PROXIES"])
    if count < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count,  # type: ignore[method-assign]
                                x_proto=count, x_host=count, x_port=count)


def _instance_secret_key(app: Flask) -> str:
    """A random key kept in the instance folder, so sessions survive restarts and no
    installation runs on the well-known development key."""
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        # several WSGI workers start at once: each writes its own candidate, and the first
        # to link it under the final name wins, so nobody reads a half-written key
        part = f"{path}.{os.getpid()}.{threading.get_ident()}.part"
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(part, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(part)
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()


def _ensure_instance_folder(app: Flask) -> None:
    """The instance folder holds the SQLite file and local config; git ignores it."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + app.instance_path):
        return
    os.makedirs(app.instance_path, exist_ok=True)
    ignore = os.path.join(app.instance_path, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as fh:
            fh.write("# local database and configuration: never commit\n*\n")
