"""The turnout model learned from reports: shown to the coordinator with its reports,
accepted for planning, earlier visits counted for the repeat decay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from web_fixtures import WEEK, login

from web.extensions import db
from web.models import FieldReport, PlanVersion, PlanWeek, TurnoutRate
from web.services.never_come import turnout_model_params, visits_before
from web.services.plans import publish_version
from web.services.turnout import service_params

OWN = "36.90"


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


@pytest.fixture
def published(app, world):
    """The own regency's one-stop plan (capacity 60 of a backlog of 100) published."""
    with app.app_context():
        version = db.session.get(PlanVersion, world.targets["own"].version_id)
        week = db.session.query(PlanWeek).filter_by(regency_code=version.regency_code,
                                                    week_start=version.week_start).one()
        publish_version(version, base_revision=week.revision, user=None)
    return world


def _report(client, target, key: str, recorded: int):
    body = {"idempotency_key": key, "visit_id": target.kode, "date": WEEK.isoformat(),
            "recorded": recorded}
    response = client.post(f"/api/v1/teams/{target.team_id}/reports", json=body)
    assert response.status_code == 201, response.get_json()


def _repeat_visit(app, target, recorded: int) -> None:
    """A second visit of the village a day later, as if from the same plan's stop."""
    with app.app_context():
        first = db.session.query(FieldReport).one()
        db.session.add(FieldReport(
            idempotency_key="ulang-1", body_hash="x", regency_code=first.regency_code,
            team_id=first.team_id, village_id=first.village_id,
            plan_version_id=first.plan_version_id, visit_id=first.visit_id,
            stop_date=first.stop_date + timedelta(days=1), week_start=first.week_start,
            recorded=recorded, expected=first.expected, turnout_used=0.6,
            turnout_type="desa"))
        db.session.commit()


def test_learned_share_is_shown_with_its_reports_and_accepted(app, published):
    """45 recorded where 60 were planned for, of 100 at 0.6: 75 could come, so 25 % never
    come (one report); accepting stores it for the next plans, not as a village type."""
    target = published.targets["own"]
    _report(_client(app, "ketua"), target, "kunci-nc-1", 45)
    coordinator = _client(app, "koordinator")
    page = coordinator.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    section = page[page.index('id="tidak-pernah-datang"'):page.index('id="tidak-terjangkau"')]
    row = section[section.index('data-key="never_come"'):section.index('data-key="repeat_decay"')]
    assert '<td class="num learned">25%</td>' in row
    assert '<td class="num reports">1</td>' in row
    assert "10%" in row
    assert "bawaan" in row
    assert "laporan masih sedikit" in row
    decay = section[section.index('data-key="repeat_decay"'):]
    assert '<td class="num learned">–</td>' in decay  # no repeat visit yet
    model = coordinator.get(f"/api/v1/regencies/{OWN}/turnout").get_json()["model"]
    assert model == {"never_come": {"learned": 0.25, "reports": 1, "current": 0.1},
                     "repeat_decay": {"learned": None, "reports": 0, "current": 0.85},
                     "villages": []}
    response = coordinator.post(f"/kabupaten/{OWN}/lapangan/tidak-pernah-datang")
    assert response.status_code == 302
    with app.app_context():
        rows = {r.village_type: (r.rate, r.reports) for r in db.session.query(TurnoutRate)}
        assert rows == {"never_come": (0.25, 1)}
        assert turnout_model_params(OWN).never_come == 0.25
        assert turnout_model_params(OWN).repeat_decay == 0.85
        assert service_params(OWN).turnout_by_type == {}  # not a village type
    page = coordinator.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    assert "diterima" in page[page.index('data-key="never_come"'):]


def test_repeat_visits_teach_the_decay_and_the_village_share(app, published):
    """A second visit recording 15 of the 30 left who can come at 0.6 gives a decay of
    about 0.83, told by one repeat report; the village, with two reports, gets its own share."""
    target = published.targets["own"]
    _report(_client(app, "ketua"), target, "kunci-nc-2", 45)
    _repeat_visit(app, target, 15)
    coordinator = _client(app, "koordinator")
    assert coordinator.post(f"/kabupaten/{OWN}/lapangan/tidak-pernah-datang").status_code == 302
    with app.app_context():
        rows = {r.village_type: (r.rate, r.reports) for r in db.session.query(TurnoutRate)}
        assert rows["never_come"] == (0.25, 1)
        assert rows["repeat_decay"][1] == 1
        assert rows["repeat_decay"][0] == pytest.approx(0.83, abs=0.01)
        assert rows[f"nc:{target.kode}"] == (0.25, 2)
        model = turnout_model_params(OWN)
        assert model.never_come_by_village == {target.kode: 0.25}
        # both visits come before the next week: the planner counts them as earlier visits
        assert visits_before(OWN, WEEK + timedelta(days=7)) == {target.kode: 2}
        assert visits_before(OWN, WEEK) == {}


def test_only_the_regency_coordinator_may_accept(app, published):
    """The province reads the section but cannot accept; neither can a team lead."""
    target = published.targets["own"]
    _report(_client(app, "ketua"), target, "kunci-nc-3", 45)
    province = _client(app, "provinsi")
    page = province.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    assert 'data-key="never_come"' in page
    assert "Pakai nilai ini" not in page
    for user in ("provinsi", "ketua"):
        assert _client(app, user).post(
            f"/kabupaten/{OWN}/lapangan/tidak-pernah-datang").status_code == 403
    with app.app_context():
        assert db.session.query(TurnoutRate).count() == 0


def test_no_reports_nothing_to_learn(app, world):
    """Without reports the section says so and accepting stores nothing."""
    coordinator = _client(app, "koordinator")
    page = coordinator.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    section = page[page.index('id="tidak-pernah-datang"'):page.index('id="tidak-terjangkau"')]
    assert "Belum ada laporan kunjungan untuk dipelajari." in section
    coordinator.post(f"/kabupaten/{OWN}/lapangan/tidak-pernah-datang")
    with app.app_context():
        assert db.session.query(TurnoutRate).count() == 0
