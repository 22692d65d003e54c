"""The plan as a spreadsheet (XLSX) and as CSV: one row per stop, then the waiting villages.

Every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) gets a leading ``'``; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from planner.exports._common import clock, escape_cell, team_routes
from planner.plan import Plan

Cell = str | int | float | None

#: Columns of the stops table, in order (see ``docs/exports.md``).
STOP_COLUMNS: tuple[str, ...] = (
    "tanggal", "tim_id", "tim", "urutan", "kode_desa", "desa", "kecamatan", "tiba_wib",
    "berangkat_wib", "perkiraan_rekam", "bagian", "jumlah_bagian", "lat", "lon")

#: Columns of the table of villages without a visit.
UNSCHEDULED_COLUMNS: tuple[str, ...] = (
    "kode_desa", "desa", "kecamatan", "perkiraan_rekam", "kode_alasan", "alasan",
    "yang_dibutuhkan")

STOPS_SHEET = "Jadwal"
UNSCHEDULED_SHEET = "Belum dijadwalkan"


def _escaped(row: Sequence[Cell]) -> list[Cell]:
    return [escape_cell(v) if isinstance(v, str) else v for v in row]


def stop_rows(plan: Plan, *, team_id: str | None = None) -> Iterator[list[Cell]]:
    """Rows of the stops table (unescaped), in route order; ``team_id`` keeps one team."""
    for route in team_routes(plan, team_id, source="tabel"):
        for s in route.stops:
            yield [route.date or "", route.team_id, route.team_name, s.sequence,
                   s.village_code or s.visit_id, s.desa, s.kecamatan, clock(s.arrival_s),
                   clock(s.departure_s), s.expected_recordings, s.chunk, s.chunks, s.lat, s.lon]


def unscheduled_rows(plan: Plan) -> Iterator[list[Cell]]:
    """Rows of the table of villages without a visit, reasons in Indonesian."""
    for u in plan.unscheduled:
        yield [u.village_code, u.desa, u.kecamatan, u.expected_recordings, u.reason.code,
               u.reason.text_id, u.reason.what_id]


def plan_to_csv(plan: Plan, *, team_id: str | None = None,
                include_unscheduled: bool = True) -> str:
    """The plan as CSV text: the stops table, then a blank line and the waiting villages.

    The second table (with its own header row) is written only for the whole plan
    (``team_id=None``) with ``include_unscheduled`` and at least one waiting village, so
    ``include_unscheduled=False`` gives a single table for any CSV reader.  Encode as
    ``utf-8-sig`` for Excel.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(STOP_COLUMNS)
    writer.writerows(_escaped(r) for r in stop_rows(plan, team_id=team_id))
    if include_unscheduled and team_id is None and plan.unscheduled:
        writer.writerow([])
        writer.writerow(UNSCHEDULED_COLUMNS)
        writer.writerows(_escaped(r) for r in unscheduled_rows(plan))
    return buffer.getvalue()


def _fill_sheet(ws: Any, header: Sequence[str], rows: Iterator[list[Cell]]) -> None:
    ws.append(list(header))
    widths = [len(h) for h in header]
    for row in rows:
        cells = _escaped(row)
        ws.append(cells)
        widths = [max(w, len(str(c)) if c is not None else 0)
                  for w, c in zip(widths, cells, strict=True)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
    ws.freeze_panes = "A2"


def plan_to_xlsx(plan: Plan, *, team_id: str | None = None) -> bytes:
    """The plan as an XLSX workbook: sheet ``Jadwal`` (stops) and ``Belum dijadwalkan``.

    With ``team_id`` the workbook holds only that team's stops and no waiting villages.
    """
    wb = Workbook()
    stops = wb.active
    stops.title = STOPS_SHEET
    _fill_sheet(stops, STOP_COLUMNS, stop_rows(plan, team_id=team_id))
    if team_id is None:
        _fill_sheet(wb.create_sheet(UNSCHEDULED_SHEET), UNSCHEDULED_COLUMNS,
                    unscheduled_rows(plan))
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return buffer.getvalue()
