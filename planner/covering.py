"""Covering stops: a stop at one village's office that its neighbours' residents come to.

Offices set up at a village office and invite the neighbouring villages too ("warga Desa A,
B dan C diundang ke Kantor Desa A").  For each village that takes one visit (not a big
village cut into chunks), :func:`covering_visits` adds candidate *covering visits* at its
stop point: the village itself plus its nearest neighbours within the reach
(``[covering] reach_m``, per regency ``reach_m_by_regency``), on the same landmass (an island
village is only served from its own island), measured in a straight line or along the
travel matrix (``[covering] distance``).  A neighbour at distance ``d`` sends
``floor(expected × share(d))`` people, ``share(d) = 1 − (1 − turnout_at_reach) × d / reach``:
everyone at the venue itself, ``turnout_at_reach`` (default half) of them at the reach.

One candidate per venue: all its neighbours up to ``max_neighbours``, nearest first, trimmed
from the farthest until some team-day can record them all in a day (with ``nearest_pair``
also the venue with its nearest neighbour alone), so the instance grows by at most the
number of single-visit villages (twice that with ``nearest_pair``).
The solver chooses: a covering visit and the own visit of every village it serves share
``Visit.exclusive`` keys, so no village is served twice in a week.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.instance import Visit
from planner.params import CoveringParams
from planner.scoring import VillageScore, prize_for
from planner.travel import haversine_m


@dataclass(frozen=True)
class VenueFacts:
    """What :func:`covering_visits` needs of one single-visit village."""

    village_code: str
    location: int
    lon: float
    lat: float
    landmass: int
    #: People the village's own visit records (its expected turnout).
    demand: int
    #: Most people each team-day (vehicle index) can record there in a day.
    caps: tuple[int, ...]
    #: The own visit's window (an island reached by a sailing), kept by its covers.
    time_window_s: tuple[int, int] | None = None


def neighbour_share(distance_m: float, reach_m: float, at_reach: float) -> float:
    """Share of a neighbour's expected people who come to a stop ``distance_m`` away."""
    if reach_m <= 0:
        return 1.0 if distance_m <= 0 else 0.0
    return max(0.0, 1.0 - (1.0 - at_reach) * min(distance_m, reach_m) / reach_m)


def cover_visit_id(venue: str, neighbours: int) -> str:
    """Visit id of the covering visit at ``venue`` serving ``neighbours`` other villages."""
    return f"{venue}+{neighbours}"


def _distances(venues: Sequence[VenueFacts], distance_m: npt.NDArray[np.int64] | None,
               params: CoveringParams) -> npt.NDArray[np.float64]:
    lon = np.array([v.lon for v in venues], dtype=np.float64)
    lat = np.array([v.lat for v in venues], dtype=np.float64)
    straight = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    if params.distance == "road" and distance_m is not None:
        locs = np.array([v.location for v in venues], dtype=np.int64)
        road = distance_m[np.ix_(locs, locs)].astype(np.float64)
        # a road distance is never shorter than the straight line; use the longer way of two
        return np.asarray(np.maximum(road, road.T), dtype=np.float64)
    return np.asarray(straight, dtype=np.float64)


def covering_visits(venues: Sequence[VenueFacts], scores: Mapping[str, VillageScore], *,
                    regency: str, params: CoveringParams, setup_s: int, n_vehicles: int,
                    distance_m: npt.NDArray[np.int64] | None = None,
                    expectation: Callable[[str, int], float] | None = None) -> list[Visit]:
    """Candidate covering visits for ``venues`` (empty when covering is off).

    ``expectation(village, people)`` is what a visit planned for ``people`` of that village
    is expected to record (the turnout model's ``E[min(...)]``); the prize is on it.
    """
    reach = params.reach_for(regency)
    if not params.enabled or reach <= 0 or params.max_neighbours < 1 or len(venues) < 2:
        return []
    dist = _distances(venues, distance_m, params)
    land = np.array([v.landmass for v in venues])
    out: list[Visit] = []
    for a, venue in enumerate(venues):
        near = np.flatnonzero((dist[a] <= reach) & (land == venue.landmass))
        near = near[near != a]
        if len(near) == 0:
            continue
        near = near[np.argsort(dist[a, near], kind="stable")][: params.max_neighbours]
        served: list[tuple[str, int]] = []
        for b in near:
            share = neighbour_share(float(dist[a, b]), reach, params.turnout_at_reach)
            people = math.floor(venues[b].demand * share)
            if people >= 1:
                served.append((venues[b].village_code, people))
        best = max(venue.caps) if venue.caps else 0
        # the largest set some team-day can record in a day, trimmed from the farthest
        while served and venue.demand + sum(n for _, n in served) > best:
            served.pop()
        sets = ({len(served), 1} if params.nearest_pair else {len(served)}) if served else set()
        for size in sorted(sets):
            out.append(_cover(venue, served[:size], scores, setup_s, n_vehicles,
                              expectation or _planned))
    return out


