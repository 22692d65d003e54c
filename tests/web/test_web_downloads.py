"""Plan files from the review page and the team page, and the size of the review page.

One sample-regency plan is solved once for the module (2 s, two solutions); each download is
parsed back with its own library and compared with the stored plan.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gpxpy
import openpyxl
import pypdf
import pytest
from flask import Flask
from icalendar import Calendar
from web_fixtures import PASSWORD, SAMPLE, build_app, login

from planner.exports import STOP_COLUMNS, UNSCHEDULED_COLUMNS
from web.extensions import db
from web.models import PlanVersion, Role, Team
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.plans import store_draft
from web.worker import PlanningWorker

REGENCY = "36.90"
WEEK = "2026-11-30"
LEAD_TEAM = "tim-keliling-tanjung-harapan-2"
KML = "{http://www.opengis.net/kml/2.2}"
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
         "gpx": "application/gpx+xml; charset=utf-8",
         "kml": "application/vnd.google-earth.kml+xml; charset=utf-8",
         "ics": "text/calendar; charset=utf-8", "pdf": "application/pdf"}


@dataclass
class Planned:
    """The app, a published sample plan, a later draft, and the teams by code."""

    app: Flask
    published: int
    draft: int
    plan: dict[str, Any]
    teams: dict[str, int]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planned]:
    """Sample regency, coordinator, province, a team lead; one plan solved and published."""
    app = build_app(tmp_path_factory.mktemp("downloads"))
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
        create_user(username="provinsi", password=PASSWORD, role=Role.PROVINCE,
                    province_code="36")
        create_user(username="ketua", password=PASSWORD, role=Role.TEAM_LEAD,
                    regency_code=REGENCY, team=LEAD_TEAM)
    client = _client(app, "koordinator")
    job = client.post(f"/api/v1/regencies/{REGENCY}/jobs",
                      json={"week_start": WEEK, "time_limit_s": 2, "solution_limit": 2})
    assert job.status_code == 202
    assert PlanningWorker(app).run_once()
    version_id = client.get(f"/api/v1/jobs/{job.get_json()['id']}").get_json()[
        "result_version_id"]
    assert client.post(f"/api/v1/plans/{version_id}/publish",
                       json={"base_revision": 0}).status_code == 200
    with app.app_context():
        version = db.session.get(PlanVersion, version_id)
        assert version is not None
        plan = version.plan
        draft = store_draft(regency_code=REGENCY, week_start=version.week_start, plan=plan,
                            instance_id=version.instance_id, created_by_id=None,
                            based_on_id=version.id, origin="edit", note="salinan")
        teams = {t.code: t.id for t in db.session.query(Team).filter_by(regency_code=REGENCY)}
        draft_id = draft.id
    yield Planned(app, version_id, draft_id, plan, teams)
    with app.app_context():
        db.engine.dispose()


def _client(app: Flask, username: str) -> Any:
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _whole(version: int, ext: str) -> str:
    return f"/kabupaten/{REGENCY}/rencana/{version}/unduh/rencana.{ext}"


def _team(version: int, team_id: int, ext: str) -> str:
    return f"/kabupaten/{REGENCY}/rencana/{version}/tim/{team_id}/unduh/rute.{ext}"


def _file(response: Any, ext: str) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == TYPES[ext]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=rencana_36.90_2026-11-30")
    assert disposition.endswith(f".{ext}")
    name = disposition.split("filename=", 1)[1]
    assert all(c.isalnum() or c in "._-" for c in name), name
    return bytes(response.data)


def _stops(plan: dict[str, Any], team: str | None = None) -> list[dict[str, Any]]:
    return [s for r in plan["routes"] for s in r["stops"] if team in (None, r["team_id"])]


def _team_with_stops(planned: Planned) -> str:
    return next(r["team_id"] for r in planned.plan["routes"] if r["stops"])


def test_whole_plan_spreadsheets_and_geojson_parse_back(planned: Planned) -> None:
    """XLSX, CSV and GeoJSON of the whole plan: one row/point per stop, the waiting list."""
    for username in ("koordinator", "provinsi"):
        client = _client(planned.app, username)
        stops = _stops(planned.plan)
        book = openpyxl.load_workbook(io.BytesIO(_file(client.get(
            _whole(planned.published, "xlsx")), "xlsx")))
        rows = list(book["Jadwal"].iter_rows(values_only=True))
        assert rows[0] == STOP_COLUMNS
        assert [r[4] for r in rows[1:]] == [s["village_code"] for s in stops]
        waiting = list(book["Belum dijadwalkan"].iter_rows(values_only=True))
        assert waiting[0] == UNSCHEDULED_COLUMNS
        assert len(waiting) - 1 == len(planned.plan["unscheduled"])

        text = _file(client.get(_whole(planned.published, "csv")), "csv").decode("utf-8-sig")
        table = text.split("\r\n\r\n")[0]
        parsed = list(csv.DictReader(io.StringIO(table)))
        assert [r["kode_desa"] for r in parsed] == [s["village_code"] for s in stops]
        assert sum(int(r["perkiraan_rekam"]) for r in parsed) == planned.plan["summary"][
            "expected_recordings"]

        geo = json.loads(_file(client.get(_whole(planned.published, "geojson")), "geojson"))
        assert geo["type"] == "FeatureCollection"
        points = [f for f in geo["features"] if f["properties"]["kind"] == "stop"]
        lines = [f for f in geo["features"] if f["properties"]["kind"] == "route"]
        assert len(points) == len(stops)
        assert lines
        assert all(f["properties"]["with_office"] for f in lines)  # offices from the instance


def test_team_files_parse_back_and_match_the_team(planned: Planned) -> None:
    """GPX, KML, ICS, PDF and the team's XLSX/CSV/GeoJSON hold exactly that team's stops."""
    client = _client(planned.app, "koordinator")
    code = _team_with_stops(planned)
    team_id = planned.teams[code]
    stops = _stops(planned.plan, code)
    name = next(r["team_name"] for r in planned.plan["routes"] if r["team_id"] == code)

    gpx = gpxpy.parse(_file(client.get(_team(planned.published, team_id, "gpx")), "gpx")
                      .decode("utf-8"))
    assert len(gpx.waypoints) == len(stops)
    # a day of a multi-day trip ends at its night place and the next starts there (issue 18)
    nights = [(r.get("night") or {}).get("name") for r in sorted(
        (r for r in planned.plan["routes"] if r["team_id"] == code and r["stops"]),
        key=lambda r: r["date"])]
    assert [rte.points[-1].name for rte in gpx.routes] == [n or "Kantor" for n in nights]
    assert all(rte.points[0].name in ("Kantor", "Penginapan") for rte in gpx.routes)

    kml = ET.fromstring(_file(client.get(_team(planned.published, team_id, "kml")), "kml"))
    codes = [data.findtext(f"{KML}value") for data in kml.iter(f"{KML}Data")
             if data.get("name") == "village_code"]
    assert codes == [s["village_code"] for s in stops]

    calendar = Calendar.from_ical(_file(client.get(_team(planned.published, team_id, "ics")),
                                        "ics"))
    # one event per stop, plus one per night away on a multi-day trip (issue 18)
    events = [e for e in calendar.walk("VEVENT") if not str(e["SUMMARY"]).startswith("Menginap")]
    assert len(events) == len(stops)
    again = client.get(_team(planned.published, team_id, "ics")).data
    assert again == client.get(_team(planned.published, team_id, "ics")).data  # stable stamp

    pdf = pypdf.PdfReader(io.BytesIO(_file(client.get(_team(planned.published, team_id,
                                                             "pdf")), "pdf")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert name in text
    assert (stops[0]["desa"] or stops[0]["village_code"]) in text

    book = openpyxl.load_workbook(io.BytesIO(_file(client.get(
        _team(planned.published, team_id, "xlsx")), "xlsx")))
    assert [r[1] for r in list(book["Jadwal"].iter_rows(values_only=True))[1:]] == [code] * len(
        stops)
    text = _file(client.get(_team(planned.published, team_id, "csv")), "csv").decode(
        "utf-8-sig")
    assert [r["tim_id"] for r in csv.DictReader(io.StringIO(text))] == [code] * len(stops)
    geo = json.loads(_file(client.get(_team(planned.published, team_id, "geojson")),
                           "geojson"))
    assert {f["properties"]["team_id"] for f in geo["features"]} == {code}


def test_team_lead_gets_its_own_published_files_only(planned: Planned) -> None:
    """Own team: every format of the published plan; another team, a draft or the whole
    plan: 403; a team without a day in the plan or another regency's version: 404."""
    lead = _client(planned.app, "ketua")
    own = planned.teams[LEAD_TEAM]
    for ext in TYPES:
        _file(lead.get(_team(planned.published, own, ext)), ext)
    other = next(i for code, i in planned.teams.items() if code != LEAD_TEAM)
    for ext in TYPES:
        assert lead.get(_team(planned.published, other, ext)).status_code == 403
        assert lead.get(_team(planned.draft, own, ext)).status_code == 403
    for ext in ("xlsx", "csv", "geojson"):
        assert lead.get(_whole(planned.published, ext)).status_code == 403
    assert lead.get(_team(planned.published + 999, own, "gpx")).status_code == 404
    assert lead.get(f"/kabupaten/36.91/rencana/{planned.published}/tim/{own}/unduh/"
                    "rute.gpx").status_code == 404
    page = lead.get(f"/tim/{own}").get_data(as_text=True)
    assert _team(planned.published, own, "pdf") in page
    assert _team(planned.published, own, "ics") in page


