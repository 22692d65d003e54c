"""The team lead's pages are one view: "Tim saya", the field page and its offline copy show
the same week, the parts of a big village in visiting order with "(bagian n/m)", and the
WhatsApp share on today's day only."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from field_fixtures import publish
from web_fixtures import WEEK, create_village, login, tiny_plan

from web.extensions import db
from web.models import Team, Village
from web.services.plans import store_draft
from web.services.published import clear_cache

OWN = "36.90"
NEXT = WEEK + timedelta(days=7)
BIG = "36.90.01.2009"


def _route(team: Team, day: date, stops: list[dict]) -> dict:
    return {"vehicle_id": f"{team.code}@{day.isoformat()}", "team_id": team.code,
            "team_name": team.name, "date": day.isoformat(), "start_s": 28800,
            "end_s": 37800, "travel_s": 3600, "distance_m": 40000,
            "expected_recordings": sum(s["expected_recordings"] for s in stops),
            "stops": stops}


def _stop(village: Village, *, part: int = 1, parts: int = 1) -> dict:
    visit_id = f"{village.kode}#{part}" if parts > 1 else village.kode
    return {"sequence": 1, "visit_id": visit_id, "village_code": village.kode,
            "desa": village.name, "kecamatan": village.district_name, "arrival_s": 30600,
            "start_s": 30600, "departure_s": 36000, "travel_from_previous_s": 1800,
            "distance_from_previous_m": 20000, "expected_recordings": 60, "prize": 6000,
            "chunk": part, "chunks": parts, "pinned": False, "lon": village.stop_lon,
            "lat": village.stop_lat, "priority_id": "", "priority_en": ""}


@pytest.fixture
def two_weeks(app, world):
    """This week (Mon–Wed: a big village's parts as the solver numbered them, 3, 1, 2) and
    the next week (Monday: another village), both published for the lead's team."""
    with app.app_context():
        team = db.session.get(Team, world.targets["own"].team_id)
        big = create_village(OWN, BIG, name="Sukabesar", belum_rekam=600)
        other = create_village(OWN, "36.90.01.2008", name="Mekarsari", belum_rekam=40)
        db.session.commit()
        this_week = tiny_plan(big, team)
        this_week["routes"] = [_route(team, WEEK + timedelta(days=i), [_stop(big, part=p,
                                                                               parts=3)])
                               for i, p in enumerate((3, 1, 2))]
        first = store_draft(regency_code=OWN, week_start=WEEK, plan=this_week,
                            instance_id=None, created_by_id=None)
        publish(first.id)
        next_week = tiny_plan(other, team)
        next_week["week_start"] = NEXT.isoformat()
        next_week["routes"] = [_route(team, NEXT, [_stop(other)])]
        second = store_draft(regency_code=OWN, week_start=NEXT, plan=next_week,
                             instance_id=None, created_by_id=None)
        publish(second.id)
        team_id = team.id
    clear_cache()
    return team_id


def _on(monkeypatch, day: date) -> None:
    """Both pages take ``day`` as the regency's today."""
    monkeypatch.setattr("web.services.field_schedule.local_today", lambda regency: day)
    monkeypatch.setattr("web.teams.local_today", lambda regency: day, raising=False)


def _pages(app, team_id: int) -> tuple[str, str, dict]:
    client = app.test_client()
    assert login(client, "ketua").status_code == 302
    own = client.get(f"/tim/{team_id}")
    field = client.get(f"/lapangan/tim/{team_id}")
    api = client.get(f"/api/v1/teams/{team_id}/schedule")
    assert own.status_code == field.status_code == api.status_code == 200
    return own.get_data(as_text=True), field.get_data(as_text=True), api.get_json()


@pytest.mark.parametrize(("today", "week"), [
    (WEEK - timedelta(days=3), WEEK),          # the Friday before: the coming week
    (WEEK + timedelta(days=1), WEEK),          # Tuesday: this week
    (WEEK + timedelta(days=2), WEEK),          # the team's last team-day: still this week
    (WEEK + timedelta(days=3), NEXT),          # Thursday, its days past: next week
    (NEXT + timedelta(days=5), NEXT),          # after everything: the latest week
])
def test_every_lead_page_shows_the_same_week(app, two_weeks, monkeypatch, today, week):
    """"Tim saya", the field page and the API copy name the same week on every day."""
    _on(monkeypatch, today)
    own, field, api = _pages(app, two_weeks)
    village = "Sukabesar" if week == WEEK else "Mekarsari"
    absent = "Mekarsari" if week == WEEK else "Sukabesar"
    assert api["version"]["week_start"] == week.isoformat()
    for html in (own, field):
        assert village in html
        assert absent not in html


def _parts(html: str) -> list[str]:
    return re.findall(r"\(bagian\D*(\d/\d)\)", re.sub(r"<[^>]+>", "", html))


def test_parts_read_in_visiting_order_on_every_page(app, two_weeks, monkeypatch):
    """Monday's visit is part 1/3 on both pages and in the API, whatever the solver's part."""
    _on(monkeypatch, WEEK - timedelta(days=3))
    own, field, api = _pages(app, two_weeks)
    assert _parts(own) == ["1/3", "2/3", "3/3"]
    # the field page lists today first; before the week it keeps the calendar order
    assert _parts(field) == ["1/3", "2/3", "3/3"]
    by_day = {d["date"]: d["stops"][0] for d in api["days"]}
    assert [(by_day[(WEEK + timedelta(days=i)).isoformat()]["chunk"],
             by_day[(WEEK + timedelta(days=i)).isoformat()]["visit_id"]) for i in range(3)] \
        == [(1, f"{BIG}#3"), (2, f"{BIG}#1"), (3, f"{BIG}#2")]


def test_whatsapp_share_only_on_today(app, two_weeks, monkeypatch):
    """On Tuesday only Tuesday's section offers "Bagikan rute hari ini" (the others are
    hidden); its text is Tuesday's route, part 2/3."""
    tuesday = WEEK + timedelta(days=1)
    _on(monkeypatch, tuesday)
    _own, field, _api = _pages(app, two_weeks)
    sections = re.findall(r'<section class="day[^"]*" data-date="([^"]+)".*?</section>', field,
                          re.S)
    assert sorted(sections) == [(WEEK + timedelta(days=i)).isoformat() for i in range(3)]
    shown = []
    for day, body in re.findall(r'<section class="day[^"]*" data-date="([^"]+)"(.*?)</section>',
                                field, re.S):
        share = re.search(r'<p class="share"( hidden)?><a class="button wa" href="([^"]+)"',
                          body)
        assert share is not None
        if not share.group(1):
            shown.append((day, share.group(2)))
    assert [day for day, _ in shown] == [tuesday.isoformat()]
    assert "bagian%202%2F3" in shown[0][1]


def test_tim_saya_marks_today(app, two_weeks, monkeypatch):
    """"Tim saya" marks today's team-day as the field page does."""
    _on(monkeypatch, WEEK + timedelta(days=1))
    own, field, _api = _pages(app, two_weeks)
    assert own.count("Hari ini ·") == 1
    assert field.count("Hari ini ·") == 1


def test_edit_notes_name_the_part_the_pages_show():
    """Removing the solver's part 3, visited first, says "(bagian 1/3)" as the pages do."""
    from planner.plan import decode_plan, plan_to_dict
    from planner.problem import build_problem
    from planner.solution import Solution, SolveStatus
    from tests.factories import (
        REGENCY,
        harbours_frame,
        make_team,
        make_village,
        offices_frame,
        simple_turnout,
        teams_frame,
        villages_frame,
    )
    from web.services.plan_edits import Edit, apply_to_routes

    built = build_problem(
        villages_frame(make_village("36.90.01.2001", stop_lon=106.02, desa="Sukamaju",
                                    belum_rekam=600)),
        teams=teams_frame(make_team("a")), offices=offices_frame(), harbours=harbours_frame(),
        regency=REGENCY, week_start=WEEK, params=simple_turnout())
    index = {v.visit_id: i for i, v in enumerate(built.instance.visits)}
    ids = [v.vehicle_id for v in built.instance.vehicles]
    routes: list[tuple[int, ...]] = [() for _ in ids]
    for i, part in enumerate((3, 1, 2)):
        routes[ids.index(f"a@{(WEEK + timedelta(days=i)).isoformat()}")] = (
            index[f"36.90.01.2001#{part}"],)
    plan = plan_to_dict(decode_plan(built.instance, Solution(
        routes=tuple(routes), status=SolveStatus.FEASIBLE), built=built))
    _routes, _pinned, note = apply_to_routes(plan, built.instance,
                                             Edit(action="remove", visit_id="36.90.01.2001#3"))
    assert note.startswith("keluarkan Desa Sukamaju (bagian 1/3) dari ")
