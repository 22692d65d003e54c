"""Exports of a plan: each format parses back with its own library and matches the plan."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, cast
from urllib.parse import unquote

import geopandas
import gpxpy
import openpyxl
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from planner.errors import ParameterError
from planner.exports import (
    STOP_COLUMNS,
    UNSCHEDULED_COLUMNS,
    depot_locations,
    escape_cell,
    navigation_links,
    plan_filename,
    plan_to_csv,
    plan_to_geojson,
    plan_to_gpx,
    plan_to_ics,
    plan_to_kml,
    plan_to_xlsx,
    route_sheet_pdf,
    safe_filename,
    whatsapp_text,
    whatsapp_url,
)
from planner.exports._common import clock, local_datetime
from planner.params import PlanningParams
from planner.plan import Plan, Stop, decode_plan
from planner.problem import BuiltProblem, build_problem
from planner.solution import Solution, SolveStatus
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

HOSTILE = '=HYPERLINK("http://evil.example","klik")'
OFFICE = (106.0, -6.5)
MONDAY, TUESDAY = "2026-11-30", "2026-12-01"
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def built() -> BuiltProblem:
    """Six villages (two with hostile names, one without backlog) and two teams."""
    villages = villages_frame(
        make_village("36.90.01.2001", stop_lon=106.02, desa=HOSTILE),
        make_village("36.90.01.2002", stop_lon=106.03, desa="-5", belum_rekam=20),
        make_village("36.90.02.2003", stop_lon=106.04, desa="Cikeusik Désa",
                     kecamatan="Kec @Sumur"),
        make_village("36.90.02.2004", stop_lon=106.05, stop_lat=-6.55),
        make_village("36.90.02.2005", stop_lon=106.06, belum_rekam=0),
        make_village("36.90.03.2006", stop_lon=106.07, belum_rekam=40))
    teams = teams_frame(make_team("a"), make_team("b", name='Tim "B"/Selatan'))
    return build_problem(villages, teams=teams, offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY,
                         week_start=date(2026, 11, 30), params=PlanningParams())


@pytest.fixture(scope="module")
def plan(built: BuiltProblem) -> Plan:
    """Team a: two stops on Monday, one on Tuesday; team b: one stop on Monday."""
    routes: list[tuple[int, ...]] = [() for _ in built.instance.vehicles]
    ids = [v.vehicle_id for v in built.instance.vehicles]
    routes[ids.index(f"a@{MONDAY}")] = (0, 1)
    routes[ids.index(f"a@{TUESDAY}")] = (2,)
    routes[ids.index(f"b@{MONDAY}")] = (3,)
    solution = Solution(routes=tuple(routes), status=SolveStatus.FEASIBLE)
    return decode_plan(built.instance, solution, built=built)


def _stops(plan: Plan, team_id: str | None = None) -> list[tuple[str | None, str, Stop]]:
    return [(r.date, r.team_id, s) for r in plan.routes for s in r.stops
            if team_id is None or r.team_id == team_id]


def _expected_row(day: str | None, team: str, s: Stop) -> dict[str, str]:
    return {"tanggal": day or "", "tim_id": team, "urutan": str(s.sequence),
            "kode_desa": s.village_code or "", "desa": escape_cell(s.desa),
            "tiba_wib": clock(s.arrival_s), "berangkat_wib": clock(s.departure_s),
            "perkiraan_rekam": str(s.expected_recordings), "lat": str(s.lat),
            "lon": str(s.lon)}


def test_xlsx_round_trips_stops_and_unscheduled(plan: Plan) -> None:
    """openpyxl reads back one row per stop with its times and counts, and the waiting list."""
    wb = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    assert wb.sheetnames == ["Jadwal", "Belum dijadwalkan"]
    rows = list(wb["Jadwal"].iter_rows(values_only=True))
    assert rows[0] == STOP_COLUMNS
    got = [{k: str(v) for k, v in zip(STOP_COLUMNS, row, strict=True)} for row in rows[1:]]
    want = [_expected_row(*t) for t in _stops(plan)]
    assert [{k: g[k] for k in w} for g, w in zip(got, want, strict=True)] == want
    waiting = list(wb["Belum dijadwalkan"].iter_rows(values_only=True))
    assert waiting[0] == UNSCHEDULED_COLUMNS
    assert [(r[0], r[3], r[4], r[5]) for r in waiting[1:]] == [
        (u.village_code, u.expected_recordings, u.reason.code, u.reason.text_id)
        for u in plan.unscheduled]
    assert {r[4] for r in waiting[1:]} == {"no_backlog", "search_gap"}
    wb.close()


def test_xlsx_escapes_formula_cells_and_keeps_numbers(plan: Plan) -> None:
    """A village named like a formula is stored as text with a leading quote; lat stays a number."""
    wb = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    ws = wb["Jadwal"]
    desa = {ws.cell(row=i, column=6).value: ws.cell(row=i, column=6).data_type
            for i in range(2, ws.max_row + 1)}
    assert desa["'" + HOSTILE] == "s"
    assert desa["'-5"] == "s"
    assert "Cikeusik Désa" in desa
    assert all(not str(c.value).startswith(("=", "-", "+", "@"))
               for row in ws.iter_rows() for c in row if c.data_type == "s")
    assert ws.cell(row=2, column=13).value == -6.51
    wb.close()


def test_csv_round_trips_stops(plan: Plan) -> None:
    """csv reads back one row per stop with the plan's times, codes and counts."""
    reader = csv.DictReader(io.StringIO(plan_to_csv(plan, include_unscheduled=False)))
    assert tuple(reader.fieldnames or ()) == STOP_COLUMNS
    got = list(reader)
    want = [_expected_row(*t) for t in _stops(plan)]
    assert [{k: g[k] for k in w} for g, w in zip(got, want, strict=True)] == want


