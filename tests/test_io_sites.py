"""Reading offices, harbours and teams: coordinates, settings and refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError
from planner.io.sites import read_harbours, read_offices, read_teams
from tests.conftest import write_csv

OFFICE_H = ["kabupaten_kode", "name", "lat", "lng"]
TEAM_H = ["kabupaten_kode", "team", "recording_kits", "boat_capable"]


def test_offices_round_trip_with_swapped_point(tmp_path: Path) -> None:
    """Offices get slug ids; a point stored as [lng, lat] is swapped back with a warning."""
    path = write_csv(tmp_path / "o.csv", [
        ["Kabupaten_Kode", "Nama", "Lat", "Lon"],
        ["36.01", "Disdukcapil Uji", "-6,3086", "106,1039"],
        ["3602", "Kantor Dua", 106.2, -6.4],
    ], delimiter=";")
    frame, warnings = read_offices(path)
    assert frame.columns.tolist() == ["office_id", "kabupaten_kode", "name", "lon", "lat"]
    assert frame["office_id"].tolist() == ["disdukcapil-uji", "kantor-dua"]
    assert frame["kabupaten_kode"].tolist() == ["36.01", "36.02"]
    assert np.allclose(frame[["lon", "lat"]].to_numpy(), [[106.1039, -6.3086], [106.2, -6.4]])
    assert sorted((w.row, "swapped" in w.message_en or "BPS" in w.message_en)
                  for w in warnings) == [(3, True), (3, True)]


def test_harbours_keep_given_ids(tmp_path: Path) -> None:
    """A harbour_id column is kept as the id."""
    path = write_csv(tmp_path / "h.csv", [["harbour_id", *OFFICE_H],
                                          ["h1", "36.04", "Karangantu", -6.03, 106.16]])
    frame, _ = read_harbours(path)
    assert frame["harbour_id"].tolist() == ["h1"]


# (id, rows, expected row, expected column, words of the English reason)
SITE_FAILING = [
    ("missing lat column", [["kabupaten_kode", "name", "lng"], ["36.01", "A", 106.1]], 1, "lat",
     "required column"),
    ("bad regency code", [OFFICE_H, ["36.1", "A", -6.3, 106.1]], 2, "kabupaten_kode",
     "NN.NN"),
    ("outside Indonesia", [OFFICE_H, ["36.01", "A", 48.8, 2.3]], 2, "lat", "outside Indonesia"),
    ("not a number", [OFFICE_H, ["36.01", "A", "utara", 106.1]], 2, "lat", "not numbers"),
    ("blank coordinates", [OFFICE_H, ["36.01", "A", "", ""]], 2, "lat", "blank"),
    ("blank name", [OFFICE_H, ["36.01", "", -6.3, 106.1]], 2, "name", "blank"),
    ("duplicate id", [OFFICE_H, ["36.01", "A", -6.3, 106.1], ["36.02", "A", -6.3, 106.2]], 2,
     "name", "duplicate"),
]


@pytest.mark.parametrize(("rows", "row", "column", "words"),
                         [pytest.param(*c[1:], id=c[0]) for c in SITE_FAILING])
def test_failing_offices_name_file_row_and_column(
        tmp_path: Path, rows: list[list[object]], row: int, column: str, words: str) -> None:
    """Each office/harbour rule refuses the file with file, row, column and reason."""
    path = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(InputError) as info:
        read_offices(path)
    hits = [p for p in info.value.errors if p.file == path and p.row == row
            and p.column == column and words in p.message_en]
    assert hits, str(info.value)


def test_teams_round_trip_with_settings(tmp_path: Path) -> None:
    """Team settings are read; blank optional settings stay None/NA for the planner's defaults."""
    path = write_csv(tmp_path / "t.csv", [
        ["Nama Tim", "kabupaten_kode", "kantor", "jumlah_alat", "bisa_kapal", "hari_kerja",
         "jam_mulai", "jam_selesai", "kuota_harian", "menit_per_orang"],
        ["Tim Satu", "36.01", "Kantor Uji", 2, "ya", "Sen-Sab", "07.30", "15:00", 80, "2,5"],
        ["Tim Dua", "36.01", "", 1, "tidak", "", "", "", "", ""],
    ])
    frame, warnings = read_teams(path)
    assert warnings == []
    one, two = frame.to_dict("records")
    assert one["team_id"] == "tim-satu"
    assert one["base"] == "Kantor Uji"
    assert one["kits"] == 2
    assert one["boat_capable"] is True
    assert one["workdays"] == (1, 2, 3, 4, 5, 6)
    assert (one["day_start"], one["day_end"]) == ("07:30", "15:00")
    assert one["daily_cap"] == 80
    assert one["minutes_per_person"] == 2.5
    assert two["workdays"] is None
    assert two["day_start"] is None
    assert pd.isna(two["daily_cap"])
    assert np.isnan(two["minutes_per_person"])
    assert pd.isna(two["base"])
    assert str(frame["daily_cap"].dtype) == "Int64"
    assert frame["kits"].dtype == "int64"


