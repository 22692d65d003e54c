"""A regency's road network through the web app: uploaded, kept, and used by its plans."""

from __future__ import annotations

import io
from datetime import date

import pytest
from web_fixtures import PASSWORD, SAMPLE, login

from planner.params import PlanningParams
from web.extensions import db
from web.models import Regency, Role
from web.services.accounts import create_user
from web.services.problem_data import build_regency_problem
from web.services.regions import ensure_regency

FILES = {"villages": "villages.gpkg", "backlog": "belum_rekam.xlsx", "offices": "offices.csv",
         "harbours": "harbours.csv", "teams": "teams.csv", "neighbours": "neighbours.gpkg"}


@pytest.fixture
def coordinator(app):
    """A logged-in coordinator of the sample regency 36.90."""
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
    client = app.test_client()
    login(client, "koordinator")
    return client


def _upload(client, *, roads: bool):
    data = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
            for role, name in FILES.items()}
    if roads:
        data["roads"] = (io.BytesIO((SAMPLE / "roads.gpkg").read_bytes()), "roads.gpkg")
    return client.post("/kabupaten/36.90/unggah", data={**data, "code_list": "contoh"},
                       content_type="multipart/form-data", follow_redirects=True)


def _travel(app) -> dict:
    with app.app_context():
        built = build_regency_problem(db.session.get(Regency, "36.90"), date(2026, 11, 30),
                                      PlanningParams())
        return dict(built.instance.meta["travel"])


def test_upload_form_offers_the_road_file(coordinator):
    """The upload page has a road network field that takes .osm.pbf and GeoPackage files."""
    page = coordinator.get("/kabupaten/36.90/unggah").get_data(as_text=True)
    assert "Jaringan jalan untuk waktu tempuh" in page
    assert ".pbf" in page


def test_uploaded_roads_route_the_regencys_plans(app, coordinator):
    """Without a road file plans are estimated; after uploading one they are routed on it."""
    assert "Data diterima" in _upload(coordinator, roads=False).get_data(as_text=True)
    assert _travel(app)["source"] == "estimate"
    assert "Data diterima" in _upload(coordinator, roads=True).get_data(as_text=True)
    travel = _travel(app)
    assert travel["source"] == "roads"
    assert travel["file"].endswith("roads.gpkg:roads")  # the multi-layer file's road layer
    assert travel["file"].startswith(app.config["ROADS_FOLDER"])  # a kept copy, not the upload