def test_csv_has_an_unscheduled_section_with_reasons(plan: Plan) -> None:
    """After a blank line the CSV lists the waiting villages with Indonesian reasons."""
    rows = list(csv.reader(io.StringIO(plan_to_csv(plan))))
    blank = rows.index([])
    assert len(rows[1:blank]) == len(_stops(plan))
    assert tuple(rows[blank + 1]) == UNSCHEDULED_COLUMNS
    section = [dict(zip(UNSCHEDULED_COLUMNS, r, strict=True)) for r in rows[blank + 2:]]
    assert [(r["kode_desa"], r["alasan"]) for r in section] == [
        (u.village_code, u.reason.text_id) for u in plan.unscheduled]
    assert "Sebenarnya bisa dijadwalkan" in section[1]["alasan"]


def test_csv_escapes_formula_cells(plan: Plan) -> None:
    """No CSV text field starts with a formula character; hostile names get a leading quote."""
    text = plan_to_csv(plan)
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert "'" + HOSTILE in fields
    assert "'-5" in fields
    assert not any(f.startswith(("=", "+", "@", "\t", "\r")) for f in fields)
    assert {f for f in fields if f.startswith("-")} == {"-6.51", "-6.55"}  # latitudes


@pytest.mark.parametrize(("value", "escaped"), [
    ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Desa Sukamaju", "Desa Sukamaju"), ("", ""),
    ("a=b", "a=b")])
def test_escape_cell(value: str, escaped: str) -> None:
    """Only text starting with = + - @ tab or CR is prefixed with a quote."""
    assert escape_cell(value) == escaped


def test_tables_filter_one_team(plan: Plan) -> None:
    """With team_id, CSV and XLSX hold only that team's stops and no waiting villages."""
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(plan, team_id="b"))))
    assert [r["tim_id"] for r in rows] == ["b"]
    assert rows[0]["tim"] == 'Tim "B"/Selatan'
    wb = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan, team_id="a")))
    assert wb.sheetnames == ["Jadwal"]
    assert wb["Jadwal"].max_row == 1 + len(_stops(plan, "a"))
    wb.close()


