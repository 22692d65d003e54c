"""Language, villages (table, map data, overrides) and teams (create, edit, lead)."""

from __future__ import annotations

from datetime import time

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select
from web_fixtures import REPO, create_village, login, user_by_name

from web.extensions import db
from web.models import Team, Village

TRANSLATIONS = REPO / "web" / "translations"


def test_pages_are_indonesian_by_default_and_switch_to_english(app, world):
    """Indonesian first; the switch link turns the same page English and back."""
    client = app.test_client()
    login(client, "koordinator")
    page = client.get("/kabupaten/36.90/").get_data(as_text=True)
    assert "Belum rekam" in page
    assert "lang='id'" in page
    client.get("/bahasa/en?next=/kabupaten/36.90/")
    page = client.get("/kabupaten/36.90/").get_data(as_text=True)
    assert "Not yet recorded" in page
    assert "lang='en'" in page
    client.get("/bahasa/id")
    assert "Belum rekam" in client.get("/kabupaten/36.90/").get_data(as_text=True)


def test_numbers_follow_indonesian_conventions(app, world):
    """Thousands use a dot in Indonesian (1.234) and a comma in English (1,234)."""
    with app.app_context():
        create_village("36.90", "36.90.01.2002", belum_rekam=1234)
        db.session.commit()
    client = app.test_client()
    login(client, "koordinator")
    assert ">1.334</dd>" in client.get("/kabupaten/36.90/").get_data(as_text=True)
    client.get("/bahasa/en")
    assert ">1,334</dd>" in client.get("/kabupaten/36.90/").get_data(as_text=True)


def test_times_are_shown_in_wib(app, world):
    """Upload times carry the regency's zone name (WIB for Banten)."""
    client = app.test_client()
    login(client, "koordinator")
    assert " WIB" in client.get("/kabupaten/36.90/").get_data(as_text=True)


def test_compiled_catalogues_match_their_sources():
    """Both catalogues are compiled from their .po file, and English translates every id."""
    for lang in ("id", "en"):
        folder = TRANSLATIONS / lang / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
            source, compiled = read_po(po), read_mo(mo)
        def key(message_id: object) -> object:  # plural entries: a tuple (po) or list (mo)
            return tuple(message_id) if isinstance(message_id, list | tuple) else message_id

        ids = {key(m.id) for m in source if m.id}
        assert ids == {key(m.id) for m in compiled if m.id}
        assert all(m.string and (not isinstance(m.string, tuple) or all(m.string))
                   for m in source if m.id)


def test_villages_page_filters_by_flag(app, world):
    """?tanda=island keeps only island villages, in the table and in the map data."""
    with app.app_context():
        create_village("36.90", "36.90.02.2001", name="Pulau Karang", island_computed=True)
        db.session.commit()
    client = app.test_client()
    login(client, "koordinator")
    body = client.get("/kabupaten/36.90/desa?tanda=island").get_data(as_text=True)
    assert "Pulau Karang" in body
    assert "Desa 36.90.01.2001" not in body
    data = client.get("/kabupaten/36.90/desa/peta.geojson?tanda=island").get_json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Pulau Karang"]
    assert data["features"][0]["properties"]["belum_rekam"] == 100


def test_override_is_kept_apart_from_the_computed_flag(app, world):
    """Setting 'remote: yes' stores an override; 'automatic' clears it again."""
    client = app.test_client()
    login(client, "koordinator")
    kode = world.targets["own"].kode
    form = {"island": "", "border": "", "coastal": "", "remote": "1", "hilly": ""}
    assert client.post(f"/kabupaten/36.90/desa/{kode}", data=form).status_code == 302
    with app.app_context():
        village = db.session.scalars(select(Village).where(Village.kode == kode)).one()
        assert village.remote_computed is False
        assert village.remote_override is True
        assert village.flag("remote") is True
    client.post(f"/kabupaten/36.90/desa/{kode}", data={**form, "remote": ""})
    with app.app_context():
        village = db.session.scalars(select(Village).where(Village.kode == kode)).one()
        assert village.remote_override is None


def test_coordinator_creates_a_team_with_its_lead(app, world):
    """The new-team form stores kits, boat, days, hours and cap, and links the lead account."""
    client = app.test_client()
    login(client, "koordinator")
    with app.app_context():
        lead_id = user_by_name("cadangan-36.90").id
        office_id = db.session.scalars(select(Team.base_office_id)).first()
    form = {"name": "Tim Pesisir", "base_office_id": "0", "kits": "2", "boat_capable": "y",
            "workdays": ["1", "2", "3", "4", "5", "6"], "day_start": "07:30",
            "day_end": "15:00", "daily_cap": "80", "lead_user_id": str(lead_id), "active": "y"}
    response = client.post("/kabupaten/36.90/tim/baru", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        team = db.session.scalars(select(Team).where(Team.name == "Tim Pesisir")).one()
        assert (team.kits, team.boat_capable, team.workdays) == (2, True, "1,2,3,4,5,6")
        assert (team.day_start, team.day_end, team.daily_cap) == (time(7, 30), time(15), 80)
        assert team.base_office_id == office_id
        assert [u.username for u in team.leads] == ["cadangan-36.90"]
        assert team.code == "tim-pesisir"


def test_team_form_refuses_a_day_that_ends_before_it_starts(app, world):
    """End time before start time is shown as an error next to the field; nothing saved."""
    client = app.test_client()
    login(client, "koordinator")
    team_id = world.targets["own"].team_id
    form = {"name": "Tim A", "base_office_id": "0", "kits": "1", "workdays": ["1"],
            "day_start": "15:00", "day_end": "08:00", "lead_user_id": "0", "active": "y"}
    response = client.post(f"/kabupaten/36.90/tim/{team_id}", data=form)
    assert response.status_code == 200
    assert "Jam selesai harus sesudah jam mulai." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Team, team_id).day_end is None


def test_team_lead_sees_only_their_team(app, world):
    """A team lead's dashboard is their team's page; the regency pages are closed."""
    client = app.test_client()
    login(client, "ketua")
    response = client.get("/beranda")
    assert response.headers["Location"] == f"/tim/{world.targets['own'].team_id}"
    assert client.get(f"/tim/{world.targets['sibling'].team_id}").status_code == 403
    assert client.get("/kabupaten/36.90/desa").status_code == 403


def test_province_dashboard_lists_only_its_regencies(app, world):
    """The province sees 36.90 and 36.91 but not 32.01."""
    client = app.test_client()
    login(client, "provinsi")
    body = client.get("/beranda").get_data(as_text=True)
    assert "Kabupaten 36.90" in body
    assert "Kabupaten 36.91" in body
    assert "Kabupaten 32.01" not in body


def test_team_form_refuses_a_team_without_working_days(app, world):
    """No day ticked is refused with advice to switch the team off instead; nothing saved."""
    client = app.test_client()
    login(client, "koordinator")
    team_id = world.targets["own"].team_id
    with app.app_context():
        before = db.session.get(Team, team_id).workdays
    form = {"name": "Tim A", "base_office_id": "0", "kits": "1", "lead_user_id": "0",
            "active": "y"}
    response = client.post(f"/kabupaten/36.90/tim/{team_id}", data=form)
    assert response.status_code == 200
    assert "minimal satu hari kerja" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Team, team_id).workdays == before
