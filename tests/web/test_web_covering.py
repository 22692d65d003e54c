"""Covering stops on the team lead's phone, in the WhatsApp text, and in field reports."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

from field_fixtures import OWN, publish
from web_fixtures import create_village, login, tiny_plan

from web.extensions import db
from web.models import BacklogCount, Regency, Team, Village
from web.services.field_schedule import local_today
from web.services.plans import store_draft


def _backlog(kode: str) -> int:
    village = db.session.query(Village).filter_by(kode=kode).one()
    return (db.session.query(BacklogCount).filter_by(village_id=village.id)
            .order_by(BacklogCount.id.desc()).first().belum_rekam)


def _covering_plan(app, world) -> dict:
    """Today: one stop at the own village inviting Sukamaju and Tanjung Jaya (30+20+10)."""
    with app.app_context():
        today = local_today(db.session.get(Regency, OWN))
        monday = today - timedelta(days=today.weekday())
        team = db.session.get(Team, world.targets["own"].team_id)
        first = db.session.query(Village).filter_by(kode=world.targets["own"].kode).one()
        second = create_village(OWN, "36.90.01.2002", name="Sukamaju", belum_rekam=80)
        third = create_village(OWN, "36.90.01.2003", name="Tanjung Jaya", belum_rekam=50)
        db.session.commit()
        plan = tiny_plan(first, team)
        route = plan["routes"][0]
        stop = {**route["stops"][0], "visit_id": f"{first.kode}+2",
                "expected_recordings": 60,
                "serves": [first.kode, second.kode, third.kode], "served": [30, 20, 10],
                "serves_desa": [first.name, "Sukamaju", "Tanjung Jaya"]}
        plan["routes"] = [{**route, "vehicle_id": f"{team.code}@{today.isoformat()}",
                           "date": today.isoformat(), "stops": [stop]}]
        plan["week_start"] = monday.isoformat()
        version = store_draft(regency_code=OWN, week_start=monday, plan=plan,
                              instance_id=None, created_by_id=None)
        publish(version.id)
        return {"today": today.isoformat(), "visit_id": stop["visit_id"], "version": version.id,
                "codes": stop["serves"], "venue": first.name,
                "before": [_backlog(c) for c in stop["serves"]]}


def test_phone_page_and_whatsapp_invite_the_neighbours(app, world):
    """The stop says who is invited where, with the people expected from each village."""
    facts = _covering_plan(app, world)
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    own = world.targets["own"].team_id
    invite = f"Warga Desa {facts['venue']}, Sukamaju dan Tanjung Jaya diundang ke Kantor Desa " \
             f"{facts['venue']}"
    page = client.get(f"/lapangan/tim/{own}").get_data(as_text=True)
    assert invite in page
    assert "Sukamaju 20" in page
    schedule = client.get(f"/api/v1/teams/{own}/schedule").get_json()
    (day,) = schedule["days"]
    (stop,) = day["stops"]
    assert stop["invitation"] == invite
    assert [v["people"] for v in stop["serves"]] == [30, 20, 10]
    text = unquote(day["whatsapp_url"].split("text=", 1)[1])
    assert invite in text
    assert "Tanjung Jaya 10" in text


def test_report_of_a_covering_stop_lowers_each_served_village(app, world):
    """60 recorded at a stop expecting 30+20+10 people: each village's backlog drops by its
    share (the documented rule: in proportion to the people expected from each)."""
    facts = _covering_plan(app, world)
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    own = world.targets["own"].team_id
    body = {"idempotency_key": "cover-0001", "visit_id": facts["visit_id"],
            "date": facts["today"], "recorded": 45}
    made = client.post(f"/api/v1/teams/{own}/reports", json=body)
    assert made.status_code == 201, made.get_json()
    # 45 x 30/60, 45 x 20/60, 45 x 10/60 = 22.5, 15, 7.5: the venue takes the half left over
    shares = [23, 15, 7]
    assert made.get_json()["by_village"] == dict(zip(facts["codes"], shares, strict=True))
    with app.app_context():
        after = [_backlog(c) for c in facts["codes"]]
    assert [b - a for b, a in zip(facts["before"], after, strict=True)] == shares
    # a correction replaces the count: the shares follow it
    fix = {**body, "idempotency_key": "cover-0002", "recorded": 60}
    assert client.post(f"/api/v1/teams/{own}/reports", json=fix).status_code == 201
    with app.app_context():
        after = [_backlog(c) for c in facts["codes"]]
    assert [b - a for b, a in zip(facts["before"], after, strict=True)] == [30, 20, 10]


def _covered_plan():
    """The planner's plan of tests/test_covering.py: one stop serving three villages."""
    from planner.params import PlanningParams
    from planner.plan import plan_to_dict
    from tests.test_covering import _plan

    built, _, plan = _plan(PlanningParams())
    return built.instance, plan_to_dict(plan)


def test_edits_keep_covered_villages_and_refuse_serving_one_twice():
    """Removing the covering stop makes its neighbours 'removed'; adding a neighbour's own
    visit while the cover stays is refused in plain Indonesian."""
    from web.services.plan_edits import recheck

    instance, plan = _covered_plan()
    (route,) = [r for r in plan["routes"] if r["stops"]]
    (stop,) = route["stops"]
    routes = {r["vehicle_id"]: [s["visit_id"] for s in r["stops"]] for r in plan["routes"]}
    kept = recheck(plan, instance, routes, set(), {})
    assert kept.ok
    assert kept.plan["summary"]["villages_covered"] == 2
    reasons = {u["village_code"]: u["reason"]["code"] for u in kept.plan["unscheduled"]}
    assert [reasons[c] for c in stop["serves"][1:]] == ["covered", "covered"]
    assert kept.plan["routes"][0]["stops"][0]["serves"] == stop["serves"]

    neighbour = stop["serves"][1]
    twice = {**routes, route["vehicle_id"]: [stop["visit_id"], neighbour]}
    refused = recheck(plan, instance, twice, set(), {})
    assert not refused.ok
    assert any("melayani desa yang sama" in v for v in refused.violations)

    gone = recheck(plan, instance, {**routes, route["vehicle_id"]: []}, set(), {})
    assert gone.ok
    reasons = {u["village_code"]: u["reason"]["code"] for u in gone.plan["unscheduled"]}
    assert [reasons[c] for c in stop["serves"]] == ["removed"] * 3
    assert gone.plan["summary"]["villages_covered"] == 0


def test_review_page_shows_who_a_stop_also_serves(app, world):
    """The coordinator's review lists the villages a covering stop also serves."""
    facts = _covering_plan(app, world)
    client = app.test_client()
    assert login(client, "koordinator").status_code == 302
    page = client.get(f"/kabupaten/{OWN}/rencana/{facts['version']}").get_data(as_text=True)
    assert "juga melayani: Sukamaju (20), Tanjung Jaya (10)" in page
