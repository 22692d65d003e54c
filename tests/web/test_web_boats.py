"""Boats in the web app (issue 17): harbour uploads keep sailing days and departures, web
plans route crossings over water, and the team lead's phone page names the harbour and the
crossing time."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from field_fixtures import publish
from web_fixtures import PASSWORD, SAMPLE, create_village, login, tiny_plan

from planner.params import PlanningParams
from web.extensions import db
from web.models import Harbour, Regency, Role, Team, Village
from web.services.accounts import create_user
from web.services.field_schedule import local_today
from web.services.plans import store_draft
from web.services.problem_data import build_regency_problem
from web.services.regions import ensure_regency

OWN = "36.90"
HARBOUR = "Pelabuhan Muara Harapan"


def _files(harbours: bytes) -> dict[str, tuple[io.BytesIO, str]]:
    names = {"villages": "villages.gpkg", "backlog": "belum_rekam.xlsx",
             "offices": "offices.csv", "teams": "teams.csv", "neighbours": "neighbours.gpkg"}
    data = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
            for role, name in names.items()}
    data["harbours"] = (io.BytesIO(harbours), "harbours.csv")
    return data


@pytest.fixture
def coordinator(app):
    with app.app_context():
        ensure_regency(OWN, "Kabupaten Tanjung Harapan")
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=OWN)
    client = app.test_client()
    login(client, "koordinator")
    return client


def _upload(client, days: str, departures: str):
    csv = ("kabupaten_kode,name,lat,lng,hari_berlayar,jam_berangkat\n"
           f'36.90,{HARBOUR},-7.34187,105.15217,"{days}","{departures}"\n').encode()
    return client.post(f"/kabupaten/{OWN}/unggah",
                       data={**_files(csv), "code_list": "data contoh"},
                       content_type="multipart/form-data", follow_redirects=True)


def test_harbour_upload_keeps_the_sailing_schedule_and_plans_respect_it(app, coordinator):
    body = _upload(coordinator, "Minggu", "07:00").get_data(as_text=True)
    assert "Data diterima" in body
    with app.app_context():
        harbour = db.session.query(Harbour).one()
        assert (harbour.sailing_days, harbour.departures) == ("Minggu", "07:00")
        regency = db.session.get(Regency, OWN)
        built = build_regency_problem(regency, date(2026, 11, 30), PlanningParams())
        assert built.crossings is not None
        assert {c.harbour for c in built.crossings.crossings} == {HARBOUR}
        islands = {k for k, r in built.villages.iterrows() if bool(r["island"])}
        waiting = {k: r.code for k, r in built.excluded.items() if k in islands}
        # no boat sails on a working day: every island village with people left waits
        assert waiting
        assert set(waiting.values()) <= {"no_sailing", "no_backlog", "overnight"}
        assert "no_sailing" in waiting.values()
    # a new upload with every day sailing: the island villages are plannable again
    _upload(coordinator, "", "")
    with app.app_context():
        harbour = db.session.query(Harbour).one()
        assert (harbour.sailing_days, harbour.departures) == (None, None)
        built = build_regency_problem(db.session.get(Regency, OWN), date(2026, 11, 30),
                                      PlanningParams())
        assert not any(r.code == "no_sailing" for r in built.excluded.values())


def _boat_leg(direction: str) -> dict:
    return {"mode": "boat", "harbour": HARBOUR, "crossing_s": 5400, "crossing_min": 90,
            "crossings": [{"harbour": HARBOUR, "direction": direction, "crossing_s": 5400,
                           "length_m": 15000, "virtual": False,
                           "landing": [105.2, -7.4]}]}


def test_phone_page_names_the_harbour_and_the_crossing(app, world):
    with app.app_context():
        regency = db.session.get(Regency, OWN)
        today = local_today(regency)
        monday = today - timedelta(days=today.weekday())
        team = db.session.get(Team, world.targets["own"].team_id)
        first = db.session.query(Village).filter_by(kode=world.targets["own"].kode).one()
        island = create_village(OWN, "36.90.01.2002", name="Pulo Dua", belum_rekam=80)
        db.session.commit()
        plan = tiny_plan(first, team)
        route = plan["routes"][0]
        stop = route["stops"][0]
        stops = [{**stop, "leg": {"mode": "road"}},
                 {**stop, "sequence": 2, "visit_id": island.kode, "village_code": island.kode,
                  "desa": island.name, "arrival_s": 41400, "start_s": 41400,
                  "departure_s": 45000, "leg": _boat_leg("to_island")}]
        plan["routes"] = [{**route, "vehicle_id": f"{team.code}@{today.isoformat()}",
                           "date": today.isoformat(), "stops": stops,
                           "return_leg": _boat_leg("from_island")}]
        plan["week_start"] = monday.isoformat()
        version = store_draft(regency_code=OWN, week_start=monday, plan=plan,
                              instance_id=None, created_by_id=None)
        publish(version.id)
    client = app.test_client()
    login(client, "ketua")
    own = world.targets["own"].team_id
    page = client.get(f"/lapangan/tim/{own}").get_data(as_text=True)
    assert (f"Perjalanan ke sini: kapal dari {HARBOUR} (penyeberangan 1 jam 30 menit)"
            in page)
    assert f"Pulang: kapal ke {HARBOUR} (penyeberangan 1 jam 30 menit)" in page
    # only the boat leg says so: the first stop is reached by road
    assert page.count("Perjalanan ke sini") == 1
    schedule = client.get(f"/api/v1/teams/{own}/schedule").get_json()
    day = schedule["days"][0]
    assert day["stops"][1]["boat"]["harbour"] == HARBOUR
    assert day["stops"][1]["boat"]["crossing_min"] == 90
    assert day["stops"][0]["boat"] is None
    assert day["return_boat"]["text_en"] == f"boat to {HARBOUR} (1 h 30 min crossing)"
    share = unquote(day["whatsapp_url"])
    assert f"Naik kapal dari {HARBOUR} (penyeberangan 1 jam 30 menit)" in share
    client.get("/bahasa/en")
    english = client.get(f"/lapangan/tim/{own}").get_data(as_text=True)
    assert f"Getting here: boat from {HARBOUR} (1 h 30 min crossing)" in english
    assert f"Way back: boat to {HARBOUR} (1 h 30 min crossing)" in english
