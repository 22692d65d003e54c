"""Covering stops (issue 19 §1): one venue serves its neighbours; no village served twice."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from planner.checking import check_routes
from planner.covering import cover_visit_id, neighbour_share, split_recorded
from planner.errors import ParameterError
from planner.idle import idle_day_misses
from planner.instance import Instance, Location, Vehicle, Visit
from planner.instance_io import instance_from_dict, instance_to_dict
from planner.params import CoveringParams, PlanningParams, load_params
from planner.plan import decode_plan, plan_summary_text, plan_to_dict
from planner.problem import Pin, build_problem
from planner.solver import solve
from planner.solver.insertion import insert_greedy
from planner.solver.search import penalty_per_prize
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

MONDAY = date(2026, 11, 30)
SCHEMAS = Path(__file__).resolve().parent.parent / "planner" / "schemas"
A, B, C = "36.90.01.2001", "36.90.01.2002", "36.90.01.2003"


def _params(**covering: object) -> PlanningParams:
    return PlanningParams(covering=CoveringParams(**covering))  # type: ignore[arg-type]


def _cluster(*extra: dict[str, object], spacing_deg: float = 0.01):
    """Three villages in a row, ~1.1 km apart, 23 km east of the office; 30 expected each."""
    rows = [make_village(code, stop_lon=106.20 + k * spacing_deg, stop_lat=-6.5,
                         desa=f"Desa{k}", belum_rekam=50)
            for k, code in enumerate((A, B, C))]
    return villages_frame(*rows, *extra)


def _build(villages, *, params=None, teams=None, pins=()):
    return build_problem(villages, teams=teams if teams is not None
                         else teams_frame(make_team("a")), offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                         params=params or PlanningParams(), pins=pins)


def _covers(built):
    return [v for v in built.instance.visits if len(v.serves) > 1]


# --- the instance rule and the solver ---------------------------------------------------


def _tiny(*, hours: int = 8) -> Instance:
    """A, B and a cover of both at one spot; every visit fits, and all three would pay."""
    locs = (Location("depot", kind="depot"), Location("a"), Location("b"))
    dur = np.array([[0, 600, 600], [600, 0, 300], [600, 300, 0]], dtype=np.int64)
    vis = (Visit("a", 1, 300, 60, 3, "a", exclusive=("a",)),
           Visit("b", 2, 300, 60, 3, "b", exclusive=("b",)),
           Visit("a+1", 1, 500, 60, 5, "a", exclusive=("a", "b"),
                 serves=(("a", 3), ("b", 2))))
    vehs = tuple(Vehicle(f"v{k}", "t", 0, 0, 0, hours * 3600) for k in range(2))
    return Instance("tiny", locs, vis, vehs, dur, dur * 10)


def test_checker_refuses_a_village_served_twice() -> None:
    """Two visits sharing an exclusive key in one plan break a rule, on one day or two."""
    inst = _tiny()
    assert check_routes(inst, [[0, 1], []]).ok
    assert check_routes(inst, [[2], []]).ok
    for routes in ([[0, 2], []], [[0], [2]], [[1], [2]]):
        report = check_routes(inst, routes)
        assert not report.ok
        assert any("served twice" in v for v in report.violations)


def test_greedy_insertion_never_serves_a_village_twice() -> None:
    """Greedy insertion takes the cover or the own visits, never both (any noise)."""
    inst = _tiny()
    for seed in range(20):
        routes, _ = insert_greedy(inst, [[], []], rng=random.Random(seed), noise=2.0)
        assert check_routes(inst, routes).ok
        assert sum(len(r) for r in routes) in (1, 2)
    # a routed own visit keeps its cover out
    routes, _ = insert_greedy(inst, [[0], []])
    assert 2 not in {i for r in routes for i in r}


def test_ortools_model_respects_exclusive_keys() -> None:
    """The OR-Tools model alone (no repair by our search) never activates conflicting visits."""
    from ortools.constraint_solver import pywrapcp

    from planner.solver.model import build_model

    inst = _tiny()
    model = build_model(inst, penalty_per_prize=penalty_per_prize(inst, 10000.0))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.time_limit.FromMilliseconds(500)
    found = model.routing.SolveWithParameters(params)
    routes = model.routes_of(found)
    assert check_routes(inst, routes).ok
    # without the rule all three would be made (each fits and pays)
    assert sorted(i for r in routes for i in r) in ([2], [0, 1])


def test_solve_picks_the_cover_when_it_pays() -> None:
    """With one short day, one stop serving both beats one own visit; never both."""
    inst = _tiny(hours=0)
    inst = replace(inst, vehicles=(Vehicle("v0", "t", 0, 0, 0, 1400),))
    sol = solve(inst, time_limit_s=2, seed=1, solution_limit=5)
    assert check_routes(inst, sol.routes).ok
    assert sol.routes == ((2,),)


def test_instance_json_keeps_exclusive_and_serves() -> None:
    """The instance JSON round-trips the covering fields; plain visits write none."""
    inst = _tiny()
    data = instance_to_dict(inst)
    assert data["visits"][2]["serves"] == [["a", 3], ["b", 2]]
    jsonschema.validate(data, json.loads((SCHEMAS / "instance.schema.json").read_text()))
    back = instance_from_dict(data)
    assert back.visits == inst.visits
    plain = replace(inst, visits=(Visit("x", 1, 1, 1, 1, "x"),))
    assert "exclusive" not in instance_to_dict(plain)["visits"][0]


# --- building covering candidates ------------------------------------------------------


def test_neighbour_share_falls_with_distance() -> None:
    """Everyone comes at the venue, ``turnout_at_reach`` of them at the reach, none beyond."""
    assert neighbour_share(0, 3000, 0.5) == 1.0
    assert neighbour_share(1500, 3000, 0.5) == pytest.approx(0.75)
    assert neighbour_share(3000, 3000, 0.5) == pytest.approx(0.5)
    assert neighbour_share(3000, 3000, 0.2) == pytest.approx(0.2)


def test_covers_serve_neighbours_within_reach_own_first() -> None:
    """Each venue gets a cover of all its neighbours within 3 km, and with ``nearest_pair``
    one of its nearest neighbour alone."""
    assert {v.visit_id for v in _covers(_build(_cluster()))} == {
        cover_visit_id(code, 2) for code in (A, B, C)}
    built = _build(_cluster(), params=_params(nearest_pair=True))
    covers = {v.visit_id: v for v in _covers(built)}
    # the middle village reaches both ends (1.1 km); an end reaches the middle and the far end
    assert set(covers) == {cover_visit_id(code, n) for code in (A, B, C) for n in (1, 2)}
    mid = covers[cover_visit_id(B, 2)]
    # each village's own visit is planned for its expected people (the turnout model's)
    own_people = next(v.demand for v in built.instance.visits if v.visit_id == B)
    assert mid.serves[0] == (B, own_people)
    people = dict(mid.serves)
    d_km = 0.01 * 111.32 * np.cos(np.radians(6.5))
    expected = int(own_people * (1 - 0.5 * d_km / 3.0))
    assert people[A] == people[C] == expected
    assert mid.demand == own_people + 2 * expected
    assert set(mid.exclusive) == {A, B, C}
    assert mid.village_code == B
    assert mid.location == built.instance.visits[1].location
    # the own visits claim their villages, so a cover and an own visit never meet
    own = {v.village_code: v for v in built.instance.visits if not v.serves}
    assert own[A].exclusive == (A,)


def test_reach_is_settable_per_regency_and_distance_by_road() -> None:
    """A 500 m reach for this regency leaves no neighbour; road distance is longer."""
    assert not _covers(_build(_cluster(), params=_params(reach_m_by_regency={REGENCY: 500})))
    assert _covers(_build(_cluster(), params=_params(reach_m_by_regency={"36.01": 500})))
    straight = {v.visit_id: v.demand for v in _covers(_build(_cluster()))}
    road = {v.visit_id: v.demand for v in _covers(_build(_cluster(),
                                                         params=_params(distance="road")))}
    assert road[cover_visit_id(B, 2)] < straight[cover_visit_id(B, 2)]
    # the estimate's road is 1.35 x the straight line: 2.2 km x 1.35 is beyond a 2.5 km
    # reach, so an end village reaches only the middle one
    straight2 = {v.visit_id for v in _covers(_build(_cluster(), params=_params(reach_m=2500)))}
    road2 = {v.visit_id for v in _covers(_build(
        _cluster(), params=_params(reach_m=2500, distance="road")))}
    assert cover_visit_id(A, 2) in straight2
    assert cover_visit_id(A, 2) not in road2


def test_island_villages_are_served_only_from_their_own_island() -> None:
    """A village on another landmass within reach is never a neighbour."""
    island = make_village("36.90.01.2004", stop_lon=106.215, stop_lat=-6.5, landmass=1,
                          island=True, belum_rekam=50)
    built = _build(_cluster(island), teams=teams_frame(make_team("a", boat_capable=True)))
    for cover in _covers(built):
        codes = {code for code, _ in cover.serves}
        assert "36.90.01.2004" not in codes or codes == {"36.90.01.2004"}
    assert all(c.village_code != "36.90.01.2004" for c in _covers(built))


def test_covers_are_trimmed_to_a_day_and_big_villages_take_no_part() -> None:
    """A cover no team-day can record is cut from the farthest; chunked villages stay out."""
    big = make_village("36.90.01.2009", stop_lon=106.205, stop_lat=-6.5, belum_rekam=2000)
    built = _build(_cluster(big), teams=teams_frame(make_team("a", daily_cap=60)))
    for cover in _covers(built):
        assert cover.demand <= 60
        assert "36.90.01.2009" not in {code for code, _ in cover.serves}


def test_switch_off_restores_one_stop_per_village() -> None:
    """``[covering] enabled = false`` builds exactly the instance without covers or claims."""
    on = _build(_cluster()).instance
    off = _build(_cluster(), params=_params(enabled=False)).instance
    assert not any(v.serves or v.exclusive for v in off.visits)
    stripped = tuple(replace(v, exclusive=()) for v in on.visits if not v.serves)
    assert stripped == off.visits
    assert np.array_equal(on.duration_s, off.duration_s)


def test_covering_params_from_toml(tmp_path) -> None:
    """``[covering]`` is read from the params file and checked."""
    path = tmp_path / "p.toml"
    path.write_text('[covering]\nreach_m = 5000\nturnout_at_reach = 0.3\n'
                    '[covering.reach_m_by_regency]\n"36.01" = 2000\n')
    params = load_params(path)
    assert params.covering.reach_for("36.01") == 2000
    assert params.covering.reach_for("36.02") == 5000
    path.write_text('[covering]\ndistance = "crow"\nturnout_at_reach = 2\n')
    with pytest.raises(ParameterError) as err:
        load_params(path)
    text = str(err.value)
    assert "covering.distance" in text
    assert "covering.turnout_at_reach" in text


def test_pinned_own_visit_drops_the_covers_that_would_serve_it() -> None:
    """A published stop of A keeps A's own visit; no cover serving A is offered."""
    built = _build(_cluster(), pins=[Pin(A, "a", MONDAY)], params=_params(nearest_pair=True))
    assert all(A not in v.exclusive for v in _covers(built))
    assert cover_visit_id(C, 1) in {v.visit_id for v in _covers(built)}  # C with B


