"""Refused edits say the rule that breaks and its figures, in times a clerk reads."""

from __future__ import annotations

import numpy as np

from planner.checking import check_routes
from planner.instance import Instance, Location, Vehicle, Visit
from web.services.plan_edits import day_clock, duration_text, violation_text

LABELS = {"t1-mon": "Tim 1, Senin 30/11", "t2-mon": "Tim 2, Senin 30/11"}


def _instance(*, far_s: int = 1800, capacity: int = 100, boat: bool = False) -> Instance:
    """An office, a near village (A) and a village B ``far_s`` away, which only the boat
    team t2 may visit; two team-days 08.00-15.30."""
    dur = np.array([[0, 600, far_s], [600, 0, far_s], [far_s, far_s, 0]], dtype=np.int64)
    return Instance(
        name="t",
        locations=(Location("office", 106.0, -6.0, "depot"), Location("A", 106.1, -6.0),
                   Location("B", 106.2, -6.0)),
        visits=(Visit("A#1", 1, 100, 900, 60, "A"),
                Visit("B#1", 2, 100, 900, 60, "B", allowed_vehicles=(1,))),
        vehicles=(Vehicle("t1-mon", "t1", 0, 0, 8 * 3600, 15 * 3600 + 1800, capacity,
                          "2026-11-30", boat_capable=boat, service_s_per_demand=60),
                  Vehicle("t2-mon", "t2", 0, 0, 8 * 3600, 15 * 3600 + 1800, 100,
                          "2026-11-30", boat_capable=True, service_s_per_demand=60)),
        duration_s=dur, distance_m=dur * 10,
        meta={"villages": {"A": {"desa": "Sukamaju"}, "B": {"desa": "Pulau Tunda"}}})


def _texts(instance: Instance, routes: tuple[tuple[int, ...], ...]) -> list[str]:
    return [violation_text(m, instance, LABELS) for m in check_routes(instance, routes).violations]


def test_past_midnight_is_never_written_as_25_55():
    """A return after midnight reads '01.55 esok hari', not '25.55'."""
    assert day_clock(17 * 3600 + 300) == "17.05"
    assert day_clock(25 * 3600 + 55 * 60) == "01.55 esok hari"
    assert duration_text(95 * 60) == "1 j 35 mnt"
    assert duration_text(60) == "1 mnt"
    assert duration_text(4 * 3600) == "4 j"


def test_a_late_return_names_the_time_the_limit_and_how_late():
    """Coming back after the shift says when, the limit, and by how much."""
    inst = _instance(far_s=4 * 3600)
    texts = _texts(inst, ((), (1,)))
    assert texts == ["Tim 2, Senin 30/11: kembali ke kantor 17.15, lewat batas 15.30 "
                     "(1 j 45 mnt terlambat)."]


def test_a_visit_too_far_for_one_day_gives_the_legs():
    """A team not allowed because the village alone overruns the day: the legs and the time."""
    inst = _instance(far_s=4 * 3600, boat=True)
    texts = _texts(inst, ((1,), ()))
    assert texts[0] == ("Tim 1, Senin 30/11: Desa Pulau Tunda saja tidak muat dalam satu hari "
                        "kerja: berangkat 08.00, perjalanan 4 j, layanan 1 j 15 mnt, pulang "
                        "4 j: kembali ke kantor 17.15, lewat batas 15.30 "
                        "(1 j 45 mnt terlambat).")


def test_a_visit_over_the_team_capacity_says_both_numbers():
    """A team whose daily capacity is below the visit's size: both numbers."""
    inst = _instance(capacity=40)
    texts = [t for t in _texts(inst, ((0,), ())) if "kapasitas" in t]
    assert texts == ["Tim 1, Senin 30/11: perkiraan 60 perekaman hari ini, lebih dari kapasitas "
                     "harian tim ini (40)."]
    inst = _instance(capacity=40, boat=True)
    texts = _texts(inst, ((1,), ()))
    assert texts[0] == ("Tim 1, Senin 30/11: Desa Pulau Tunda diperkirakan 60 perekaman, lebih "
                        "dari kapasitas harian tim ini (40).")


def test_an_island_village_for_a_team_without_boat_says_so():
    """A boat-only village on a team without a boat: the boat is the reason given."""
    texts = _texts(_instance(), ((1,), ()))
    assert texts == ["Tim 1, Senin 30/11: Desa Pulau Tunda hanya dapat dicapai dengan perahu, "
                     "dan tim ini tidak membawa perahu."]
