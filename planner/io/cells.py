"""Column-wise parsing of a :class:`~planner.io.tables.Table` into values plus problems.

Each helper parses one column with a pure function from :mod:`planner.validation` and
records a problem with the file, spreadsheet row and column for every bad cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.errors import InputError, Problem
from planner.io.tables import Table
from planner.limits import number_en, number_id
from planner.validation import (
    COUNT_MESSAGES,
    KodeLevel,
    ProblemCollector,
    find_personal_data_columns,
    kode_message,
    normalize_kode,
    parse_bool,
    parse_count,
    personal_data_message,
    show,
)


def refuse_personal_data(columns: Mapping[str, Sequence[object]], source: str, *,
                         lists_people: bool | None = None) -> None:
    """Raise :class:`InputError` when any column carries personal data; values never quoted."""
    found = find_personal_data_columns(columns, lists_people=lists_people)
    if found:
        problems = []
        for header, reason in found.items():
            mid, men = personal_data_message(reason)
            problems.append(Problem(source, None, header, mid, men))
        raise InputError(problems)


def require_headers(found: Mapping[str, str], required: Mapping[str, Sequence[str]],
                    headers: Sequence[str], collector: ProblemCollector) -> None:
    """Record an error per required field that no header names (row 1 is the header row)."""
    for name, aliases in required.items():
        if name not in found:
            names = ", ".join(dict.fromkeys((name, *aliases)))
            collector.error(1, name, f"kolom wajib tidak ada; nama yang diterima: {names}. "
                            f"Kolom yang ada: {', '.join(headers)}",
                            f"required column missing; accepted names: {names}. "
                            f"Columns present: {', '.join(headers)}")


def kode_column(table: Table, header: str, collector: ProblemCollector, *,
                level: KodeLevel = "desa", required: bool = True) -> list[str | None]:
    """Normalised dotted codes; ``None`` where blank (error if required) or refused."""
    out: list[str | None] = []
    for number, value in zip(table.row_numbers, table.column(header), strict=True):
        code, kind = normalize_kode(value, level)
        if kind == "undotted":
            mid, men = kode_message(kind, level)
            collector.warning(number, header, f"{mid} ({code})", f"{men} ({code})")
        elif kind == "blank":
            if required:
                mid, men = kode_message(kind, level)
                collector.error(number, header, mid, men)
        elif kind != "ok":
            mid, men = kode_message(kind, level)
            collector.error(number, header, f"'{show(value)}': {mid}", f"'{show(value)}': {men}")
        out.append(code)
    return out


def count_column(table: Table, header: str, collector: ProblemCollector, *,
                 required: bool = False) -> list[int | None]:
    """Whole non-negative counts; ``None`` where blank (an error when ``required``) or bad."""
    out: list[int | None] = []
    for number, value in zip(table.row_numbers, table.column(header), strict=True):
        count, kind = parse_count(value)
        if kind != "ok" and (kind != "blank" or required):
            mid, men = COUNT_MESSAGES[kind]
            quoted = "" if kind == "blank" else f"'{show(value)}': "
            collector.error(number, header, quoted + mid, quoted + men)
        out.append(count)
    return out


def bool_column(table: Table, header: str, collector: ProblemCollector) -> list[bool | None]:
    """``ya/tidak/yes/no/true/false/1/0``; blank -> ``None``; anything else is an error."""
    out: list[bool | None] = []
    for number, value in zip(table.row_numbers, table.column(header), strict=True):
        flag, ok = parse_bool(value)
        if not ok:
            collector.error(number, header,
                            f"'{show(value)}' bukan ya/tidak (ya, tidak, 1, 0, true, false)",
                            f"'{show(value)}' is not yes/no (ya, tidak, 1, 0, true, false)")
        out.append(flag)
    return out


def text_column(table: Table, header: str | None) -> list[str | None]:
    """Stripped text, ``None`` where blank (or every row when the column is absent)."""
    if header is None:
        return [None] * len(table.rows)
    return [None if v is None else str(v).strip() or None for v in table.column(header)]


def duplicate_rows(values: Sequence[str | None], rows: Sequence[int], header: str,
                   collector: ProblemCollector, what: tuple[str, str]) -> None:
    """Record one error per value that appears more than once, on its first row, with how
    often it appears and its first rows (``muncul 5.000 kali: baris 2, 3, 4, …``).

    One entry per value, not one per row listing every other row: 5,000 copies of one code
    made a message of 25 million row numbers.
    """
    where: dict[str, list[int]] = {}
    for value, row in zip(values, rows, strict=True):
        if value is not None:
            where.setdefault(value, []).append(row)
    listed = collector.limits.rows_listed
    for value, found in where.items():
        if len(found) > 1:
            shown = ", ".join(str(r) for r in found[:listed])
            tail = ", …" if len(found) > listed else ""
            collector.error(found[0], header,
                            f"{what[0]} '{value}' ganda: muncul {number_id(len(found))} kali "
                            f"(baris {shown}{tail})",
                            f"duplicate {what[1]} '{value}': appears {number_en(len(found))} "
                            f"times (rows {shown}{tail})")
