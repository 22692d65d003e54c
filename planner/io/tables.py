"""Raw rows from CSV and XLSX files: encodings, delimiters and spreadsheet row numbers.

:func:`read_table` only reads; it never interprets a value.  A file that cannot be read at
all (missing, corrupt, not a table) becomes an :class:`~planner.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import InputError, Problem
from planner.io.xlsx_scan import scan_xlsx
from planner.limits import DEFAULT_LIMITS, XLSX_MAX_COLUMNS, ReadLimits, too_large
from planner.validation import ProblemCollector, is_blank

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass(frozen=True)
class Table:
    """A file's header and data rows, with each row's spreadsheet number (header = row 1)."""

    source: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    row_numbers: tuple[int, ...]
    #: Warnings from reading (e.g. a file that was not UTF-8).
    warnings: tuple[Problem, ...] = field(default=())

    def column(self, header: str) -> list[object]:
        """Every value of one column, in row order."""
        i = self.headers.index(header)
        return [row[i] for row in self.rows]

    def columns(self) -> dict[str, list[object]]:
        """All columns by header."""
        return {h: [row[i] for row in self.rows] for i, h in enumerate(self.headers)}


def _fail(source: str, message_id: str, message_en: str) -> InputError:
    return InputError([Problem(source, None, None, message_id, message_en)])


def _decode(data: bytes, source: str, collector: ProblemCollector) -> str:
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            collector.warning(None, None,
                              f"berkas bukan UTF-8; dibaca sebagai {encoding}",
                              f"file is not UTF-8; read as {encoding}")
        return text
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def sniff_delimiter(first_line: str) -> str:
    """``;``, tab or ``,``: whichever the header line has most of (Indonesian Excel uses ``;``)."""
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _assemble(source: str, raw_rows: Iterable[tuple[int, Sequence[object]]],
              collector: ProblemCollector) -> Table:
    header: list[str] | None = None
    rows: list[tuple[object, ...]] = []
    numbers: list[int] = []
    for number, raw in raw_rows:
        # texts (every CSV cell) first: stripped, empty ones are blank
        cells = [(v.strip() or None) if v.__class__ is str
                 else (None if is_blank(v) else v) for v in raw]
        if all(c is None for c in cells):
            continue
        if header is None:
            while cells and cells[-1] is None:
                cells.pop()
            header = ["" if c is None else str(c).replace("\ufeff", "").strip() for c in cells]
            continue
        if len(cells) < len(header):
            cells.extend([None] * (len(header) - len(cells)))
        elif len(cells) > len(header) and any(c is not None for c in cells[len(header):]):
            collector.error(number, None, "baris memiliki lebih banyak sel daripada judul kolom",
                            "row has more cells than there are column headers")
        rows.append(tuple(cells[: len(header)]))
        numbers.append(number)
    if header is None:
        raise InputError([*collector.problems, Problem(source, None, None, "berkas kosong",
                                                       "file is empty")])
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            collector.error(1, name, "judul kolom ganda", "duplicate column header")
        seen.add(name)
    if not rows:
        collector.error(None, None, "berkas tidak memiliki baris data", "file has no data rows")
    collector.raise_if_errors()
    keep = [i for i, name in enumerate(header) if name]
    return Table(source, tuple(header[i] for i in keep),
                 tuple(tuple(r[i] for i in keep) for r in rows), tuple(numbers),
                 tuple(collector.warnings()))


def _last_filled(raw: Sequence[object]) -> int:
    """1 + the index of the last non-blank cell; 0 for a blank row."""
    for i in range(len(raw) - 1, -1, -1):
        v = raw[i]
        if (v.strip() != "") if v.__class__ is str else not is_blank(v):
            return i + 1
    return 0


def _bounded(source: str, raw_rows: Iterable[tuple[int, Sequence[object]]],
             limits: ReadLimits) -> Iterator[tuple[int, Sequence[object]]]:
    """Pass rows on until the file passes a limit, then refuse it (nothing more is read)."""
    filled = width = 0
    for number, raw in raw_rows:
        last = _last_filled(raw)
        if last:
            filled += 1
            width = max(width, last)
            if last > limits.max_columns:
                raise InputError([too_large(source, last, limits.max_columns,
                                            "kolom berisi dalam satu baris",
                                            "filled columns in one row", row=number)])
            if filled - 1 > limits.max_rows:  # the first filled row is the header
                raise InputError([too_large(source, None, limits.max_rows, "baris data",
                                            "data rows")])
            if (filled - 1) * width > limits.max_cells:
                raise InputError([too_large(source, None, limits.max_cells,
                                            "sel (baris × kolom)", "cells (rows × columns)")])
        yield number, raw


def _first_line(text: str) -> str:
    return next((line for line in io.StringIO(text) if line.strip()), "")


def _lines(text: str, delimiter: str, source: str, limits: ReadLimits) -> Iterator[str]:
    """The text's lines; a line with more delimiters than a sheet has columns is refused
    before the CSV reader splits it into millions of strings."""
    most = max(XLSX_MAX_COLUMNS, limits.max_columns)
    for line in io.StringIO(text, newline=""):
        if line.count(delimiter) >= most:
            raise InputError([too_large(source, None, most, "sel dalam satu baris",
                                        "cells in one row")])
        yield line


def _read_csv(path: Path, source: str, limits: ReadLimits) -> Table:
    collector = ProblemCollector(source, limits)
    text = _decode(path.read_bytes(), source, collector)
    delimiter = sniff_delimiter(_first_line(text))
    reader = csv.reader(_lines(text, delimiter, source, limits), delimiter=delimiter)
    try:
        return _assemble(source, _bounded(source, enumerate(reader, start=1), limits),
                         collector)
    except csv.Error as exc:
        raise _fail(source, f"CSV tidak dapat dibaca: {exc}", f"unreadable CSV: {exc}") from exc


def _read_xlsx(path: Path, source: str, limits: ReadLimits) -> Table:
    import openpyxl  # imported here: only spreadsheet users pay for it

    extent = scan_xlsx(path, source, limits)  # refuses a file past a limit, unread
    collector = ProblemCollector(source, limits)
    if extent.last_row == 0:
        return _assemble(source, [], collector)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                # Explicit bounds: the <dimension> a file declares may be wrong or hostile
                # (openpyxl would pad every row to it); rows are numbered from 1 as shown.
                rows = book.worksheets[0].iter_rows(
                    min_row=1, max_row=extent.last_row, min_col=1, max_col=extent.width,
                    values_only=True)
                return _assemble(source, _bounded(source, enumerate(rows, start=1), limits),
                                 collector)
            finally:
                book.close()
    except InputError:
        raise
    except Exception as exc:  # any reader failure is the user's file, never a traceback
        raise _fail(source, f"berkas Excel tidak dapat dibaca ({type(exc).__name__})",
                    f"cannot read the Excel file ({type(exc).__name__})") from exc


def read_table(path: str | Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Table:
    """Read a CSV (``,``/``;``/tab, UTF-8 or Windows-1252) or XLSX file's first sheet.

    Blank rows are skipped but still counted, so row numbers match what a person sees in a
    spreadsheet.  Cells keep their type (XLSX) or stay text (CSV); blank cells are ``None``.
    A file past ``limits`` (rows, filled columns, cells) is refused as soon as reading
    passes the limit; an XLSX file is measured before openpyxl reads it.
    """
    p = Path(path)
    source = str(path)
    if not p.is_file():
        raise _fail(source, "berkas tidak ditemukan", "file not found")
    suffix = p.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, source, limits)
    if suffix == ".xls":
        raise _fail(source, "format .xls lama tidak didukung; simpan sebagai .xlsx atau CSV",
                    "old .xls format is not supported; save as .xlsx or CSV")
    try:
        return _read_csv(p, source, limits)
    except OSError as exc:
        raise _fail(source, f"berkas tidak dapat dibaca ({exc.strerror})",
                    f"cannot read the file ({exc.strerror})") from exc
