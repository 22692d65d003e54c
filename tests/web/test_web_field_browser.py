"""The team lead's phone page in Debian's Chromium: offline after one visit, reports wait in
the outbox through a reload without signal and are sent once when the signal returns."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from field_fixtures import today_plan
from web_fixtures import PASSWORD, make_config, make_world
from werkzeug.serving import make_server

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import FieldReport

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} missing (apt-get install -y chromium)")


@pytest.fixture
def field_server(tmp_path) -> Iterator[tuple[str, object, object, tuple[str, str]]]:
    """The small world (migrated database) with a plan of today published, served locally."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        world = make_world()
    days = today_plan(app, world)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, world, days
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def _watch(page, problems: list[str]) -> None:
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "tile.openstreetmap.org" not in msg.text
            and "net::ERR" not in msg.text and "Failed to fetch" not in msg.text
            and "status of 503" not in msg.text else None)


def _reports(app) -> list[tuple[str, int | None]]:
    with app.app_context():
        found = [(r.visit_id, r.recorded) for r in db.session.query(FieldReport)
                 .order_by(FieldReport.id)]
        db.session.remove()
        return found


def test_team_lead_reports_two_stops_offline_and_they_are_sent_once_online(field_server):
    """Open today's stops with signal; offline: report two stops, reload (still waiting);
    online again: exactly two reports stored."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base, app, world, (today, _later) = field_server
    team_id = world.targets["own"].team_id
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport=PHONE, device_scale_factor=1,
                                          is_mobile=True, has_touch=True, locale="id-ID",
                                          timezone_id="Asia/Jakarta")
            page = context.new_page()
            _watch(page, problems)
            _login(page, base, "ketua")
            page.goto(f"{base}/lapangan/tim/{team_id}")
            assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()  # now controlled: the page and the schedule go into the cache
            page.wait_for_function(
                "caches.open('lapangan-v1').then(c => c.keys()).then(ks => "
                "ks.some(r => r.url.endsWith('/schedule')) && "
                "ks.some(r => r.url.includes('/lapangan/tim/')))")
            cached_at = page.locator("#lapangan").get_attribute("data-generated-at")
            first_day = page.locator("section.day").first
            assert first_day.get_attribute("data-date") == today
            assert "Hari ini" in first_day.locator("h2").inner_text()
            page.screenshot(path=str(ARTIFACTS / "field_phone_online.png"), full_page=True)

            context.set_offline(True)
            stops = first_day.locator("li.stop")
            assert stops.count() == 2
            stops.nth(0).get_by_label("Jumlah orang direkam").fill("41")
            stops.nth(0).get_by_role("button", name="Simpan laporan").click()
            stops.nth(1).get_by_label("Jumlah orang direkam").fill("37")
            stops.nth(1).get_by_label("Catatan (tanpa nama atau NIK)").fill("hujan sore")
            stops.nth(1).get_by_role("button", name="Simpan laporan").click()
            page.wait_for_function("document.getElementById('antrean-jumlah')"
                                   ".textContent === '2'")
            assert "Belum terkirim" in stops.nth(0).locator(".report-state").inner_text()
            assert _reports(app) == []

            page.reload()  # no signal: the page comes from the service worker's cache
            assert page.locator("#lapangan").get_attribute("data-generated-at") == cached_at
            assert page.locator("#antrean-jumlah").inner_text() == "2"
            page.wait_for_function("document.getElementById('sinyal').textContent"
                                   ".includes('Tidak ada sinyal')")
            waiting = page.locator("section.day").first.locator(".report-state.waiting")
            assert waiting.count() == 2
            page.screenshot(path=str(ARTIFACTS / "field_phone_offline_outbox.png"),
                            full_page=True)
            assert _reports(app) == []

            context.set_offline(False)
            page.wait_for_selector("#antrean", state="hidden", timeout=30_000)
            sent = page.locator("section.day").first.locator(".report-state.sent")
            assert sent.count() == 2
            assert "Tidak ada sinyal" not in page.locator("#sinyal").inner_text()
            page.screenshot(path=str(ARTIFACTS / "field_phone_sent.png"), full_page=True)
            page.wait_for_timeout(500)  # no late duplicate from a second flush
        finally:
            browser.close()
    kode = world.targets["own"].kode
    assert sorted(_reports(app)) == sorted([(kode, 41), ("36.90.01.2002", 37)])
    assert problems == []


def test_province_dashboard_and_coordinator_reports_page_render(field_server):
    """The province's dashboard draws its chart and map; the coordinator's field page shows
    the learned turnout with the accept button (screenshots, phone and desktop)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base, app, world, (today, _later) = field_server
    client = app.test_client()
    client.post("/masuk", data={"username": "ketua", "password": PASSWORD})
    team_id = world.targets["own"].team_id
    for key, visit, recorded in (("browser-0001", world.targets["own"].kode, 52),
                                 ("browser-0002", "36.90.01.2002", 30)):
        response = client.post(f"/api/v1/teams/{team_id}/reports", json={
            "idempotency_key": key, "visit_id": visit, "date": today, "recorded": recorded})
        assert response.status_code == 201
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            _watch(page, problems)
            _login(page, base, "provinsi")
            page.goto(f"{base}/provinsi")
            page.wait_for_selector("#peta-kemajuan .leaflet-overlay-pane canvas",
                                   timeout=15_000)
            page.wait_for_timeout(1000)
            assert page.locator("svg.trend rect.bar").count() > 8
            page.screenshot(path=str(ARTIFACTS / "province_dashboard.png"), full_page=True)
            page.get_by_role("link", name="Kabupaten 36.90").click()
            page.wait_for_selector("#peta-kemajuan .leaflet-overlay-pane canvas")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "province_regency.png"), full_page=True)
            page.get_by_role("button", name="Keluar", exact=True).click()

            phone = browser.new_page(viewport=PHONE)
            _watch(phone, problems)
            _login(phone, base, "koordinator")
            phone.goto(f"{base}/kabupaten/36.90/lapangan")
            assert phone.get_by_role("button", name="Terima tingkat kehadiran").count() == 1
            phone.screenshot(path=str(ARTIFACTS / "coordinator_field_reports_phone.png"),
                             full_page=True)
            phone.get_by_role("button", name="Terima tingkat kehadiran").click()
            phone.wait_for_selector(".flash.success")
            phone.screenshot(path=str(ARTIFACTS / "coordinator_turnout_accepted.png"))
        finally:
            browser.close()
    assert problems == []
