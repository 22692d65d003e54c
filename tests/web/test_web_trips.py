"""Multi-day trips on the pages people look at (issue 18): the team lead's phone page shows
where the team sleeps tonight, the review page shows the trip as one object with its cost."""

from __future__ import annotations

from datetime import timedelta

from field_fixtures import publish
from web_fixtures import PASSWORD, create_village, login, tiny_plan

from web.extensions import db
from web.models import Regency, Team, Village
from web.services.field_schedule import local_today
from web.services.plans import store_draft

OWN = "36.90"


def _trip_plan(app, world) -> tuple[str, str, int]:
    """A published plan: the own team away today (sleeping at Losmen Pulau Dua) and home
    tomorrow; returns today, tomorrow and the version id."""
    with app.app_context():
        regency = db.session.get(Regency, OWN)
        today = local_today(regency)
        monday = today - timedelta(days=today.weekday())
        team = db.session.get(Team, world.targets["own"].team_id)
        first = db.session.query(Village).filter_by(kode=world.targets["own"].kode).one()
        second = create_village(OWN, "36.90.01.2002", name="Pulau Dua", belum_rekam=80)
        db.session.commit()
        plan = tiny_plan(first, team)
        route = plan["routes"][0]
        stop = route["stops"][0]
        tomorrow = today + timedelta(days=1)
        night = {"location_id": "36.90.01.2002", "name": "Losmen Pulau Dua",
                 "lon": 105.01, "lat": -7.01, "lodging_rp": 300000}
        trip_id = f"{team.code}:{today.isoformat()}"
        away = {**route, "vehicle_id": f"{team.code}@{today.isoformat()}",
                "date": today.isoformat(), "night": night, "trip_id": trip_id,
                "cost_rp": 1_750_000,
                "stops": [{**stop, "visit_id": second.kode, "village_code": second.kode,
                           "desa": second.name}]}
        home = {**route, "vehicle_id": f"{team.code}@{tomorrow.isoformat()}",
                "date": tomorrow.isoformat(), "night": None, "trip_id": trip_id,
                "cost_rp": 900_000}
        plan["routes"] = [away, home]
        plan["week_start"] = monday.isoformat()
        plan["trips"] = [{"trip_id": trip_id, "team_id": team.code,
                          "team_name": route.get("team_name", team.code), "days": 2,
                          "dates": [today.isoformat(), tomorrow.isoformat()],
                          "vehicle_ids": [away["vehicle_id"], home["vehicle_id"]],
                          "nights": [{"date": today.isoformat(), **night}],
                          "expected_recordings": 60, "cost_rp": 2_650_000}]
        plan["costs"] = {"fuel_rp": 650_000, "boat_rp": 1_500_000, "per_diem_rp": 300_000,
                         "lodging_rp": 200_000, "total_rp": 2_650_000, "budget_rp": None}
        version = store_draft(regency_code=OWN, week_start=monday, plan=plan,
                              instance_id=None, created_by_id=None)
        publish(version.id)
        return today.isoformat(), tomorrow.isoformat(), version.id


def test_phone_page_says_where_the_team_sleeps_tonight(app, world):
    today, tomorrow, _ = _trip_plan(app, world)
    client = app.test_client()
    login(client, "ketua", PASSWORD)
    own = world.targets["own"].team_id
    page = client.get(f"/lapangan/tim/{own}").get_data(as_text=True)
    assert "Malam ini menginap di Losmen Pulau Dua" in page
    # only today's section has the night: tomorrow the team comes home
    today_part = page[page.index(f'data-date="{today}"'):page.index(f'data-date="{tomorrow}"')]
    assert "Losmen Pulau Dua" in today_part
    assert "Losmen" not in page[page.index(f'data-date="{tomorrow}"'):]
    schedule = client.get(f"/api/v1/teams/{own}/schedule").get_json()
    nights = {d["date"]: d["night"] for d in schedule["days"]}
    assert nights == {today: "Losmen Pulau Dua", tomorrow: ""}


def test_review_page_shows_the_trip_with_its_nights_and_cost(app, world):
    _, _, version_id = _trip_plan(app, world)
    client = app.test_client()
    login(client, "koordinator", PASSWORD)
    page = client.get(f"/kabupaten/{OWN}/rencana/{version_id}").get_data(as_text=True)
    assert "Perjalanan beberapa hari" in page
    assert "2 hari, 1 malam" in page
    assert "Losmen Pulau Dua" in page
    assert "2.650.000" in page
