"""The turnout model: people who never come, repeat visits, E[min(capacity, who come)]."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from planner.errors import ParameterError
from planner.params import PlanningParams, ServiceParams, TurnoutModelParams, load_params
from planner.plan import decode_plan
from planner.problem import build_problem
from planner.scoring import score_village
from planner.solver import solve
from planner.turnout_model import (
    TurnoutObservation,
    expected_recordings,
    learn_turnout,
    people_who_can_come,
    village_turnout,
)
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


def _brute_force(capacity: int, pool: int, rate: float) -> float:
    """E[min(c, X)] summed over the binomial's probability mass, term by term."""
    return sum(min(capacity, k) * math.comb(pool, k) * rate ** k * (1 - rate) ** (pool - k)
               for k in range(pool + 1))


@pytest.mark.parametrize(("capacity", "pool", "rate"),
                         [(5, 9, 0.6), (27, 45, 0.6), (1, 3, 0.2), (40, 40, 0.9), (80, 60, 0.5)])
def test_expected_recordings_is_the_exact_expectation(capacity, pool, rate):
    """E[min(capacity, Binomial(pool, rate))] matches a term-by-term sum."""
    assert expected_recordings(capacity, pool, rate) == pytest.approx(
        _brute_force(capacity, pool, rate), rel=1e-9)


def test_a_visit_planned_for_the_mean_records_less_than_the_mean():
    """Capped at the mean, a visit misses the days when more come: E[min] < mean."""
    mean = 270
    got = expected_recordings(mean, 450, 0.6)
    assert got < mean
    assert got > mean - 10  # sqrt(450 x 0.6 x 0.4) ~ 10.4: the loss is about 0.4 sd
    assert expected_recordings(450, 450, 0.6) == pytest.approx(270)  # uncapped: the mean


def test_people_who_never_come_and_per_village_shares():
    """The backlog less the share that never comes; a village's own share wins."""
    assert people_who_can_come(57, 0.1) == 51
    model = TurnoutModelParams(never_come=0.1, never_come_by_village={"36.90.01.2001": 0.5})
    own = village_turnout(village_code="36.90.01.2001", backlog=100, rate=0.6,
                          earlier_visits=0, model=model)
    other = village_turnout(village_code="36.90.01.2002", backlog=100, rate=0.6,
                            earlier_visits=0, model=model)
    assert (own.pool, own.mean_people) == (50, 30)
    assert (other.pool, other.mean_people) == (90, 54)


def test_repeat_visits_draw_fewer():
    """Turnout falls by repeat_decay per earlier visit, and later visits find fewer left."""
    model = TurnoutModelParams(never_come=0.0, repeat_decay=0.8)
    fresh = village_turnout(village_code="a", backlog=100, rate=0.5, earlier_visits=0,
                            model=model)
    third = village_turnout(village_code="a", backlog=100, rate=0.5, earlier_visits=2,
                            model=model)
    assert fresh.mean_people == 50
    assert third.mean_people == 32  # 100 x 0.5 x 0.8^2
    first, second = fresh.visit_expectations([30, 30])
    assert second < first
    # the second visit draws from ~70 left at 0.4: mean 28, capped at 30
    assert second == pytest.approx(expected_recordings(30, round(100 - first), 0.4))


def test_score_with_the_model_and_without():
    """Model off: floor(backlog x rate); on: floor(backlog x (1 - share) x rate x decay^e)."""
    kw = {"village_code": "x", "belum_rekam": 57, "jenis": "desa", "flags": {},
          "service": ServiceParams(), "scoring": PlanningParams().scoring}
    assert score_village(**kw).expected_recordings == 34
    assert score_village(**kw, turnout=TurnoutModelParams(enabled=False)
                         ).expected_recordings == 34
    on = score_village(**kw, turnout=TurnoutModelParams())
    assert on.expected_recordings == 30  # 51 x 0.6
    assert "tidak pernah datang" in on.explain_id()
    assert "51 bisa datang" in on.explain_id()
    again = score_village(**kw, turnout=TurnoutModelParams(), earlier_visits=2)
    assert again.expected_recordings == math.floor(51 * 0.6 * 0.85 ** 2)
    assert "kunjungan ke-3" in again.explain_id()


def test_turnout_section_loads_from_toml(tmp_path):
    """``[turnout]`` sets the model; bad values are refused with their names."""
    good = tmp_path / "p.toml"
    good.write_text('[turnout]\nnever_come = 0.2\nrepeat_decay = 0.7\n'
                    '[turnout.never_come_by_village]\n"36.90.01.2001" = 0.4\n')
    params = load_params(good)
    assert params.turnout == TurnoutModelParams(True, 0.2, {"36.90.01.2001": 0.4}, 0.7)
    off = tmp_path / "off.toml"
    off.write_text("[turnout]\nenabled = false\n")
    assert load_params(off).turnout.enabled is False
    bad = tmp_path / "bad.toml"
    bad.write_text("[turnout]\nnever_come = 1.0\nrepeat_decay = 0\n")
    with pytest.raises(ParameterError) as err:
        load_params(bad)
    assert {p.column for p in err.value.problems} == {"turnout.never_come",
                                                        "turnout.repeat_decay"}


