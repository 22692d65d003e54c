"""Jemput Bola web application (Flask application factory)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

ENV_PREFIX = "JEMPUT_BOLA"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``JEMPUT_BOLA_*`` variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev-only-change-me",
        SAMPLE_DATA=os.path.join(os.path.dirname(os.path.dirname(__file__)), "sample_data"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(ENV_PREFIX)
    else:
        app.config.from_mapping(test_config)

    from web.health import bp as health_bp

    app.register_blueprint(health_bp)
    return app
