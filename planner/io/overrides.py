"""Coordinator overrides of the village flags (island, border, coastal, remote, hilly).

Overrides come as optional columns of the backlog or as a separate file with a code column.
Values are yes/no words; blank means "no override" and stays NA, so computed values and
the coordinator's decisions are never confused.
"""

from __future__ import annotations

import pandas as pd

from planner.errors import Problem
from planner.io.cells import (
    bool_column,
    duplicate_rows,
    kode_column,
    refuse_personal_data,
    require_headers,
)
from planner.io.tables import Table, read_table
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.validation import ProblemCollector, match_headers

#: Override fields, in output order, with their accepted header names.
OVERRIDE_ALIASES: dict[str, tuple[str, ...]] = {
    "island": ("pulau", "kepulauan"),
    "border": ("perbatasan",),
    "coastal": ("pesisir", "pantai"),
    "remote": ("terpencil",),
    "hilly": ("perbukitan", "pegunungan"),
}
OVERRIDE_FIELDS: tuple[str, ...] = tuple(OVERRIDE_ALIASES)
KODE_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode_wilayah", "kode_desa", "kode desa", "kdepum", "kode_kemendagri"),
}


def override_columns(table: Table, collector: ProblemCollector) -> pd.DataFrame:
    """The five nullable boolean override columns of ``table`` (all NA when absent)."""
    found = match_headers(table.headers, OVERRIDE_ALIASES)
    data: dict[str, pd.Series] = {}
    for name in OVERRIDE_FIELDS:
        values: list[bool | None] = (bool_column(table, found[name], collector)
                                     if name in found else [None] * len(table.rows))
        data[name] = pd.Series(values, dtype="boolean")
    return pd.DataFrame(data)


def read_overrides(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read an overrides CSV/XLSX: a code column plus any of the five flag columns.

    Returns ``kode``, ``island``, ``border``, ``coastal``, ``remote``, ``hilly`` (nullable
    booleans) and ``source_row``, plus the warnings; raises one
    :class:`~planner.errors.InputError` listing every problem.
    """
    table = read_table(path, limits=limits)
    refuse_personal_data(table.columns(), table.source)
    collector = ProblemCollector(table.source, limits)
    collector.extend(table.warnings)
    found = match_headers(table.headers, KODE_ALIASES)
    require_headers(found, KODE_ALIASES, table.headers, collector)
    if not match_headers(table.headers, OVERRIDE_ALIASES):
        collector.error(1, None, "tidak ada kolom pengganti (pulau, perbatasan, pesisir, "
                        "terpencil, perbukitan)", "no override column (island, border, "
                        "coastal, remote, hilly)")
    collector.raise_if_errors()
    codes = kode_column(table, found["kode"], collector)
    duplicate_rows(codes, table.row_numbers, found["kode"], collector,
                   ("kode desa", "village code"))
    flags = override_columns(table, collector)
    collector.raise_if_errors()
    frame = pd.concat([pd.DataFrame({"kode": pd.Series(codes, dtype="str")}), flags], axis=1)
    frame["source_row"] = pd.Series(table.row_numbers, dtype="int64")
    return frame, collector.warnings()
