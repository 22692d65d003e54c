"""Reading backlog CSV/XLSX files: aliases, splits, checks, personal data, encodings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import InputError
from planner.io.backlog import read_backlog
from planner.io.overrides import read_overrides
from planner.io.tables import read_table
from tests.conftest import write_csv

K1, K2 = "36.01.01.2001", "36.01.01.1002"
H = ["kode", "wajib_ktp", "belum_rekam"]

# (id, rows, expected row, expected column, words of the English reason)
FAILING = [
    ("no kode column", [["desa", "belum_rekam"], ["A", 1]], 1, "kode", "required column"),
    ("no count column", [["kode", "wajib_ktp"], [K1, 5]], 1, "belum_rekam", "required column"),
    ("blank kode", [H, ["", 10, 1]], 2, "kode", "blank"),
    ("letters in kode", [H, ["36.01.AB.2001", 10, 1]], 2, "kode", "only digits and dots"),
    ("wrong groups", [H, ["36.1.01.2001", 10, 1]], 2, "kode", "NN.NN.NN.NNNN"),
    ("13 digits", [H, ["3601012001123", 10, 1]], 2, "kode", "wrong length"),
    ("bad village type digit", [H, ["36.01.01.5001", 10, 1]], 2, "kode", "must start with 1"),
    ("text count", [H, [K1, 10, "abc"]], 2, "belum_rekam", "not a whole number"),
    ("fraction", [H, [K1, 10, "12.5"]], 2, "belum_rekam", "without decimals"),
    ("thousands dot", [H, [K1, "1.234", 1]], 2, "wajib_ktp", "without decimals"),
    ("negative", [H, [K1, 10, "-3"]], 2, "belum_rekam", "negative"),
    ("blank unrecorded", [H, [K1, 10, ""]], 2, "belum_rekam", "blank"),
    ("unrecorded above wajib", [H, [K1, 10, 11]], 2, "belum_rekam", "more than wajib KTP"),
    ("three counts disagree", [["kode", "wajib_ktp", "sudah_rekam", "belum_rekam"],
                               [K1, 10, 5, 4]], 2, "sudah_rekam", "differs from wajib KTP"),
    ("alias header named", [["Kode Desa", "Jumlah Belum Rekaman"], [K1, "x"]], 2,
     "Jumlah Belum Rekaman", "not a whole number"),
    ("split disagrees", [["kode", "belum_rekam", "belum_rekam_lk", "belum_rekam_pr"],
                         [K1, 10, 4, 5]], 2, "belum_rekam", "male + female"),
    ("split column alone", [["kode", "belum_rekam", "belum_rekam_lk"], [K1, 10, 4]], 1,
     "belum_rekam_lk", "matching column"),
    ("split cell missing", [["kode", "belum_rekam_lk", "belum_rekam_pr"], [K1, 4, ""]], 2,
     "belum_rekam_pr", "incomplete"),
    ("duplicate code", [H, [K1, 10, 1], [K1, 10, 2]], 2, "kode", "duplicate"),
    ("override word", [[*H, "pulau"], [K1, 10, 1, "mungkin"]], 2, "pulau", "not yes/no"),
    ("extra cells", [H, [K1, 10, 1, "surplus"]], 2, None, "more cells"),
    ("no data rows", [H], None, None, "no data rows"),
    ("empty file", [], None, None, "empty"),
]


@pytest.mark.parametrize(("rows", "row", "column", "words"),
                         [pytest.param(*case[1:], id=case[0]) for case in FAILING])
def test_failing_backlog_names_file_row_and_column(
        tmp_path: Path, rows: list[list[object]], row: int | None, column: str | None,
        words: str) -> None:
    """Each validation rule refuses the file with its file, row, column and reason."""
    path = write_csv(tmp_path / "backlog.csv", rows)
    with pytest.raises(InputError) as info:
        read_backlog(path)
    hits = [p for p in info.value.errors if p.file == path and p.row == row
            and p.column == column and words in p.message_en]
    assert hits, str(info.value)
    assert all(p.message_id for p in info.value.problems)


def test_duplicate_codes_are_one_error_naming_every_row(tmp_path: Path) -> None:
    """A duplicated village code is one error, on its first row, naming each of its rows."""
    path = write_csv(tmp_path / "b.csv", [H, [K1, 10, 1], [K2, 10, 1], [K1, 10, 2]])
    with pytest.raises(InputError) as info:
        read_backlog(path)
    duplicates = [p for p in info.value.errors if "duplicate" in p.message_en]
    assert [p.row for p in duplicates] == [2]
    assert "muncul 2 kali (baris 2, 4)" in duplicates[0].message_id
    assert "appears 2 times (rows 2, 4)" in duplicates[0].message_en


def test_all_problems_of_a_file_come_together(tmp_path: Path) -> None:
    """One InputError lists the problems of every bad row, not just the first."""
    path = write_csv(tmp_path / "b.csv", [H, ["x", 10, 1], [K1, -1, 1], [K2, 10, "abc"]])
    with pytest.raises(InputError) as info:
        read_backlog(path)
    assert {p.row for p in info.value.errors} == {2, 3, 4}


def test_csv_round_trip_with_aliases_splits_and_overrides(tmp_path: Path) -> None:
    """Aliased headers, sex splits and override words are read into the normalised frame."""
    path = write_csv(tmp_path / "b.csv", [
        ["Kode Wilayah", "Nama Desa", "wajib_ktp_lk", "wajib_ktp_pr", "Belum Rekam LK",
         "belum_rekam_pr", "Sudah_Rekam", "Pulau", "perbatasan"],
        [K1, "Sumur", 50, 50, 6, 4, 90, "ya", ""],
        [" 3601011002 ", "", 20, 10, 0, 0, "", "tidak", "1"],
    ])
    frame, warnings = read_backlog(path)
    assert frame["kode"].tolist() == [K1, K2]
    assert frame["wajib_ktp"].tolist() == [100, 30]
    assert frame["belum_rekam"].tolist() == [10, 0]
    assert frame["belum_rekam"].dtype == "int64"
    assert frame["sudah_rekam"].iloc[0] == 90
    assert pd.isna(frame["sudah_rekam"].iloc[1])
    assert pd.isna(frame["desa"].iloc[1])
    assert frame["island"].tolist() == [True, False]
    assert pd.isna(frame["border"].iloc[0])
    assert frame["border"].iloc[1]
    assert frame["coastal"].isna().all()
    assert str(frame["coastal"].dtype) == "boolean"
    assert frame["source_row"].tolist() == [2, 3]
    assert [(w.row, w.column) for w in warnings] == [(3, "Kode Wilayah")]
    assert "BPS" in warnings[0].message_en


def test_unrecorded_is_derived_from_wajib_minus_recorded(tmp_path: Path) -> None:
    """Without a belum_rekam column, wajib KTP minus recorded gives the backlog."""
    path = write_csv(tmp_path / "b.csv", [["kode", "wajib_ktp", "sudah_rekam"], [K1, 10, 7]])
    frame, _ = read_backlog(path)
    assert frame["belum_rekam"].tolist() == [3]


def test_xlsx_round_trip_with_excel_floats_and_blank_rows(tmp_path: Path) -> None:
    """XLSX counts stored as floats are read; row numbers skip nothing a person sees."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kode Desa", "Jumlah Wajib KTP", "Jumlah Belum Rekaman"])
    sheet.append([K1, 120.0, 12.0])
    sheet.append([])
    sheet.append([K2, 30, 3])
    sheet.append([K2, 30, 12.5])
    path = tmp_path / "b.xlsx"
    book.save(path)
    with pytest.raises(InputError) as info:
        read_backlog(str(path))
    assert [(p.row, p.column) for p in info.value.errors if "decimals" in p.message_en] == [
        (5, "Jumlah Belum Rekaman")]
    sheet.delete_rows(5)
    book.save(path)
    frame, _ = read_backlog(str(path))
    assert frame["belum_rekam"].tolist() == [12, 3]
    assert frame["source_row"].tolist() == [2, 4]


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8"), (",", "cp1252"),
                                                     ("\t", "utf-8-sig")])