def _planned(village: str, people: int) -> float:
    return float(people)


def _cover(venue: VenueFacts, neighbours: Sequence[tuple[str, int]],
           scores: Mapping[str, VillageScore], setup_s: int, n_vehicles: int,
           expectation: Callable[[str, int], float]) -> Visit:
    serves = ((venue.village_code, venue.demand), *neighbours)
    demand = sum(n for _, n in serves)
    allowed = tuple(k for k, c in enumerate(venue.caps) if c >= demand)
    return Visit(
        visit_id=cover_visit_id(venue.village_code, len(neighbours)), location=venue.location,
        prize=sum(prize_for(expectation(code, n), scores[code].weight) for code, n in serves),
        service_s=setup_s, demand=demand, village_code=venue.village_code,
        time_window_s=venue.time_window_s,
        allowed_vehicles=None if len(allowed) == n_vehicles else allowed,
        exclusive=tuple(code for code, _ in serves), serves=serves)


def claim_own_visits(visits: Sequence[Visit], covers: Sequence[Visit]) -> list[Visit]:
    """``visits`` where the own visit of every village some cover serves claims its code."""
    covered = {code for c in covers for code in c.exclusive}
    return [Visit(**{**v.__dict__, "exclusive": (v.village_code,)})
            if v.village_code in covered and not v.exclusive else v for v in visits]


def served_by(visit: Visit) -> tuple[tuple[str, int], ...]:
    """``(village_code, people)`` the visit records: its serves, else its own village."""
    if visit.serves:
        return visit.serves
    return ((visit.village_code or visit.visit_id, visit.demand),)


def _join_id(names: Sequence[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C``: a list as Indonesian writes it."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} dan {names[-1]}"


def invitation_text(names: Sequence[str]) -> str:
    """``Warga Desa A, B dan C diundang ke Kantor Desa A``: the venue's name first.

    What the village heads announce for a covering stop (``names`` = the stop's ``serves``
    villages by name, its own first); empty for a stop that serves only its own village.
    """
    if len(names) < 2:
        return ""
    return f"Warga Desa {_join_id(list(names))} diundang ke Kantor Desa {names[0]}"


def stop_invitation(serves: Sequence[str], serves_desa: Sequence[str]) -> str:
    """:func:`invitation_text` of a plan stop, by name where the plan has names."""
    names = [n or code for code, n in zip(serves, [*serves_desa, *[""] * len(serves)],
                                          strict=False)]
    return invitation_text(names)


def is_cover_visit_id(visit_id: str) -> bool:
    """Whether ``visit_id`` names a covering visit (see :func:`cover_visit_id`)."""
    return "+" in visit_id


def split_recorded(recorded: int, served: Sequence[int]) -> list[int]:
    """How a covering stop's recorded count is shared among the villages it serves.

    The distribution rule when the team reports one number for the stop: in proportion to
    the people expected from each village (``served``), whole people by largest remainder,
    ties to the earlier village (the venue first).  With nothing expected, all to the venue.
    """
    if not served:
        return []
    total = sum(served)
    if total <= 0:
        return [recorded] + [0] * (len(served) - 1)
    exact = [recorded * n / total for n in served]
    out = [math.floor(x) for x in exact]
    left = recorded - sum(out)
    order = sorted(range(len(served)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:left]:
        out[i] += 1
    return out
