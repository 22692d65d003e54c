"""Numbers and words on the coordinator's and the lead's pages: Indonesian numbers (1.687),
English ones in English; real plurals; version notes and uploaded files named in the
reader's language; report parts as the lead's pages number them."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from field_fixtures import publish
from web_fixtures import WEEK, create_village, login, tiny_plan

from web.extensions import db
from web.models import DataImport, ImportStatus, PlanVersion, Team
from web.services.field_reports import report_parts
from web.services.plan_edits import Edit
from web.services.plans import store_draft
from web.services.published import clear_cache
from web.services.version_notes import edit_note_data, note_data_for_edit

OWN = "36.90"
BIG = "36.90.01.2009"


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _client(app, username: str, lang: str = "id"):
    client = app.test_client()
    assert login(client, username).status_code == 302
    if lang != "id":
        client.get(f"/bahasa/{lang}")
    return client


@pytest.fixture
def big_week(app, world, monkeypatch):
    """This week published: a big village visited Mon–Wed (parts numbered by the solver 3, 1,
    2), 1.687 people expected on Monday; the regency's today is Monday."""
    monkeypatch.setattr("web.services.field_schedule.local_today", lambda regency: WEEK)
    monkeypatch.setattr("web.teams.local_today", lambda regency: WEEK)
    with app.app_context():
        team = db.session.get(Team, world.targets["own"].team_id)
        big = create_village(OWN, BIG, name="Sukabesar", belum_rekam=3000)
        db.session.commit()
        plan = tiny_plan(big, team)
        template = plan["routes"][0]
        routes = []
        for i, part in enumerate((3, 1, 2)):
            day = (WEEK + timedelta(days=i)).isoformat()
            expected = 1687 if i == 0 else 120
            stop = {**template["stops"][0], "visit_id": f"{BIG}#{part}", "chunk": part,
                    "chunks": 3, "expected_recordings": expected}
            routes.append({**template, "vehicle_id": f"{team.code}@{day}", "date": day,
                           "expected_recordings": expected, "stops": [stop]})
        plan["routes"] = routes
        version = store_draft(regency_code=OWN, week_start=WEEK, plan=plan, instance_id=None,
                              created_by_id=None)
        publish(version.id)
        version_id, team_id = version.id, team.id
    clear_cache()
    return {"version_id": version_id, "team_id": team_id}


def test_lead_pages_write_indonesian_numbers(app, big_week):
    """"Tim saya", the field page and its WhatsApp text say 1.687; English pages 1,687."""
    team_id = big_week["team_id"]
    client = _client(app, "ketua")
    own = _visible(client.get(f"/tim/{team_id}").get_data(as_text=True))
    field_html = client.get(f"/lapangan/tim/{team_id}").get_data(as_text=True)
    assert "1.687" in own
    assert "1.687 orang" in _visible(field_html)
    shares = [unquote(u) for u in re.findall(r'href="(https://wa\.me/[^"]+)"', field_html)]
    assert any("perkiraan 1.687 orang" in text for text in shares)
    assert not any("1687" in text for text in shares)
    english = _client(app, "ketua", "en")
    assert "1,687" in _visible(english.get(f"/tim/{team_id}").get_data(as_text=True))
    assert "1,687" in _visible(english.get(f"/lapangan/tim/{team_id}").get_data(as_text=True))


def test_report_table_names_the_part_as_the_lead_saw_it(app, big_week, world):
    """A report of Monday's visit (solver part 3) reads "(bagian 1/3)" in the report table,
    with the village name, never the raw visit id."""
    client = _client(app, "ketua")
    response = client.post(f"/api/v1/teams/{big_week['team_id']}/reports", json={
        "idempotency_key": "angka-0001", "visit_id": f"{BIG}#3", "date": WEEK.isoformat(),
        "recorded": 1500})
    assert response.status_code == 201, response.get_json()
    coordinator = _client(app, "koordinator")
    page = _visible(coordinator.get(f"/kabupaten/{OWN}/lapangan").get_data(as_text=True))
    assert "Sukabesar (bagian 1/3)" in page
    assert BIG not in page
    assert "1.500" in page
    with app.app_context():
        from web.models import FieldReport

        reports = list(db.session.query(FieldReport))
        assert report_parts(reports) == {reports[0].id: "1/3"}


