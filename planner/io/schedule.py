"""Team schedules: workdays (``1-5``, ``Sen-Jum``, ``Mon-Fri``) and clock times (``HH:MM``).

Pure parsers in the ``(value, ok)`` style of :mod:`planner.validation`.
"""

from __future__ import annotations

import datetime as dt
import re

from planner.validation import is_blank

_DAYS = {
    "sen": 1, "senin": 1, "mon": 1, "monday": 1,
    "sel": 2, "selasa": 2, "tue": 2, "tues": 2, "tuesday": 2,
    "rab": 3, "rabu": 3, "wed": 3, "wednesday": 3,
    "kam": 4, "kamis": 4, "thu": 4, "thur": 4, "thurs": 4, "thursday": 4,
    "jum": 5, "jumat": 5, "fri": 5, "friday": 5,
    "sab": 6, "sabtu": 6, "sat": 6, "saturday": 6,
    "min": 7, "minggu": 7, "ahad": 7, "sun": 7, "sunday": 7,
}


def _day(token: str) -> int | None:
    token = token.strip().casefold().replace("'", "")
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 7 else None
    return _DAYS.get(token)


def parse_workdays(value: object) -> tuple[tuple[int, ...] | None, bool]:
    """Workdays as ISO weekday numbers: ``1-5``, ``1,2,3``, ``Sen-Jum``, ``Mon-Fri``...

    Returns ``(None, True)`` for blank, ``(None, False)`` when the text cannot be read.
    """
    if is_blank(value):
        return None, True
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s*(s/d|sampai|to|–|—)\s*", "-", str(value).strip().casefold())
    days: set[int] = set()
    for part in re.split(r"[,;/\s]+", text):
        if not part:
            continue
        ends = part.split("-")
        if len(ends) == 1:
            day = _day(ends[0])
            if day is None:
                return None, False
            days.add(day)
        elif len(ends) == 2:
            first, last = _day(ends[0]), _day(ends[1])
            if first is None or last is None or last < first:
                return None, False
            days.update(range(first, last + 1))
        else:
            return None, False
    return (tuple(sorted(days)), True) if days else (None, False)


def parse_hhmm(value: object) -> tuple[str | None, bool]:
    """A clock time as ``HH:MM`` (also ``8:00``, ``08.00``, Excel times).

    Blank gives ``(None, True)``; unreadable text gives ``(None, False)``.
    """
    if is_blank(value):
        return None, True
    if isinstance(value, dt.time | dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}", True
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::00)?", str(value).strip())
    if match is None:
        return None, False
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None, False
    return f"{hour:02d}:{minute:02d}", True
