"""Planning jobs in the worker, publishing, edits and the JSON API on the sample regency."""

from __future__ import annotations

import re
import threading
import time
from datetime import date, timedelta

import pytest
from web_fixtures import PASSWORD, SAMPLE, build_app, login

from planner.instance_io import instance_from_dict
from planner.plan import check_plan, plan_routes_from_dict
from planner.solver.isolated import run_isolated
from web.extensions import db
from web.models import JobStatus, PlanningJob, PlanStatus, PlanVersion, PlanWeek, Role
from web.services import planning, plans
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.worker import PlanningWorker

WEEK = "2026-11-30"
REGENCY = "36.90"


@pytest.fixture
def sample_app(tmp_path):
    """The app with the sample regency, two coordinators and a team lead."""
    app = build_app(tmp_path)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        for name in ("koordinator", "koordinator2"):
            create_user(username=name, password=PASSWORD, role=Role.COORDINATOR,
                        regency_code=REGENCY)
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code=REGENCY, team="tim-keliling-tanjung-harapan-2")
    yield app
    with app.app_context():
        db.engine.dispose()


def _client(app, username="koordinator"):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _queue(client, **body):
    response = client.post(f"/api/v1/regencies/{REGENCY}/jobs",
                           json={"week_start": WEEK, "time_limit_s": 2, **body})
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def _planned(app, client) -> int:
    """Queue a short job, run it in this thread's worker, return the draft's id."""
    job_id = _queue(client, solution_limit=2)
    assert PlanningWorker(app).run_once()
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "done", job
    return job["result_version_id"]


def _state(app):
    with app.app_context():
        week = db.session.query(PlanWeek).one_or_none()
        versions = {v.id: v.status for v in db.session.query(PlanVersion)}
        return (week.published_version_id if week else None,
                week.revision if week else None, versions)


def test_planning_job_runs_in_the_worker_and_stores_a_draft(sample_app):
    """A queued job is solved outside the request; progress and a checked draft are stored."""
    client = _client(sample_app)
    response = client.post(f"/kabupaten/{REGENCY}/rencana",
                           data={"week_start": WEEK, "time_limit_s": "2", "seed": "0"})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["status"] == "queued"
    assert PlanningWorker(sample_app).run_once()
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "done"
    assert job["progress"]["best_prize"] > 0
    assert job["progress"]["fraction"] == 1.0
    with sample_app.app_context():
        version = db.session.get(PlanVersion, job["result_version_id"])
        assert version.status == PlanStatus.DRAFT
        instance = instance_from_dict(plans.instance_data(version))
        # the solver's nights are the tour days' ends (issue 18)
        routes = plan_routes_from_dict(version.plan)
        assert check_plan(instance, routes).ok
    page = client.get(f"/kabupaten/{REGENCY}/rencana/{version.id}").get_data(as_text=True)
    assert "Perkiraan rekam" in page
    assert "Desa yang belum dijadwalkan" in page


def test_jobs_of_several_coordinators_are_queued_in_order(sample_app):
    """Two coordinators planning at once: both jobs wait, then run oldest first."""
    first = _queue(_client(sample_app), solution_limit=1)
    second = _queue(_client(sample_app, "koordinator2"), solution_limit=1)
    client = _client(sample_app)
    assert client.get(f"/api/v1/jobs/{second}").get_json()["queue_position"] == 1
    worker = PlanningWorker(sample_app)
    assert worker.run_once()
    assert client.get(f"/api/v1/jobs/{first}").get_json()["status"] == "done"
    assert client.get(f"/api/v1/jobs/{second}").get_json()["status"] == "queued"
    assert worker.run_once()
    assert not worker.run_once()
    done = [client.get(f"/api/v1/jobs/{j}").get_json() for j in (first, second)]
    assert [j["status"] for j in done] == ["done", "done"]
    assert done[0]["result_version_id"] < done[1]["result_version_id"]


