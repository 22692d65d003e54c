"""Browser smoke test: Debian's Chromium driven by Playwright (never downloads a browser)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_fixtures import PASSWORD, SAMPLE, make_config
from werkzeug.serving import make_server

from web import create_app
from web.database import upgrade_database
from web.models import Role
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} missing (apt-get install -y chromium)")


@pytest.fixture
def live_server(tmp_path) -> Iterator[str]:
    """The app with the sample regency and a coordinator, served on a free local port."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def test_coordinator_logs_in_and_sees_the_villages_map(live_server):
    """Login, open the villages page: the map draws, no script or CSP error, screenshot saved."""
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("console", lambda msg: problems.append(msg.text)
                    if msg.type == "error" and "tile.openstreetmap.org" not in msg.text
                    and "net::ERR" not in msg.text else None)
            page.goto(f"{live_server}/masuk")
            page.get_by_label("Nama pengguna").fill("koordinator")
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url("**/kabupaten/36.90/")
            page.get_by_role("link", name="Lihat desa dan peta").click()
            page.wait_for_selector("#peta .leaflet-overlay-pane canvas", timeout=15_000)
            page.wait_for_timeout(1500)  # let tiles fail (no internet) and the map settle
            assert page.locator("table.villages tbody tr").count() == 150
            page.screenshot(path=str(ARTIFACTS / "villages_map.png"), full_page=False)
        finally:
            browser.close()
    assert problems == []


@pytest.fixture
def planning_server(tmp_path) -> Iterator[tuple[str, object]]:
    """The sample regency with a coordinator and a team lead, served with a planning worker
    thread (short solver limits)."""
    from web.worker import PlanningWorker

    app = create_app(make_config(tmp_path, PLANNING_TIME_LIMIT_S=3))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code="36.90", team="tim-keliling-tanjung-harapan-2")
    worker = PlanningWorker(app, poll_s=0.2)
    worker.start()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        worker.stop()


def _valid_move(app, version_id: int) -> tuple[str, str, int, list[str]]:
    """A move that keeps every rule, and the stops to take out first to make room.

    Team-days of a full week are packed; a stop alone on one team-day always fits another
    day of the same team once that day is emptied (same office, hours and kits).  Returns
    ``(visit_id, vehicle_id, position, visits_to_remove_first)``.
    """
    from web.extensions import db
    from web.models import PlanVersion
    from web.services.plan_edits import Edit
    from web.services.review import edit_version

    with app.app_context():
        version = db.session.get(PlanVersion, version_id)
        routes = version.plan["routes"]
        for route in routes:
            for stop in route["stops"]:
                for position in range(1, len(route["stops"]) + 1):
                    if position == stop["sequence"]:
                        continue
                    edit = Edit("move", visit_id=stop["visit_id"],
                                vehicle_id=route["vehicle_id"], position=position)
                    if edit_version(version, edit, user=None, dry_run=True).result.ok:
                        db.session.remove()
                        return stop["visit_id"], route["vehicle_id"], position, []
        for single in (r for r in routes if len(r["stops"]) == 1):
            other = next((r for r in routes if r["team_id"] == single["team_id"]
                          and r["vehicle_id"] != single["vehicle_id"] and r["stops"]), None)
            if other is not None:
                db.session.remove()
                return (single["stops"][0]["visit_id"], other["vehicle_id"], 1,
                        [s["visit_id"] for s in other["stops"]])
        db.session.remove()
    raise AssertionError("no valid move in the plan")


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_coordinator_plans_reviews_edits_publishes_and_team_lead_is_kept_out(planning_server):
    """The weekly cycle in Chromium: plan (worker thread), map, move a stop, publish; then a
    team lead sees its own routes and is refused another team's page."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base, app = planning_server
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("console", lambda msg: problems.append(msg.text)
                    if msg.type == "error" and "tile.openstreetmap.org" not in msg.text
                    and "net::ERR" not in msg.text and "status of 4" not in msg.text
                    else None)
            _login(page, base, "koordinator")
            page.wait_for_url("**/kabupaten/36.90/")
            page.get_by_role("link", name="Rencana", exact=True).click()
            page.get_by_label("Batas waktu perhitungan (detik)").fill("3")
            page.get_by_role("button", name="Rencanakan minggu").click()
            page.wait_for_url("**/rencana/tugas/*")
            page.locator("#hasil:not([hidden])").wait_for(timeout=60_000)
            assert "Nilai terbaik sejauh ini" in page.locator("#angka").inner_text()
            page.screenshot(path=str(ARTIFACTS / "plan_job.png"))
            page.get_by_role("link", name="Tinjau rencana").click()
            page.wait_for_url("**/rencana/*")
            page.wait_for_selector("#rute .stop-icon", timeout=15_000)
            page.wait_for_timeout(1000)
            assert page.locator("#rute .stop-icon").count() > 5
            assert page.locator("#rute path.leaflet-interactive").count() > 5
            page.screenshot(path=str(ARTIFACTS / "plan_review.png"))
            version_id = int(page.url.rstrip("/").split("/")[-1].split("#")[0])
            visit_id, vehicle_id, position, make_room = _valid_move(app, version_id)
            for removed in make_room:
                page.locator(f'tr[data-visit="{removed}"]').get_by_role(
                    "button", name="Keluarkan").click()
                page.wait_for_selector(".flash.success")
            saved_as = 2 + len(make_room)
            row = page.locator(f'tr[data-visit="{visit_id}"]')
            row.locator("select[name=vehicle_id]").select_option(vehicle_id)
            row.locator("input[name=position]").fill(str(position))
            row.get_by_role("button", name="Pindahkan").click()
            page.wait_for_selector(".flash.success")
            assert f"disimpan sebagai versi {saved_as}" in page.locator(
                ".flash.success").inner_text()
            moved = page.locator(f'tr[data-visit="{visit_id}"] td').first.inner_text()
            assert moved.strip() == str(position)
            page.wait_for_selector("#rute .stop-icon")
            page.locator(f'tr[data-visit="{visit_id}"]').scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "plan_moved.png"), full_page=False)
            page.get_by_role("button", name="Terbitkan versi ini").click()
            page.wait_for_selector(".flash.success")
            assert "diterbitkan" in page.locator(".flash.success").inner_text()
            assert "Versi ini yang berlaku" in page.content()
            page.screenshot(path=str(ARTIFACTS / "plan_published.png"))
            page.get_by_role("button", name="Keluar", exact=True).click()

            _login(page, base, "ketua")
            page.wait_for_url("**/tim/*")
            assert "Rute terbit" in page.content()
            page.screenshot(path=str(ARTIFACTS / "team_lead_routes.png"), full_page=True)
            own = int(page.url.rstrip("/").split("/")[-1])
            response = page.goto(f"{base}/tim/{own + 1 if own == 1 else own - 1}")
            assert response.status == 403
            assert "tidak berhak" in page.content()
            page.screenshot(path=str(ARTIFACTS / "team_lead_refused.png"))
        finally:
            browser.close()
    assert problems == []
