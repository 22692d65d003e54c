"""The production way: real gunicorn (two worker processes) serving the app, and a separate
``flask worker`` process running the planning jobs, on a temporary instance."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from processes import PYTHON, REPO, child_env, descendants, free_port, wait_for
from web_fixtures import PASSWORD, SAMPLE, make_config

from web import _instance_secret_key, create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import Regency, Role
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.planning import create_job, next_monday

GUNICORN = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or shutil.which("gunicorn")


def _login(base: str, username: str) -> requests.Session:
    """Sign in through the form, CSRF token and all, as a browser does."""
    session = requests.Session()
    form = session.get(f"{base}/masuk", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
        re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, form[:500]
    response = session.post(f"{base}/masuk", data={"csrf_token": token.group(1),
                                                   "username": username,
                                                   "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    assert "/masuk" not in response.url, response.text[:500]
    return session


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(GUNICORN is None, reason="gunicorn is not installed (extra 'prod')")
def test_gunicorn_with_two_workers_and_a_separate_planning_worker(tmp_path):
    app = create_app(make_config(tmp_path))
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code="36.90", team="tim-keliling-tanjung-harapan-2")
        regency = db.session.get(Regency, "36.90")
        job_id = create_job(regency, None, week_start=next_monday(regency), time_limit_s=3,
                            solution_limit=2).id
        db.engine.dispose()
    env = child_env(JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI=uri, JEMPUT_BOLA_SECRET_KEY="uji-prod")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "gunicorn.log", "wb") as web_log, \
            open(tmp_path / "worker.log", "wb") as worker_log:
        web = subprocess.Popen([GUNICORN, "-c", "python:web.gunicorn_conf", "-w", "2",
                                "-b", f"127.0.0.1:{port}", "web.wsgi:app"], cwd=REPO,
                               env=env, stdout=web_log, stderr=subprocess.STDOUT)
        worker = subprocess.Popen([PYTHON, "-m", "flask", "--app", "web", "worker"], cwd=REPO,
                                  env=env, stdout=worker_log, stderr=subprocess.STDOUT)
    try:
        def up() -> bool:
            try:
                return requests.get(f"{base}/health", timeout=5).status_code == 200
            except requests.ConnectionError:
                return False

        assert wait_for(up, timeout_s=240, every_s=0.5), (tmp_path / "gunicorn.log").read_text()
        assert len(descendants(web.pid)) == 2  # two worker processes under the master
        coordinator = _login(base, "koordinator")
        home = coordinator.get(f"{base}/beranda", timeout=30)
        assert home.status_code == 200
        assert "Tanjung Harapan" in home.text
        # the job runs in the separate worker process, not in the web processes
        done = wait_for(lambda: (j := coordinator.get(f"{base}/api/v1/jobs/{job_id}",
                                                      timeout=30).json())["status"]
                        not in ("queued", "running") and j, timeout_s=240, every_s=1)
        assert done, (tmp_path / "worker.log").read_text()
        assert done["status"] == "done", (done, (tmp_path / "worker.log").read_text())
        assert done["progress"]["worker"].split("/")[1] == str(worker.pid)
        version_id = done["result_version_id"]
        review = coordinator.get(f"{base}/kabupaten/36.90/rencana/{version_id}", timeout=30)
        assert review.status_code == 200
        assert "Perkiraan rekam" in review.text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', review.text)
        published = coordinator.post(f"{base}/api/v1/plans/{version_id}/publish",
                                     json={"base_revision": 0},
                                     headers={"X-CSRFToken": token.group(1)}, timeout=30)
        assert published.status_code == 200, published.text
        # several team-lead page loads at once, spread over both web processes
        lead = _login(base, "ketua")
        page = lead.get(f"{base}/beranda", timeout=30)
        assert page.status_code == 200
        assert "Rute terbit" in page.text
        codes: list[int] = []

        def fetch() -> None:
            codes.append(lead.get(page.url, timeout=30).status_code)

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert codes == [200] * 8
    finally:
        _stop(web)
        _stop(worker)


def test_secret_key_is_created_once_when_workers_start_together(tmp_path, monkeypatch):
    """Several web processes starting at once on a fresh instance all read the same key
    (formerly: one crashed on the exclusive create, another could read an empty file)."""
    import flask

    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    app = create_app(make_config(tmp_path))
    keys: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        try:
            keys.append(_instance_secret_key(app))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert len(keys[0]) > 40
    assert sorted(p.name for p in tmp_path.iterdir() if "secret_key" in p.name) == ["secret_key"]
