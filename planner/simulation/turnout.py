"""Seeded random turnout of one visit, with common random numbers across policies.

The same model the planner plans with (:mod:`planner.turnout_model`), with true values that
may differ from the planned ones (:class:`TurnoutModel`): a village's backlog holds people who
never come (moved, died, duplicates, unwilling: the register's "ghosts"), drawn once per
village (``Binomial(backlog, never_come)``, the same in both policies); they stay in the
backlog for good.  The per-visit turnout rate ``p`` is drawn from a Beta distribution around
the village's true rate after its earlier visits, ``rate x repeat_decay ** earlier``
(``rate``: ``planner.scoring.turnout_for``, the rate the planner plans with, unless
``true_rate`` is set), with ``concentration`` ``kappa`` (``Beta(kappa*mean, kappa*(1-mean))``;
kappa 20 at 0.6 gives a standard deviation of about 0.11: some days the village head gathers
many, some days few).  Each of the ``n`` people still unrecorded who can come comes
independently with probability ``p``, so turnout is ``Binomial(n - ghosts, p)``.
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
    """How turnout at a visit varies, and the field's true rates (``None``: as planned)."""

    #: Beta concentration of the per-visit rate around the village's expected rate.
    concentration: float = 20.0
    #: True first-visit turnout of people who can come, for every village.
    true_rate: float | None = None
    #: True share of the backlog that never comes.
    never_come: float | None = None
    #: True fall of turnout per earlier visit.
    repeat_decay: float | None = None


def draw_never_come(*, seed: int, village_code: str, backlog: int, share: float) -> int:
    """People of the village's starting backlog who never come (the same in both policies)."""
    if backlog <= 0 or share <= 0.0:
        return 0
    key = [seed, zlib.crc32(village_code.encode("utf-8")), 0x6E63]  # "nc"
    return int(np.random.default_rng(np.random.SeedSequence(key)).binomial(backlog, share))


def visit_rng_seeds(seed: int, week: int, village_code: str, visit_number: int
                    ) -> tuple[np.random.Generator, np.random.Generator]:
    """Two independent generators (rate, people) for one visit; the same key gives the same."""
    key = [seed, week, zlib.crc32(village_code.encode("utf-8")), visit_number]
    rate_seq, people_seq = np.random.SeedSequence(key).spawn(2)
    return np.random.default_rng(rate_seq), np.random.default_rng(people_seq)


def draw_turnout(*, seed: int, week: int, village_code: str, visit_number: int,
                 remaining: int, rate: float, model: TurnoutModel,
                 never_come: int = 0) -> tuple[int, float]:
    """People who come to the visit and the drawn rate: ``Binomial(remaining - never_come,
    p)`` with ``p`` around ``rate`` (the caller applies the repeat decay to ``rate``)."""
    rate_rng, people_rng = visit_rng_seeds(seed, week, village_code, visit_number)
    if rate <= 0.0:
        p = 0.0
    elif rate >= 1.0:
        p = 1.0
    else:
        k = model.concentration
        p = float(rate_rng.beta(k * rate, k * (1.0 - rate)))
    pool = remaining - max(0, never_come)
    if pool <= 0:
        return 0, p
    came = int(np.count_nonzero(people_rng.random(pool) < p))
    return came, p


def recorded_at_visit(*, planned: int, came: int, remaining: int) -> int:
    """Recordings at a visit: who came, capped by the planned capacity and the backlog."""
    return max(0, min(planned, came, remaining))
