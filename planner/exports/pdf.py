"""A printable A4 route sheet for one team's week (ReportLab, TrueType font embedded).

The default font is Bitstream Vera (``Vera.ttf``/``VeraBd.ttf``), which ships inside the
``reportlab`` wheel, so no system font is needed; it covers ASCII and Latin-1, i.e. every
letter of Indonesian.  Pass ``font_path`` (e.g. DejaVu Sans) for wider coverage.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as RLTableStyle

from planner.covering import stop_invitation
from planner.exports._common import chunk_text, clock, day_text, stop_label, team_name, team_routes
from planner.numbers import format_number
from planner.plan import Plan, Route, Stop, leg_text

_FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
DEFAULT_FONT = _FONT_DIR / "Vera.ttf"
DEFAULT_BOLD_FONT = _FONT_DIR / "VeraBd.ttf"

HEADER = ("No", "Tiba", "Selesai", "Desa", "Kecamatan", "Perkiraan rekam", "Jumlah direkam",
          "Paraf kepala desa")
_WIDTHS_MM = (8, 13, 15, 36, 29, 19, 20, 35)  # 175 mm: A4 less margins and frame padding


def _register(path: Path) -> str:
    name = f"jb-{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _fitter(font_name: str) -> Callable[[str], str]:
    """Text → text the font can draw: letters it lacks lose their accents (Ŝ → S), else go.

    A missing glyph would print as an empty box; a name is better read without its accent.
    """
    cmap: dict[int, int] = pdfmetrics.getFont(font_name).face.charToGlyph

    def fit(text: str) -> str:
        out: list[str] = []
        for ch in text:
            if ord(ch) in cmap or ch == "\n":
                out.append(ch)
                continue
            out.extend(c for c in unicodedata.normalize("NFKD", ch)
                       if ord(c) in cmap and not unicodedata.combining(c))
        return "".join(out)

    return fit


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=9.5, leading=13),
        "day": ParagraphStyle("day", fontName=bold, fontSize=11.5, leading=15, spaceBefore=8,
                              spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8, leading=10),
    }


def _invited(stop: Stop) -> str:
    """A covering stop's invitation, after the village's name on the sheet."""
    invite = stop_invitation(stop.serves, stop.serves_desa)
    return f" — {invite}" if invite else ""


def _day_table(route: Route, cell: Callable[[str, str], Paragraph], regular: str,
               bold: str) -> Table:
    rows: list[list[Any]] = [[cell(h, "head") for h in HEADER]]
    for s in route.stops:
        boat = leg_text(s.leg)
        rows.append([str(s.sequence), clock(s.arrival_s), clock(s.departure_s),
                     cell(stop_label(s) + chunk_text(s) + (f" (naik {boat})" if boat else "")
                          + _invited(s), "cell"), cell(s.kecamatan, "cell"),
                     format_number(s.expected_recordings), "", ""])
    rows.append(["", "", "", cell("Jumlah", "head"), "",
                 format_number(route.expected_recordings), "", ""])
    table = Table(rows, colWidths=[w * mm for w in _WIDTHS_MM], repeatRows=1, hAlign="LEFT")
    table.setStyle(RLTableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 8.5),
        ("FONT", (0, -1), (-1, -1), bold, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("ALIGN", (0, 1), (2, -1), "CENTER"),
        ("ALIGN", (5, 1), (5, -1), "RIGHT"),
        # room to write a number and a signature by hand
        ("TOPPADDING", (0, 1), (-1, -2), 9),
        ("BOTTOMPADDING", (0, 1), (-1, -2), 9),
    ]))
    return table


def _signatures(st: dict[str, ParagraphStyle]) -> Table:
    blank = "\n\n\n(......................................)"
    table = Table([[Paragraph("Ketua tim", st["cell"]),
                    Paragraph("Mengetahui, petugas Disdukcapil", st["cell"])],
                   [blank, blank]], colWidths=[88 * mm, 87 * mm], hAlign="LEFT")
    table.setStyle(RLTableStyle([("FONT", (0, 0), (-1, -1), st["cell"].fontName, 8.5),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def route_sheet_pdf(plan: Plan, team_id: str, *, font_path: str | Path | None = None,
                    bold_font_path: str | Path | None = None) -> bytes:
    """A4 PDF route sheet of ``team_id``'s week, in Indonesian, ready to print.

    Per working day: a heading (day, date, leave and return times in WIB) and a table of
    stops (sequence, arrival, departure, desa, kecamatan, expected recordings) with blank
    columns for the number actually recorded and the village head's initials, a total row,
    and signature boxes for the team lead and the office.  Days without stops say so.  The
    font is embedded (subset); output is byte-for-byte reproducible for the same plan.
    """
    regular = _register(Path(font_path) if font_path else DEFAULT_FONT)
    bold = _register(Path(bold_font_path) if bold_font_path
                     else Path(font_path) if font_path else DEFAULT_BOLD_FONT)
    st = _styles(regular, bold)
    fit = _fitter(regular)

    def para(text: str, style: str) -> Paragraph:
        return Paragraph(escape(fit(text)), st[style])

    name = team_name(plan, team_id)
    routes = team_routes(plan, team_id, source="pdf")
    story: list[Any] = [
        para(f"Lembar rute perekaman KTP-el: {name}", "title"),
        para(f"Rencana {plan.name}; minggu mulai "
             f"{day_text(plan.week_start) if plan.week_start else '-'}; semua waktu WIB", "sub"),
        Spacer(1, 4 * mm)]
    for route in routes:
        night = ([para(f"Malam ini menginap di {route.night.get('name', '')}", "day")]
                 if route.night else [])
        if not route.stops:
            story.append(KeepTogether([para(day_text(route.date), "day"),
                                       para("Tidak ada kunjungan.", "cell"), *night]))
            continue
        back = leg_text(route.return_leg)
        end_word = "selesai" if route.night else "kembali"
        head = para(f"{day_text(route.date)}: berangkat {clock(route.start_s)}, "
                    f"{end_word} {clock(route.end_s)}"
                    # to the night place "naik", home "pulang naik" (as in the WhatsApp text)
                    + (f" ({'naik' if route.night else 'pulang naik'} {back})" if back else ""),
                    "day")
        story.append(KeepTogether([head, _day_table(route, para, regular, bold), *night,
                                   Spacer(1, 3 * mm),
                                   Paragraph("Catatan: " + "." * 150, st["cell"]),
                                   Spacer(1, 2 * mm), _signatures(st)]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(15 * mm, 9 * mm, fit(f"Jemput Bola: {plan.name}, {name}"))
        canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, f"Halaman {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=16 * mm, invariant=1,
                            initialFontName=regular,
                            title=f"Lembar rute {name}", author="Jemput Bola", lang="id")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
