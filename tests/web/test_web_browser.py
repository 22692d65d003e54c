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
