"""The team lead's page serves the published plan from its precomputed form: no plan JSON
read per request, a newly published version shown at once, each language its own; and the
number filter that pages print hundreds of times."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from field_fixtures import publish
from flask_babel import force_locale, format_decimal
from sqlalchemy import event
from web_fixtures import create_village, login, tiny_plan

from web.extensions import db
from web.i18n import number
from web.models import PlanVersion, Team
from web.services.plans import store_draft


def _lead(app):
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    return client


def _statements(app, client, path: str) -> tuple[str, list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return response.get_data(as_text=True), seen


def test_team_page_reads_no_plan_json_once_precomputed(app, world):
    target = world.targets["own"]
    with app.app_context():
        publish(target.version_id)
    client = _lead(app)
    path = f"/tim/{target.team_id}"
    first, _ = _statements(app, client, path)
    assert "Rute terbit" in first
    assert f"Desa {target.kode}" in first
    again, statements = _statements(app, client, path)
    assert again.split("<h2>", 1)[1] == first.split("<h2>", 1)[1]  # (the CSRF token differs)
    assert statements, "the page still checks the session and the team"
    assert not [s for s in statements if 'plan_version."plan"' in s
                or "plan_version.plan" in s or "plan_instance" in s], statements


def test_a_new_published_version_shows_at_once(app, world):
    target = world.targets["own"]
    with app.app_context():
        publish(target.version_id)
    client = _lead(app)
    path = f"/tim/{target.team_id}"
    assert "Desa 36.90.01.2009" not in client.get(path).get_data(as_text=True)
    with app.app_context():
        team = db.session.get(Team, target.team_id)
        village = create_village("36.90", "36.90.01.2009")
        db.session.commit()
        week = db.session.get(PlanVersion, target.version_id).week_start
        newer = store_draft(regency_code="36.90", week_start=week,
                            plan=tiny_plan(village, team), instance_id=None,
                            created_by_id=None)
        publish(newer.id)
        number_of_version = newer.version
    page = client.get(path).get_data(as_text=True)
    assert "Desa 36.90.01.2009" in page
    assert f"(versi {number_of_version})" in page


def test_each_language_gets_its_own_precomputed_routes(app, world):
    target = world.targets["own"]
    with app.app_context():
        publish(target.version_id)
    client = _lead(app)
    path = f"/tim/{target.team_id}"
    assert "Unduh rute tim:" in client.get(path).get_data(as_text=True)
    assert client.get(f"/bahasa/en?next={path}").status_code == 302
    english = client.get(path).get_data(as_text=True)
    assert "Download the team's route:" in english
    assert "Unduh rute tim:" not in english


@pytest.mark.parametrize("lang", ["id", "en"])
def test_number_filter_writes_what_babel_writes(app, lang):
    rng = random.Random(7)
    values = [0, 7, -7, 999, 1000, 1234567, -1234567, 2.5, 3.5, 0.125, 0.135, 0.145, 1.005,
              12345.678, -0.5, 10**12, Decimal("1234.5678")]
    values += [rng.uniform(-1e7, 1e7) for _ in range(300)]
    values += [round(rng.uniform(0, 1000), 3) for _ in range(300)]
    with app.test_request_context("/"), force_locale(lang):
        for value in values:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                assert number(value, digits) == format_decimal(value, format=pattern), value
        assert number(None) == "–"
        assert number(1234567) == ("1.234.567" if lang == "id" else "1,234,567")
