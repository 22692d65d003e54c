"""``jemput-bola`` / ``python -m web``: run the app on the embedded defaults.

On a fresh checkout this creates (or upgrades) the SQLite database, loads the sample
regency when the database is empty, creates one demo account per role and prints their
passwords once, queues a plan of next week (``FIRST_RUN_PLAN_S`` seconds of solving) for the
embedded worker thread it starts, then serves on http://127.0.0.1:5000.
"""

from __future__ import annotations

import os

from werkzeug.serving import WSGIRequestHandler

from web import create_app

#: What the ``Server`` header says: the product, no framework or Python version.
SERVER_NAME = "Jemput Bola"


class RequestHandler(WSGIRequestHandler):
    """The development server's handler without versions in the ``Server`` header."""

    def version_string(self) -> str:
        return SERVER_NAME


def main() -> None:
    """Prepare the database and serve (``JEMPUT_BOLA_PORT`` to change the port)."""
    from web.database import upgrade_database
    from web.services.bootstrap import (
        create_demo_accounts,
        load_sample_if_empty,
        queue_first_plan,
    )
    from web.worker import PlanningWorker

    app = create_app()
    upgrade_database(app)
    with app.app_context():
        code = load_sample_if_empty(app.config["SAMPLE_DATA"])
        if code:
            print(f"Data contoh dimuat: kabupaten {code}")
            accounts = create_demo_accounts(code)
            if accounts:
                print("Akun demo (kata sandi hanya ditampilkan sekali ini):")
                for account in accounts:
                    print(f"  {account.role:<12} {account.username:<12} "
                          f"{account.password}   ({account.scope})")
        job = queue_first_plan(float(app.config["FIRST_RUN_PLAN_S"]))
        if job is not None:
            print(f"Rencana minggu {job.week_start.isoformat()} sedang dihitung "
                  f"(tugas #{job.id}, ±{app.config['FIRST_RUN_PLAN_S']} detik)")
    # the embedded worker: planning jobs run here, outside the requests (unless Celery
    # workers run them: JOB_RUNNER = "celery")
    if app.config["JOB_RUNNER"] == "embedded":
        PlanningWorker(app).start()
    port = int(os.environ.get("JEMPUT_BOLA_PORT", "5000"))
    print(f"Jemput Bola: http://127.0.0.1:{port}/")
    app.run(host="127.0.0.1", port=port, request_handler=RequestHandler)


if __name__ == "__main__":
    main()
