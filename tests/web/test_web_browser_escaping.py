"""A village name that is HTML stays text on the maps (Chromium, Playwright; issue 16 §3).

Leaflet writes tooltip, popup and icon strings as HTML; the CSP would stop the script of an
injected ``<img onerror>``, but no element may be injected at all."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from web_fixtures import PASSWORD, WEEK, create_team, create_village, make_config, tiny_plan
from werkzeug.serving import make_server

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import Office, Role
from web.services.accounts import create_user
from web.services.plans import store_draft
from web.services.regions import ensure_regency

CHROMIUM = "/usr/bin/chromium"
EVIL = '<img src=x id=disuntik onerror="document.title=\'XSS\'">Desa <b>Jahat</b> & Co'

#: records the text and the number of child elements of each tooltip added to the map
OBSERVE_TOOLTIPS = """() => {
  window.tooltipsSeen = [];
  const pane = document.querySelector("#peta .leaflet-tooltip-pane");
  new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach(
    (node) => window.tooltipsSeen.push({text: node.textContent,
                                        elements: node.querySelectorAll("*").length}))))
    .observe(pane, {childList: true});
}"""

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} missing (apt-get install -y chromium)")


@pytest.fixture
def evil_server(tmp_path) -> Iterator[tuple[str, int]]:
    """Regency 36.90 with one village named like HTML, a draft plan visiting it and a
    coordinator, served on a free local port; (base URL, version id)."""
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Uji")
        db.session.add(Office(regency_code="36.90", code="kantor", name="Kantor", lon=105.0,
                              lat=-7.0))
        team = create_team("36.90", name="Tim <i>A</i>")
        village = create_village("36.90", "36.90.01.2001", name=EVIL)
        db.session.commit()
        version = store_draft(regency_code="36.90", week_start=WEEK,
                              plan=tiny_plan(village, team), instance_id=None,
                              created_by_id=None)
        version_id = version.id
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", version_id
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_html_in_a_village_name_stays_text_on_the_maps(evil_server):
    """The villages map's tooltip and popup and the review map's popup show the name as
    literal text; no element from the name appears and its script never runs."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base, version_id = evil_server
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.goto(f"{base}/masuk")
            page.get_by_label("Nama pengguna").fill("koordinator")
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url("**/kabupaten/36.90/")

            page.goto(f"{base}/kabupaten/36.90/desa")
            page.wait_for_selector("#peta .leaflet-overlay-pane canvas", timeout=15_000)
            page.wait_for_timeout(1000)  # let the map settle (tiles fail: no internet)
            box = page.locator("#peta").bounding_box()
            centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            # the map fits the one square village: its stop point is the map's centre
            # every tooltip Leaflet opens is recorded (it may close again at once)
            page.evaluate(OBSERVE_TOOLTIPS)
            # open every tooltip the map bound, as a hover would (hovering a 3 px dot on a
            # canvas was flaky on a loaded machine); Leaflet writes the bound string as HTML
            page.wait_for_function("document.getElementById('peta').jemputBolaMap !== undefined")
            for _ in range(40):
                page.evaluate("""() => document.getElementById('peta').jemputBolaMap.eachLayer(
                    l => { if (l.getTooltip && l.getTooltip()) { l.openTooltip(); } })""")
                page.wait_for_timeout(250)
                if page.evaluate("window.tooltipsSeen.length"):
                    break
            seen = page.evaluate("window.tooltipsSeen")
            assert seen
            assert {(tooltip["text"], tooltip["elements"]) for tooltip in seen} == {(EVIL, 0)}
            page.mouse.click(centre_x + 60, centre_y + 60)  # inside the polygon, off the dot
            popup = page.locator("#peta .leaflet-popup-content")
            popup.wait_for(timeout=10_000)
            assert popup.locator("strong").inner_text() == EVIL
            assert page.locator("#peta img#disuntik, #peta b, #peta [onerror]").count() == 0

            page.goto(f"{base}/kabupaten/36.90/rencana/{version_id}")
            page.wait_for_selector("#rute .stop-icon", timeout=15_000)
            page.locator("#rute .stop-icon").first.click()
            popup = page.locator("#rute .leaflet-popup-content")
            popup.wait_for(timeout=10_000)
            assert popup.locator("strong").inner_text() == f"1. {EVIL}"
            assert "Tim <i>A</i>" in popup.inner_text()
            assert page.locator("#rute img#disuntik, #rute b, #rute i, "
                                "#rute [onerror]").count() == 0
            assert page.title() != "XSS"
        finally:
            browser.close()
    assert problems == []