def test_pinned_cover_stays_the_same_cover() -> None:
    """A pin of a published covering stop keeps that cover."""
    built = _build(_cluster(), pins=[Pin(B, "a", MONDAY, visit_id=cover_visit_id(B, 2))])
    (pinned,) = [v for v in built.instance.visits if v.pinned_vehicle is not None]
    assert pinned.visit_id == cover_visit_id(B, 2)


# --- a plan that differs because of covering --------------------------------------------


def _short_day_team():
    # one team-day, 08:00-13:45: two own visits fit, three do not
    return teams_frame(make_team("a", workdays=(1,), day_end="13:45"))


def _plan(params):
    built = _build(_cluster(), params=params, teams=_short_day_team())
    sol = solve(built.instance, time_limit_s=5, seed=3, solution_limit=10)
    return built, sol, decode_plan(built.instance, sol, built=built, params=params)


def test_plan_differs_because_one_stop_serves_the_neighbours() -> None:
    """Off: two villages.  On: one stop invites all three, more people, one set-up."""
    _, _, off = _plan(_params(enabled=False))
    built, sol, on = _plan(PlanningParams())
    off_stops = [s for r in off.routes for s in r.stops]
    assert len(off_stops) == 2  # the premise: a third own visit does not fit the day
    (stop,) = [s for r in on.routes for s in r.stops]
    assert len(stop.serves) == 3
    assert stop.serves[0] == stop.village_code
    assert sum(stop.served) == stop.capacity > sum(s.capacity for s in off_stops)
    assert on.summary["expected_recordings"] > off.summary["expected_recordings"]
    assert on.summary["villages_covered"] == 2
    assert off.summary["villages_covered"] == 0
    assert on.summary["villages_unscheduled"] == 0
    assert off.summary["villages_unscheduled"] == 1
    # the two neighbours are "served from the stop at Desa X", with their people
    covered = {u.village_code: u for u in on.unscheduled}
    for code, people in zip(stop.serves[1:], stop.served[1:], strict=True):
        why = covered[code].reason
        assert why.code == "covered"
        assert why.text_id.startswith(f"Dilayani dari titik di Desa {stop.desa}")
        assert covered[code].expected_recordings == people
    data = plan_to_dict(on)
    jsonschema.validate(data, json.loads((SCHEMAS / "plan.schema.json").read_text()))
    (jstop,) = [s for r in data["routes"] for s in r["stops"]]
    assert jstop["serves"] == list(stop.serves)
    assert jstop["served"] == list(stop.served)
    text = plan_summary_text(on)
    assert f"juga warga Desa {stop.serves_desa[1]} ({stop.served[1]})" in text
    assert "2 desa lain dilayani dari titik di desa tetangga" in text
    # nobody waits who is served: no idle-day miss counts a covered village as waiting
    assert idle_day_misses(built, sol.routes, setup_s=1800) == []


