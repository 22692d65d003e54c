"""The review map in Chromium: one colour per team, day and team filters, repeat visits."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import PASSWORD, SAMPLE, make_config
from werkzeug.serving import make_server

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import PlanningJob, PlanVersion, Role
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.planning import create_job
from web.services.regions import ensure_regency
from web.worker import PlanningWorker

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
REGENCY = "36.90"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} missing (apt-get install -y chromium)")


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any], int]]:
    """A solved draft of the sample regency's week, served; its plan and id."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
        job = create_job(ensure_regency(REGENCY), None, week_start=date(2026, 11, 30),
                         time_limit_s=10, solution_limit=3)
        job_id = job.id
    assert PlanningWorker(app).run_once()
    with app.app_context():
        done = db.session.get(PlanningJob, job_id)
        assert done is not None
        assert done.result_version_id, done.error
        version = db.session.get(PlanVersion, done.result_version_id)
        plan, version_id = version.plan, version.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", plan, version_id
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _route_strokes(page: Any) -> list[str]:
    """Stroke colours of the drawn route lines (waiting villages are grey circles)."""
    return page.eval_on_selector_all(
        "#rute path.leaflet-interactive",
        "els => els.map(e => e.getAttribute('stroke')).filter(s => s !== '#6b7780')")


def test_review_map_colours_teams_and_filters_days_and_teams(reviewed):
    """One colour per team in map and legend; the day and team filters show just their routes
    and tables; repeat visits of a village are marked as such."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base, plan, version_id = reviewed
    routes = [r for r in plan["routes"] if r["stops"]]
    teams = sorted({r["team_id"] for r in plan["routes"]})
    visits = Counter(s["village_code"] for r in routes for s in r["stops"])
    repeats = sum(n - 1 for n in visits.values())
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.goto(f"{base}/masuk")
            page.get_by_label("Nama pengguna").fill("koordinator")
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url("**/kabupaten/36.90/")
            page.goto(f"{base}/kabupaten/{REGENCY}/rencana/{version_id}")
            page.wait_for_selector("#rute .stop-icon", timeout=15_000)
            page.wait_for_timeout(500)
            # the whole week: one line per team-day, one colour per team
            strokes = _route_strokes(page)
            assert len(strokes) == len(routes)
            by_team: dict[str, set[str]] = {}
            for route, stroke in zip(routes, strokes, strict=True):
                by_team.setdefault(route["team_id"], set()).add(stroke)
            assert all(len(colours) == 1 for colours in by_team.values())
            assert len({next(iter(c)) for c in by_team.values()}) == len(by_team)
            legend = page.locator(".route-legend li").all_inner_texts()
            assert len(legend) == len(teams) + 2  # teams, repeat visits, waiting
            assert page.locator("#rute .stop-icon.repeat").count() == repeats
            page.locator("#rute").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "review_map_week.png"))

            day = routes[0]["date"]
            page.select_option("#saring-hari", day)
            on_day = [r for r in routes if r["date"] == day]
            assert len(_route_strokes(page)) == len(on_day)
            assert page.locator("#rute .stop-icon").count() == sum(len(r["stops"])
                                                                  for r in on_day)
            shown = page.locator("section.team-day:visible")
            assert shown.count() == len(on_day)
            assert f"{len(on_day)} rute" in page.locator("#saring-jumlah").inner_text()

            team = on_day[0]["team_id"]
            page.select_option("#saring-tim", team)
            one = [r for r in on_day if r["team_id"] == team]
            assert len(_route_strokes(page)) == len(one) == 1
            assert page.locator("#rute .stop-icon").count() == len(one[0]["stops"])
            numbers = page.locator("#rute .stop-icon").all_inner_texts()
            assert sorted(int(n) for n in numbers) == list(range(1, len(one[0]["stops"]) + 1))
            page.wait_for_timeout(400)
            page.screenshot(path=str(ARTIFACTS / "review_map_filtered.png"))

            page.select_option("#saring-hari", "")
            page.select_option("#saring-tim", "")
            assert len(_route_strokes(page)) == len(routes)

            # a phone: the page keeps the screen's width (wide tables scroll inside)
            page.set_viewport_size({"width": 390, "height": 800})
            page.wait_for_timeout(300)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / "review_phone.png"))
        finally:
            browser.close()
    assert problems == []