@pytest.mark.parametrize("fault", ["crash", "hang"])
def test_crashing_or_overrunning_job_is_failed_and_published_plan_untouched(
        sample_app, monkeypatch, fault):
    """A solver that dies or hangs (killed from outside) fails the job; nothing else moves."""
    client = _client(sample_app)
    published = _planned(sample_app, client)
    assert client.post(f"/api/v1/plans/{published}/publish",
                       json={"base_revision": 0}).status_code == 200
    before = _state(sample_app)

    def broken(instance, **kwargs):
        return run_isolated(instance, fault=fault, margin_s=0.5, **kwargs)

    monkeypatch.setattr(planning, "solve_isolated", broken)
    job_id = _queue(client, time_limit_s=1)
    started = time.monotonic()
    assert PlanningWorker(sample_app).run_once()
    assert time.monotonic() - started < 20
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "failed"
    assert job["result_version_id"] is None
    expected = "dihentikan paksa" if fault == "hang" else "berhenti tanpa hasil"
    assert expected in job["error"]
    assert "tidak berubah" in job["error"]
    assert _state(sample_app) == before


def test_job_whose_problem_cannot_be_built_is_failed_with_a_message(sample_app, monkeypatch):
    """An exception before solving marks the job failed with a plain message."""
    import web.services.problem_data as problem_data

    def explode(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(problem_data, "build_regency_problem", explode)
    client = _client(sample_app)
    job_id = _queue(client)
    assert PlanningWorker(sample_app).run_once()
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "failed"
    assert "disk penuh" in job["error"]
    assert _state(sample_app) == (None, None, {})


def test_cancelling_a_running_job_kills_its_solver(sample_app):
    """Cancel during a 60 s solve: the job ends within seconds, cancelled, with no draft."""
    client = _client(sample_app)
    job_id = _queue(client, time_limit_s=60)
    worker = PlanningWorker(sample_app, poll_s=0.1)
    thread = worker.start()
    try:
        deadline = time.monotonic() + 30
        while client.get(f"/api/v1/jobs/{job_id}").get_json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1.0)
        started = time.monotonic()
        response = client.post(f"/api/v1/jobs/{job_id}/cancel")
        assert response.get_json()["cancelled"] is True
        while True:  # the worker is free again once the killed solve returned
            with sample_app.app_context():
                running = db.session.query(PlanningJob).filter_by(
                    status=JobStatus.RUNNING).count()
            if not running and not any(t.name == f"solve-job-{job_id}"
                                       for t in threading.enumerate()):
                break
            assert time.monotonic() - started < 15
            time.sleep(0.1)
    finally:
        worker.stop()
    assert not thread.is_alive()
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "cancelled"
    assert job["result_version_id"] is None
    assert _state(sample_app) == (None, None, {})


def test_publishing_is_atomic(sample_app, monkeypatch):
    """A failure half-way through publishing leaves the previous version current."""
    client = _client(sample_app)
    first = _planned(sample_app, client)
    second = _planned(sample_app, client)
    assert client.post(f"/api/v1/plans/{first}/publish",
                       json={"base_revision": 0}).status_code == 200
    before = _state(sample_app)

    def fail(*args, **kwargs):
        raise RuntimeError("listrik padam")

    # the previous version is already marked superseded when this step fails
    monkeypatch.setattr(plans, "_mark_published", fail)
    with sample_app.app_context():
        version = db.session.get(PlanVersion, second)
        with pytest.raises(RuntimeError, match="listrik padam"):
            plans.publish_version(version, base_revision=1, user=None)
    assert _state(sample_app) == before
    assert before[0] == first
    assert before[2][first] == PlanStatus.PUBLISHED
    assert before[2][second] == PlanStatus.DRAFT


def test_concurrent_publish_one_wins_the_other_is_told(sample_app):
    """Two coordinators publish drafts of the same week from the same revision."""
    alice, bob = _client(sample_app), _client(sample_app, "koordinator2")
    draft_a, draft_b = _planned(sample_app, alice), _planned(sample_app, bob)
    pages = [c.get(f"/kabupaten/{REGENCY}/rencana/{v}").get_data(as_text=True)
             for c, v in ((alice, draft_a), (bob, draft_b))]
    revisions = [re.search(r'name="base_revision" value="(\d+)"', p).group(1) for p in pages]
    assert revisions == ["0", "0"]
    won = alice.post(f"/kabupaten/{REGENCY}/rencana/{draft_a}/terbitkan",
                     data={"base_revision": revisions[0]})
    lost = bob.post(f"/kabupaten/{REGENCY}/rencana/{draft_b}/terbitkan",
                    data={"base_revision": revisions[1]})
    assert won.status_code == 302
    assert lost.status_code == 409
    assert "sudah berubah" in lost.get_data(as_text=True)
    published, revision, versions = _state(sample_app)
    assert (published, revision) == (draft_a, 1)
    assert versions == {draft_a: PlanStatus.PUBLISHED, draft_b: PlanStatus.DRAFT}
    # earlier versions stay viewable once superseded
    assert bob.post(f"/api/v1/plans/{draft_b}/publish",
                    json={"base_revision": 1}).status_code == 200
    assert _state(sample_app)[2][draft_a] == PlanStatus.SUPERSEDED
    assert alice.get(f"/kabupaten/{REGENCY}/rencana/{draft_a}").status_code == 200


