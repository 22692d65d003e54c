"""Entry point of Celery workers: ``celery -A web.tasks worker``.

Builds the Flask app from its usual configuration (instance file, ``JEMPUT_BOLA_*``
variables) and exposes its Celery app, whatever ``JOB_RUNNER`` says, so a worker can start on
a machine whose only job is to solve.  Importing this module builds an app: the web process
never imports it.
"""

from __future__ import annotations

from web import create_app
from web.celery_app import celery_init_app

flask_app = create_app()
celery_app = flask_app.extensions.get("celery") or celery_init_app(flask_app)
