"""Bounded reading: files past the row, column and cell limits are refused before they are
read whole, and many problems of one kind become one grouped, capped entry (issue 16 §2)."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import box

from planner.dataset import load_dataset
from planner.errors import InputError
from planner.io.backlog import read_backlog
from planner.io.tables import read_table
from planner.io.villages import read_villages
from planner.limits import ReadLimits
from planner.validation import ProblemCollector
from tests.conftest import write_csv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.hostile_files import (
    BACKLOG_HEADER,
    REPEATED_CODE,
    sheet_rows,
    write_repeated_code_csv,
    write_repeated_code_xlsx,
    write_wide_row_xlsx,
    write_xlsx,
)

H = ["kode", "wajib_ktp", "belum_rekam"]


def _refusal(call) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        call()
    return info.value


def test_collector_groups_one_problem_on_many_rows() -> None:
    """The same problem on 500 rows is one entry with the count and the first rows."""
    collector = ProblemCollector("f.csv", ReadLimits(rows_listed=3))
    for row in range(2, 502):
        collector.error(row, "belum_rekam", "jumlah kosong", "count is blank")
    collector.error(600, "belum_rekam", "lain", "other")
    problems = collector.problems
    assert len(problems) == 2
    assert problems[0].row == 2
    assert problems[0].message_id == "jumlah kosong (pada 500 baris: 2, 3, 4, …)"
    assert problems[0].message_en == "count is blank (on 500 rows: 2, 3, 4, …)"
    assert problems[1].message_id == "lain"


def test_collector_caps_its_list_and_still_refuses() -> None:
    """Past max_problems kinds the rest are counted in one closing entry; an error that
    was only counted still refuses."""
    collector = ProblemCollector("f.csv", ReadLimits(max_problems=5))
    for row in range(2, 12):
        collector.warning(row, "kode", f"peringatan {row}", f"warning {row}")
    collector.error(20, "kode", "salah", "wrong")
    problems = collector.problems
    assert len(problems) == 6
    assert problems[-1].severity == "error"
    assert "dan 6 masalah lain tidak ditampilkan" in problems[-1].message_id
    assert collector.has_errors
    with pytest.raises(InputError):
        collector.raise_if_errors()


def test_repeated_code_is_one_short_error(tmp_path: Path) -> None:
    """3,000 rows of one village code give one error of a few hundred characters, naming
    the first rows (the old message listed every other row on every row: quadratic)."""
    path = write_repeated_code_csv(tmp_path / "b.csv", 3000)
    error = _refusal(lambda: read_backlog(str(path)))
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.row, problem.column) == (2, "kode")
    assert f"'{REPEATED_CODE}' ganda: muncul 3.000 kali (baris 2, 3, 4" in problem.message_id
    assert "appears 3,000 times" in problem.message_en
    assert len(str(error)) < 1000


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_too_many_rows_is_refused_and_the_limit_itself_is_read(tmp_path: Path,
                                                                suffix: str) -> None:
    """A file one data row past max_rows is refused with the limit named; at the limit
    it is read."""
    limits = ReadLimits(max_rows=50)
    write = write_repeated_code_csv if suffix == ".csv" else write_repeated_code_xlsx
    at_limit = write(tmp_path / f"ok{suffix}", 50)
    assert len(read_table(at_limit, limits=limits).rows) == 50
    over = write(tmp_path / f"big{suffix}", 51)
    error = _refusal(lambda: read_table(over, limits=limits))
    [problem] = error.problems
    assert problem.message_id.startswith("Berkas terlalu besar: lebih dari 50 baris data, "
                                         "batas 50.")
    assert "File too large" in problem.message_en


def test_too_many_filled_columns_is_refused_with_its_row(tmp_path: Path) -> None:
    """A row with more filled columns than max_columns names the row and the count."""
    path = write_csv(tmp_path / "w.csv", [H, ["36.01.01.2001", 10, 1, *range(20)]])
    error = _refusal(lambda: read_table(path, limits=ReadLimits(max_columns=10)))
    [problem] = error.problems
    assert problem.row == 2
    assert "23 kolom berisi dalam satu baris, batas 10" in problem.message_id


def test_too_many_cells_is_refused(tmp_path: Path) -> None:
    """Rows x columns past max_cells is refused even when each alone is allowed."""
    path = write_csv(tmp_path / "c.csv", [H, *[["36.01.01.2001", 10, 1]] * 40])
    error = _refusal(lambda: read_table(path, limits=ReadLimits(max_cells=100)))
    assert "sel (baris × kolom), batas 100" in error.problems[0].message_id


def test_csv_line_of_millions_of_cells_is_refused_before_splitting(tmp_path: Path) -> None:
    """A CSV line with more separators than a sheet has columns is refused unsplit."""
    path = tmp_path / "wide.csv"
    path.write_text("kode,belum_rekam\n" + ",".join(["12"] * 600_000) + "\n")
    tracemalloc.start()
    try:
        error = _refusal(lambda: read_table(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "sel dalam satu baris, batas 16.384" in error.problems[0].message_id
    assert peak < 20 * 1024 * 1024


def test_xlsx_row_of_many_cells_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    """An XLSX row of 300,000 cells is refused by the streaming scan in little memory
    (openpyxl alone builds the whole row: hundreds of megabytes)."""
    path = write_wide_row_xlsx(tmp_path / "wide.xlsx", 300_000)
    tracemalloc.start()
    try:
        error = _refusal(lambda: read_table(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [problem] = error.problems
    assert (problem.row, problem.message_id.split(":")[0]) == (1, "Berkas terlalu besar")
    assert peak < 20 * 1024 * 1024


def test_xlsx_rows_are_numbered_as_shown_when_the_sheet_starts_lower(tmp_path: Path) -> None:
    """A sheet whose header is on row 3 reports a bad cell on row 4, its real row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.cell(3, 1, "kode")
    sheet.cell(3, 2, "belum_rekam")
    sheet.cell(4, 1, "36.01.01.2001")
    sheet.cell(4, 2, "abc")
    book.save(tmp_path / "low.xlsx")
    error = _refusal(lambda: read_backlog(str(tmp_path / "low.xlsx")))
    assert {p.row for p in error.errors} == {4}


