"""The turnout model learned from field reports: people who never come, repeat decay.

Each reached report in force is one :class:`~planner.turnout_model.TurnoutObservation`: the
village's visits before it (its earlier reports), its backlog at the upload the reports count
from, what its earlier reports recorded, the stop's capacity in the published plan (its
``capacity``; plans made before the model give their expected recordings) and the turnout
rate in force.  :func:`planner.turnout_model.learn_turnout` fits the regency's share that
never comes, the repeat decay and, for villages with two reports or more, their own share.

Accepted values are stored as :class:`~web.models.TurnoutRate` rows of the regency under
keys that are not village types: ``never_come``, ``repeat_decay`` and ``nc:<village code>``
(the planner's ``[turnout]`` parameters); :func:`turnout_model_params` gives them to
planning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from planner.params import TurnoutModelParams
from planner.turnout_model import LearnedTurnoutModel, TurnoutObservation, learn_turnout
from web.extensions import db
from web.models import BacklogCount, FieldReport, PlanVersion, TurnoutRate, User, Village
from web.models.base import utcnow
from web.services.field_reports import REPORT_SOURCE

NEVER_COME = "never_come"
REPEAT_DECAY = "repeat_decay"
VILLAGE_PREFIX = "nc:"
#: Fewer reports than this behind a value: it is shown with a warning.
FEW_REPORTS = 5


def _accepted(regency_code: str) -> dict[str, TurnoutRate]:
    return {t.village_type: t for t in db.session.scalars(
        select(TurnoutRate).where(TurnoutRate.regency_code == regency_code))
        if t.village_type in (NEVER_COME, REPEAT_DECAY)
        or t.village_type.startswith(VILLAGE_PREFIX)}


def turnout_model_params(regency_code: str) -> TurnoutModelParams:
    """The model planning uses for the regency: the defaults and the accepted values."""
    accepted = _accepted(regency_code)
    base = TurnoutModelParams()
    return TurnoutModelParams(
        enabled=base.enabled,
        never_come=float(accepted[NEVER_COME].rate) if NEVER_COME in accepted
        else base.never_come,
        never_come_by_village={k[len(VILLAGE_PREFIX):]: float(t.rate)
                               for k, t in accepted.items() if k.startswith(VILLAGE_PREFIX)},
        repeat_decay=float(accepted[REPEAT_DECAY].rate) if REPEAT_DECAY in accepted
        else base.repeat_decay)


def _capacities(version_ids: set[int]) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for version in db.session.scalars(select(PlanVersion).where(PlanVersion.id.in_(version_ids))):
        for route in (version.plan or {}).get("routes", []):
            for stop in route.get("stops", []):
                cap = stop.get("capacity") or stop.get("expected_recordings") or 0
                out[(version.id, str(stop.get("visit_id")))] = int(cap)
    return out


def _first_backlogs(village_ids: set[int]) -> dict[int, tuple[int, Any]]:
    """Per village: the newest uploaded backlog and when it came (the reports count from it)."""
    out: dict[int, tuple[int, Any]] = {}
    for row in db.session.scalars(select(BacklogCount).where(
            BacklogCount.village_id.in_(village_ids), BacklogCount.source != REPORT_SOURCE)
            .order_by(BacklogCount.id)):
        if row.belum_rekam is not None:
            out[row.village_id] = (int(row.belum_rekam), row.recorded_at)
    return out


def turnout_observations(regency_code: str) -> list[TurnoutObservation]:
    """The regency's reached reports in force as observations, per village in date order."""
    reports = list(db.session.scalars(select(FieldReport).where(
        FieldReport.regency_code == regency_code, FieldReport.superseded_by_id.is_(None),
        FieldReport.unreachable.is_(False), FieldReport.recorded.is_not(None))
        .order_by(FieldReport.stop_date, FieldReport.id)))
    if not reports:
        return []
    caps = _capacities({r.plan_version_id for r in reports if r.plan_version_id})
    bases = _first_backlogs({r.village_id for r in reports})
    codes = {int(i): str(k) for i, k in db.session.execute(select(Village.id, Village.kode)
                                                            .where(Village.id.in_(
                                                                {r.village_id for r in reports})))}
    by_village: dict[int, list[FieldReport]] = defaultdict(list)
    for r in reports:
        by_village[r.village_id].append(r)
    out = []
    for vid, mine in by_village.items():
        if vid not in bases:
            continue
        backlog, since = bases[vid]
        before = 0
        for e, r in enumerate(x for x in mine if x.created_at >= since):
            cap = caps.get((r.plan_version_id or 0, r.visit_id)) or int(r.expected or 0)
            out.append(TurnoutObservation(codes[vid], e, backlog, before, cap,
                                          int(r.recorded or 0), float(r.turnout_used or 0.6)))
            before += int(r.recorded or 0)
    return out


@dataclass(frozen=True)
class NeverComeView:
    """What the coordinator sees: learned values, the values in force, and their reports."""

    learned: LearnedTurnoutModel
    current: TurnoutModelParams
    accepted: Mapping[str, TurnoutRate]
    names: Mapping[str, str]

    @property
    def few(self) -> bool:
        """Too few reports to trust much."""
        return self.learned.reports < FEW_REPORTS


def never_come_view(regency_code: str) -> NeverComeView:
    """The learned model of the regency, for its reports page."""
    current = turnout_model_params(regency_code)
    learned = learn_turnout(turnout_observations(regency_code), current=current)
    names = {str(k): str(n) for k, n in db.session.execute(
        select(Village.kode, Village.name).where(Village.kode.in_(set(learned.by_village))))}
    return NeverComeView(learned, current, _accepted(regency_code), names)


def _store(regency_code: str, key: str, value: float, reports: int, user: User | None,
           current: dict[str, TurnoutRate]) -> TurnoutRate:
    row = current.get(key)
    if row is None:
        row = TurnoutRate(regency_code=regency_code, village_type=key)
        db.session.add(row)
    row.rate = value
    row.reports = reports
    row.accepted_by_id = user.id if user else None
    row.accepted_at = utcnow()
    return row


def accept_never_come(regency_code: str, user: User | None) -> list[TurnoutRate]:
    """Store the learned values (those the reports tell) for the next plans; committed."""
    view = never_come_view(regency_code)
    current = dict(view.accepted)
    learned = view.learned
    stored = []
    if learned.never_come is not None:
        stored.append(_store(regency_code, NEVER_COME, learned.never_come,
                             learned.never_come_reports, user, current))
    if learned.repeat_decay is not None:
        stored.append(_store(regency_code, REPEAT_DECAY, learned.repeat_decay,
                             learned.repeat_reports, user, current))
    for code, (share, n) in learned.by_village.items():
        stored.append(_store(regency_code, VILLAGE_PREFIX + code, share, n, user, current))
    db.session.commit()
    return stored


def visits_before(regency_code: str, week_start: date) -> dict[str, int]:
    """Per village code: reached reports in force dated before ``week_start`` (the village's
    earlier visits, for the repeat decay)."""
    rows = db.session.execute(select(Village.kode, FieldReport.id).join(
        FieldReport, FieldReport.village_id == Village.id).where(
        FieldReport.regency_code == regency_code, FieldReport.superseded_by_id.is_(None),
        FieldReport.unreachable.is_(False), FieldReport.stop_date < week_start))
    out: dict[str, int] = defaultdict(int)
    for kode, _ in rows:
        out[str(kode)] += 1
    return dict(out)
