"""Planning a whole province at once: one job per regency, followed together."""

from __future__ import annotations

from datetime import date, timedelta

from web_fixtures import login

from web.extensions import db
from web.models import PlanningJob
from web.worker import PlanningWorker


def _week() -> str:
    today = date.today()
    return (today + timedelta(days=7 - today.weekday())).isoformat()


def test_the_province_plans_each_of_its_regencies_and_follows_them(app, world):
    """One job per regency of the province (not the other province's), one batch page with
    the whole progress; when the worker has run them all, the batch is complete."""
    client = app.test_client()
    assert login(client, "provinsi").status_code == 302
    response = client.post("/provinsi/rencana", data={"week_start": _week(),
                                                      "time_limit_s": "5"})
    assert response.status_code == 302, response.get_data(as_text=True)
    batch_url = response.headers["Location"]
    with app.app_context():
        jobs = [j for j in db.session.query(PlanningJob).order_by(PlanningJob.regency_code)
                if "batch" in j.params]
        assert [j.regency_code for j in jobs] == ["36.90", "36.91"]  # not 32.01
        assert len({j.params["batch"] for j in jobs}) == 1
        assert all(j.week_start.isoformat() == _week() for j in jobs)
    data = client.get(f"{batch_url}.json").get_json()
    assert [j["regency_code"] for j in data["jobs"]] == ["36.90", "36.91"]
    assert data["fraction"] == 0.0
    assert data["counts"] == {"queued": 2}
    page = client.get(batch_url).get_data(as_text=True)
    assert page.count('<tr data-job="') == 2
    worker = PlanningWorker(app)
    while worker.run_once():
        pass
    data = client.get(f"{batch_url}.json").get_json()
    assert data["fraction"] == 1.0
    assert sum(data["counts"].values()) == 2
    assert "queued" not in data["counts"]
    assert "running" not in data["counts"]


def test_a_regency_without_teams_is_skipped_with_the_reason(app, world):
    """A regency of the province with no team gets no job; the province is told why."""
    from web.models import Team

    with app.app_context():
        db.session.query(Team).filter_by(regency_code="36.91").delete()
        db.session.commit()
    client = app.test_client()
    assert login(client, "provinsi").status_code == 302
    response = client.post("/provinsi/rencana", data={"week_start": _week(),
                                                      "time_limit_s": "5"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "tidak direncanakan: belum ada tim" in response.get_data(as_text=True)
    with app.app_context():
        assert [j.regency_code for j in db.session.query(PlanningJob)
                if "batch" in j.params] == ["36.90"]


def test_another_provinces_batch_is_not_found(app, world):
    """A batch id of another province's jobs answers 404 to this province."""
    client = app.test_client()
    assert login(client, "provinsi").status_code == 302
    with app.app_context():
        db.session.add(PlanningJob(regency_code="32.01", week_start=date(2026, 12, 7),
                                   status="queued", params={"batch": "abcdef012345"},
                                   progress={}))
        db.session.commit()
    assert client.get("/provinsi/rencana/abcdef012345").status_code == 404
    assert client.get("/provinsi/rencana/abcdef012345.json").status_code == 404


def test_the_api_plans_the_province_and_reports_the_batch(app, world):
    """POST /api/v1/provinces/36/jobs queues its regencies' jobs; the batch reads back;
    another province's path is refused."""
    client = app.test_client()
    assert login(client, "provinsi").status_code == 302
    response = client.post("/api/v1/provinces/36/jobs", json={"week_start": _week(),
                                                              "time_limit_s": 5})
    assert response.status_code == 202, response.get_json()
    batch = response.get_json()
    assert [j["regency_code"] for j in batch["jobs"]] == ["36.90", "36.91"]
    again = client.get(f"/api/v1/provinces/36/batches/{batch['batch']}")
    assert again.status_code == 200
    assert [j["id"] for j in again.get_json()["jobs"]] == [j["id"] for j in batch["jobs"]]
    assert client.post("/api/v1/provinces/32/jobs", json={}).status_code == 403
    assert client.post("/api/v1/provinces/36/jobs",
                       json={"week_start": "2026-12-08"}).status_code == 400  # a Tuesday