def test_without_covers_each_stop_serves_its_own_village() -> None:
    """Plain stops list only their own village, with their own expected people."""
    _, _, off = _plan(_params(enabled=False))
    for s in (s for r in off.routes for s in r.stops):
        assert s.serves == (s.village_code,)
        assert s.served == (s.capacity,)


def test_nearest_pair_switch_doubles_the_candidates() -> None:
    """``nearest_pair = true`` also offers each venue with its nearest neighbour alone."""
    ids = {v.visit_id for v in _covers(_build(_cluster(), params=_params(nearest_pair=True)))}
    assert ids == {cover_visit_id(code, n) for code in (A, B, C) for n in (1, 2)}


def test_split_recorded_by_largest_remainder_venue_first() -> None:
    """One count for a covering stop is shared in proportion to the people expected."""
    assert split_recorded(45, [30, 20, 10]) == [23, 15, 7]
    assert split_recorded(60, [30, 20, 10]) == [30, 20, 10]
    assert split_recorded(1, [10, 10]) == [1, 0]
    assert split_recorded(5, [0, 0]) == [5, 0]
    assert sum(split_recorded(97, [13, 7, 29, 3])) == 97


def test_simulation_records_each_served_village() -> None:
    """A covering stop in the simulation lowers each served village's backlog separately."""
    from planner.dataset import load_dataset_from_folder
    from planner.simulation import SimulationConfig, simulate
    from planner.solution import Solution, SolveStatus

    dataset = load_dataset_from_folder("sample_data")
    chosen: list[Visit] = []

    def one_cover(instance, *, time_limit_s, seed, solution_limit=None, **_):
        routes: list[tuple[int, ...]] = [() for _ in instance.vehicles]
        for i, v in enumerate(instance.visits):
            if len(v.serves) > 1:
                k = (v.allowed_vehicles or (0,))[0]
                routes[k] = (i,)
                if check_routes(instance, routes).ok:
                    chosen.append(v)
                    break
                routes[k] = ()
        return Solution(tuple(routes), SolveStatus.FEASIBLE)

    # the sample's small villages lie far apart: a wide reach gives them covering stops
    result = simulate(dataset, _params(reach_m=15000), regencies=["36.90"],
                      config=SimulationConfig(weeks=1, seed=3), solve_fn=one_cover)
    (cover,) = chosen
    outcomes = {v.village_code: v for v in result.visits if v.policy == "planner"}
    assert set(outcomes) == {code for code, _ in cover.serves}
    for code, people in cover.serves:
        assert outcomes[code].planned == people
        assert 0 <= outcomes[code].recorded <= people


def test_whatsapp_text_and_route_sheet_invite_the_neighbours() -> None:
    """The day's WhatsApp text and the printed route sheet say who is invited where."""
    import io
    import re

    import pypdf

    from planner.exports import route_sheet_pdf, whatsapp_text

    _, _, plan = _plan(PlanningParams())
    (stop,) = [s for r in plan.routes for s in r.stops]
    invite = (f"Warga Desa {stop.serves_desa[0]}, {stop.serves_desa[1]} dan "
              f"{stop.serves_desa[2]} diundang ke Kantor Desa {stop.serves_desa[0]}")
    text = whatsapp_text(plan, "a", MONDAY)
    assert invite in text
    assert f"{stop.serves_desa[1]} {stop.served[1]}" in text
    reader = pypdf.PdfReader(io.BytesIO(route_sheet_pdf(plan, "a")))
    flat = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert re.sub(r"\s+", "", invite) in flat
