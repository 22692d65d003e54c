"""Field reports (idempotency, corrections, NIK refusal), the team lead's stop page, learned
turnout, the province dashboard, and rolling re-planning from reports on the sample regency."""

from __future__ import annotations

from datetime import date

import pytest
from field_fixtures import today_plan
from web_fixtures import PASSWORD, SAMPLE, WEEK, build_app, login

from web.extensions import db
from web.models import (
    BacklogCount,
    FieldReport,
    PlanVersion,
    PlanWeek,
    Role,
    Team,
    TurnoutRate,
    Village,
)
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.plans import publish_version
from web.services.turnout import service_params
from web.services.villages import regency_village_rows
from web.worker import PlanningWorker

OWN = "36.90"


def _publish(version_id: int) -> None:
    version = db.session.get(PlanVersion, version_id)
    week = db.session.query(PlanWeek).filter_by(regency_code=version.regency_code,
                                                week_start=version.week_start).one()
    publish_version(version, base_revision=week.revision, user=None)


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _backlog(kode: str) -> int:
    village = db.session.query(Village).filter_by(kode=kode).one()
    return (db.session.query(BacklogCount).filter_by(village_id=village.id)
            .order_by(BacklogCount.id.desc()).first().belum_rekam)


@pytest.fixture
def field_world(app, world):
    """The small world with the own regency's one-stop plan (60 expected) published."""
    with app.app_context():
        _publish(world.targets["own"].version_id)
    return world


def _report(kode: str, key: str, **extra):
    body = {"idempotency_key": key, "visit_id": kode, "date": WEEK.isoformat(),
            "recorded": 45, "notes": "balai desa ramai"}
    body.update(extra)
    return body


def test_repeat_with_the_same_key_returns_the_stored_report_and_changes_nothing(app,
                                                                              field_world):
    """A retry (same key, same body) answers 200 with the first report; one row, one count."""
    target = field_world.targets["own"]
    client = _client(app, "ketua")
    url = f"/api/v1/teams/{target.team_id}/reports"
    first = client.post(url, json=_report(target.kode, "kunci-0001"))
    assert first.status_code == 201, first.get_json()
    again = client.post(url, json=_report(target.kode, "kunci-0001"))
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["replayed"] is True
    with app.app_context():
        assert db.session.query(FieldReport).count() == 1
        assert _backlog(target.kode) == 55
        assert db.session.query(BacklogCount).filter_by(source="laporan").count() == 1


def test_the_same_key_with_another_body_is_refused(app, field_world):
    """Reusing a key for a different count is refused (409) and stores nothing new."""
    target = field_world.targets["own"]
    client = _client(app, "ketua")
    url = f"/api/v1/teams/{target.team_id}/reports"
    assert client.post(url, json=_report(target.kode, "kunci-0002")).status_code == 201
    conflict = client.post(url, json=_report(target.kode, "kunci-0002", recorded=50))
    assert conflict.status_code == 409
    assert "kunci laporan ini sudah dipakai" in conflict.get_json()["error"]
    with app.app_context():
        assert db.session.query(FieldReport).count() == 1
        assert _backlog(target.kode) == 55


def test_a_correction_supersedes_the_earlier_report(app, field_world):
    """A new key for the same stop replaces the old report; only the correction counts."""
    target = field_world.targets["own"]
    client = _client(app, "ketua")
    url = f"/api/v1/teams/{target.team_id}/reports"
    first = client.post(url, json=_report(target.kode, "kunci-0003")).get_json()
    fixed = client.post(url, json=_report(target.kode, "kunci-0004", recorded=30))
    assert fixed.status_code == 201
    listed = client.get(url).get_json()["reports"]
    assert [(r["id"], r["active"]) for r in listed] == [(fixed.get_json()["id"], True),
                                                       (first["id"], False)]
    assert listed[1]["superseded_by_id"] == fixed.get_json()["id"]
    with app.app_context():
        assert _backlog(target.kode) == 70


