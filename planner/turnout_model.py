"""Who comes to a visit: people who never come, repeat visits, and capped recordings.

A village's backlog ``n`` holds people who will never come (moved away, died, duplicates,
unwilling): a share ``g`` (``[turnout] never_come``, per village in
``never_come_by_village``).  Each of the other ``m = floor(n x (1 - g))`` people still
unrecorded comes to a visit with probability ``p = rate x repeat_decay ** e``, where ``rate``
is the village's turnout rate (:func:`planner.scoring.turnout_for`) and ``e`` the village's
earlier visits.  So the people who come are ``X ~ Binomial(m, p)``, and a visit whose
capacity (the people its service time was planned for) is ``c`` records ``min(c, X)``.
Plans count the exact expectation ``E[min(c, X)] = sum_{k<c} P(X > k)``, not the mean
``m x p``: a visit planned for the mean records less than the mean on average, and a
repeat visit less than a first one.

:func:`learn_turnout` fits ``g`` and ``repeat_decay`` to field reports (least squares
over a grid; a visit that recorded its whole capacity only says that at least that many
came) and says how many reports each value rests on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import binom

from planner.params import TurnoutModelParams


def never_come_share(village_code: str, model: TurnoutModelParams) -> float:
    """The share of the village's backlog that never comes."""
    return float(model.never_come_by_village.get(village_code, model.never_come))


def people_who_can_come(backlog: int, never_come: float) -> int:
    """``floor(backlog x (1 - never_come))``: the backlog less those who never come."""
    return max(0, math.floor(backlog * (1.0 - never_come) + 1e-9))


def visit_rate(rate: float, earlier_visits: int, repeat_decay: float) -> float:
    """Probability that one person who can come comes to a visit after ``earlier_visits``."""
    return min(1.0, max(0.0, rate * repeat_decay ** max(0, earlier_visits)))


def expected_recordings(capacity: int, pool: int, rate: float) -> float:
    """``E[min(capacity, X)]`` for ``X ~ Binomial(pool, rate)`` (exact)."""
    if capacity <= 0 or pool <= 0 or rate <= 0.0:
        return 0.0
    if rate >= 1.0:
        return float(min(capacity, pool))
    c = min(capacity, pool)
    # E[min(c, X)] = sum_{k=0}^{c-1} P(X > k)
    return float(np.sum(binom.sf(np.arange(c), pool, rate)))


@dataclass(frozen=True)
class VillageTurnout:
    """The turnout model applied to one village before a week's visits."""

    backlog: int
    never_come: float
    #: People who can come (the backlog less those who never come).
    pool: int
    rate: float
    earlier_visits: int
    repeat_decay: float

    @property
    def first_rate(self) -> float:
        """The chance that one person who can come comes to this week's first visit."""
        return visit_rate(self.rate, self.earlier_visits, self.repeat_decay)

    @property
    def mean_people(self) -> int:
        """``floor(pool x first rate)``: the mean turnout of the first visit (what to plan
        capacity for)."""
        return math.floor(self.pool * self.first_rate + 1e-9)

    def visit_expectations(self, capacities: Sequence[int]) -> list[float]:
        """Expected recordings of visits made one after another with these capacities.

        Visit ``j`` (0-based) draws from the people left after the expected recordings of
        the visits before it, at the rate after ``earlier_visits + j`` visits.
        """
        out: list[float] = []
        left = float(self.pool)
        for j, cap in enumerate(capacities):
            rate = visit_rate(self.rate, self.earlier_visits + j, self.repeat_decay)
            e = expected_recordings(int(cap), max(0, round(left)), rate)
            out.append(e)
            left -= e
        return out


def village_turnout(*, village_code: str, backlog: int, rate: float, earlier_visits: int,
                    model: TurnoutModelParams) -> VillageTurnout:
    """The model of one village (``model.enabled`` is the caller's choice)."""
    g = never_come_share(village_code, model)
    return VillageTurnout(backlog, g, people_who_can_come(backlog, g), rate,
                          max(0, earlier_visits), model.repeat_decay)


# --- learning from reports -------------------------------------------------------------

#: Grid of the fit: never-come shares 0-0.80 and repeat decays 0.30-1.00, in steps of 0.01.
_G_GRID = np.round(np.arange(0.0, 0.81, 0.01), 2)
_D_GRID = np.round(np.arange(0.30, 1.001, 0.01), 2)


