"""Building a week's routing instance from classified villages and teams."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InfeasibleError, ParameterError
from planner.params import PlanningParams, ServiceParams
from planner.problem import Pin, build_problem
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

MONDAY = date(2026, 11, 30)


def _build(villages, teams, *, params=None, pins=(), week=MONDAY):
    return build_problem(villages, teams=teams, offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY, week_start=week,
                         params=params or PlanningParams(), pins=pins)


def test_one_vehicle_per_team_and_working_day():
    """Each team works Monday to Friday by default: five vehicles per team, dated."""
    built = _build(villages_frame(make_village("36.90.01.2001")),
                   teams_frame(make_team("a"), make_team("b", workdays=(1, 2, 3, 4, 5, 6))))
    dates = [v.date for v in built.instance.vehicles]
    assert len(dates) == 11
    assert dates[0] == "2026-11-30"
    assert "2026-12-05" in dates
    assert all(v.shift_start_s == 8 * 3600 and v.shift_end_s == 15 * 3600 + 1800
               for v in built.instance.vehicles)


def test_service_time_follows_kits_and_minutes_per_person():
    """Seconds per person are minutes per person x 60 / kits (rounded up)."""
    built = _build(villages_frame(make_village("36.90.01.2001")),
                   teams_frame(make_team("a", kits=1), make_team("b", kits=2,
                                                                 minutes_per_person=3.0)))
    by_team = {v.team_id: v.service_s_per_demand for v in built.instance.vehicles}
    assert by_team == {"a": 300, "b": 90}


def test_expected_turnout_and_prize():
    """Model off: expected = floor(backlog x 0.6); prize = expected x weight x 100."""
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=57, remote=True,
                                               border=True)), teams_frame(make_team("a")),
                   params=simple_turnout())
    (visit,) = built.instance.visits
    assert visit.demand == 34  # floor(57 * 0.6)
    assert visit.prize == 34 * 250  # weight 1 + 0.75 (remote) + 0.75 (border), x 100
    assert "34" in built.scores["36.90.01.2001"].explain_id()


def test_big_village_is_split_into_chunks_with_decreasing_prize():
    """A village bigger than a team-day becomes chunks, grouped, each worth less."""
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=1000)),
                   teams_frame(make_team("a", kits=1)))
    visits = built.instance.visits
    assert len(visits) > 1
    assert {v.group for v in visits} == {"36.90.01.2001"}
    assert sum(v.demand for v in visits) <= 600
    per_person = [v.prize / v.demand for v in visits]
    assert per_person == sorted(per_person, reverse=True)
    assert per_person[0] > per_person[-1]
    for v in visits:  # each chunk fits one team-day
        veh = built.instance.vehicles[0]
        need = 2 * built.instance.duration_s[0, v.location] + v.service_s \
            + v.demand * veh.service_s_per_demand
        assert need <= veh.shift_end_s - veh.shift_start_s


def test_islands_only_for_boat_capable_teams():
    """An island village may be visited only by boat-capable team-days."""
    built = _build(villages_frame(make_village("36.90.01.2001"),
                                  make_village("36.90.01.2002", island=True, landmass=1,
                                               stop_lon=106.1, stop_lat=-6.40)),
                   teams_frame(make_team("darat"), make_team("kapal", boat_capable=True)))
    island = next(v for v in built.instance.visits if v.village_code == "36.90.01.2002")
    assert island.allowed_vehicles is not None
    assert all(built.instance.vehicles[k].boat_capable for k in island.allowed_vehicles)


@pytest.mark.parametrize(("village", "teams", "code"), [
    (make_village("36.90.01.2002", belum_rekam=0), [make_team("a")], "no_backlog"),
    (make_village("36.90.01.2002", belum_rekam=None), [make_team("a")], "data_problem"),
    (make_village("36.90.01.2002", island=True, landmass=1, stop_lon=106.1, stop_lat=-6.4),
     [make_team("a")], "no_boat_team"),
    # about 140 km away: one way fits in a day, there and back does not (a multi-day trip
    # would reach it; with [trips] enabled = false the reason is "overnight", test_trips.py)
    (make_village("36.90.01.2002", stop_lon=107.0, stop_lat=-6.5), [make_team("a")],
     "trip"),
    # about 500 km away: not even one way
    (make_village("36.90.01.2002", stop_lon=110.5, stop_lat=-6.5), [make_team("a")],
     "unreachable"),
])
def test_excluded_villages_have_reasons(village, teams, code):
    """Villages no team-day can serve are left out with the right reason code."""
    built = _build(villages_frame(make_village("36.90.01.2001"), village), teams_frame(*teams))
    assert built.excluded["36.90.01.2002"].code == code
    assert all(v.village_code != "36.90.01.2002" for v in built.instance.visits)


def test_pins_fix_a_visit_to_its_team_day():
    """A pin makes the village's visit mandatory on that team-day."""
    built = _build(villages_frame(make_village("36.90.01.2001")),
                   teams_frame(make_team("a"), make_team("b")),
                   pins=[Pin("36.90.01.2001", "b", date(2026, 12, 2))])
    (visit,) = built.instance.visits
    vehicle = built.instance.vehicles[visit.pinned_vehicle]
    assert (vehicle.team_id, vehicle.date) == ("b", "2026-12-02")


