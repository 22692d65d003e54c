"""Which days a team works: national holidays, collective leave and the office's days off.

A team-day is made for each of the team's working weekdays of the week (see
:mod:`planner.problem`), except:

* Indonesia's national holidays (*libur nasional*) and collective leave days (*cuti bersama*,
  set each year by the joint ministerial decree, SKB 3 Menteri), taken from the ``holidays``
  package (``holidays.Indonesia``, categories ``public`` and ``government``: the latter holds
  the cuti bersama), unless ``[shift] national_holidays = false``;
* the coordinator's days off (:class:`DayOff`): for one team, for every team based at one
  office, or for every team of the regency.

Each day left out is kept as an :class:`ExcludedDay` so the plan can say which and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class DayOff:
    """A day the coordinator keeps free: for ``team_id``, for every team based at
    ``office_id``, or (both empty) for every team."""

    date: date
    reason: str
    office_id: str | None = None
    team_id: str | None = None

    def applies_to(self, team_id: str, office_id: str) -> bool:
        """True when this day off concerns the team ``team_id`` based at ``office_id``."""
        if self.team_id is not None:
            return self.team_id == team_id
        if self.office_id is not None:
            return self.office_id == office_id
        return True


@dataclass(frozen=True)
class ExcludedDay:
    """A working weekday on which a team gets no team-day, and why (Indonesian)."""

    date: date
    team_id: str
    reason: str
    #: ``national`` (holiday or cuti bersama), ``day_off`` (the coordinator's) or ``past``.
    kind: str


@lru_cache(maxsize=16)
def _national_year(year: int) -> dict[date, str]:
    table = holidays.country_holidays("ID", years=year, categories=("public", "government"),
                                      language="id")
    return {day: str(name) for day, name in sorted(table.items())}


def national_days_off(days: Iterable[date]) -> dict[date, str]:
    """National holidays and cuti bersama among ``days``, with their Indonesian names.

    Dates of coming years that depend on the lunar calendar are the package's estimates
    until the government fixes them; a coordinator can add a day off for a changed date.
    """
    out: dict[date, str] = {}
    for day in days:
        name = _national_year(day.year).get(day)
        if name is not None:
            out[day] = name
    return out


def team_days_off(team_id: str, office_id: str, days: Sequence[date],
                  days_off: Sequence[DayOff], *, national: bool = True
                  ) -> dict[date, ExcludedDay]:
    """The team's working ``days`` it does not work, each with its reason."""
    out: dict[date, ExcludedDay] = {}
    if national:
        for day, name in national_days_off(days).items():
            kind = "cuti bersama" if name.casefold().startswith("cuti bersama") \
                else "libur nasional"
            out[day] = ExcludedDay(day, team_id, f"{name} ({kind})", "national")
    wanted = set(days)
    for off in days_off:
        if off.date in wanted and off.date not in out and off.applies_to(team_id, office_id):
            out[off.date] = ExcludedDay(off.date, team_id, off.reason or "hari libur",
                                        "day_off")
    return out


def excluded_day_notes(excluded: Sequence[ExcludedDay], team_names: dict[str, str]
                       ) -> list[str]:
    """One Indonesian line per date: which teams do not work that day and why."""
    by_day: dict[tuple[date, str], list[str]] = {}
    for e in excluded:
        by_day.setdefault((e.date, e.reason), []).append(team_names.get(e.team_id, e.team_id))
    every = set(team_names.values())
    notes = []
    for (day, why), teams in sorted(by_day.items()):
        who = "semua tim" if set(teams) == every else "tim " + ", ".join(sorted(teams))
        notes.append(f"Tidak ada hari-tim {day.isoformat()} untuk {who}: {why}")
    return notes