@dataclass(frozen=True)
class TurnoutObservation:
    """One field report seen by the model."""

    village_code: str
    #: Visits of the village before this one (0 = first visit).
    earlier_visits: int
    #: The village's backlog at its first reported visit.
    first_backlog: int
    #: People recorded in the village before this visit (since ``first_backlog``).
    recorded_before: int
    #: People the visit was planned for (its capacity).
    capacity: int
    recorded: int
    #: The turnout rate in force for the village.
    rate: float

    @property
    def capped(self) -> bool:
        """The visit recorded its whole capacity: at least that many came."""
        return self.recorded >= self.capacity


@dataclass(frozen=True)
class LearnedTurnoutModel:
    """What the reports say, and how many reports each value rests on."""

    never_come: float | None
    repeat_decay: float | None
    #: Reports of first visits (they tell the share that never comes).
    never_come_reports: int
    #: Reports of repeat visits (they tell how turnout falls).
    repeat_reports: int
    reports: int
    #: Per village with at least ``min_village_reports`` reports: (share, reports).
    by_village: dict[str, tuple[float, int]] = field(default_factory=dict)


def _loss(obs: Sequence[TurnoutObservation], g: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Sum over reports of the squared error of the people who came, scaled by the mean."""
    total = np.zeros(np.broadcast(g, d).shape)
    for o in obs:
        pool = np.maximum(0.0, np.floor(o.first_backlog * (1.0 - g) + 1e-9) - o.recorded_before)
        mean = pool * np.minimum(1.0, o.rate * d ** o.earlier_visits)
        err = o.recorded - mean
        if o.capped:  # only "at least capacity came": no error when the model says as many
            err = np.maximum(err, 0.0)
        total = total + err ** 2 / np.maximum(mean, 1.0)
    return total


def _best(loss: np.ndarray, distance: np.ndarray) -> tuple[int, ...]:
    """Index of the least loss; among equal losses (capped reports only bound the values)
    the one nearest the values in force."""
    ties = loss <= loss.min() + 1e-9
    pick = np.where(ties, distance, np.inf)
    return tuple(int(k) for k in np.unravel_index(int(np.argmin(pick)), loss.shape))


def learn_turnout(observations: Iterable[TurnoutObservation], *,
                  current: TurnoutModelParams | None = None,
                  min_village_reports: int = 2) -> LearnedTurnoutModel:
    """Fit the share that never comes and the repeat decay to reports.

    The turnout rate is taken as in force (it is learned per village type elsewhere).  The
    share is told by first visits and the decay by repeat visits; where the reports allow
    several values equally (visits that recorded their whole capacity), the one nearest
    ``current`` is kept: with no repeat visit the
    decay stays at ``current``'s, with no first visit the share does.  A village with at
    least ``min_village_reports`` reports gets its own share (fitted with the regency's
    decay).
    """
    current = current or TurnoutModelParams()
    obs = [o for o in observations if o.capacity > 0 and o.first_backlog > 0]
    first = sum(1 for o in obs if o.earlier_visits == 0)
    repeat = len(obs) - first
    if not obs:
        return LearnedTurnoutModel(None, None, 0, 0, 0)
    if repeat:
        loss = _loss(obs, _G_GRID[:, None], _D_GRID[None, :])
        near = (np.abs(_G_GRID[:, None] - current.never_come)
                + np.abs(_D_GRID[None, :] - current.repeat_decay))
        i, j = _best(loss, near)
        g, d = float(_G_GRID[i]), float(_D_GRID[j])
    else:
        loss = _loss(obs, _G_GRID, np.array(current.repeat_decay))
        g = float(_G_GRID[_best(loss, np.abs(_G_GRID - current.never_come))[0]])
        d = current.repeat_decay
    if not first:
        g = current.never_come
    by_village: dict[str, tuple[float, int]] = {}
    codes = sorted({o.village_code for o in obs})
    for code in codes:
        mine = [o for o in obs if o.village_code == code]
        if len(mine) >= min_village_reports and any(o.earlier_visits == 0 for o in mine):
            loss = _loss(mine, _G_GRID, np.array(d))
            gv = float(_G_GRID[_best(loss, np.abs(_G_GRID - g))[0]])
            by_village[code] = (gv, len(mine))
    return LearnedTurnoutModel(g if first else None, d if repeat else None, first, repeat,
                               len(obs), by_village)
