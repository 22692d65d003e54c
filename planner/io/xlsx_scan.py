"""Measure an XLSX file's first sheet by streaming its XML, before anything reads it whole.

openpyxl (even read-only) builds a whole row in memory, and loads every shared string at
once; an 89 KB file with one row of 3 million cells needed gigabytes.  :func:`scan_xlsx`
walks the compressed XML with expat, holding one cell at a time, and stops at the first
limit passed: rows, filled columns, rows x columns, characters, or Excel's own bounds
(16,384 columns, 32,767 characters a cell) that no spreadsheet program writes past.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from planner.errors import InputError, Problem
from planner.limits import XLSX_MAX_CELL_CHARS, XLSX_MAX_COLUMNS, ReadLimits, too_large

#: Parts read whole to find the sheet (workbook, relationships) are small in any real file.
_MAX_INDEX_PART_BYTES = 16 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024
_CELL_REF = re.compile(r"([A-Za-z]{1,3})\d*")


@dataclass(frozen=True)
class SheetExtent:
    """Where the values of the first sheet lie: the last row and column with a value."""

    last_row: int
    width: int


class _UnreadableError(Exception):
    """The package is not a workbook we can find a sheet in."""


# Element names the scan reacts to (expat reports them as written, maybe prefixed).
_ROW, _CELL, _TEXT, _STRING = 1, 2, 3, 4
_TAGS = {"row": _ROW, "c": _CELL, "v": _TEXT, "t": _TEXT, "si": _STRING}


def _local(name: str) -> str:
    return name.rpartition("}")[2].rpartition(":")[2]


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise _UnreadableError(name) from exc
    if info.file_size > _MAX_INDEX_PART_BYTES:
        raise _UnreadableError(name)
    return ElementTree.fromstring(archive.read(info))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target path inside the package) of one part."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for rel in _small_xml(archive, rels):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


_SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
#: Workbook content types in the order openpyxl looks for them.
_WORKBOOK_TYPES = ("application/vnd.ms-excel.template.macroEnabled.main+xml",
                   _SPREADSHEETML + "template.main+xml",
                   "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                   _SPREADSHEETML + "sheet.main+xml")
_SHARED_STRINGS_TYPE = _SPREADSHEETML + "sharedStrings+xml"


def _parts(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The first worksheet's part and the shared strings part, found as openpyxl finds
    them: the workbook and the strings by content type, the sheet by relationship."""
    overrides: dict[str, str] = {}
    defaults: set[str] = set()
    for element in _small_xml(archive, "[Content_Types].xml"):
        kind = element.get("ContentType", "")
        if _local(element.tag) == "Override":
            overrides.setdefault(kind, element.get("PartName", "").lstrip("/"))
        elif _local(element.tag) == "Default":
            defaults.add(kind)
    workbook = next((overrides[t] for t in _WORKBOOK_TYPES if overrides.get(t)), None)
    if workbook is None:
        if not defaults.intersection(_WORKBOOK_TYPES):
            raise _UnreadableError("no workbook")
        workbook = "xl/workbook.xml"
    strings = overrides.get(_SHARED_STRINGS_TYPE)
    rels = _relationships(archive, workbook)
    for element in _small_xml(archive, workbook).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        kind, path = rels.get(rel_id, ("", ""))
        if "chartsheet" not in kind and path in archive.NameToInfo:
            return path, strings if strings in archive.NameToInfo else None
    raise _UnreadableError("no worksheet")


def _column(ref: str | None, previous: int) -> int:
    if ref is None:
        return previous + 1
    match = _CELL_REF.match(ref)
    if match is None:
        return previous + 1
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