def test_concurrent_publish_threads_exactly_one_succeeds(sample_app):
    """Two threads publishing from the same revision at once: one wins, one conflicts."""
    client = _client(sample_app)
    drafts = [_planned(sample_app, client), _planned(sample_app, client)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(version_id: int) -> None:
        with sample_app.app_context():
            version = db.session.get(PlanVersion, version_id)
            plans.week_of(version)
            barrier.wait()
            try:
                plans.publish_version(version, base_revision=0, user=None)
                outcomes.append("ok")
            except plans.PlanChangedError:
                outcomes.append("changed")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(v,)) for v in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["changed", "ok"]
    published, revision, versions = _state(sample_app)
    assert revision == 1
    assert versions[published] == PlanStatus.PUBLISHED
    assert sorted(versions.values()) == [PlanStatus.DRAFT, PlanStatus.PUBLISHED]


def _moves(plan):
    """Candidate moves: to another team-day's front, or to another place in the same day."""
    used = [r for r in plan["routes"] if r["stops"]]
    for source in used:
        for stop in source["stops"]:
            for target in plan["routes"]:
                if target["vehicle_id"] != source["vehicle_id"]:
                    yield stop["visit_id"], target["vehicle_id"], 1
            for position in range(1, len(source["stops"]) + 1):
                if position != stop["sequence"]:
                    yield stop["visit_id"], source["vehicle_id"], position


def _clean_move(client, draft):
    """A move that keeps every rule, from ``draft`` or from a draft with a day made free.

    A full week's team-days are packed; a stop alone on one team-day always fits another day
    of the same team once that day is emptied (removing stops keeps every rule).
    """
    plan = client.get(f"/api/v1/plans/{draft}").get_json()["plan"]
    for visit_id, vehicle_id, position in _moves(plan):
        body = {"action": "move", "visit_id": visit_id, "vehicle_id": vehicle_id,
                "position": position}
        if client.post(f"/api/v1/plans/{draft}/edits",
                       json={**body, "dry_run": True}).status_code == 200:
            return draft, body
    routes = plan["routes"]
    for single in (r for r in routes if len(r["stops"]) == 1):
        other = next((r for r in routes if r["team_id"] == single["team_id"]
                      and r["vehicle_id"] != single["vehicle_id"] and r["stops"]), None)
        if other is None:
            continue
        for stop in other["stops"]:
            response = client.post(f"/api/v1/plans/{draft}/edits",
                                   json={"action": "remove", "visit_id": stop["visit_id"]})
            assert response.status_code == 201, response.get_json()
            draft = response.get_json()["version"]["id"]
        return draft, {"action": "move", "visit_id": single["stops"][0]["visit_id"],
                       "vehicle_id": other["vehicle_id"], "position": 1}
    pytest.fail("no move keeps every rule")


def test_edit_breaking_the_shift_is_refused_with_a_message(sample_app):
    """Moving a stop into a full team-day is refused in plain Indonesian; nothing saved."""
    client = _client(sample_app)
    draft = _planned(sample_app, client)
    plan = client.get(f"/api/v1/plans/{draft}").get_json()["plan"]
    before = _state(sample_app)
    for visit_id, vehicle_id, position in _moves(plan):
        response = client.post(f"/kabupaten/{REGENCY}/rencana/{draft}/ubah",
                               data={"action": "move", "visit_id": visit_id,
                                     "vehicle_id": vehicle_id, "position": str(position)})
        if response.status_code == 422:
            break
    else:
        pytest.fail("no move broke a rule")
    page = response.get_data(as_text=True)
    assert "Perubahan tidak disimpan" in page
    assert re.search(r"kembali ke kantor \d\d\.\d\d( esok hari)?, lewat batas \d\d\.\d\d "
                     r"\([^)]*terlambat\)", page), page
    assert _state(sample_app) == before


