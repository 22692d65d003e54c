"""On a 390 px phone in Chromium: the review page keeps the screen's width in both languages,
and the team lead's two pages show the same week, parts as "(bagian n/m)" in visiting order,
and the WhatsApp share on today's day only."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import PASSWORD, SAMPLE, make_config
from werkzeug.serving import make_server

from planner.parts import number_parts_dict
from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import PlanningJob, PlanVersion, PlanWeek, Role, Team
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.planning import create_job
from web.services.plans import publish_version
from web.services.published import clear_cache
from web.services.regions import ensure_regency
from web.worker import PlanningWorker

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
REGENCY = "36.90"
WEEK = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} missing (apt-get install -y chromium)")


@pytest.fixture
def served(tmp_path: Path, monkeypatch) -> Iterator[dict[str, Any]]:
    """The sample regency's week solved and published, served; the lead of the team with the
    most parts of big villages has an account; the regency's today is Tuesday."""
    monkeypatch.setattr("web.services.field_schedule.local_today", lambda regency: TUESDAY)
    monkeypatch.setattr("web.teams.local_today", lambda regency: TUESDAY)
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
        job = create_job(ensure_regency(REGENCY), None, week_start=WEEK, time_limit_s=10,
                         solution_limit=3)
        job_id = job.id
    assert PlanningWorker(app).run_once()
    with app.app_context():
        done = db.session.get(PlanningJob, job_id)
        assert done is not None
        assert done.result_version_id, done.error
        version = db.session.get(PlanVersion, done.result_version_id)
        week = db.session.query(PlanWeek).filter_by(regency_code=REGENCY,
                                                    week_start=WEEK).one()
        publish_version(version, base_revision=week.revision, user=None)
        plan = number_parts_dict(version.plan)
        parts: dict[str, int] = {}
        for r in plan["routes"]:
            for s in r["stops"]:
                if s["chunks"] > 1:
                    parts[r["team_id"]] = parts.get(r["team_id"], 0) + 1
        code = max(sorted(parts), key=lambda t: parts[t])
        team = db.session.query(Team).filter_by(regency_code=REGENCY, code=code).one()
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code=REGENCY, team=str(team.id))
        info = {"plan": plan, "version_id": version.id, "team_id": team.id,
                "team_code": code}
    clear_cache()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {**info, "base": f"http://127.0.0.1:{server.server_port}"}
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _parts(text: str) -> list[str]:
    return re.findall(r"\((?:bagian|part) (\d+/\d+)\)", text)


def test_phone_pages(served):
    """The review page (Indonesian and English) and the lead's pages fit 390 px; the lead's
    pages agree on the parts and offer WhatsApp sharing on today's day only."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base = served["base"]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            coordinator = browser.new_page(viewport=PHONE)
            coordinator.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            _login(coordinator, base, "koordinator")
            review = f"{base}/kabupaten/{REGENCY}/rencana/{served['version_id']}"
            for lang in ("id", "en"):
                coordinator.goto(f"{base}/bahasa/{lang}?next=/kabupaten/{REGENCY}/")
                coordinator.goto(review)
                coordinator.wait_for_selector("#rute .stop-icon", timeout=15_000)
                coordinator.wait_for_timeout(400)
                coordinator.screenshot(path=str(ARTIFACTS / f"review_390_{lang}.png"),
                                       full_page=True)
                assert _width(coordinator) <= PHONE["width"], lang
            coordinator.goto(f"{base}/bahasa/id?next=/kabupaten/{REGENCY}/")

            lead = browser.new_page(viewport=PHONE)
            lead.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            # the phone's clock says Tuesday morning too (field.js decides today on a page
            # kept offline)
            lead.clock.set_fixed_time(datetime(2026, 12, 1, 7, 30))
            _login(lead, base, "ketua")
            lead.goto(f"{base}/tim/{served['team_id']}")
            own_text = lead.locator("main").inner_text()
            lead.screenshot(path=str(ARTIFACTS / "lead_team_390.png"), full_page=True)
            assert _width(lead) <= PHONE["width"]
            lead.goto(f"{base}/lapangan/tim/{served['team_id']}")
            lead.wait_for_selector("section.day")
            lead.screenshot(path=str(ARTIFACTS / "lead_field_390.png"), full_page=True)
            assert _width(lead) <= PHONE["width"]

            routes = sorted((r for r in served["plan"]["routes"]
                             if r["team_id"] == served["team_code"] and r["stops"]),
                            key=lambda r: r["date"])
            expected = [f"{s['chunk']}/{s['chunks']}" for r in routes for s in r["stops"]
                        if s["chunks"] > 1]
            assert expected
            assert _parts(own_text) == expected
            # the field page puts today first: compare day by day
            for r in routes:
                section = lead.locator(f'section.day[data-date="{r["date"]}"]')
                assert _parts(section.inner_text()) == [
                    f"{s['chunk']}/{s['chunks']}" for s in r["stops"] if s["chunks"] > 1]
                share = section.locator("a.wa")
                visible = share.count() == 1 and share.is_visible()
                assert visible == (r["date"] == TUESDAY.isoformat()), r["date"]
        finally:
            browser.close()
    assert problems == []
