"""The JSON API: its OpenAPI document, JSON errors and CSRF through the X-CSRFToken header."""

from __future__ import annotations

import re

from openapi_spec_validator import validate
from web_fixtures import PASSWORD, build_app, login, make_world

from web.api.openapi import openapi_document
from web.extensions import db
from web.models import PlanningJob


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


def _jobs(app) -> int:
    with app.app_context():
        return db.session.query(PlanningJob).count()


def test_a_body_that_is_not_json_is_refused_and_nothing_is_queued(app, world):
    """Form-encoded or garbled bodies used to be taken as empty: a job with the defaults."""
    client = app.test_client()
    login(client, "koordinator")
    before = _jobs(app)
    url = "/api/v1/regencies/36.90/jobs"
    for response in (client.post(url, data={"time_limit_s": "2"}),
                     client.post(url, data="time_limit_s=2", content_type="text/plain"),
                     client.post(url, data="{not json", content_type="application/json"),
                     client.post(url, data='{"seed": NaN}', content_type="application/json")):
        assert response.status_code == 400
        assert response.is_json
        assert "JSON" in response.get_json()["error"]
    assert _jobs(app) == before
    # an empty body stays the documented way to ask for the defaults
    assert client.post(url).status_code == 202


def test_a_body_against_the_schema_is_422_listing_every_problem(app, world):
    """Unknown fields, a malformed date, a wrong type and an out-of-range value: 422 with one
    problem per field, in Indonesian; nothing is queued."""
    client = app.test_client()
    login(client, "koordinator")
    before = _jobs(app)
    response = client.post("/api/v1/regencies/36.90/jobs", json={
        "week_start": "2026-13-01", "time_limit_s": "lama", "seed": -1, "warna": "merah"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422
    problems = {p["field"]: p["message"] for p in body["problems"]}
    assert problems == {"warna": "kolom tidak dikenal",
                        "week_start": "harus berupa tanggal YYYY-MM-DD",
                        "time_limit_s": "harus berupa angka", "seed": "paling kecil 0"}
    assert "week_start: harus berupa tanggal YYYY-MM-DD" in body["error"]
    assert client.post("/api/v1/regencies/36.90/jobs", json=[1]).status_code == 422
    assert _jobs(app) == before
    version = world.targets["own"].version_id
    missing = client.post(f"/api/v1/plans/{version}/publish", json={})
    assert missing.status_code == 422
    assert missing.get_json()["problems"] == [{"field": "base_revision",
                                               "message": "wajib diisi"}]
    edit = client.post(f"/api/v1/plans/{version}/edits", json={"action": "teleport"})
    assert edit.status_code == 422
    assert edit.get_json()["problems"][0]["field"] == "action"


def test_turnout_is_not_accepted_from_a_body_that_is_not_json(app, world):
    """A garbled body used to accept every learned rate; now 400 and nothing accepted."""
    from web.services.turnout import accepted_rates

    client = app.test_client()
    login(client, "koordinator")
    url = "/api/v1/regencies/36.90/turnout"
    assert client.post(url, data="semua", content_type="text/plain").status_code == 400
    wrong = client.post(url, json={"types": ["kota"], "semua": True})
    assert wrong.status_code == 422
    assert {p["field"] for p in wrong.get_json()["problems"]} == {"semua", "types.0"}
    with app.app_context():
        assert accepted_rates("36.90") == {}


def test_query_parameters_are_checked_against_the_document(app, world):
    """An unknown flag or a malformed week_start is a 422, not a silently ignored filter."""
    client = app.test_client()
    login(client, "koordinator")
    flag = client.get("/api/v1/regencies/36.90/villages?flag=remote&flag=gunung")
    assert flag.status_code == 422
    assert flag.get_json()["problems"] == [{
        "field": "flag.1", "message": "harus salah satu dari: remote, border, island, coastal"}]
    week = client.get("/api/v1/regencies/36.90/plans?week_start=30-11-2026")
    assert week.status_code == 422
    assert week.get_json()["problems"][0]["field"] == "week_start"
    assert client.get("/api/v1/regencies/36.90/villages?flag=remote").status_code == 200
    plans = client.get("/api/v1/regencies/36.90/plans?week_start=2026-11-30").get_json()
    assert len(plans["versions"]) == 1


def test_every_refusal_the_api_gives_is_documented(app):
    """Writes document 400 (CSRF, not JSON) and 422 (schema); job queues 429; all 404."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404"} <= codes, (path, method)
            if method == "post":
                assert {"400", "422"} <= codes, (path, method)
            if any(p["in"] == "query" for p in operation["parameters"]):
                assert "422" in codes, (path, method)
    for path in ("/api/v1/regencies/{regency_code}/jobs", "/api/v1/plans/{version_id}/reoptimise"):
        assert "429" in document["paths"][path]["post"]["responses"]
    assert "409" in document["paths"]["/api/v1/plans/{version_id}/publish"]["post"]["responses"]


def test_a_field_report_against_the_schema_is_refused_at_once(app, world):
    """The phone shows 422 as refused (it retries a 400): a report with an unknown field or a
    malformed key is a 422 naming the field; a body that is not JSON a 400."""
    client = app.test_client()
    login(client, "koordinator")
    url = f"/api/v1/teams/{world.targets['own'].team_id}/reports"
    report = {"idempotency_key": "kunci-0001", "visit_id": world.targets["own"].kode,
              "date": "2026-11-30", "recorded": 10}
    for extra, field in (({"nik": "3601"}, "nik"), ({"idempotency_key": "k"}, "idempotency_key"),
                         ({"recorded": 2.5}, "recorded")):
        response = client.post(url, json={**report, **extra})
        assert response.status_code == 422
        assert [p["field"] for p in response.get_json()["problems"]] == [field]
    assert client.post(url, data=report).status_code == 400
