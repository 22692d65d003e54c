"""Priority of each village: expected turnout and the weight of its geography.

Expected turnout: the rate is the default or the rate of the first village type (island,
border, remote, coastal, kelurahan, desa) that has one.  With the turnout model on (default,
:mod:`planner.turnout_model`) the people planned for are ``floor(people who can come x rate x
repeat_decay ** earlier visits)``; off, ``floor(belum_rekam x rate)``.
Weight = ``1 + w_remote*remote + w_border*border + w_island*island + w_coastal*coastal``.
The prize of a whole village is expected recordings x weight; every score explains itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from planner.numbers import format_number, format_percent, format_short
from planner.params import TURNOUT_TYPES, ScoringParams, ServiceParams, TurnoutModelParams
from planner.turnout_model import VillageTurnout, village_turnout

#: Prize points per weighted recording: prizes are integers for the solver.
PRIZE_PER_WEIGHTED_RECORDING = 100

_FLAGS: tuple[str, ...] = ("remote", "border", "island", "coastal")

_FLAG_NAMES_ID = {"remote": "terpencil", "border": "perbatasan", "island": "pulau",
                  "coastal": "pesisir"}


@dataclass(frozen=True)
class VillageScore:
    """How one village's priority was made."""

    village_code: str
    belum_rekam: int
    turnout_type: str
    turnout_rate: float
    expected_recordings: int
    weight: float
    #: ``(flag, weight added)`` for every flag the village has.
    weight_terms: tuple[tuple[str, float], ...]
    #: The turnout model (None: off, ``expected_recordings = floor(belum_rekam x rate)``).
    model: VillageTurnout | None = None

    @property
    def prize(self) -> int:
        """Integer prize of visiting the whole village."""
        return prize_for(self.expected_recordings, self.weight)

    def explain_id(self) -> str:
        """Explanation in Bahasa Indonesia."""
        terms = " + ".join(f"{format_short(w)} ({_FLAG_NAMES_ID[f]})"
                           for f, w in self.weight_terms)
        weight = f"1 + {terms}" if terms else "1"
        m = self.model
        if m is not None:
            repeat = (f" x {format_short(m.repeat_decay)}^{m.earlier_visits} (kunjungan ke-"
                      f"{m.earlier_visits + 1})" if m.earlier_visits else "")
            return (f"{format_number(self.belum_rekam)} belum rekam - "
                    f"{format_percent(m.never_come)} tidak pernah datang = "
                    f"{format_number(m.pool)} bisa datang x kehadiran "
                    f"{format_percent(self.turnout_rate)} ({self.turnout_type}){repeat} = "
                    f"{format_number(self.expected_recordings)} datang (rata-rata); "
                    f"bobot = {weight} = {format_short(self.weight)}")
        return (f"{format_number(self.belum_rekam)} belum rekam x kehadiran "
                f"{format_percent(self.turnout_rate)} ({self.turnout_type}) = "
                f"{format_number(self.expected_recordings)} perkiraan rekam; "
                f"bobot = {weight} = {format_short(self.weight)}")

    def explain_en(self) -> str:
        """Explanation in English."""
        terms = " + ".join(f"{w:g} ({f})" for f, w in self.weight_terms)
        weight = f"1 + {terms}" if terms else "1"
        m = self.model
        if m is not None:
            repeat = (f" x {m.repeat_decay:g}^{m.earlier_visits} (visit {m.earlier_visits + 1})"
                      if m.earlier_visits else "")
            return (f"{self.belum_rekam} unrecorded - {m.never_come:.0%} never come = "
                    f"{m.pool} who can come x turnout {self.turnout_rate:.0%} "
                    f"({self.turnout_type}){repeat} = {self.expected_recordings} coming "
                    f"(mean); weight = {weight} = {self.weight:g}")
        return (f"{self.belum_rekam} unrecorded x turnout {self.turnout_rate:.0%} "
                f"({self.turnout_type}) = {self.expected_recordings} expected recordings; "
                f"weight = {weight} = {self.weight:g}")


def prize_for(recordings: float, weight: float, factor: float = 1.0) -> int:
    """Integer prize of ``recordings`` at ``weight`` (times a chunk ``factor``)."""
    return round(recordings * weight * factor * PRIZE_PER_WEIGHTED_RECORDING)


def turnout_for(flags: dict[str, bool], jenis: str, service: ServiceParams) -> tuple[str, float]:
    """The turnout type and rate that apply to a village with these flags."""
    for kind in TURNOUT_TYPES:
        has = flags.get(kind, False) if kind in _FLAGS else jenis == kind
        if has and kind in service.turnout_by_type:
            return kind, service.turnout_by_type[kind]
    return "default", service.turnout_rate


def score_village(*, village_code: str, belum_rekam: int, jenis: str, flags: dict[str, bool],
                  service: ServiceParams, scoring: ScoringParams,
                  turnout: TurnoutModelParams | None = None,
                  earlier_visits: int = 0) -> VillageScore:
    """Score one village (with the turnout model when ``turnout`` is given and enabled)."""
    kind, rate = turnout_for(flags, jenis, service)
    model = None
    if turnout is not None and turnout.enabled:
        model = village_turnout(village_code=village_code, backlog=belum_rekam, rate=rate,
                                earlier_visits=earlier_visits, model=turnout)
        expected = model.mean_people
    else:
        # floor, with a small epsilon so that e.g. 10 x 0.7 is 7 and not 6
        expected = math.floor(belum_rekam * rate + 1e-9)
    terms = tuple((f, float(getattr(scoring, f"w_{f}"))) for f in _FLAGS
                  if flags.get(f, False) and getattr(scoring, f"w_{f}") > 0)
    weight = 1.0 + sum(w for _, w in terms)
    return VillageScore(village_code, belum_rekam, kind, rate, expected, weight, terms, model)


def _earlier(value: object) -> int:
    if value is None:
        return 0
    try:
        return 0 if pd.isna(value) else int(float(str(value)))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def score_villages(table: pd.DataFrame, *, service: ServiceParams, scoring: ScoringParams,
                   turnout: TurnoutModelParams | None = None) -> dict[str, VillageScore]:
    """Score every village of a classified table with a known backlog.

    ``table`` needs ``kode``, ``jenis``, ``belum_rekam`` and the boolean flags ``remote``,
    ``border``, ``island``, ``coastal``; rows whose backlog is missing are skipped.  An
    optional ``visits_before`` column counts the village's earlier visits (repeat turnout).
    """
    scores: dict[str, VillageScore] = {}
    for row in table.to_dict("records"):
        belum = row["belum_rekam"]
        if belum is None or pd.isna(belum):
            continue
        flags = {f: bool(row[f]) for f in _FLAGS}
        code = str(row["kode"])
        scores[code] = score_village(village_code=code, belum_rekam=int(belum),
                                     jenis=str(row["jenis"]), flags=flags,
                                     service=service, scoring=scoring, turnout=turnout,
                                     earlier_visits=_earlier(row.get("visits_before")))
    return scores
