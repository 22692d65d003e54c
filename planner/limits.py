"""How much of a file the readers accept, checked before a file is read whole.

A regency has at most about a thousand villages and the largest province under 8,600; a
backlog or boundary file has a few dozen columns.  The defaults leave twice a province's
room and refuse files that could only exhaust the server: millions of rows, a row of
millions of cells, an unlimited list of problems.  Refusing costs time in proportion to
the rows read up to the limit (about 1 s for 20,000 XLSX rows on a busy 2-core machine,
5-6 s for 100,000).  The web app overrides the limits from its configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import Problem
from planner.numbers import format_number

#: Excel's own limits: a sheet never has more columns, a cell never more characters.
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on one file and on the problems reported about it."""

    #: Data rows (features of a map layer) of one file.
    max_rows: int = 20_000
    #: Filled columns (attributes of a map layer) of one file.
    max_columns: int = 200
    #: Rows x columns of one file.
    max_cells: int = 2_000_000
    #: Characters of text in the cells of one spreadsheet (a zip bomb unpacks to gigabytes).
    max_text_chars: int = 64_000_000
    #: Entries in a problem list; the rest are counted in one closing entry.
    max_problems: int = 200
    #: Rows named in a grouped problem ("baris 2, 3, 4, …").
    rows_listed: int = 10

    def __post_init__(self) -> None:
        for name in ("max_rows", "max_columns", "max_cells", "max_text_chars",
                     "max_problems", "rows_listed"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


DEFAULT_LIMITS = ReadLimits()

#: The command line reads an office's own files on its own machine, up to the whole nation
#: (about 83,000 villages, issue 22): ten times a province's room.  ``--max-rows`` changes it.
COMMAND_LINE_LIMITS = ReadLimits(max_rows=200_000, max_cells=20_000_000,
                                 max_text_chars=640_000_000)


def number_id(n: int) -> str:
    """A whole number as Indonesians write it: ``5.000``."""
    return format_number(n)


def number_en(n: int) -> str:
    """A whole number as English readers write it: ``5,000``."""
    return format_number(n, locale="en")


def too_large(source: str, found: int | None, limit: int, what_id: str, what_en: str, *,
              row: int | None = None) -> Problem:
    """The refusal of a file past a limit: ``Berkas terlalu besar: 150.000 baris data, batas
    100.000 ...``.

    ``found`` is ``None`` when reading stopped at the limit (``lebih dari 100.000``);
    ``what_id``/``what_en`` name the unit (``baris data``/``data rows``).
    """
    shown_id = f"lebih dari {number_id(limit)}" if found is None else number_id(found)
    shown_en = f"more than {number_en(limit)}" if found is None else number_en(found)
    return Problem(
        source, row, None,
        f"Berkas terlalu besar: {shown_id} {what_id}, batas {number_id(limit)}. Kirim data "
        "satu kabupaten/kota saja, tanpa baris atau kolom tambahan.",
        f"File too large: {shown_en} {what_en}, the limit is {number_en(limit)}. Send one "
        "regency's data only, without extra rows or columns.")