def test_unknown_team_is_a_parameter_error(plan: Plan) -> None:
    """Asking for a team that is not in the plan raises ParameterError, in any format."""
    for export in (plan_to_gpx, plan_to_kml, plan_to_ics, route_sheet_pdf):
        with pytest.raises(ParameterError):
            export(plan, "zz")
    with pytest.raises(ParameterError):
        plan_to_csv(plan, team_id="zz")
    with pytest.raises(ParameterError):
        whatsapp_text(plan, "a", "2026-12-06")


def _read_geojson(data: dict[str, object]) -> geopandas.GeoDataFrame:
    return geopandas.read_file(io.BytesIO(json.dumps(data).encode("utf-8")))


def test_geojson_reads_back_with_geopandas(plan: Plan, built: BuiltProblem) -> None:
    """geopandas reads a Point per stop with its properties and office-to-office lines."""
    data = plan_to_geojson(plan, depots=depot_locations(built.instance))
    frame = _read_geojson(data)
    points = frame[frame["kind"] == "stop"]
    assert list(points.geometry.geom_type.unique()) == ["Point"]
    # GDAL reads ISO dates as dates, and numbers as floats where line features lack them
    days = points["date"].dt.strftime("%Y-%m-%d")
    got = sorted(zip(points["team_id"], days, points["sequence"].astype(int), points["village"],
                     points["expected"], points.geometry.x, points.geometry.y, strict=True))
    want = sorted((t, d, s.sequence, s.desa, s.expected_recordings, s.lon, s.lat)
                  for d, t, s in _stops(plan))
    assert got == want
    lines = frame[frame["kind"] == "route"]
    assert len(lines) == 3  # a Monday, a Tuesday, b Monday
    for geom in lines.geometry:
        coords = list(geom.coords)
        assert coords[0] == coords[-1] == OFFICE
    assert bool(lines["with_office"].all())


def test_geojson_without_depots_joins_only_the_stops(plan: Plan) -> None:
    """Without office coordinates a line joins the stops; a one-stop day has no line."""
    data = plan_to_geojson(plan, team_id="a")
    lines = [f for f in data["features"] if f["properties"]["kind"] == "route"]
    assert len(lines) == 1
    assert lines[0]["properties"]["with_office"] is False
    monday = next(r for r in plan.routes if r.vehicle_id == f"a@{MONDAY}")
    assert lines[0]["geometry"]["coordinates"] == [[s.lon, s.lat] for s in monday.stops]
    assert {f["properties"]["team_id"] for f in data["features"]} == {"a"}


def test_gpx_has_a_route_per_day_and_timed_waypoints(plan: Plan, built: BuiltProblem) -> None:
    """gpxpy reads a route per working day (office → stops → office) and a waypoint per stop."""
    gpx = gpxpy.parse(plan_to_gpx(plan, "a", depots=depot_locations(built.instance)))
    team_a = [r for r in plan.routes if r.team_id == "a" and r.stops]
    assert [r.name for r in gpx.routes] == [f"Tim a {r.date}" for r in team_a]
    for rte, route in zip(gpx.routes, team_a, strict=True):
        coords = [(p.longitude, p.latitude) for p in rte.points]
        assert coords == [OFFICE, *((s.lon, s.lat) for s in route.stops), OFFICE]
    stops = _stops(plan, "a")
    assert len(gpx.waypoints) == len(stops)
    for wpt, (day, _, s) in zip(gpx.waypoints, stops, strict=True):
        assert day is not None
        assert wpt.time == local_datetime(day, s.arrival_s).astimezone(UTC)
        assert wpt.name == f"{s.sequence}. {s.desa}"
        assert f"perkiraan {s.expected_recordings} orang" in (wpt.description or "")