def test_valid_edits_make_new_checked_drafts_and_reoptimise_keeps_pins(sample_app):
    """A clean move becomes a new draft; a pinned stop stays on its team-day after re-planning."""
    client = _client(sample_app)
    draft = _planned(sample_app, client)
    draft, body = _clean_move(client, draft)
    visit_id, vehicle_id = body["visit_id"], body["vehicle_id"]
    response = client.post(f"/api/v1/plans/{draft}/edits", json=body)
    assert response.status_code == 201
    moved = response.get_json()["version"]
    assert moved["based_on_id"] == draft
    assert moved["origin"] == "edit"
    route = next(r for r in moved["plan"]["routes"] if r["vehicle_id"] == vehicle_id)
    assert visit_id in [s["visit_id"] for s in route["stops"]]
    with sample_app.app_context():
        instance = instance_from_dict(plans.instance_data(db.session.get(PlanVersion,
                                                                         moved["id"])))
    assert check_plan(instance, plan_routes_from_dict(moved["plan"])).ok
    pinned = client.post(f"/api/v1/plans/{moved['id']}/edits",
                         json={"action": "pin", "visit_id": visit_id}).get_json()["version"]
    refused = client.post(f"/api/v1/plans/{pinned['id']}/edits",
                          json={"action": "remove", "visit_id": visit_id})
    assert refused.status_code == 400
    assert "sematan" in refused.get_json()["error"]
    job = client.post(f"/api/v1/plans/{pinned['id']}/reoptimise", json={"time_limit_s": 2})
    assert job.status_code == 202
    assert PlanningWorker(sample_app).run_once()
    result = client.get(f"/api/v1/jobs/{job.get_json()['id']}").get_json()
    assert result["status"] == "done", result
    again = client.get(f"/api/v1/plans/{result['result_version_id']}").get_json()
    assert again["origin"] == "reoptimise"
    assert again["based_on_id"] == pinned["id"]
    village = visit_id.split("#")[0]
    kept = next(r for r in again["plan"]["routes"] if r["vehicle_id"] == vehicle_id)
    assert any(s["village_code"] == village and s["pinned"] for s in kept["stops"])


def test_reoptimising_mid_week_leaves_the_days_already_worked_alone(sample_app):
    """Re-planning on Wednesday: Monday's and Tuesday's routes keep exactly their villages
    (none added, none moved away), later days are planned afresh, and the plan says so."""
    client = _client(sample_app)
    draft = _planned(sample_app, client)
    monday = date.fromisoformat(WEEK)
    wednesday = monday + timedelta(days=2)
    # room on Monday: a re-plan that did not freeze the day would fill it again
    plan = client.get(f"/api/v1/plans/{draft}").get_json()["plan"]
    stop = next(r["stops"][0] for r in plan["routes"] if r["date"] == WEEK and r["stops"])
    response = client.post(f"/api/v1/plans/{draft}/edits",
                           json={"action": "remove", "visit_id": stop["visit_id"]})
    assert response.status_code == 201
    draft = response.get_json()["version"]["id"]
    with sample_app.app_context():
        base = db.session.get(PlanVersion, draft)
        past = {r["vehicle_id"]: {s["village_code"] for s in r["stops"]}
                for r in base.plan["routes"] if date.fromisoformat(r["date"]) < wednesday}
        later = {s["village_code"] for r in base.plan["routes"]
                 if date.fromisoformat(r["date"]) >= wednesday for s in r["stops"]}
        regency = db.session.get(planning.Regency, REGENCY)
        job = planning.create_job(regency, None, week_start=monday, time_limit_s=2,
                                  solution_limit=2, base_version=base, today=wednesday)
        job_id = job.id
    assert any(past.values())
    assert later
    assert PlanningWorker(sample_app).run_once()
    result = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert result["status"] == "done", result
    again = client.get(f"/api/v1/plans/{result['result_version_id']}").get_json()["plan"]
    for route in again["routes"]:
        if route["vehicle_id"] in past:
            assert {s["village_code"] for s in route["stops"]} == past[route["vehicle_id"]]
    assert any(wednesday.isoformat() in note for note in again["notes"])