def test_notes_with_a_nik_and_unreachable_without_reason_are_refused(app, field_world):
    """Only counts are stored: 16 digits in the notes are refused; unreachable needs why."""
    target = field_world.targets["own"]
    client = _client(app, "ketua")
    url = f"/api/v1/teams/{target.team_id}/reports"
    nik = client.post(url, json=_report(target.kode, "kunci-0005",
                                        notes="warga 3602 0112 3456 0001 belum datang"))
    assert nik.status_code == 422
    assert "NIK" in nik.get_json()["error"]
    no_reason = client.post(url, json=_report(target.kode, "kunci-0006", recorded=None,
                                              unreachable=True))
    assert no_reason.status_code == 422
    phone = client.post(url, json=_report(target.kode, "kunci-0007",
                                          notes="Sekdes 0812 3456 7890"))
    assert phone.status_code == 201
    with app.app_context():
        assert db.session.query(FieldReport).count() == 1


def test_a_stop_outside_the_published_plan_is_refused(app, world):
    """While the plan is only a draft (or for another day) the report is refused with 422."""
    target = world.targets["own"]
    client = _client(app, "ketua")
    response = client.post(f"/api/v1/teams/{target.team_id}/reports",
                           json=_report(target.kode, "kunci-0008"))
    assert response.status_code == 422
    assert "tidak ada dalam rencana" in response.get_json()["error"]


def test_report_post_needs_the_csrf_header_which_the_schedule_gives(tmp_path):
    """With CSRF on, a report without X-CSRFToken is refused; the schedule's token works."""
    from web_fixtures import make_world

    app = build_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = make_world()
        _publish(world.targets["own"].version_id)
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/masuk", data={"username": "ketua", "password": PASSWORD,
                                "csrf_token": token})
    target = world.targets["own"]
    url = f"/api/v1/teams/{target.team_id}/reports"
    refused = client.post(url, json=_report(target.kode, "kunci-0009"))
    assert refused.status_code == 400
    assert refused.is_json
    schedule = client.get(f"/api/v1/teams/{target.team_id}/schedule").get_json()
    sent = client.post(url, json=_report(target.kode, "kunci-0009"),
                       headers={"X-CSRFToken": schedule["csrf_token"]})
    assert sent.status_code == 201


def test_stop_page_lists_today_first_with_contact_and_links(app, world):
    """The lead's page: today's stops first, times in WIB, contact, geo/Maps/WhatsApp links;
    another team's page is refused."""
    today, later = today_plan(app, world)
    coordinator = _client(app, "koordinator")
    kode = world.targets["own"].kode
    saved = coordinator.post(f"/kabupaten/{OWN}/lapangan/desa/{kode}/kontak",
                             data={"contact": "Sekdes Ibu Rina, 0812 1111 2222"})
    assert saved.status_code == 302
    client = _client(app, "ketua")
    own = world.targets["own"].team_id
    page = client.get(f"/lapangan/tim/{own}").get_data(as_text=True)
    assert page.index(f'data-date="{today}"') < page.index(f'data-date="{later}"')
    assert "Hari ini" in page
    assert "08.30–10.00 WIB" in page
    assert "Sekdes Ibu Rina, 0812 1111 2222" in page
    assert 'href="geo:-7.005,105.005"' in page
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=-7.005,105.005" in page
    assert "https://wa.me/?text=" in page
    assert "Terakhir diperbarui" in page
    assert client.get(f"/lapangan/tim/{world.targets['sibling'].team_id}").status_code == 403
    schedule = client.get(f"/api/v1/teams/{own}/schedule").get_json()
    assert [d["date"] for d in schedule["days"]] == [today, later]
    assert schedule["days"][0]["stops"][0]["contact"] == "Sekdes Ibu Rina, 0812 1111 2222"
    assert client.get(f"/api/v1/teams/{world.targets['sibling'].team_id}/schedule"
                      ).status_code == 403


