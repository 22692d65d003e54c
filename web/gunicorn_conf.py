"""gunicorn settings of the production web processes:

    gunicorn -c python:web.gunicorn_conf 'web.wsgi:app'

The app is imported once in the master (``preload_app``: workers start in a moment and share
its memory) and each worker drops the database pool it inherited, so no connection is shared
across a fork.  Planning jobs never run here: start ``flask --app web worker`` beside it.
Every setting can be overridden on the command line (``-w 4 -b 0.0.0.0:8000``) or through
``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("JEMPUT_BOLA_BIND", "127.0.0.1:8000")
#: Pages are short and mostly CPU: a few processes per core, a few threads each (while one
#: thread waits on the database another renders).
workers = int(os.environ.get("JEMPUT_BOLA_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("JEMPUT_BOLA_WEB_THREADS", "4"))
preload_app = True
timeout = 60
#: Seconds an idle kept-alive connection stays open (gunicorn's 2 s drops many that a
#: browser or a reverse proxy is about to reuse).
keepalive = 5
graceful_timeout = 30
accesslog = "-"


def post_fork(server: Any, worker: Any) -> None:
    """Each worker opens its own database connections (none inherited from the master)."""
    from web.extensions import db
    from web.wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