def test_xlsx_lying_dimension_is_not_trusted(tmp_path: Path) -> None:
    """A sheet of 4 columns that declares A1:XFD2001 is read by its real cells; rows are not
    padded to 16,384 columns (33 million empty cells)."""
    path = write_xlsx(tmp_path / "lie.xlsx", sheet_rows(
        [BACKLOG_HEADER, *[(REPEATED_CODE, 10, 9, 1)] * 2000]), dimension="A1:XFD2001")
    started = time.perf_counter()
    table = read_table(path)
    assert time.perf_counter() - started < 3
    assert table.headers == BACKLOG_HEADER
    assert len(table.rows) == 2000


def test_layer_with_too_many_features_is_refused_before_reading(tmp_path: Path) -> None:
    """A village layer with more features than max_rows is refused from its feature count."""
    frame = gpd.GeoDataFrame(
        {"kode": [f"36.01.01.2{i:03d}" for i in range(30)], "desa": ["D"] * 30},
        geometry=[box(106 + i * 0.01, -6.5, 106.005 + i * 0.01, -6.49) for i in range(30)],
        crs="EPSG:4326")
    path = tmp_path / "v.gpkg"
    frame.to_file(path, layer="villages")
    assert len(read_villages(str(path), limits=ReadLimits(max_rows=30))[0]) == 30
    error = _refusal(lambda: read_villages(str(path), limits=ReadLimits(max_rows=20)))
    [problem] = error.problems
    assert "Berkas terlalu besar: 30 fitur (baris), batas 20" in problem.message_id
    error = _refusal(lambda: read_villages(str(path), limits=ReadLimits(max_columns=1)))
    assert "kolom atribut, batas 1" in error.problems[0].message_id


def test_dataset_problems_across_files_are_capped(good_files: dict[str, str],
                                                  tmp_path: Path) -> None:
    """Unknown codes of 300 backlog rows stay within max_problems entries in total."""
    good_files["backlog"] = write_csv(tmp_path / "many.csv", [
        H, *[[f"36.09.01.{2000 + i}", 10, 1] for i in range(300)]])
    error = _refusal(lambda: load_dataset(**good_files, limits=ReadLimits(max_problems=40)))
    assert len(error.problems) == 41
    assert "masalah lain tidak ditampilkan" in error.problems[-1].message_id


def test_xlsx_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    """A cell of 40,000 characters (Excel stops at 32,767) is refused by the scan."""
    path = write_xlsx(tmp_path / "long.xlsx", sheet_rows([("kode",), ("x" * 40_000,)]))
    error = _refusal(lambda: read_table(path))
    [problem] = error.problems
    assert problem.row == 2
    assert "32.767 karakter dalam satu sel" in problem.message_id


def test_xlsx_text_past_the_limit_is_refused(tmp_path: Path) -> None:
    """More characters of cell text than max_text_chars (a zip bomb's signature) is refused."""
    path = write_xlsx(tmp_path / "text.xlsx", sheet_rows([("kode",), *[("y" * 100,)] * 30]))
    assert len(read_table(path, limits=ReadLimits(max_text_chars=5000)).rows) == 30
    error = _refusal(lambda: read_table(path, limits=ReadLimits(max_text_chars=1000)))
    assert "1.000 karakter teks" in error.problems[0].message_id


def _with_shared_strings(path: Path, count: int) -> Path:
    """Add a shared-strings part of ``count`` texts, declared only by its content type
    (openpyxl finds it that way), to a workbook whose cells index it."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(f"<si><t>teks {i}</t></si>".encode() for i in range(count)) + b"</sst>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_xlsx_shared_strings_are_counted_before_openpyxl_loads_them(tmp_path: Path) -> None:
    """A workbook with more distinct texts than max_cells is refused from its shared
    strings, which openpyxl would load whole; with fewer, the texts are read."""
    rows = ['<row r="1"><c t="s"><v>0</v></c></row>', '<row r="2"><c t="s"><v>1</v></c></row>']
    small = _with_shared_strings(write_xlsx(tmp_path / "small.xlsx", rows), 40)
    assert read_table(small, limits=ReadLimits(max_cells=50)).rows == (("teks 1",),)
    big = _with_shared_strings(write_xlsx(tmp_path / "big.xlsx", rows), 60)
    error = _refusal(lambda: read_table(big, limits=ReadLimits(max_cells=50)))
    assert "lebih dari 50 teks berbeda" in error.problems[0].message_id


def test_xlsx_package_without_its_sheet_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    """A workbook whose sheet part is missing is refused as an unreadable Excel file."""
    import zipfile

    source = write_repeated_code_xlsx(tmp_path / "ok.xlsx", 2)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(broken, "w") as new:
        for name in old.namelist():
            if not name.startswith("xl/worksheets/"):
                new.writestr(name, old.read(name))
    error = _refusal(lambda: read_table(broken))
    assert "berkas Excel tidak dapat dibaca" in error.problems[0].message_id