def test_service_worker_is_served_for_the_field_scope(app, world):
    """The worker script is JavaScript allowed to control /lapangan/ and caches the shell."""
    client = _client(app, "ketua")
    response = client.get("/lapangan/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/lapangan/"
    body = response.get_data(as_text=True)
    assert "/static/js/field.js" in body
    assert "/schedule" in body


def test_learned_turnout_is_shown_and_accepted_for_planning(app, field_world):
    """Recorded ÷ expected per village type is shown; accepting stores it for planning."""
    target = field_world.targets["own"]
    lead = _client(app, "ketua")
    lead.post(f"/api/v1/teams/{target.team_id}/reports", json=_report(target.kode, "kunci-0010"))
    coordinator = _client(app, "koordinator")
    page = coordinator.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    assert 'data-type="desa"' in page
    assert "75%" in page  # 45 recorded of 60 expected
    assert "45%" in page  # learned turnout: 0.6 x 45/60
    learned = coordinator.get(f"/api/v1/regencies/{OWN}/turnout").get_json()["types"]
    assert learned == [{"village_type": "desa", "reports": 1, "recorded": 45, "expected": 60,
                        "ratio": 0.75, "learned_rate": 0.45, "current_rate": 0.6,
                        "few_reports": True, "accepted_rate": None}]
    assert coordinator.post(f"/kabupaten/{OWN}/lapangan/kehadiran").status_code == 302
    with app.app_context():
        rate = db.session.query(TurnoutRate).one()
        assert (rate.regency_code, rate.village_type, rate.rate, rate.reports) == (
            OWN, "desa", 0.45, 1)
        assert service_params(OWN).turnout_by_type == {"desa": 0.45}
    province = _client(app, "provinsi")
    assert province.post(f"/api/v1/regencies/{OWN}/turnout", json={}).status_code == 403


def test_province_dashboard_shows_progress_and_drills_in_read_only(app, field_world):
    """Recorded this week and in total per regency, flagged villages visited, a trend chart;
    the drill-down page has no form."""
    target = field_world.targets["own"]
    with app.app_context():
        village = db.session.query(Village).filter_by(kode=target.kode).one()
        village.remote_override = True
        db.session.commit()
    _client(app, "ketua").post(f"/api/v1/teams/{target.team_id}/reports",
                               json=_report(target.kode, "kunci-0011"))
    province = _client(app, "provinsi")
    page = province.get("/provinsi").get_data(as_text=True)
    row = page.split(f'data-regency="{OWN}"')[1].split("</tr>")[0]
    assert ">55<" in row
    assert ">45<" in row
    assert "100% <span" in row  # the one remote village was visited
    assert "<svg" in page
    assert "peta-kemajuan" in page
    progress = province.get(f"/api/v1/regencies/{OWN}/progress").get_json()
    assert progress["recorded_total"] == 45
    assert progress["trend"][-1]["week_start"] <= date.today().isoformat()
    drill = province.get(f"/provinsi/kabupaten/{OWN}").get_data(as_text=True)
    assert "Hanya baca" in drill
    assert "<form" not in drill.split('id="isi"')[1]
    points = province.get("/provinsi/peta.json").get_json()["villages"]
    assert {p["kode"]: p["belum_rekam"] for p in points}[target.kode] == 55
    assert _client(app, "koordinator").get("/provinsi").status_code == 403


@pytest.fixture
def sample_app(tmp_path):
    """The sample regency with a coordinator and the lead of one of its teams."""
    app = build_app(tmp_path)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=OWN)
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code=OWN, team="tim-keliling-tanjung-harapan-2")
    yield app
    with app.app_context():
        db.engine.dispose()


def _plan_week(app, client, week: str) -> dict:
    job = client.post(f"/api/v1/regencies/{OWN}/jobs",
                      json={"week_start": week, "time_limit_s": 2, "solution_limit": 2})
    assert job.status_code == 202
    assert PlanningWorker(app).run_once()
    done = client.get(f"/api/v1/jobs/{job.get_json()['id']}").get_json()
    assert done["status"] == "done", done
    return client.get(f"/api/v1/plans/{done['result_version_id']}").get_json()