def _build(villages, teams, params):
    return build_problem(villages, teams=teams, offices=offices_frame(),
                         harbours=harbours_frame(), regency=REGENCY, week_start=MONDAY,
                         params=params)


def _visited(built) -> set[str]:
    solution = solve(built.instance, time_limit_s=5, seed=0)
    plan = decode_plan(built.instance, solution, built=built)
    return {s.village_code for r in plan.routes for s in r.stops}


def _one_day_team():
    # one team-day of at most 50 people: two villages do not fit together
    return teams_frame(make_team("a", workdays=(1,), daily_cap=50))


def test_plan_skips_the_village_whose_people_never_come():
    """The bigger village wins without the model; with half its people never coming the
    smaller one records more, and the plan goes there."""
    villages = villages_frame(make_village("36.90.01.2001", belum_rekam=100, stop_lon=106.02),
                              make_village("36.90.01.2002", belum_rekam=70, stop_lon=106.03))
    params = replace(PlanningParams(), turnout=TurnoutModelParams(
        never_come=0.1, never_come_by_village={"36.90.01.2001": 0.5}))
    assert _visited(_build(villages, _one_day_team(), simple_turnout(params))) \
        == {"36.90.01.2001"}
    with_model = _build(villages, _one_day_team(), params)
    assert _visited(with_model) == {"36.90.01.2002"}
    assert with_model.scores["36.90.01.2001"].expected_recordings == 30  # 50 can come x 0.6
    assert with_model.scores["36.90.01.2002"].expected_recordings == 37  # 63 x 0.6


def test_plan_prefers_a_fresh_village_over_one_visited_often():
    """Same backlog: the village visited three times before draws fewer, so the fresh one
    is chosen; with the model off the plan cannot tell them apart by turnout."""
    villages = villages_frame(
        make_village("36.90.01.2001", belum_rekam=100, stop_lon=106.02, visits_before=3),
        make_village("36.90.01.2002", belum_rekam=100, stop_lon=106.03, visits_before=0))
    built = _build(villages, _one_day_team(), PlanningParams())
    assert built.scores["36.90.01.2001"].expected_recordings < \
        built.scores["36.90.01.2002"].expected_recordings
    assert _visited(built) == {"36.90.01.2002"}
    off = _build(villages, _one_day_team(), simple_turnout())
    assert off.scores["36.90.01.2001"].expected_recordings == \
        off.scores["36.90.01.2002"].expected_recordings == 60


def test_plan_counts_expected_recordings_below_capacity():
    """A stop's expected recordings are E[min(capacity, who come)], its capacity the mean."""
    built = _build(villages_frame(make_village("36.90.01.2001", belum_rekam=50)),
                   teams_frame(make_team("a", workdays=(1,))), PlanningParams())
    solution = solve(built.instance, time_limit_s=5, seed=0)
    (stop,) = [s for r in decode_plan(built.instance, solution, built=built).routes
               for s in r.stops]
    assert stop.capacity == 27
    assert stop.expected_recordings == round(expected_recordings(27, 45, 0.6)) < 27


def _observations(g: float, d: float, rate: float = 0.6) -> list[TurnoutObservation]:
    """Reports as the model predicts them (means, no noise) for villages visited 1-4 times."""
    out = []
    for i, backlog in enumerate((80, 120, 200, 150, 90, 300)):
        pool = math.floor(backlog * (1 - g) + 1e-9)
        before = 0
        for e in range(1 + i % 4):
            came = round((pool - before) * rate * d ** e)
            out.append(TurnoutObservation(f"v{i}", e, backlog, before, 1000, came, rate))
            before += came
    return out


def test_learning_recovers_the_share_and_the_decay():
    """Reports made by the model with share 0.25 and decay 0.7 give back about those."""
    learned = learn_turnout(_observations(0.25, 0.7))
    assert learned.never_come == pytest.approx(0.25, abs=0.02)
    assert learned.repeat_decay == pytest.approx(0.7, abs=0.03)
    assert learned.never_come_reports == 6
    assert learned.repeat_reports == len(_observations(0.25, 0.7)) - 6
    assert set(learned.by_village) == {"v1", "v2", "v3", "v5"}  # two reports or more


def test_learning_without_repeat_visits_keeps_the_decay():
    """First visits alone tell the share, not the decay."""
    firsts = [o for o in _observations(0.3, 0.7) if o.earlier_visits == 0]
    learned = learn_turnout(firsts)
    assert learned.never_come == pytest.approx(0.3, abs=0.02)
    assert learned.repeat_decay is None
    assert learned.repeat_reports == 0


def test_a_capped_report_only_says_at_least():
    """A visit that recorded its whole capacity says "at least that many came": any share
    up to 0.5 agrees with it, so the share in force stays, unless it says fewer came."""
    capped = [TurnoutObservation("v", 0, 100, 0, 30, 30, 0.6) for _ in range(5)]
    assert learn_turnout(capped).never_come == 0.1
    assert learn_turnout(capped, current=TurnoutModelParams(never_come=0.7)
                         ).never_come == 0.5
    uncapped = [TurnoutObservation("v", 0, 100, 0, 100, 30, 0.6) for _ in range(5)]
    assert learn_turnout(uncapped).never_come == pytest.approx(0.5, abs=0.01)
