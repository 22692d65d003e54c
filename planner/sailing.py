"""Sailing days and departure times of harbours, and the crossing a team-day can take.

``harbours.csv`` may give, per harbour, ``sailing_days`` (ISO weekday numbers 1-7 or day
names in Indonesian or English: ``"1,4"``, ``"Senin, Kamis"``) and ``departures`` (times
of day: ``"07:00; 13.30"``).  Empty means every day / whenever the team arrives.

A crossing from a harbour with a schedule is taken only on a sailing day, at the first
departure at or after the team reaches the quay from its base at the start of its shift
(:func:`first_departure`); the team waits for it.  The way back from the island is not
scheduled (the boat waits for the team, as a hired boat does).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from planner.crossings import CrossingLegs
    from planner.instance import Vehicle

#: Day names (lower case, without punctuation) -> ISO weekday.
DAY_NAMES: dict[str, int] = {
    "senin": 1, "sen": 1, "monday": 1, "mon": 1,
    "selasa": 2, "sel": 2, "tuesday": 2, "tue": 2,
    "rabu": 3, "rab": 3, "wednesday": 3, "wed": 3,
    "kamis": 4, "kam": 4, "thursday": 4, "thu": 4,
    "jumat": 5, "jum": 5, "friday": 5, "fri": 5,
    "sabtu": 6, "sab": 6, "saturday": 6, "sat": 6,
    "minggu": 7, "min": 7, "ahad": 7, "sunday": 7, "sun": 7,
}
#: ISO weekday -> short Indonesian name, for texts.
SHORT_ID: dict[int, str] = {1: "Sen", 2: "Sel", 3: "Rab", 4: "Kam", 5: "Jum", 6: "Sab", 7: "Min"}

Schedule = tuple[frozenset[int] | None, tuple[int, ...]]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() == ""


def parse_days(value: Any) -> frozenset[int] | None:
    """ISO weekdays from ``"1,4"``, ``"Senin; Kamis"``, ``"Jum'at"``; ``None`` when blank.

    Raises ``ValueError`` naming the word it does not know.
    """
    if _blank(value):
        return None
    days: set[int] = set()
    for token in re.split(r"[,;/\s]+", str(value).strip()):
        word = token.lower().replace("'", "").replace("’", "").strip(".")
        if not word:
            continue
        if word.isdigit() and 1 <= int(word) <= 7:
            days.add(int(word))
        elif word in DAY_NAMES:
            days.add(DAY_NAMES[word])
        else:
            raise ValueError(token)
    return frozenset(days) if days else None


def parse_times(value: Any) -> tuple[int, ...]:
    """Seconds since midnight from ``"07:00; 13.30"``, sorted; ``()`` when blank.

    Raises ``ValueError`` naming the piece that is not a time of day.
    """
    if _blank(value):
        return ()
    out: set[int] = set()
    for token in re.split(r"[,;/\s]+", str(value).strip()):
        if not token:
            continue
        m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", token)
        if m is None or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
            raise ValueError(token)
        out.add(int(m.group(1)) * 3600 + int(m.group(2) or 0) * 60)
    return tuple(sorted(out))


def harbour_schedules(harbours: pd.DataFrame | None, regency: str) -> dict[str, Schedule]:
    """Harbour name -> (sailing days, departures) for the regency's harbours that have any."""
    if harbours is None or harbours.empty:
        return {}
    rows = harbours[harbours["kabupaten_kode"].astype(str) == regency]
    out: dict[str, Schedule] = {}
    for row in rows.to_dict("records"):
        days = parse_days(row.get("sailing_days"))
        deps = parse_times(row.get("departures"))
        if days is not None or deps:
            out[str(row["name"])] = (days, deps)
    return out


def sails_on(days: frozenset[int] | None, day: date) -> bool:
    """Whether a boat with sailing ``days`` sails on ``day``."""
    return days is None or day.isoweekday() in days


def first_departure(departures: Iterable[int], at_quay_s: int) -> int | None:
    """The first departure at or after ``at_quay_s`` (``at_quay_s`` itself when unscheduled);
    ``None`` when the last one has gone."""
    deps = tuple(departures)
    if not deps:
        return at_quay_s
    later = [d for d in deps if d >= at_quay_s]
    return min(later) if later else None


def clock_id(seconds: int) -> str:
    """``07.30``: a time of day as Indonesian text writes it."""
    return f"{seconds // 3600:02d}.{seconds % 3600 // 60:02d}"