def test_pin_on_a_day_off_is_refused():
    """A pin to a day the team does not work cannot be kept."""
    with pytest.raises(InfeasibleError, match="does not work"):
        _build(villages_frame(make_village("36.90.01.2001")), teams_frame(make_team("a")),
               pins=[Pin("36.90.01.2001", "a", date(2026, 12, 6))])


@pytest.mark.parametrize(("kwargs", "column"), [
    ({"week": date(2026, 12, 1)}, "week"),
    ({"teams": [make_team("a", kits=0)]}, "team a.kits"),
])
def test_bad_parameters_give_a_clear_error(kwargs, column):
    """A week not starting on Monday or a team with zero kits is refused."""
    teams = teams_frame(*kwargs.pop("teams", [make_team("a")]))
    villages = villages_frame(make_village("36.90.01.2001"))
    with pytest.raises(ParameterError) as err:
        _build(villages, teams, **kwargs)
    assert any(p.column == column for p in err.value.problems)


def test_turnout_by_village_type():
    """A turnout rate set for island villages applies to them only."""
    params = PlanningParams(service=ServiceParams(turnout_by_type={"island": 0.3}))
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=100),
                                  make_village("36.90.01.2002", belum_rekam=100, island=True,
                                               landmass=1, stop_lon=106.1, stop_lat=-6.4)),
                   teams_frame(make_team("k", boat_capable=True)), params=params)
    demand = {v.village_code: v.demand for v in built.instance.visits}
    # 100 less 10 % who never come = 90 who can come, x 0.6 and x 0.3
    assert demand == {"36.90.01.2001": 54, "36.90.01.2002": 27}


def test_empty_workdays_mean_no_team_day_and_none_means_default():
    """workdays=() gives a team no vehicle; None falls back to Monday-Friday."""
    built = _build(villages_frame(make_village("36.90.01.2001")),
                   teams_frame(make_team("libur", workdays=()), make_team("biasa")))
    assert {v.team_id for v in built.instance.vehicles} == {"biasa"}
    assert len(built.instance.vehicles) == 5
    with pytest.raises(ParameterError):
        _build(villages_frame(make_village("36.90.01.2001")),
               teams_frame(make_team("libur", workdays=())))


def test_unkeepable_pin_dropped_with_a_note_when_not_strict():
    """Re-planning after the data changed drops a pin it cannot keep and says so."""
    villages = villages_frame(make_village("36.90.01.2001", belum_rekam=0))
    teams = teams_frame(make_team("a"))
    pin = Pin("36.90.01.2001", "a", date(2026, 12, 2))
    with pytest.raises(InfeasibleError):
        _build(villages, teams, pins=[pin])
    built = build_problem(villages, teams=teams, offices=offices_frame(),
                          harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                          params=PlanningParams(), pins=[pin], strict_pins=False)
    assert built.instance.visits == ()
    assert len(built.notes) == 1
    assert "36.90.01.2001" in built.notes[0]


def test_a_harbour_on_an_island_serves_that_island_not_the_mainland():
    """A harbour whose nearest village is on an island is on that island: the team crosses
    the whole strait by boat, it cannot drive to that harbour from the office."""
    import pandas as pd

    from planner.travel import haversine_m

    villages = villages_frame(make_village("36.90.01.2001"),
                              make_village("36.90.01.2002", island=True, landmass=1,
                                           stop_lon=106.1, stop_lat=-6.40))
    on_island = pd.DataFrame([{"harbour_id": "pulau", "kabupaten_kode": REGENCY,
                               "name": "Dermaga Pulau", "lon": 106.1, "lat": -6.401}])
    teams = teams_frame(make_team("kapal", boat_capable=True))
    params = PlanningParams()
    built = build_problem(villages, teams=teams, offices=offices_frame(), harbours=on_island,
                          regency=REGENCY, week_start=MONDAY, params=params)
    inst = built.instance
    office = inst.vehicles[0].start_location
    island = next(v.location for v in inst.visits if v.village_code == "36.90.01.2002")
    sea_m = float(haversine_m(106.0, -6.5, 106.1, -6.401))  # office to the harbour
    by_boat_s = sea_m / (params.travel.boat_speed_kmh / 3.6) + params.travel.boarding_s
    assert inst.duration_s[office, island] >= by_boat_s - 1
    assert inst.duration_s[island, office] >= by_boat_s - 1


def test_days_before_closed_before_keep_only_their_pinned_visits():
    """Re-planning mid-week: team-days already worked take no new visit, keep their pins."""
    villages = villages_frame(make_village("36.90.01.2001"), make_village("36.90.01.2002"),
                              make_village("36.90.01.2003"))
    wednesday = date(2026, 12, 2)
    built = build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                          harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                          params=PlanningParams(),
                          pins=[Pin("36.90.01.2001", "a", date(2026, 12, 1))],
                          closed_before=wednesday)
    inst = built.instance
    past = {k for k, v in enumerate(inst.vehicles) if date.fromisoformat(v.date) < wednesday}
    assert len(past) == 2
    for i, visit in enumerate(inst.visits):
        makers = {k for k in range(len(inst.vehicles)) if inst.allowed(i, k)}
        if visit.village_code == "36.90.01.2001":
            assert makers == {visit.pinned_vehicle} <= past
        else:
            assert makers
            assert not makers & past
    assert any("2026-12-02" in note for note in built.notes)
    # nothing is past on the Monday itself
    same = build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                         params=PlanningParams(), closed_before=MONDAY)
    assert all(v.allowed_vehicles is None for v in same.instance.visits)
    assert not same.notes
