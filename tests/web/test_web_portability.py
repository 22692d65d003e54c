"""Input that SQLite takes and PostgreSQL refuses: text longer than its column (a team form,
an upload), the NUL character.  These run on whichever database the suite uses
(``JEMPUT_BOLA_TEST_DB``)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from web_fixtures import SAMPLE, WEEK, login

from web.extensions import db
from web.models import DataImport, FieldReport, PlanVersion, Team, Village
from web.services.plans import publish_version


def _team_form(name: str) -> dict[str, object]:
    return {"name": name, "base_office_id": "0", "kits": "1", "workdays": ["1", "2", "3"],
            "lead_user_id": "0", "active": "y"}


def test_a_team_name_of_200_letters_gets_a_code_that_fits_its_column(app, world):
    """The form allows 200 letters; the code made from them fits ``team.code`` (120), and a
    second team of the same name still gets its own code."""
    client = app.test_client()
    login(client, "koordinator")
    name = ("Tim Keliling Kecamatan Sukamaju Jaya " * 6)[:200]
    for _ in range(2):
        response = client.post("/kabupaten/36.90/tim/baru", data=_team_form(name))
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        codes = db.session.scalars(select(Team.code).where(Team.name == name.strip())).all()
        limit = Team.__table__.c.code.type.length
    assert len(codes) == 2
    assert len(set(codes)) == 2
    assert all(len(code) <= limit for code in codes)
    assert codes[0].startswith("tim-keliling-kecamatan-sukamaju-jaya")


@pytest.fixture
def reporting(app, world):
    """The own team's plan published; a logged-in team lead."""
    target = world.targets["own"]
    with app.app_context():
        publish_version(db.session.get(PlanVersion, target.version_id), base_revision=0,
                        user=None)
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    return client, target


@pytest.mark.parametrize("field", ["notes", "reason", "visit_id"])
def test_a_report_with_a_nul_character_is_refused_and_not_stored(app, reporting, field):
    """A report body with U+0000 in any text answers 400 (JSON) and stores nothing."""
    client, target = reporting
    body = {"idempotency_key": "nul-kunci-1", "visit_id": target.kode,
            "date": WEEK.isoformat(), "recorded": 4, "notes": "ramai", "reason": ""}
    body[field] = f"{body[field]}\x00x"
    response = client.post(f"/api/v1/teams/{target.team_id}/reports", json=body)
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 0


def test_forms_paths_and_queries_with_a_nul_character_are_refused(app, world):
    """Login, the team form, a path and a query with U+0000: 400 pages, nothing stored."""
    client = app.test_client()
    refused = client.post("/masuk", data={"username": "koordinator\x00", "password": "x"})
    assert refused.status_code == 400
    assert "Permintaan tidak dapat diproses" in refused.get_data(as_text=True)
    login(client, "koordinator")
    assert client.post("/kabupaten/36.90/tim/baru",
                       data=_team_form("Tim \x00 Baru")).status_code == 400
    assert client.get("/kabupaten/36.90%00/").status_code == 400
    assert client.get("/kabupaten/36.90/desa?q=%00").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Team).where(
            Team.name.like("Tim %Baru"))) == 0


def _sample_upload(**replace: tuple[io.BytesIO, str]) -> dict[str, object]:
    files = {"villages": "villages.gpkg", "backlog": "belum_rekam.xlsx",
             "offices": "offices.csv", "harbours": "harbours.csv", "teams": "teams.csv",
             "neighbours": "neighbours.gpkg"}
    data: dict[str, object] = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
                               for role, name in files.items()}
    data.update(replace)
    data["code_list"] = "data contoh"
    return data


def test_an_upload_with_a_name_longer_than_its_column_is_refused_with_the_reason(app, world):
    """A team name of 260 letters: the upload is refused (not a server error) naming the
    column and the limit, and no village, team or count is stored."""
    client = app.test_client()
    login(client, "koordinator")
    rows = (SAMPLE / "teams.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[1].split(",")
    cells[1] = "Tim Keliling " + "Sukamaju " * 28
    rows[1] = ",".join(cells)
    teams = (io.BytesIO("\n".join(rows).encode()), "teams.csv")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Team))
    response = client.post("/kabupaten/36.90/unggah", data=_sample_upload(teams=teams),
                           content_type="multipart/form-data", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Data ditolak" in body
    assert "nama tim terlalu panjang: 264 huruf, paling banyak 200" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Village)) == 3
        assert db.session.scalar(select(func.count()).select_from(Team)) == before
        last = db.session.scalars(select(DataImport).order_by(DataImport.id.desc())).first()
        assert last.status == "failed"
