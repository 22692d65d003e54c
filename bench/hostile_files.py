"""Files built to exhaust an upload: a repeated village code, millions of rows or cells.

The XLSX files are written as raw SpreadsheetML, streamed into the zip, so a 2-million-row
sheet costs seconds and a few megabytes here; spreadsheet programs write the same parts.
Used by ``bench/bench_upload_limits.py`` and by the tests of the read limits.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

#: The village code every row of the repeated-code files carries.
REPEATED_CODE = "36.72.01.1001"
BACKLOG_HEADER = ("kode", "wajib_ktp", "sudah_rekam", "belum_rekam")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cell(value: object) -> str:
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_rows(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """SpreadsheetML ``<row>`` elements for rows of values (numbers or text)."""
    for number, row in enumerate(rows, start=1):
        yield f'<row r="{number}">{"".join(_cell(v) for v in row)}</row>'


def write_xlsx(path: Path, rows_xml: Iterable[str], *, dimension: str = "A1") -> Path:
    """Write a one-sheet workbook whose sheet data are the given ``<row>`` elements."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        + f'<dimension ref="{dimension}"/><sheetData>'.encode())
            buffer: list[str] = []
            for row in rows_xml:
                buffer.append(row)
                if len(buffer) >= 10_000:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def repeated_code_rows(rows: int) -> Iterator[tuple[object, ...]]:
    """A backlog header and ``rows`` data rows that all carry :data:`REPEATED_CODE`."""
    yield BACKLOG_HEADER
    for _ in range(rows):
        yield (REPEATED_CODE, 1000, 900, 100)


def write_repeated_code_csv(path: Path, rows: int) -> Path:
    """A backlog CSV of ``rows`` rows of one village code (the 190 KB file of issue 16)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.writelines(",".join(str(v) for v in row) + "\n" for row in repeated_code_rows(rows))
    return path


def write_repeated_code_xlsx(path: Path, rows: int) -> Path:
    """The same as an XLSX sheet; identical rows without row numbers, as some exporters
    write them, so 2 million rows compress to well under a megabyte."""
    header = next(sheet_rows([BACKLOG_HEADER]))
    row = "<row>" + "".join(_cell(v) for v in (REPEATED_CODE, 1000, 900, 100)) + "</row>"

    def rows_xml() -> Iterator[str]:
        yield header
        block = row * 10_000
        for _ in range(rows // 10_000):
            yield block
        yield row * (rows % 10_000)
    return write_xlsx(path, rows_xml())


def write_wide_row_xlsx(path: Path, cells: int) -> Path:
    """An XLSX whose first row has ``cells`` cells without references (the 89 KB file)."""
    def rows() -> Iterator[str]:
        yield '<row r="1">'
        chunk = "<c><v>1</v></c>" * 10_000
        for _ in range(cells // 10_000):
            yield chunk
        yield "<c><v>1</v></c>" * (cells % 10_000) + "</row>"
    return write_xlsx(path, rows())
