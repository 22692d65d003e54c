"""The JSON API: its OpenAPI document, JSON errors and CSRF through the X-CSRFToken header."""

from __future__ import annotations

import re

from openapi_spec_validator import validate
from web_fixtures import PASSWORD, build_app, login, make_world

from web.api.openapi import openapi_document


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_is_valid_and_covers_every_api_route(app):
    """Every /api/v1 rule and method is in the served document, and the document validates."""
    client = app.test_client()
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == openapi_document()
    validate(served)
    documented = {(path, method) for path, item in served["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in ("api.openapi", "api.docs"):
            continue
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            routes.add((_openapi_path(rule.rule), method.lower()))
    assert routes == documented


def test_api_docs_page_uses_local_assets_only(client):
    """The docs page loads its script from this app, with no outside origin."""
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/js/api_docs.js" in page
    assert "http://" not in page
    assert "https://" not in page


def test_api_errors_are_json(app, world):
    """Not signed in, forbidden and missing objects answer JSON under /api."""
    client = app.test_client()
    response = client.get("/api/v1/regencies/36.90/villages")
    assert response.status_code == 401
    assert response.is_json
    login(client, "koordinator")
    for url, status in (("/api/v1/regencies/36.91/villages", 403), ("/api/v1/jobs/999", 404),
                        ("/api/v1/plans/999", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert response.get_json()["status"] == status
    assert client.get("/kabupaten/36.90/rencana/999").mimetype == "text/html"


def test_api_post_needs_the_csrf_header(tmp_path):
    """With CSRF on, a job POST without X-CSRFToken is refused (JSON 400); with it, queued."""
    app = build_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/masuk", data={"username": "koordinator", "password": PASSWORD,
                                "csrf_token": token})
    refused = client.post("/api/v1/regencies/36.90/jobs", json={"time_limit_s": 2})
    assert refused.status_code == 400
    assert refused.is_json
    page = client.get("/kabupaten/36.90/rencana").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    accepted = client.post("/api/v1/regencies/36.90/jobs", json={"time_limit_s": 2},
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 202
    assert accepted.get_json()["status"] == "queued"


def test_api_lists_villages_and_teams(app, world):
    """Villages carry flags and backlog; teams their working setup."""
    client = app.test_client()
    login(client, "provinsi")
    villages = client.get("/api/v1/regencies/36.91/villages").get_json()["villages"]
    assert villages[0]["belum_rekam"] == 100
    assert "remote" in villages[0]["flags"]
    teams = client.get("/api/v1/regencies/36.91/teams").get_json()["teams"]
    assert teams[0]["name"] == "Tim A 36.91"
