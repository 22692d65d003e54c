"""Places a team may sleep on a multi-day trip (issue 18): the optional ``lodging.csv``.

Columns: ``kabupaten_kode``, ``name``, ``lat``/``lng`` as for offices and harbours, plus the
nightly cost in rupiah (``biaya_malam`` / ``nightly_cost_rp``; blank = the params'
``[trips] lodging_rp``) and the number of teams it can take a night (``kapasitas`` /
``capacity``; blank = 1).  Without the file the planner uses the regency's other offices
(kecamatan offices, free) and village stop points (at ``[trips] lodging_rp``), see
:func:`planner.trips.lodging_candidates`.
"""

from __future__ import annotations

import pandas as pd

from planner.errors import Problem
from planner.io.sites import read_sites
from planner.io.tables import read_table
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.validation import ProblemCollector, match_headers, parse_count, show

LODGING_ALIASES: dict[str, tuple[str, ...]] = {
    "cost_rp": ("nightly_cost_rp", "biaya_malam", "biaya_per_malam", "harga", "cost", "biaya"),
    "capacity": ("capacity", "kapasitas", "jumlah_tim"),
}

LODGING_COLUMNS = ("lodging_id", "kabupaten_kode", "name", "lon", "lat", "cost_rp", "capacity")


def empty_lodging() -> pd.DataFrame:
    """A lodging table with no rows (the file was not given)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in LODGING_COLUMNS})


def read_lodging(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read lodging points: the site columns plus ``cost_rp`` (nullable) and ``capacity``."""
    frame, warnings = read_sites(path, kind="lodging", limits=limits)
    table = read_table(path, limits=limits)
    collector = ProblemCollector(table.source, limits)
    found = match_headers(table.headers, LODGING_ALIASES)
    costs: list[int | None] = [None] * len(table.rows)
    caps: list[int] = [1] * len(table.rows)
    if "cost_rp" in found:
        for i, (row, value) in enumerate(zip(table.row_numbers, table.column(found["cost_rp"]),
                                             strict=True)):
            number, kind = parse_count(value)
            if kind == "blank":
                continue
            if number is None or number < 0:
                collector.error(row, found["cost_rp"], f"biaya '{show(value)}' harus rupiah "
                                "bilangan bulat", f"cost '{show(value)}' must be whole rupiah")
            costs[i] = number
    if "capacity" in found:
        for i, (row, value) in enumerate(zip(table.row_numbers,
                                             table.column(found["capacity"]), strict=True)):
            number, kind = parse_count(value)
            if kind == "blank":
                continue
            if number is None or number < 1:
                collector.error(row, found["capacity"], f"kapasitas '{show(value)}' minimal 1",
                                f"capacity '{show(value)}' must be at least 1")
            caps[i] = number or 1
    collector.raise_if_errors()
    frame = frame.assign(cost_rp=pd.Series(costs, dtype="Int64"),
                         capacity=pd.Series(caps, dtype="int64"))
    return frame, [*warnings, *collector.warnings()]