def test_delimiters_and_encodings(tmp_path: Path, delimiter: str, encoding: str) -> None:
    """Semicolon/tab exports and Windows-1252 files are read; the BOM never reaches headers."""
    path = write_csv(tmp_path / "b.csv", [["kode", "desa", "belum_rekam"], [K1, "Cikoneng é", 5]],
                     delimiter=delimiter, encoding=encoding)
    frame, warnings = read_backlog(path)
    assert frame["desa"].tolist() == ["Cikoneng é"]
    assert bool(warnings) == (encoding == "cp1252")


def test_corrupt_xlsx_becomes_input_error(tmp_path: Path) -> None:
    """A file named .xlsx that is not a workbook gives a plain error, not a traceback."""
    path = tmp_path / "b.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="cannot read the Excel file"):
        read_table(path)


def test_missing_file_becomes_input_error(tmp_path: Path) -> None:
    """A path that does not exist is reported as 'file not found'."""
    with pytest.raises(InputError, match="file not found"):
        read_backlog(str(tmp_path / "nope.csv"))


NIK = "3601014501900001"


@pytest.mark.parametrize(("rows", "column"), [
    ([["kode", "NIK", "belum_rekam"], [K1, NIK, 1]], "NIK"),
    ([["kode", "nomor", "belum_rekam"], [K1, NIK, 1], [K2, NIK[:-1] + "2", 1]], "nomor"),
    ([["kode", "no_kk", "belum_rekam"], [K1, "", 1]], "no_kk"),
    ([["kode_desa", "nama", "tanggal_lahir"], [K1, "Budi", "1990-01-01"]], "nama"),
    ([["kode_desa", "nama"], [K1, "Budi"]], "nama"),
])
def test_personal_data_is_refused_without_echoing_it(tmp_path: Path, rows: list[list[object]],
                                                     column: str) -> None:
    """Files with NIK, KK numbers or names of people are refused and the values never shown."""
    path = write_csv(tmp_path / "b.csv", rows)
    with pytest.raises(InputError) as info:
        read_backlog(path)
    assert [p.column for p in info.value.errors] == [column]
    problem = info.value.errors[0]
    assert "27/2022" in problem.message_id
    assert "personal data" in problem.message_en
    assert NIK not in str(info.value)
    assert "Budi" not in str(info.value)


