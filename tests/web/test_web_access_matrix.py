"""Every URL rule × every role × own/foreign regency and team → the expected status.

The rules come from the app's URL map, so a new route without an expectation here fails.
Targets: ``own`` (regency 36.90 and the team lead's team), ``sibling`` (another team of
36.90), ``other`` (regency 36.91, same province) and ``far`` (32.01, another province).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import url_for
from web_fixtures import build_app, login, make_config, make_world

from web import create_app

ROLES = ("anonymous", "province", "coordinator", "team_lead")
TARGETS = ("own", "sibling", "other", "far")
USERNAMES = {"province": "provinsi", "coordinator": "koordinator", "team_lead": "ketua"}


def _same(status: int) -> dict[str, tuple[int, ...]]:
    return dict.fromkeys(ROLES, (status,) * 4)


def _kind(anonymous: int, province: tuple[int, ...], coordinator: tuple[int, ...],
          team_lead: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    return {"anonymous": (anonymous,) * 4, "province": province, "coordinator": coordinator,
            "team_lead": team_lead}


DENIED = (403, 403, 403, 403)
#: reading a regency: the province reads its own province, the coordinator its regency
READ = _kind(302, (200, 200, 200, 403), (200, 200, 403, 403), DENIED)
#: changing a regency: its coordinator only (the form is shown again when incomplete)
WRITE_FORM = _kind(302, DENIED, (200, 200, 403, 403), DENIED)
#: changing a regency with a redirect after success
WRITE_DONE = _kind(302, DENIED, (302, 302, 403, 403), DENIED)
#: a team's own page: its lead, its coordinator, the province
TEAM_PAGE = _kind(302, (200, 200, 200, 403), (200, 200, 403, 403), (200, 403, 403, 403))
#: a form post the coordinator sent incomplete (400), others refused
WRITE_BAD = _kind(302, DENIED, (400, 400, 403, 403), DENIED)
#: one team's file of a plan version: readers of the regency (the sibling team has no day in
#: the plan: 404); a team lead only from a published version of its own team (here a draft)
TEAM_FILE = _kind(302, (200, 404, 200, 403), (200, 404, 403, 403), DENIED)
#: the JSON API: 401 (not 302) without a login
API_READ = _kind(401, (200, 200, 200, 403), (200, 200, 403, 403), DENIED)


def _api_write(status: int) -> dict[str, tuple[int, ...]]:
    return _kind(401, DENIED, (status, status, 403, 403), DENIED)


EXPECTED: dict[tuple[str, str], dict[str, tuple[int, ...]]] = {
    ("static", "GET"): _same(200),
    ("health.health", "GET"): _same(200),
    ("health.index", "GET"): {**_same(302), "anonymous": (200,) * 4},
    ("i18n.set_language", "GET"): _same(302),
    ("auth.login", "GET"): {**_same(302), "anonymous": (200,) * 4},
    ("auth.login", "POST"): {**_same(302), "anonymous": (200,) * 4},
    ("auth.logout", "POST"): _same(302),
    # every account changes its own password (an empty form is shown again)
    ("auth.change_password", "GET"): {**_same(200), "anonymous": (302,) * 4},
    ("auth.change_password", "POST"): {**_same(200), "anonymous": (302,) * 4},
    ("main.dashboard", "GET"): {**_same(302), "province": (200,) * 4},
    ("main.regency", "GET"): READ,
    ("villages.index", "GET"): READ,
    ("villages.geojson", "GET"): READ,
    ("villages.edit", "GET"): WRITE_FORM,
    ("villages.edit", "POST"): WRITE_DONE,
    ("uploads.upload", "GET"): WRITE_FORM,
    ("uploads.upload", "POST"): WRITE_DONE,
    ("uploads.result", "GET"): READ,
    ("teams.index", "GET"): READ,
    ("teams.create", "GET"): WRITE_FORM,
    ("teams.create", "POST"): WRITE_FORM,
    ("teams.edit", "GET"): WRITE_FORM,
    ("teams.edit", "POST"): WRITE_FORM,
    ("teams.own_team", "GET"): TEAM_PAGE,
    ("teams.days_off", "GET"): READ,
    ("teams.days_off", "POST"): WRITE_FORM,  # an empty form is shown again
    ("accounts.index", "GET"): WRITE_FORM,
    ("accounts.index", "POST"): WRITE_FORM,
    ("accounts.toggle", "POST"): WRITE_DONE,
    ("accounts.reset_password", "POST"): WRITE_FORM,  # the new password is shown once
    ("plans.index", "GET"): READ,
    ("plans.index", "POST"): WRITE_FORM,
    ("plans.job", "GET"): READ,
    ("plans.cancel", "POST"): WRITE_DONE,
    ("plans.review", "GET"): READ,
    ("plans.map_json", "GET"): READ,
    ("plans.edit", "POST"): WRITE_DONE,  # no stored instance here: refused with a message
    ("plans.reoptimise", "POST"): WRITE_DONE,
    ("plans.publish", "POST"): WRITE_BAD,  # no base revision sent
    **{(f"plans.download_{ext}", "GET"): READ for ext in ("xlsx", "csv", "geojson")},
    **{(f"plans.team_download_{ext}", "GET"): TEAM_FILE
       for ext in ("xlsx", "csv", "geojson", "gpx", "kml", "ics", "pdf")},
    ("api.openapi", "GET"): _same(200),
    ("api.docs", "GET"): _same(200),
    ("api.villages", "GET"): API_READ,
    ("api.teams", "GET"): API_READ,
    ("api.create_job_api", "POST"): _api_write(202),
    ("api.job", "GET"): API_READ,
    ("api.cancel", "POST"): _api_write(200),
    ("api.plans", "GET"): API_READ,
    ("api.plan", "GET"): API_READ,
    ("api.edit", "POST"): _api_write(400),
    ("api.publish", "POST"): _api_write(400),
    ("api.reoptimise", "POST"): _api_write(202),
    # field pages, reports, turnout, province dashboard (the province never writes)
    ("field.stops", "GET"): TEAM_PAGE,
    ("field.service_worker", "GET"): {**_same(200), "anonymous": (302,) * 4},
    ("field_api.schedule", "GET"): {**TEAM_PAGE, "anonymous": (401,) * 4},
    ("field_api.reports", "GET"): {**TEAM_PAGE, "anonymous": (401,) * 4},
    # an empty body: 400 to those who may report (own lead, own coordinator), else 403
    ("field_api.create_report", "POST"): _kind(401, DENIED, (400, 400, 403, 403),
                                               (400, 403, 403, 403)),
    ("field_api.turnout", "GET"): API_READ,
    ("field_api.accept", "POST"): _api_write(200),
    ("field_api.progress", "GET"): API_READ,
    ("reports.index", "GET"): READ,
    ("reports.accept", "POST"): WRITE_DONE,
    ("reports.accept_model", "POST"): WRITE_DONE,
    ("reports.contact", "GET"): WRITE_FORM,
    ("reports.contact", "POST"): WRITE_DONE,
    ("province.index", "GET"): _kind(302, (200,) * 4, DENIED, DENIED),
    ("province.map_json", "GET"): _kind(302, (200,) * 4, DENIED, DENIED),
    ("province.regency", "GET"): READ,
    ("province.regency_map", "GET"): READ,
    # the one thing the province starts: planning every regency (drafts only)
    ("province.plan_all", "GET"): _kind(302, (200,) * 4, DENIED, DENIED),
    ("province.plan_all", "POST"): _kind(302, (400,) * 4, DENIED, DENIED),
    ("province.plan_batch", "GET"): _kind(302, (404,) * 4, DENIED, DENIED),
    ("province.plan_batch_json", "GET"): _kind(302, (404,) * 4, DENIED, DENIED),
    # the API of the same: the province of the path must be the monitor's own (36)
    ("api.create_province_jobs", "POST"): _kind(401, (202, 202, 202, 403), DENIED, DENIED),
    ("api.province_batch_status", "GET"): _kind(401, (404, 404, 404, 403), DENIED, DENIED),
}


def _rules() -> list[tuple[str, str]]:
    app = create_app(make_config(Path("/nonexistent"), SQLALCHEMY_DATABASE_URI="sqlite://"))
    found = set()
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add((rule.endpoint, method))
    return sorted(found)


RULES = _rules()


def test_every_expectation_names_a_real_route():
    """The table has no stale rows: each entry is a route of the app."""
    assert sorted(set(EXPECTED) - set(RULES)) == []


@pytest.mark.parametrize(("endpoint", "method"), RULES, ids=[f"{m} {e}" for e, m in RULES])
def test_access(tmp_path, endpoint, method):
    """Each role gets the expected status on its own and on foreign regencies and teams."""
    assert (endpoint, method) in EXPECTED, f"no access expectation for {method} {endpoint}"
    app = build_app(tmp_path)
    with app.app_context():
        world = make_world()
    actual: dict[str, tuple[int, ...]] = {}
    for role in ROLES:
        statuses = []
        for target_name in TARGETS:
            client = app.test_client()
            if role != "anonymous":
                assert login(client, USERNAMES[role]).status_code == 302
            target = world.targets[target_name]
            values = {"regency_code": target.regency_code, "team_id": target.team_id,
                      "kode": target.kode, "user_id": target.user_id,
                      "import_id": target.import_id, "job_id": target.job_id,
                      "version_id": target.version_id, "lang": "en",
                      "batch_id": "000000000000",
                      "province_code": target.regency_code.split(".")[0],
                      "filename": "css/app.css"}
            with app.test_request_context():
                rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint
                            and method in (r.methods or ()))
                url = url_for(endpoint, **{k: values[k] for k in rule.arguments})
            with client.open(url, method=method, data={}) as response:
                statuses.append(response.status_code)
        actual[role] = tuple(statuses)
    assert actual == EXPECTED[(endpoint, method)]