TEAM_FAILING = [
    ("no kits column", [["kabupaten_kode", "team"], ["36.01", "A"]], 1, "kits",
     "required column"),
    ("blank team name", [TEAM_H, ["36.01", "", 1, "ya"]], 2, "team", "blank"),
    ("zero kits", [TEAM_H, ["36.01", "A", 0, "ya"]], 2, "recording_kits", "at least 1"),
    ("fractional kits", [TEAM_H, ["36.01", "A", 1.5, "ya"]], 2, "recording_kits", "at least 1"),
    ("boat word", [TEAM_H, ["36.01", "A", 1, "kadang"]], 2, "boat_capable", "not yes/no"),
    ("bad regency", [TEAM_H, ["x", "A", 1, "ya"]], 2, "kabupaten_kode", "digits"),
    ("duplicate team", [TEAM_H, ["36.01", "A", 1, "ya"], ["36.01", "A", 1, "ya"]], 2, "team",
     "duplicate"),
    ("bad workdays", [[*TEAM_H, "workdays"], ["36.01", "A", 1, "ya", "Jum-Sen"]], 2,
     "workdays", "unreadable"),
    ("bad time", [[*TEAM_H, "day_start"], ["36.01", "A", 1, "ya", "pagi"]], 2, "day_start",
     "HH:MM"),
    ("end before start", [[*TEAM_H, "day_start", "day_end"], ["36.01", "A", 1, "ya", "15:00",
                                                               "08:00"]], 2, "day_end", "after"),
    ("zero cap", [[*TEAM_H, "daily_cap"], ["36.01", "A", 1, "ya", 0]], 2, "daily_cap",
     "at least 1"),
    ("zero minutes", [[*TEAM_H, "minutes_per_person"], ["36.01", "A", 1, "ya", "0"]], 2,
     "minutes_per_person", "above 0"),
]


@pytest.mark.parametrize(("rows", "row", "column", "words"),
                         [pytest.param(*c[1:], id=c[0]) for c in TEAM_FAILING])
def test_failing_teams_name_file_row_and_column(
        tmp_path: Path, rows: list[list[object]], row: int, column: str, words: str) -> None:
    """Each team rule refuses the file with file, row, column and reason."""
    path = write_csv(tmp_path / "t.csv", rows)
    with pytest.raises(InputError) as info:
        read_teams(path)
    hits = [p for p in info.value.errors if p.file == path and p.row == row
            and p.column == column and words in p.message_en]
    assert hits, str(info.value)


def test_team_file_with_nik_is_refused(tmp_path: Path) -> None:
    """A teams file listing staff NIKs is refused as personal data."""
    path = write_csv(tmp_path / "t.csv", [[*TEAM_H, "nik_ketua"],
                                          ["36.01", "A", 1, "ya", "3601014501900001"]])
    with pytest.raises(InputError, match="personal data"):
        read_teams(path)