def test_kml_has_a_folder_per_day(plan: Plan, built: BuiltProblem) -> None:
    """The KML parses with ElementTree: a folder per working day, a placemark per stop."""
    root = ET.fromstring(plan_to_kml(plan, "a", depots=depot_locations(built.instance)))
    folders = root.findall(".//k:Folder", KML_NS)
    assert [f.findtext("k:name", namespaces=KML_NS) for f in folders] == [
        f"{MONDAY} Senin, 30 November 2026", f"{TUESDAY} Selasa, 1 Desember 2026"]
    points = [p for f in folders for p in f.findall("k:Placemark", KML_NS)
              if p.find("k:Point", KML_NS) is not None]
    stops = _stops(plan, "a")
    assert len(points) == len(stops)
    for p, (_, _, s) in zip(points, stops, strict=True):
        lon, lat, _ = (p.findtext("k:Point/k:coordinates", namespaces=KML_NS) or "").split(",")
        assert (float(lon), float(lat)) == (s.lon, s.lat)
        assert f"Perkiraan rekam: {s.expected_recordings} orang" in (
            p.findtext("k:description", namespaces=KML_NS) or "")
        assert p.findtext("k:TimeSpan/k:begin", namespaces=KML_NS) == local_datetime(
            MONDAY if s.village_code != "36.90.02.2003" else TUESDAY, s.arrival_s).isoformat()
    line = folders[0].find(".//k:LineString/k:coordinates", KML_NS)
    assert line is not None
    assert len((line.text or "").split()) == 2 + 2  # office, two stops, office


def test_ics_has_an_event_per_stop_in_wib(plan: Plan) -> None:
    """icalendar reads one event per stop, timed in Asia/Jakarta, with village and counts."""
    stamp = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    cal = Calendar.from_ical(plan_to_ics(plan, "a", stamp=stamp))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    events = cal.walk("VEVENT")
    stops = _stops(plan, "a")
    assert len(events) == len(stops)
    for event, (day, _, s) in zip(events, stops, strict=True):
        assert day is not None
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == local_datetime(day, s.arrival_s)
        assert end == local_datetime(day, s.departure_s)
        assert str(start.tzinfo) == "Asia/Jakarta"
        assert str(event["SUMMARY"]) == f"Perekaman KTP-el: {s.desa}"
        assert str(event["LOCATION"]) == f"{s.desa}, Kec. {s.kecamatan}"
        assert f"Perkiraan rekam: {s.expected_recordings} orang" in str(event["DESCRIPTION"])
        assert event.decoded("DTSTAMP") == stamp
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_route_sheet_pdf_embeds_its_font_and_shows_the_week(plan: Plan) -> None:
    """pypdf finds every stop, time and total of the team's week and an embedded TrueType font."""
    data = route_sheet_pdf(plan, "a")
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    for heading in ("Lembar rute perekaman KTP-el: Tim a", "Senin, 30 November 2026",
                    "Selasa, 1 Desember 2026", "Jumlah", "direkam", "Ketua tim"):
        assert re.sub(r"\s+", "", heading) in flat
    for _, _, s in _stops(plan, "a"):
        for piece in (s.desa, s.kecamatan, clock(s.arrival_s), clock(s.departure_s)):
            assert re.sub(r"\s+", "", piece) in flat
    assert "Desa 2004" not in text  # team b's stop
    fonts: list[Any] = [f.get_object() for page in reader.pages
             for f in cast(Any, page)["/Resources"]["/Font"].values()]
    assert fonts
    assert all(f["/Subtype"] == "/TrueType" for f in fonts)
    assert all("/FontFile2" in f["/FontDescriptor"] for f in fonts)
    assert route_sheet_pdf(plan, "a") == data  # reproducible


def test_route_sheet_pdf_survives_markup_and_missing_glyphs(plan: Plan) -> None:
    """Markup characters print as text; letters the font lacks lose accents, emoji are dropped."""
    route = plan.routes[0]
    odd = replace(route.stops[0], desa="<b>Désa & Co</b> Ŝukamaju 🌊")
    odd_plan = replace(plan, routes=(replace(route, stops=(odd, *route.stops[1:])),
                                     *plan.routes[1:]))
    reader = pypdf.PdfReader(io.BytesIO(route_sheet_pdf(odd_plan, "a")))
    flat = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "<b>Désa&Co</b>Sukamaju" in flat
    assert "🌊" not in flat


