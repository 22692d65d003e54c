"""Days off in the web app (the page, the planning job) and the first plan of a week that has
started, on the sample regency with the real worker."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from web_fixtures import PASSWORD, SAMPLE, build_app, login

from web.extensions import db
from web.models import DayOff, Office, Role, Team
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.worker import PlanningWorker

WEEK = "2026-11-30"
REGENCY = "36.90"


@pytest.fixture
def sample_app(tmp_path):
    """The app with the sample regency, its coordinator and a province account."""
    app = build_app(tmp_path)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
        create_user(username="provinsi", password=PASSWORD, role=Role.PROVINCE,
                    province_code="36")
    yield app
    with app.app_context():
        db.engine.dispose()


def _client(app, username="koordinator"):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _plan(app, client, **body):
    response = client.post(f"/api/v1/regencies/{REGENCY}/jobs",
                           json={"week_start": WEEK, "time_limit_s": 10, "solution_limit": 2,
                                 **body})
    assert response.status_code == 202, response.get_json()
    job_id = response.get_json()["id"]
    assert PlanningWorker(app).run_once()
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "done", job
    return job["result_version_id"], client.get(
        f"/api/v1/plans/{job['result_version_id']}").get_json()["plan"]


def test_coordinator_adds_and_removes_a_day_off_and_planning_skips_it(sample_app):
    """A team's day off added on the page: the plan has no team-day for it that day and
    says why; removed again, the day is planned."""
    client = _client(sample_app)
    with sample_app.app_context():
        team = db.session.scalars(select(Team).where(Team.regency_code == REGENCY)
                                  .order_by(Team.name)).first()
        team_id, team_code, team_name = team.id, team.code, team.name
    page = client.get(f"/kabupaten/{REGENCY}/hari-libur").get_data(as_text=True)
    assert "Libur nasional dan cuti bersama" in page
    assert "Hari Raya Natal" in page  # within three months of the fixed test clock
    response = client.post(f"/kabupaten/{REGENCY}/hari-libur",
                           data={"day": "2026-12-02", "scope": f"team:{team_id}",
                                 "reason": "servis kendaraan"})
    assert response.status_code == 302
    page = client.get(f"/kabupaten/{REGENCY}/hari-libur").get_data(as_text=True)
    assert "servis kendaraan" in page
    assert team_name in page
    version_id, plan = _plan(sample_app, client)
    days = {(r["team_id"], r["date"]) for r in plan["routes"]}
    assert (team_code, "2026-12-02") not in days
    assert (team_code, "2026-12-01") in days
    assert any("servis kendaraan" in n and "2026-12-02" in n for n in plan["notes"])
    assert {"date": "2026-12-02", "team_id": team_code, "kind": "day_off",
            "reason": "servis kendaraan"} in plan["summary"]["days_excluded"]
    review = client.get(f"/kabupaten/{REGENCY}/rencana/{version_id}").get_data(as_text=True)
    assert "Catatan perencanaan" in review
    assert "servis kendaraan" in review
    with sample_app.app_context():
        day_off_id = db.session.scalars(select(DayOff.id).where(
            DayOff.reason == "servis kendaraan")).one()
    response = client.post(f"/kabupaten/{REGENCY}/hari-libur", data={"remove": day_off_id})
    assert response.status_code == 302
    with sample_app.app_context():
        assert [d.reason for d in db.session.scalars(select(DayOff))] == [
            "rapat kerja awal tahun", "pelatihan petugas"]  # the sample's own
    _, plan = _plan(sample_app, client)
    assert (team_code, "2026-12-02") in {(r["team_id"], r["date"]) for r in plan["routes"]}


def test_sample_import_stores_the_days_off_once(sample_app):
    """The sample's days_off.csv lands in the database; importing again adds no copy."""
    from planner.dataset import load_dataset_from_folder
    from web.models import Regency
    from web.services.imports import store_dataset

    with sample_app.app_context():
        rows = db.session.scalars(select(DayOff).order_by(DayOff.day)).all()
        assert [(r.day.isoformat(), r.team.code if r.team else None, r.reason) for r in rows] \
            == [("2027-01-11", None, "rapat kerja awal tahun"),
                ("2027-01-12", "tim-keliling-tanjung-harapan-3", "pelatihan petugas")]
        store_dataset(db.session.get(Regency, REGENCY), None,
                      load_dataset_from_folder(SAMPLE), files=[])
        assert len(db.session.scalars(select(DayOff)).all()) == 2


