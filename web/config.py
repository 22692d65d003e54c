"""Default configuration; overridden by ``instance/config.py`` then ``JEMPUT_BOLA_*``."""

from __future__ import annotations

import os
from typing import Any

#: Placeholder; a real installation gets a random key kept in ``instance/secret_key``.
DEV_SECRET_KEY = "dev-only-change-me"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def defaults(instance_path: str) -> dict[str, Any]:
    """Embedded defaults: a SQLite file in the instance folder, Indonesian, WIB."""
    return {
        "SECRET_KEY": DEV_SECRET_KEY,
        "SAMPLE_DATA": os.path.join(REPO_ROOT, "sample_data"),
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "jemput_bola.db"),
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        # Uploads: village layers of a whole regency stay well under this.
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "FORCE_HTTPS": False,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "5/minute",
        "PASSWORD_HASH_METHOD": "scrypt",
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ("id", "en"),
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ORIGIN": "https://tile.openstreetmap.org",
        # Planning jobs: default and largest solver time limit (s); a worker thread in
        # this process (python -m web starts one anyway; otherwise ``flask worker``).
        "PLANNING_TIME_LIMIT_S": 20,
        "PLANNING_MAX_TIME_LIMIT_S": 600,
        # ISO date planning takes as today (None: the regency's local date); a week that has
        # started is planned from this day on
        "PLANNING_TODAY": None,
        "START_WORKER": False,
        # python -m web: plan next week at start-up when it has no plan yet (s; 0 = off)
        "FIRST_RUN_PLAN_S": 10,
    }
