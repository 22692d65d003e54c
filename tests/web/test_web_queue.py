"""The planning queue shared by every regency: a limit of queued jobs per regency (429 in the
API, a message on the page) and the regencies served in turn."""

from __future__ import annotations

import re

import pytest
from web_fixtures import PASSWORD, WEEK, build_app, login, make_world

from web.extensions import db
from web.models import JobStatus, PlanningJob, PlanVersion, Regency, Role
from web.services.accounts import create_user
from web.services.planning import (
    QueueFullError,
    claim_next_job,
    create_job,
    job_dict,
    next_monday,
    queue_order,
)
from web.services.regions import ensure_regency


@pytest.fixture
def limited(tmp_path):
    """The three-regency world (one job queued per regency) with at most 2 queued each."""
    app = build_app(tmp_path, PLANNING_MAX_QUEUED_PER_REGENCY=2)
    with app.app_context():
        make_world()
        create_user(username="koordinator2", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.91")
    yield app
    with app.app_context():
        db.engine.dispose()


def _queued(app, code):
    with app.app_context():
        return db.session.query(PlanningJob).filter_by(regency_code=code,
                                                        status=JobStatus.QUEUED).count()


def test_api_refuses_a_job_beyond_the_regency_limit_with_429(limited):
    """The second job fills 36.90's two places; the third is a 429 saying why, and nothing is
    stored.  Another regency still queues; cancelling a job frees a place."""
    client = limited.test_client()
    login(client, "koordinator")
    url = "/api/v1/regencies/36.90/jobs"
    second = client.post(url, json={"time_limit_s": 2})
    assert second.status_code == 202
    refused = client.post(url, json={"time_limit_s": 2})
    assert refused.status_code == 429
    assert refused.is_json
    body = refused.get_json()
    assert body["status"] == 429
    assert (body["queued"], body["limit"]) == (2, 2)
    assert "menunggu" in body["error"]
    assert "paling banyak 2" in body["error"]
    assert _queued(limited, "36.90") == 2
    other = limited.test_client()
    login(other, "koordinator2")
    assert other.post("/api/v1/regencies/36.91/jobs", json={}).status_code == 202
    assert client.post(f"/api/v1/jobs/{second.get_json()['id']}/cancel").status_code == 200
    assert client.post(url, json={"time_limit_s": 2}).status_code == 202


def test_reoptimise_counts_against_the_same_limit(limited):
    """Re-planning a version queues a job too: refused with 429 when the regency is full."""
    client = limited.test_client()
    login(client, "koordinator")
    assert client.post("/api/v1/regencies/36.90/jobs", json={}).status_code == 202
    with limited.app_context():
        version_id = db.session.query(PlanVersion).filter_by(regency_code="36.90").one().id
    refused = client.post(f"/api/v1/plans/{version_id}/reoptimise", json={"time_limit_s": 2})
    assert refused.status_code == 429
    assert refused.get_json()["limit"] == 2


def test_plan_form_shows_the_limit_in_indonesian_and_english(limited):
    """The coordinator's form: the page says the queue is full, in the page's language."""
    client = limited.test_client()
    login(client, "koordinator")
    with limited.app_context():
        week = next_monday(db.session.get(Regency, "36.90")).isoformat()
    form = {"week_start": week, "time_limit_s": "2", "seed": "0"}
    assert client.post("/kabupaten/36.90/rencana", data=form).status_code == 302
    page = client.post("/kabupaten/36.90/rencana", data=form).get_data(as_text=True)
    assert "Sudah ada 2 tugas perencanaan yang menunggu" in page
    assert "paling banyak 2" in page
    assert _queued(limited, "36.90") == 2
    client.get("/bahasa/en")
    page = client.post("/kabupaten/36.90/rencana", data=form).get_data(as_text=True)
    assert re.search(r"2 planning jobs are already waiting", page)


def test_default_limit_is_a_setting_of_three(tmp_path):
    """Without a setting a regency may have three jobs waiting; the fourth is refused."""
    app = build_app(tmp_path)
    assert app.config["PLANNING_MAX_QUEUED_PER_REGENCY"] == 3
    with app.app_context():
        regency = ensure_regency("36.90", "Kabupaten Uji")
        db.session.commit()
        for _ in range(3):
            create_job(regency, None, week_start=WEEK)
        with pytest.raises(QueueFullError):
            create_job(regency, None, week_start=WEEK)
    with app.app_context():
        db.engine.dispose()


def test_worker_serves_regencies_in_turn(tmp_path):
    """One regency queues four jobs, then another two: the worker alternates (oldest job of
    the regency served least recently), so the second regency waits for one job, not four;
    the queue positions say the same order."""
    app = build_app(tmp_path, PLANNING_MAX_QUEUED_PER_REGENCY=10)
    with app.app_context():
        first = ensure_regency("36.90", "Kabupaten Satu")
        second = ensure_regency("36.91", "Kabupaten Dua")
        db.session.commit()
        a = [create_job(first, None, week_start=WEEK).id for _ in range(4)]
        b = [create_job(second, None, week_start=WEEK).id for _ in range(2)]
        expected = [a[0], b[0], a[1], b[1], a[2], a[3]]
        assert queue_order() == expected
        assert job_dict(db.session.get(PlanningJob, b[0]))["queue_position"] == 1
        taken = []
        while (job := claim_next_job()) is not None:
            taken.append(job.id)
            if len(taken) == 1:
                # a job running counts as ahead of every queued one
                assert job_dict(db.session.get(PlanningJob, b[0]))["queue_position"] == 1
                assert job_dict(db.session.get(PlanningJob, a[1]))["queue_position"] == 2
            job.status = JobStatus.DONE
            db.session.commit()
        assert taken == expected
    with app.app_context():
        db.engine.dispose()


def test_a_regency_served_recently_waits_for_one_not_yet_served(tmp_path):
    """A job queued later by a regency that has not been served goes before an older job of
    a regency that was served a moment ago."""
    app = build_app(tmp_path, PLANNING_MAX_QUEUED_PER_REGENCY=10)
    with app.app_context():
        first = ensure_regency("36.90", "Kabupaten Satu")
        second = ensure_regency("36.91", "Kabupaten Dua")
        db.session.commit()
        a1, a2 = (create_job(first, None, week_start=WEEK).id for _ in range(2))
        assert claim_next_job().id == a1
        b1 = create_job(second, None, week_start=WEEK).id
        assert queue_order() == [b1, a2]
        assert claim_next_job().id == b1
        assert claim_next_job().id == a2
        assert claim_next_job() is None
    with app.app_context():
        db.engine.dispose()


def test_first_run_plan_does_not_stop_the_start_when_the_queue_is_full(tmp_path):
    """``python -m web`` queues next week's plan at start-up; a regency whose queue is full
    (jobs of other weeks) is left as it is instead of failing the start."""
    from web.services.bootstrap import queue_first_plan

    app = build_app(tmp_path, PLANNING_MAX_QUEUED_PER_REGENCY=1)
    with app.app_context():
        make_world()  # one job queued per regency, for another week than the next
        before = db.session.query(PlanningJob).count()
        assert queue_first_plan(2) is None
        assert db.session.query(PlanningJob).count() == before
        db.engine.dispose()
