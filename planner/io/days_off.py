"""The coordinator's days off (``days_off`` in the manifest), from CSV/XLSX.

One row per day: ``date`` (``tanggal``; 2026-12-31, 31/12/2026 or a spreadsheet date), who is
off (``team_id``/``tim`` for one team, ``office_id``/``kantor`` for every team based at an
office, both blank for every team) and ``reason`` (``alasan``, shown in the plan).  National
holidays and cuti bersama need no row: see :mod:`planner.calendar`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from planner.calendar import DayOff
from planner.errors import Problem
from planner.io.cells import refuse_personal_data, require_headers, text_column
from planner.io.tables import read_table
from planner.validation import ProblemCollector, match_headers, show

DAYS_OFF_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "tanggal", "tgl", "hari_libur"),
    "team_id": ("team_id", "tim", "id_tim", "kode_tim", "team"),
    "office_id": ("office_id", "kantor", "id_kantor", "office"),
    "reason": ("reason", "alasan", "keterangan", "keperluan"),
}
DAYS_OFF_COLUMNS = ("date", "office_id", "team_id", "reason", "source_row")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_day(value: object) -> date | None:
    """An ISO date, a day/month/year date or a spreadsheet date; ``None`` if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = _DMY.match(text)
    if found:
        try:
            return date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return None
    return None


def read_days_off(path: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a days-off file: columns ``date`` (a ``datetime.date``), ``office_id``,
    ``team_id``, ``reason`` and ``source_row``; raises one InputError listing every problem.
    """
    table = read_table(path)
    refuse_personal_data(table.columns(), table.source, lists_people=False)
    collector = ProblemCollector(table.source)
    collector.extend(table.warnings)
    found = match_headers(table.headers, DAYS_OFF_ALIASES)
    require_headers(found, {"date": DAYS_OFF_ALIASES["date"]}, table.headers, collector)
    collector.raise_if_errors()
    days: list[date | None] = []
    for row, value in zip(table.row_numbers, table.column(found["date"]), strict=True):
        day = None if value is None or str(value).strip() == "" else parse_day(value)
        if day is None:
            collector.error(row, found["date"], f"'{show(value)}' bukan tanggal "
                            "(contoh 2026-12-31 atau 31/12/2026)", f"'{show(value)}' is not "
                            "a date (e.g. 2026-12-31 or 31/12/2026)")
        days.append(day)
    teams = text_column(table, found.get("team_id"))
    offices = text_column(table, found.get("office_id"))
    for row, team, office in zip(table.row_numbers, teams, offices, strict=True):
        if team is not None and office is not None:
            collector.error(row, found["team_id"], "isi tim atau kantor, tidak keduanya",
                            "fill in the team or the office, not both")
    collector.raise_if_errors()
    reasons = text_column(table, found.get("reason"))
    frame = pd.DataFrame({
        "date": pd.Series(days, dtype="object"),
        "office_id": pd.Series(offices, dtype="object"),
        "team_id": pd.Series(teams, dtype="object"),
        "reason": pd.Series([r or "hari libur kantor" for r in reasons], dtype="str"),
        "source_row": pd.Series(table.row_numbers, dtype="int64"),
    })
    return frame, collector.warnings()


def days_off_list(frame: pd.DataFrame) -> list[DayOff]:
    """The rows of a days-off frame as :class:`DayOff` values."""
    out = []
    for row in frame.to_dict("records"):
        team = row["team_id"]
        office = row["office_id"]
        out.append(DayOff(row["date"], str(row["reason"]),
                          office_id=None if office is None or pd.isna(office) else str(office),
                          team_id=None if team is None or pd.isna(team) else str(team)))
    return out


def empty_days_off() -> pd.DataFrame:
    """A days-off frame with no row."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "source_row" else "object")
                         for c in DAYS_OFF_COLUMNS})