def test_draft_numbered_again_after_a_concurrent_draft_keeps_its_instance(sample_app):
    """Another writer takes the draft's version number between the count and the commit: the
    draft takes the next number and still points at its stored instance."""
    from sqlalchemy import event, func, select
    from sqlalchemy.orm import Session

    from web.models import PlanInstance

    week = date.fromisoformat(WEEK)
    with sample_app.app_context():
        stored = plans.store_instance(REGENCY, week, {"schema_version": 1})
        taken = (db.session.scalar(select(func.max(PlanVersion.version)).where(
            PlanVersion.regency_code == REGENCY, PlanVersion.week_start == week)) or 0) + 1
        session = db.session()
        fired = []

        @event.listens_for(session, "before_commit")
        def other_writer(_session):
            if fired:
                return
            fired.append(True)
            with Session(db.engine) as other:
                other.add(PlanVersion(regency_code=REGENCY, week_start=week, version=taken,
                                      status=PlanStatus.DRAFT, plan={"routes": []},
                                      origin="edit", note="concurrent"))
                other.commit()

        try:
            version = plans.store_draft(regency_code=REGENCY, week_start=week,
                                        plan={"routes": []}, instance_id=stored.id,
                                        created_by_id=None)
        finally:
            event.remove(session, "before_commit", other_writer)
        assert fired
        assert version.version == taken + 1
        assert version.instance_id == stored.id
        assert db.session.get(PlanInstance, stored.id) is not None


def test_team_lead_sees_its_published_routes_only(sample_app):
    """After publishing, the team lead's page lists its team's stops; plans stay closed."""
    client = _client(sample_app)
    draft = _planned(sample_app, client)
    assert client.post(f"/api/v1/plans/{draft}/publish",
                       json={"base_revision": 0}).status_code == 200
    lead = _client(sample_app, "ketua")
    with sample_app.app_context():
        from web.models import User
        team_id = db.session.query(User).filter_by(username="ketua").one().team_id
    page = lead.get(f"/tim/{team_id}").get_data(as_text=True)
    assert "Rute terbit" in page
    assert lead.get(f"/kabupaten/{REGENCY}/rencana/{draft}").status_code == 403
    assert lead.get(f"/api/v1/plans/{draft}").status_code == 403


def test_next_monday_is_in_the_regency_zone():
    """The default week starts on the Monday after today."""
    from web.models import Regency

    regency = Regency(code="36.90", province_code="36", name="x", timezone="Asia/Jakarta")
    assert planning.next_monday(regency, today=date(2026, 11, 27)) == date(2026, 11, 30)
    assert planning.next_monday(regency, today=date(2026, 11, 30)) == date(2026, 12, 7)


def test_first_run_queues_next_week_and_the_worker_command_plans_it(tmp_path):
    """The first run queues next week's plan once; ``flask worker --once`` leaves a draft."""
    from web_fixtures import make_config

    from web import create_app
    from web.database import upgrade_database
    from web.services.bootstrap import queue_first_plan

    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        job = queue_first_plan(2)
        assert job is not None
        assert queue_first_plan(2) is None
        week = job.week_start
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 tugas" in result.output
    with app.app_context():
        version = db.session.query(PlanVersion).one()
        assert version.week_start == week
        assert version.status == PlanStatus.DRAFT
        assert version.plan["summary"]["stops"] > 0


def test_regency_home_points_to_the_draft_waiting_for_review(sample_app):
    """The coordinator's home links the newest unpublished draft of this or a later week,
    and stops once it is published."""
    client = _client(sample_app)
    assert "Draf menunggu ditinjau" not in client.get(f"/kabupaten/{REGENCY}/").get_data(
        as_text=True)
    today = date.today()
    job_id = _queue(client, solution_limit=2,
                    week_start=(today + timedelta(days=7 - today.weekday())).isoformat())
    assert PlanningWorker(sample_app).run_once()
    draft = client.get(f"/api/v1/jobs/{job_id}").get_json()["result_version_id"]
    home = client.get(f"/kabupaten/{REGENCY}/").get_data(as_text=True)
    assert "Draf menunggu ditinjau" in home
    assert f'href="/kabupaten/{REGENCY}/rencana/{draft}"' in home
    assert "belum ada versi yang terbit" in home
    assert client.post(f"/api/v1/plans/{draft}/publish",
                       json={"base_revision": 0}).status_code == 200
    assert "Draf menunggu ditinjau" not in client.get(f"/kabupaten/{REGENCY}/").get_data(
        as_text=True)