def test_office_day_off_and_bad_input(sample_app):
    """An office-wide day off applies to its teams; a blank reason is refused with a message;
    the province reads the page but cannot add."""
    client = _client(sample_app)
    with sample_app.app_context():
        office_id = db.session.scalars(select(Office.id)).first()
    refused = client.post(f"/kabupaten/{REGENCY}/hari-libur",
                          data={"day": "2026-12-03", "scope": f"office:{office_id}",
                                "reason": ""})
    assert refused.status_code == 200
    assert "Alasan" in refused.get_data(as_text=True)
    bad_scope = client.post(f"/kabupaten/{REGENCY}/hari-libur",
                            data={"day": "2026-12-03", "scope": "team:99999", "reason": "x"})
    assert bad_scope.status_code == 200
    assert client.post(f"/kabupaten/{REGENCY}/hari-libur",
                       data={"day": "2026-12-03", "scope": f"office:{office_id}",
                             "reason": "rapat kerja"}).status_code == 302
    province = _client(sample_app, "provinsi")
    assert province.get(f"/kabupaten/{REGENCY}/hari-libur").status_code == 200
    assert province.post(f"/kabupaten/{REGENCY}/hari-libur",
                         data={"day": "2026-12-04", "scope": "", "reason": "x"}
                         ).status_code == 403
    _, plan = _plan(sample_app, client)
    assert "2026-12-03" not in {r["date"] for r in plan["routes"]}
    assert any("semua tim: rapat kerja" in n for n in plan["notes"])


def test_first_plan_of_a_started_week_plans_only_the_days_ahead(sample_app):
    """Planning on Wednesday a week with no published plan: routes from Wednesday on only,
    and the plan says so."""
    sample_app.config["PLANNING_TODAY"] = "2026-12-02"
    client = _client(sample_app)
    _, plan = _plan(sample_app, client)
    assert min(r["date"] for r in plan["routes"]) == "2026-12-02"
    assert any("sudah berjalan" in n and "2026-12-02" in n for n in plan["notes"])
    past = {e["date"] for e in plan["summary"]["days_excluded"] if e["kind"] == "past"}
    assert past == {"2026-11-30", "2026-12-01"}


def test_fresh_plan_of_a_started_week_keeps_the_published_past_days(sample_app):
    """A published plan exists; a new plan asked on Wednesday keeps Monday's and Tuesday's
    published routes exactly and plans the rest afresh."""
    client = _client(sample_app)
    first, plan = _plan(sample_app, client)
    assert client.post(f"/api/v1/plans/{first}/publish",
                       json={"base_revision": 0}).status_code == 200
    # the villages of each past team-day; a big village's part may be renumbered when the
    # re-plan cuts the village afresh around the kept days (its visit id then differs)
    past = {r["vehicle_id"]: sorted(s["village_code"] for s in r["stops"])
            for r in plan["routes"] if r["date"] < "2026-12-02"}
    assert any(past.values())
    sample_app.config["PLANNING_TODAY"] = "2026-12-02"
    _, again = _plan(sample_app, client, seed=5)
    kept = {r["vehicle_id"]: sorted(s["village_code"] for s in r["stops"])
            for r in again["routes"] if r["date"] < "2026-12-02"}
    assert kept == past
    assert any("2026-12-02" in n for n in again["notes"])
    assert date.fromisoformat(max(r["date"] for r in again["routes"])) > date(2026, 12, 2)


def test_days_off_page_in_english(sample_app):
    """The page switches to English (the Indonesian phrases are seen first)."""
    client = _client(sample_app)
    page = client.get(f"/kabupaten/{REGENCY}/hari-libur").get_data(as_text=True)
    for phrase in ("Hari libur kantor dan tim", "Tambah hari libur", "Semua tim"):
        assert phrase in page
    client.get("/bahasa/en")
    page = client.get(f"/kabupaten/{REGENCY}/hari-libur").get_data(as_text=True)
    for phrase in ("Hari libur kantor dan tim", "Tambah hari libur", "Semua tim"):
        assert phrase not in page
    assert "Office and team days off" in page
    assert "National holidays and collective leave" in page