def test_whatsapp_text_lists_the_days_stops(plan: Plan) -> None:
    """The WhatsApp text has the date, each stop's times, village, count and maps link."""
    text = whatsapp_text(plan, "a", date(2026, 11, 30))
    assert text.startswith("*Jadwal perekaman KTP-el Tim a*\nSenin, 30 November 2026")
    monday = next(r for r in plan.routes if r.vehicle_id == f"a@{MONDAY}")
    for s in monday.stops:
        assert (f"{s.sequence}. {clock(s.arrival_s)}-{clock(s.departure_s)} {s.desa}, "
                f"Kec. {s.kecamatan}: perkiraan {s.expected_recordings} orang") in text
        assert navigation_links(s)["google_maps"] in text
    assert f"perkiraan {monday.expected_recordings} orang" in text
    assert "Tidak ada kunjungan" in whatsapp_text(plan, "a", "2026-12-02")


def test_whatsapp_url_encodes_the_whole_text(plan: Plan) -> None:
    """The wa.me link carries the text percent-encoded, with nothing left unescaped."""
    text = whatsapp_text(plan, "a", MONDAY)
    url = whatsapp_url(text)
    prefix = "https://wa.me/?text="
    assert url.startswith(prefix)
    assert re.fullmatch(r"[A-Za-z0-9%._~-]*", url[len(prefix):])
    assert unquote(url[len(prefix):]) == text


def test_navigation_links(plan: Plan) -> None:
    """A stop gets geo: and Google Maps directions links; one without coordinates gets none."""
    stop = plan.routes[0].stops[0]
    assert navigation_links(stop) == {
        "geo": "geo:-6.51,106.02",
        "google_maps": "https://www.google.com/maps/dir/?api=1&destination=-6.51,106.02"}
    assert navigation_links(replace(stop, lat=None, lon=None)) == {}


def test_depot_locations_come_from_the_instance(built: BuiltProblem) -> None:
    """Each team's office coordinates are read from its vehicles' start location."""
    assert depot_locations(built.instance) == {"a": OFFICE, "b": OFFICE}


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "etc_passwd"), ("CON", "_CON"), ("nul.txt", "_nul.txt"),
    ("COM1", "_COM1"), ("🏝️🛶", "berkas"), ('Desa "X"/Y', "Desa_X_Y"),
    ("Désa Cikeusik", "Desa_Cikeusik"), ("..", "berkas"), ("", "berkas"),
    ("C:\\Windows\\win.ini", "C_Windows_win.ini"), ("a\x00b", "a_b"),
    ("Tim A. ", "Tim_A"), ("desa 🌊 pantai", "desa_pantai")])
def test_safe_filename_hostile_names(name: str, expected: str) -> None:
    """Path tricks, reserved Windows names, emoji and quotes give a plain, safe name."""
    assert safe_filename(name) == expected


def test_safe_filename_caps_length() -> None:
    """Long names are cut to max_length without a trailing separator."""
    name = safe_filename("Desa " + "Sukamaju " * 40, max_length=30)
    assert len(name) <= 30
    assert not name.endswith(("_", ".", "-"))


@given(st.text(max_size=300))
def test_safe_filename_is_always_safe(text: str) -> None:
    """For any text: non-empty, portable characters, no leading dot, not a reserved name."""
    name = safe_filename(text)
    assert 0 < len(name) <= 100
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    assert not name.startswith(".")
    assert ".." not in name
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"} | {
        f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}


def test_plan_filename(plan: Plan) -> None:
    """Download names combine kind, regency, week and team, made safe."""
    assert plan_filename(plan, "xlsx") == "rencana_36.90_2026-11-30.xlsx"
    assert plan_filename(plan, ".gpx", team_id="b") == "rencana_36.90_2026-11-30_Tim_B_Selatan.gpx"