def test_reports_lower_the_backlog_and_the_next_plan_starts_from_it(sample_app):
    """Plan and publish a week, report two stops (one unreachable), accept the learned
    turnout: next week's plan reads the lowered backlog, uses the accepted rate and carries
    the unreachable village's reason in its notes."""
    app = sample_app
    coordinator = _client(app, "koordinator")
    first = _plan_week(app, coordinator, "2026-11-30")
    assert coordinator.post(f"/api/v1/plans/{first['id']}/publish",
                            json={"base_revision": first["week_revision"]}).status_code == 200
    with app.app_context():
        team = db.session.query(Team).filter_by(code="tim-keliling-tanjung-harapan-2").one()
        team_id = team.id
    routes = [r for r in first["plan"]["routes"] if r["team_id"] == "tim-keliling-tanjung-"
              "harapan-2" and r["stops"]]
    stops = [(r["date"], s) for r in routes for s in r["stops"]]
    day_a, reached = stops[0]
    day_b, blocked = next((d, s) for d, s in stops
                          if s["village_code"] != reached["village_code"])
    with app.app_context():
        before = {r.village.kode: r.belum_rekam for r in regency_village_rows(OWN)}
    lead = _client(app, "ketua")
    recorded = reached["expected_recordings"] // 2
    assert lead.post(f"/api/v1/teams/{team_id}/reports", json={
        "idempotency_key": "rolling-0001", "visit_id": reached["visit_id"], "date": day_a,
        "recorded": recorded}).status_code == 201
    assert lead.post(f"/api/v1/teams/{team_id}/reports", json={
        "idempotency_key": "rolling-0002", "visit_id": blocked["visit_id"], "date": day_b,
        "unreachable": True, "reason": "jembatan putus"}).status_code == 201
    with app.app_context():
        after = {r.village.kode: r.belum_rekam for r in regency_village_rows(OWN)}
    assert after[reached["village_code"]] == before[reached["village_code"]] - recorded
    assert after[blocked["village_code"]] == before[blocked["village_code"]]
    accepted = coordinator.post(f"/api/v1/regencies/{OWN}/turnout", json={}).get_json()
    rates = {t["village_type"]: t["accepted_rate"] for t in accepted["types"]}
    assert len(rates) == 1
    (kind, rate), = rates.items()
    assert rate == pytest.approx(0.6 * recorded / reached["expected_recordings"], abs=1e-3)

    from planner.params import PlanningParams
    from web.models import Regency
    from web.services.problem_data import build_regency_problem

    with app.app_context():
        built = build_regency_problem(db.session.get(Regency, OWN), date(2026, 12, 7),
                                      PlanningParams(service=service_params(OWN)))
        score = built.scores[reached["village_code"]]
    assert score.belum_rekam == after[reached["village_code"]]
    assert (score.turnout_type, score.turnout_rate) == (kind, rate)
    # the turnout model: 10 % never come, and the report is the village's earlier visit
    can_come = int(after[reached["village_code"]] * 0.9 + 1e-9)
    assert score.model is not None
    assert score.model.earlier_visits == 1
    assert score.expected_recordings == int(can_come * rate * 0.85 + 1e-9)

    second = _plan_week(app, coordinator, "2026-12-07")["plan"]
    planned = sum(s["expected_recordings"] for r in second["routes"] for s in r["stops"]
                  if s["village_code"] == reached["village_code"])
    planned += sum(u["expected_recordings"] for u in second["unscheduled"]
                   if u["village_code"] == reached["village_code"])
    assert 0 < planned <= score.expected_recordings
    assert any("jembatan putus" in note and blocked["village_code"] in note
               for note in second["notes"])


def test_the_coordinators_report_table_names_the_village_not_the_visit_id(app, field_world):
    """The latest reports read 'Desa …' (and the part of a split village), never a raw id."""
    target = field_world.targets["own"]
    client = _client(app, "ketua")
    url = f"/api/v1/teams/{target.team_id}/reports"
    assert client.post(url, json=_report(target.kode, "kunci-nama")).status_code == 201
    with app.app_context():
        name = db.session.query(Village).filter_by(kode=target.kode).one().name
    page = _client(app, "koordinator").get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True)
    table = page.split('<table class="reports">')[1].split("</table>")[0]
    assert f"<td>{name}</td>" in table
    assert f"<td>{target.kode}</td>" not in table