def describe_id(days: frozenset[int] | None, departures: Iterable[int]) -> str:
    """``Sen, Kam pukul 07.00, 13.30``: a schedule in Indonesian."""
    parts = []
    if days is not None:
        parts.append(", ".join(SHORT_ID[d] for d in sorted(days)))
    deps = tuple(departures)
    if deps:
        parts.append("pukul " + ", ".join(clock_id(d) for d in deps))
    return " ".join(parts) if parts else "setiap hari"


def describe_en(days: frozenset[int] | None, departures: Iterable[int]) -> str:
    """``Mon, Thu at 07:00, 13:30``: a schedule in English."""
    names = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
    parts = []
    if days is not None:
        parts.append(", ".join(names[d] for d in sorted(days)))
    deps = tuple(departures)
    if deps:
        parts.append("at " + ", ".join(f"{d // 3600:02d}:{d % 3600 // 60:02d}" for d in deps))
    return " ".join(parts) if parts else "every day"



def boat_starts(legs: CrossingLegs | None, vehicles: Sequence[Vehicle], loc: int,
                duration: npt.NDArray[np.int64], boarding_s: int
                ) -> tuple[list[int | None], int | None]:
    """When each team-day could start work at location ``loc``, with boats' schedules.

    Per vehicle: the earliest start of service after the leg from its start (at the quay
    ``boarding_s`` before the first departure it can catch, then the sailing and the way
    on), or ``None`` when no boat of that
    crossing sails for it (not a sailing day, or the last departure has gone).  The second
    value is the start of the visit's time window when a schedule applies (the latest of
    the vehicles' earliest starts, so that no team-day is assumed on an earlier boat than
    it can catch), else ``None``.
    """
    starts: list[int | None] = []
    scheduled = False
    for v in vehicles:
        leg = int(duration[v.start_location, loc])
        plain = v.shift_start_s + leg
        c = int(legs.reach[v.start_location, loc]) if legs is not None else -1
        if c < 0:
            starts.append(plain)
            continue
        crossing = legs.crossings[c] if legs is not None else None
        if crossing is None or (crossing.sailing_days is None and not crossing.departures):
            starts.append(plain)
            continue
        scheduled = True
        day = date.fromisoformat(v.date) if v.date else None
        if day is not None and not sails_on(crossing.sailing_days, day):
            starts.append(None)
            continue
        at_quay = v.shift_start_s + int(legs.to_quay_s[v.start_location, loc]) \
            if legs is not None else plain
        if not crossing.departures:
            starts.append(plain)
            continue
        dep = first_departure(crossing.departures, at_quay + boarding_s)
        if dep is None:
            starts.append(None)
            continue
        starts.append(dep + (plain - at_quay - boarding_s))
    known = [s for s, v in zip(starts, vehicles, strict=True)
             if s is not None and v.boat_capable] or [s for s in starts if s is not None]
    window = max(known) if scheduled and known else None
    if window is not None:
        starts = [None if s is None else window for s in starts]
    return starts, window


def no_sailing_detail(legs: CrossingLegs | None, vehicles: Sequence[Vehicle],
                      loc: int) -> tuple[str, str]:
    """``Pelabuhan X berlayar Sen, Kam pukul 07.00``: the schedules that kept ``loc`` waiting."""
    seen: dict[str, tuple[str, str]] = {}
    for v in vehicles:
        c = int(legs.reach[v.start_location, loc]) if legs is not None else -1
        if legs is None or c < 0:
            continue
        x = legs.crossings[c]
        seen[x.harbour] = (f"{x.harbour} berlayar {describe_id(x.sailing_days, x.departures)}",
                           f"{x.harbour} sails {describe_en(x.sailing_days, x.departures)}")
    return "; ".join(t[0] for t in seen.values()), "; ".join(t[1] for t in seen.values())


#: Duration (s) that keeps a leg out of every route: longer than any day.
NO_LEG_S = 2 * 86_400


def straight_to_the_boat(duration: npt.NDArray[np.int64], legs: CrossingLegs | None,
                         depots: int) -> npt.NDArray[np.int64]:
    """``duration`` with legs that would catch a timed boat from anywhere but a base removed.

    With departure times, a team catches the boat by leaving its base at the start of the
    shift and driving straight to the harbour (:func:`boat_starts` times the visit from
    there); a route that records a mainland village first would reach the harbour at a time
    no window can check, so such legs get :data:`NO_LEG_S`.  Locations below ``depots`` are
    the bases.
    """
    if legs is None:
        return duration
    timed = np.array([bool(c.departures) for c in legs.crossings], dtype=bool)
    if not timed.any():
        return duration
    reach = legs.reach
    blocked = (reach >= 0) & timed[np.clip(reach, 0, None)]
    blocked[:depots, :] = False
    if not blocked.any():
        return duration
    out = np.array(duration, dtype=np.int64, copy=True)
    out[blocked] = NO_LEG_S
    return out