class _Scan:
    """Counters of one pass; every handler is O(1), nothing of the file is kept."""

    def __init__(self, source: str, limits: ReadLimits) -> None:
        self.source, self.limits = source, limits
        self.max_raw_cells = max(XLSX_MAX_COLUMNS, limits.max_columns)
        self.row = self.col = self.cells_in_row = self.row_width = 0
        self.filled_rows = self.last_row = self.width = 0
        self.strings = 0
        self.in_text = self.has_value = False
        self.cell_chars = self.text_chars = 0

    def refuse(self, problem: Problem) -> InputError:
        return InputError([problem])

    # --- the sheet --------------------------------------------------------------------------
    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _TAGS.get(name) or _TAGS.get(name.rpartition(":")[2], 0)
        if tag == _CELL:
            self.cells_in_row += 1
            if self.cells_in_row > self.max_raw_cells:
                raise self.refuse(too_large(self.source, None, self.max_raw_cells,
                                            "sel dalam satu baris", "cells in one row",
                                            row=self.row))
            ref = attrs.get("r")
            self.col = self.col + 1 if ref is None else _column(ref, self.col)
            self.has_value, self.cell_chars = False, 0
        elif tag == _TEXT:
            self.in_text = True
        elif tag == _ROW:
            ref = attrs.get("r")
            self.row = int(float(ref)) if ref and ref.replace(".", "", 1).isdigit() \
                else self.row + 1
            self.col = self.cells_in_row = self.row_width = 0
        elif tag == _STRING:
            self.strings += 1
            self.cell_chars = 0
            if self.strings > self.limits.max_cells:
                raise self.refuse(too_large(self.source, None, self.limits.max_cells,
                                            "teks berbeda", "distinct texts"))

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.cell_chars += len(data)
        self.text_chars += len(data)
        if not self.has_value and not data.isspace():
            self.has_value = True
        if self.cell_chars > XLSX_MAX_CELL_CHARS:
            raise self.refuse(too_large(self.source, None, XLSX_MAX_CELL_CHARS,
                                        "karakter dalam satu sel", "characters in one cell",
                                        row=self.row or None))
        if self.text_chars > self.limits.max_text_chars:
            raise self.refuse(too_large(self.source, None, self.limits.max_text_chars,
                                        "karakter teks", "characters of text"))

    def end(self, name: str) -> None:
        tag = _TAGS.get(name) or _TAGS.get(name.rpartition(":")[2], 0)
        if tag == _TEXT:
            self.in_text = False
        elif tag == _CELL:
            if self.has_value and self.col > self.row_width:
                self.row_width = self.col
        elif tag == _ROW and self.row_width:
            self._count_row()

    def _count_row(self) -> None:
        limits = self.limits
        self.filled_rows += 1
        self.last_row = max(self.last_row, self.row)
        self.width = max(self.width, self.row_width)
        if self.row_width > limits.max_columns:
            raise self.refuse(too_large(self.source, self.row_width, limits.max_columns,
                                        "kolom berisi dalam satu baris",
                                        "filled columns in one row", row=self.row))
        if self.filled_rows - 1 > limits.max_rows:  # the first filled row is the header
            raise self.refuse(too_large(self.source, None, limits.max_rows, "baris data",
                                        "data rows"))
        if (self.filled_rows - 1) * self.width > limits.max_cells:
            raise self.refuse(too_large(self.source, None, limits.max_cells,
                                        "sel (baris × kolom)", "cells (rows × columns)"))

    def feed(self, archive: zipfile.ZipFile, part: str) -> None:
        parser = expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.buffer_text = True
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK_BYTES):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)


def scan_xlsx(path: Path, source: str, limits: ReadLimits) -> SheetExtent:
    """The first sheet's extent; raises :class:`InputError` past a limit or when unreadable.

    Shared strings are counted too (openpyxl loads them all before the first row).
    """
    scan = _Scan(source, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            sheet, strings = _parts(archive)
            if strings is not None:
                scan.feed(archive, strings)
            scan.in_text = False
            scan.feed(archive, sheet)
    except InputError:
        raise
    except Exception as exc:  # a broken package is the user's file, never a traceback
        raise InputError([Problem(source, None, None,
                                  f"berkas Excel tidak dapat dibaca ({type(exc).__name__})",
                                  f"cannot read the Excel file ({type(exc).__name__})")]
                         ) from exc
    return SheetExtent(scan.last_row, scan.width)