def test_review_page_links_every_file(planned: Planned) -> None:
    """The review page offers the whole plan and each team's files (coordinator, province)."""
    for username in ("koordinator", "provinsi"):
        page = _client(planned.app, username).get(
            f"/kabupaten/{REGENCY}/rencana/{planned.published}").get_data(as_text=True)
        for ext in ("xlsx", "csv", "geojson"):
            assert _whole(planned.published, ext) in page
        for code in {r["team_id"] for r in planned.plan["routes"]}:
            for ext in TYPES:
                assert _team(planned.published, planned.teams[code], ext) in page


def test_review_page_stays_small(planned: Planned) -> None:
    """The team-day list is written once (a <template> and one add form), not per village."""
    client = _client(planned.app, "koordinator")
    page = client.get(f"/kabupaten/{REGENCY}/rencana/{planned.draft}").get_data(as_text=True)
    assert len(planned.plan["unscheduled"]) > 50
    assert len(page.encode("utf-8")) < 200_000
    team_days = len(planned.plan["routes"])
    # the map's day and team filters: one option per day and per team, plus "all"
    filters = (len({r["date"] for r in planned.plan["routes"]})
               + len({r["team_id"] for r in planned.plan["routes"]}) + 2)
    assert page.count("<option") <= 2 * team_days + len(_stops(planned.plan)) + filters + 5
    assert 'id="team-day-options"' in page
    assert "js/team_day_select.js" in page
    assert page.count('form="tambah"') > 50