def test_version_notes_are_told_in_the_readers_language(app, world):
    """A version's note kept as data reads Indonesian or English; an old note stays as is."""
    with app.app_context():
        plan = dict(db.session.get(PlanVersion, world.targets["own"].version_id).plan)
        data = edit_note_data("move", village="Sukamaju", part=(1, 2), team="Tim 1",
                              day="2026-11-30", position=2)
        store_draft(regency_code=OWN, week_start=WEEK, plan=plan, instance_id=None,
                    created_by_id=None, origin="edit", note="catatan lama", note_data=data)
        store_draft(regency_code=OWN, week_start=WEEK, plan=plan, instance_id=None,
                    created_by_id=None, origin="edit", note="catatan lama tanpa data")
    url = f"/kabupaten/{OWN}/rencana"
    indonesian = _visible(_client(app, "koordinator").get(url).get_data(as_text=True))
    english = _visible(_client(app, "koordinator", "en").get(url).get_data(as_text=True))
    assert "pindahkan Desa Sukamaju (bagian 1/2) ke Tim 1, Senin 30/11 (urutan 2)" in indonesian
    assert "move Village Sukamaju (part 1/2) to Tim 1, Monday 30/11 (position 2)" in english
    assert "catatan lama tanpa data" in english
    assert "catatan lama" not in english.replace("catatan lama tanpa data", "")


def test_edit_note_data_reads_the_plans(app, big_week):
    """Moving Tuesday's visit to Monday: the note names the village, its new part and day."""
    with app.app_context():
        plan = db.session.get(PlanVersion, big_week["version_id"]).plan
        monday, tuesday = plan["routes"][0]["vehicle_id"], plan["routes"][1]["vehicle_id"]
        after = {**plan, "routes": [
            {**plan["routes"][0], "stops": [plan["routes"][1]["stops"][0],
                                            plan["routes"][0]["stops"][0]]},
            {**plan["routes"][1], "stops": []}, plan["routes"][2]]}
        routes = {monday: [f"{BIG}#1", f"{BIG}#3"], tuesday: []}
        data = note_data_for_edit(plan, after, routes, Edit(action="move",
                                                            visit_id=f"{BIG}#1",
                                                            vehicle_id=monday, position=1))
    assert data == {"kind": "edit", "action": "move", "village": "Sukabesar", "part": [1, 3],
                    "team": "Tim A 36.90", "day": WEEK.isoformat(), "position": 1}


@pytest.mark.parametrize(("count", "english"), [(1, "Data accepted: 1 village saved."),
                                                 (1687, "Data accepted: 1,687 villages saved.")])
def test_upload_result_counts_in_real_plurals(app, world, count, english):
    """The upload result says "1 village" and "1,687 villages", never "village(s)"."""
    with app.app_context():
        record = DataImport(regency_code=OWN, status=ImportStatus.DONE, files=[
            {"role": "villages", "filename": "desa.gpkg"}], problems=[],
            village_count=count)
        db.session.add(record)
        db.session.commit()
        import_id = record.id
    url = f"/kabupaten/{OWN}/unggah/{import_id}"
    page = _visible(_client(app, "koordinator", "en").get(url).get_data(as_text=True))
    assert english in page
    assert "(s)" not in page
    assert "Village boundaries: desa.gpkg" in page
    indonesian = _visible(_client(app, "koordinator").get(url).get_data(as_text=True))
    assert f"{count:,} desa disimpan".replace(",", ".") in indonesian
    assert "Batas desa: desa.gpkg" in indonesian


def test_review_map_tells_waiting_reasons_in_english(app, world):
    """The review map's waiting villages carry the reason in the page's language."""
    own = world.targets["own"]
    with app.app_context():
        plan = dict(db.session.get(PlanVersion, own.version_id).plan)
        plan["unscheduled"] = [{"village_code": own.kode, "desa": "Desa Uji", "kecamatan": "",
                                "expected_recordings": 40, "weight": 1.0, "reason": {
                                    "code": "capacity", "text_id": "Kapasitas habis",
                                    "text_en": "No capacity left",
                                    "what_it_would_take_id": "", "what_it_would_take_en": ""}}]
        version_id = store_draft(regency_code=OWN, week_start=WEEK, plan=plan,
                                 instance_id=None, created_by_id=None).id
    url = f"/kabupaten/{OWN}/rencana/{version_id}/peta.json"
    indonesian = _client(app, "koordinator").get(url).get_json()["unscheduled"]
    english = _client(app, "koordinator", "en").get(url).get_json()["unscheduled"]
    assert [w["reason"] for w in indonesian] == ["Kapasitas habis"]
    assert [w["reason"] for w in english] == ["No capacity left"]
