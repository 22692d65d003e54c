"""Turnout learned from field reports, per village type, and the rates a coordinator accepted.

A report keeps the plan's expected recordings of its stop and the turnout rate in force for
the village's type.  ``expected / rate`` estimates the people the plan counted on reaching,
so the learned rate of a type is ``sum(recorded) / sum(expected / rate)`` over the reports in
force of villages the team reached (equal to ``rate x recorded / expected`` when one rate was
used).  Accepted rates are stored per regency and passed to planning as
``ServiceParams.turnout_by_type``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from planner.params import TURNOUT_TYPES, ServiceParams
from web.extensions import db
from web.models import FieldReport, TurnoutRate, User, Village
from web.models.base import utcnow

#: Fewer reports than this: the learned rate is shown with a warning.
FEW_REPORTS = 5


def village_type(village: Village) -> str:
    """The first type of ``TURNOUT_TYPES`` the village has (the planner's lookup order)."""
    flags = village.flags()
    for kind in TURNOUT_TYPES:
        if flags.get(kind, False) or village.kind == kind:
            return kind
    return "desa"


def accepted_rates(regency_code: str) -> dict[str, TurnoutRate]:
    """The regency's accepted rates by village type (the turnout model's accepted values,
    kept in the same table under other keys, are not types: ``services/never_come.py``)."""
    return {t.village_type: t for t in db.session.scalars(
        select(TurnoutRate).where(TurnoutRate.regency_code == regency_code))
        if t.village_type in TURNOUT_TYPES}


def service_params(regency_code: str) -> ServiceParams:
    """Service parameters of the regency's plans: the defaults plus its accepted rates."""
    return ServiceParams(turnout_by_type={k: float(t.rate) for k, t in
                                          accepted_rates(regency_code).items()})


@dataclass(frozen=True)
class LearnedTurnout:
    """What the reports say about one village type."""

    village_type: str
    reports: int
    recorded: int
    expected: int
    #: recorded ÷ expected
    ratio: float
    #: the turnout rate the reports suggest (0–1)
    learned_rate: float
    #: the rate planning uses now for this type
    current_rate: float
    accepted: TurnoutRate | None

    @property
    def few(self) -> bool:
        """Too few reports to trust much."""
        return self.reports < FEW_REPORTS


def learned_turnout(regency_code: str) -> list[LearnedTurnout]:
    """Learned rates of each village type that has reports, in ``TURNOUT_TYPES`` order."""
    sums: dict[str, list[float]] = {}
    for report in db.session.scalars(select(FieldReport).where(
            FieldReport.regency_code == regency_code, FieldReport.superseded_by_id.is_(None),
            FieldReport.unreachable.is_(False), FieldReport.expected > 0,
            FieldReport.turnout_used > 0)):
        entry = sums.setdefault(report.turnout_type, [0, 0, 0, 0.0])
        entry[0] += 1
        entry[1] += report.recorded or 0
        entry[2] += report.expected or 0
        entry[3] += (report.expected or 0) / float(report.turnout_used or 1)
    accepted = accepted_rates(regency_code)
    defaults = ServiceParams()
    rows = []
    for kind in TURNOUT_TYPES:
        if kind not in sums:
            continue
        n, recorded, expected, eligible = sums[kind]
        current = accepted[kind].rate if kind in accepted else defaults.turnout_rate
        rows.append(LearnedTurnout(kind, int(n), int(recorded), int(expected),
                                   recorded / expected if expected else 0.0,
                                   round(min(1.0, recorded / eligible), 3) if eligible else 0.0,
                                   float(current), accepted.get(kind)))
    return rows


def accept_turnout(regency_code: str, user: User | None, *,
                   types: tuple[str, ...] = ()) -> list[TurnoutRate]:
    """Store the learned rates (of ``types``, or every type with reports) as the regency's
    rates for planning; committed."""
    stored = []
    current = accepted_rates(regency_code)
    for row in learned_turnout(regency_code):
        if types and row.village_type not in types:
            continue
        rate = current.get(row.village_type)
        if rate is None:
            rate = TurnoutRate(regency_code=regency_code, village_type=row.village_type)
            db.session.add(rate)
        rate.rate = row.learned_rate
        rate.reports = row.reports
        rate.accepted_by_id = user.id if user else None
        rate.accepted_at = utcnow()
        stored.append(rate)
    db.session.commit()
    return stored