def test_village_name_columns_are_not_personal(tmp_path: Path) -> None:
    """desa, nama_desa, kecamatan and a village 'nama' beside counts are accepted."""
    path = write_csv(tmp_path / "b.csv", [["kode", "nama", "nama_desa", "kecamatan",
                                           "belum_rekam"], [K1, "Sumur", "Sumur", "Sumur", 3]])
    frame, _ = read_backlog(path)
    assert frame["desa"].tolist() == ["Sumur"]


def test_overrides_file(tmp_path: Path) -> None:
    """A separate overrides file gives nullable flags per code; blank means no override."""
    path = write_csv(tmp_path / "o.csv", [["kode", "terpencil", "pesisir", "hilly"],
                                          [K1, "ya", "", "0"]])
    frame, _ = read_overrides(path)
    assert frame["remote"].tolist() == [True]
    assert pd.isna(frame["coastal"].iloc[0])
    assert pd.isna(frame["island"].iloc[0])
    assert frame["hilly"].tolist() == [False]


def test_overrides_file_without_flag_columns_is_refused(tmp_path: Path) -> None:
    """An overrides file needs at least one flag column."""
    path = write_csv(tmp_path / "o.csv", [["kode", "catatan"], [K1, "x"]])
    with pytest.raises(InputError, match="no override column"):
        read_overrides(path)


def test_reading_does_not_change_the_file(tmp_path: Path) -> None:
    """Readers never write: a refused file is byte-for-byte unchanged."""
    path = write_csv(tmp_path / "b.csv", [H, [K1, 10, "x"]])
    before = Path(path).read_bytes()
    with pytest.raises(InputError):
        read_backlog(path)
    assert Path(path).read_bytes() == before
