"""The WSGI entry point of a production server: ``gunicorn 'web.wsgi:app'``.

Each web process builds its own app (no planning worker: run ``flask --app web worker`` as a
separate process, see docs/web.md, *Production*).  Apply the migrations before starting
(``flask --app web db upgrade``); the web processes never change the schema.
"""

from __future__ import annotations

from web import create_app

app = create_app()
