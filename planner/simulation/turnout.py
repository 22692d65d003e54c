"""Seeded random turnout of one visit, with common random numbers across policies.

Who comes to a visit: the per-visit turnout rate ``p`` is drawn from a Beta distribution
around the village's expected rate (``planner.scoring.turnout_for``: the same rate the planner
plans with, so neither policy knows more than the other), with mean ``rate`` and
``concentration`` ``kappa`` (``Beta(kappa*rate, kappa*(1-rate))``; kappa 20 at rate 0.6 gives a
standard deviation of about 0.11: some days the village head gathers many, some days few).
Each of the ``n`` people still unrecorded in the village comes independently with
probability ``p``, so turnout is ``Binomial(n, p)``; people who never come (moved, died,
unwilling: the register's "ghosts") stay in the backlog and lower the next visit's yield.
The team records at most what its planned service time allows, i.e. the visit's planned
demand; anyone beyond that goes home unrecorded and stays in the backlog.

Common random numbers: the draws of a visit depend only on ``(seed, week, village, k)`` where
``k`` counts that village's visits in that week.  Person ``i`` of the remaining backlog comes
when ``U_i < p`` with the same ``U_i`` in both policies, so the same visit on the same backlog
gives the same turnout, and a larger backlog never gives fewer people.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TurnoutModel:
    """How turnout at a visit varies around the planned rate."""

    #: Beta concentration of the per-visit rate around the village's expected rate.
    concentration: float = 20.0


def visit_rng_seeds(seed: int, week: int, village_code: str, visit_number: int
                    ) -> tuple[np.random.Generator, np.random.Generator]:
    """Two independent generators (rate, people) for one visit; the same key gives the same."""
    key = [seed, week, zlib.crc32(village_code.encode("utf-8")), visit_number]
    rate_seq, people_seq = np.random.SeedSequence(key).spawn(2)
    return np.random.default_rng(rate_seq), np.random.default_rng(people_seq)


def draw_turnout(*, seed: int, week: int, village_code: str, visit_number: int,
                 remaining: int, rate: float, model: TurnoutModel) -> tuple[int, float]:
    """People who come to the visit and the drawn rate: ``Binomial(remaining, p)``."""
    rate_rng, people_rng = visit_rng_seeds(seed, week, village_code, visit_number)
    if rate <= 0.0:
        p = 0.0
    elif rate >= 1.0:
        p = 1.0
    else:
        k = model.concentration
        p = float(rate_rng.beta(k * rate, k * (1.0 - rate)))
    if remaining <= 0:
        return 0, p
    came = int(np.count_nonzero(people_rng.random(remaining) < p))
    return came, p


def recorded_at_visit(*, planned: int, came: int, remaining: int) -> int:
    """Recordings at a visit: who came, capped by the planned capacity and the backlog."""
    return max(0, min(planned, came, remaining))
