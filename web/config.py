"""Default configuration; overridden by ``instance/config.py`` then ``JEMPUT_BOLA_*``."""

from __future__ import annotations

import os
from typing import Any

from planner.limits import DEFAULT_LIMITS

#: Placeholder; a real installation gets a random key kept in ``instance/secret_key``.
DEV_SECRET_KEY = "dev-only-change-me"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def defaults(instance_path: str) -> dict[str, Any]:
    """Embedded defaults: a SQLite file in the instance folder, Indonesian, WIB."""
    return {
        "SECRET_KEY": DEV_SECRET_KEY,
        "SAMPLE_DATA": os.path.join(REPO_ROOT, "sample_data"),
        # Each regency's uploaded road network (web/services/roads.py)
        "ROADS_FOLDER": os.path.join(instance_path, "roads"),
        # Geography classifications kept by dataset (planner/classify_cache.py): an upload
        # whose files were classified before (by `planner inspect` with the same folder, or
        # an earlier upload) reads them back instead of measuring the land again.
        "CLASSIFY_CACHE_FOLDER": os.path.join(instance_path, "classification"),
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "jemput_bola.db"),
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        # Uploads: village layers of a whole regency stay well under this.
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        # Each uploaded file is refused, unread, past these (a regency has at most about a
        # thousand villages; a province under ten thousand).  See planner.limits.
        "UPLOAD_MAX_ROWS": DEFAULT_LIMITS.max_rows,
        "UPLOAD_MAX_COLUMNS": DEFAULT_LIMITS.max_columns,
        "UPLOAD_MAX_CELLS": DEFAULT_LIMITS.max_cells,
        # Problems kept per upload: one entry per kind of problem, the rest only counted.
        "UPLOAD_MAX_PROBLEMS": DEFAULT_LIMITS.max_problems,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "FORCE_HTTPS": False,
        # reverse proxies in front of the app whose X-Forwarded-* headers are believed
        "TRUSTED_PROXIES": 0,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # a session ends after this long unused, and this long after the login (s); the
        # idle limit lets a field phone stay offline a whole working day
        "SESSION_IDLE_TIMEOUT_S": 12 * 3600,
        "SESSION_MAX_AGE_S": 7 * 24 * 3600,
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
        # queued (not yet running) jobs one regency may have; more are refused (API: 429)
        # so one account cannot hold up every regency's planning
        "PLANNING_MAX_QUEUED_PER_REGENCY": 3,
        # ISO date planning takes as today (None: the regency's local date); a week that has
        # started is planned from this day on
        "PLANNING_TODAY": None,
        "START_WORKER": False,
        # Who runs planning jobs: "embedded" (a worker thread of python -m web, or
        # flask worker) or "celery" (celery -A web.tasks worker processes; docs/deploy.md).
        "JOB_RUNNER": "embedded",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/0",
        "CELERY_QUEUE": "jemput_bola",
        "CELERY_CONCURRENCY": 2,
        # longer than the longest solve (PLANNING_MAX_TIME_LIMIT_S), or Redis hands a live
        # job to a second worker (which then waits for it rather than run it twice)
        "CELERY_VISIBILITY_TIMEOUT_S": 3600,
        # how often a second delivery of a running job looks whether its worker still beats
        "CELERY_STALE_RETRY_S": 5,
        # hard limit of a task beyond its solve (building the problem, storing the plan)
        "CELERY_TIME_MARGIN_S": 300,
        # each worker process starts the solver's process server (OR-Tools imported once)
        # at its start rather than at its first job
        "CELERY_WARM_SOLVER": True,
        # python -m web: plan next week at start-up when it has no plan yet (s; 0 = off)
        "FIRST_RUN_PLAN_S": 10,
    }
