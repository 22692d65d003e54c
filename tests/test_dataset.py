"""load_dataset: every file read, cross-checked, one error for all; the Banten data loads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.dataset import Dataset, load_dataset, load_dataset_from_folder, load_manifest
from planner.errors import InputError
from tests.conftest import VILLAGE_ROWS, write_csv


def test_good_files_load(good_files: dict[str, str]) -> None:
    """A valid set of files gives a complete Dataset with teams resolved to their office."""
    data = load_dataset(**good_files)
    assert isinstance(data, Dataset)
    assert len(data.villages) == 4
    assert data.backlog["belum_rekam"].sum() == 46
    assert data.teams["base_office_id"].tolist() == ["kantor-uji", "kantor-lain"]
    assert data.warnings == ()
    assert data.sources["backlog"] == good_files["backlog"]
    assert len(data.neighbours) == 0
    assert data.neighbours.crs.to_epsg() == 4326


def test_village_table_keeps_missing_counts_as_na(good_files: dict[str, str],
                                                  tmp_path: Path) -> None:
    """Villages without a backlog row keep NA counts (a data problem, not zero) and a warning."""
    files = dict(good_files, backlog=write_csv(tmp_path / "b2.csv", [
        ["kode", "belum_rekam", "pulau"], [VILLAGE_ROWS[0][0], 5, "ya"]]))
    data = load_dataset(**files)
    table = data.village_table()
    assert len(table) == 4
    assert table.crs.to_epsg() == 4326
    assert table["belum_rekam"].iloc[0] == 5
    assert table["belum_rekam"].isna().sum() == 3
    assert table["island_override"].iloc[0]
    assert table["island_override"].isna().sum() == 3
    assert [w.severity for w in data.warnings] == ["warning"]
    assert "3 villages have no backlog row" in data.warnings[0].message_en


def test_overrides_file_wins_and_reaches_the_backlog(good_files: dict[str, str],
                                                     tmp_path: Path) -> None:
    """Overrides from a separate file are applied over the backlog's own override columns."""
    kode = VILLAGE_ROWS[1][0]
    files = dict(good_files, overrides=write_csv(tmp_path / "o.csv",
                                                 [["kode", "terpencil"], [kode, "ya"]]))
    data = load_dataset(**files)
    row = data.backlog.set_index("kode").loc[kode]
    assert bool(row["remote"])
    assert pd.isna(row["island"])
    assert data.overrides["kode"].tolist() == [kode]


def _cross_case(files: dict[str, str], tmp_path: Path, case: str) -> dict[str, str]:
    if case == "unknown backlog code":
        files["backlog"] = write_csv(tmp_path / "b.csv", [
            ["kode", "belum_rekam"], [VILLAGE_ROWS[0][0], 1], ["36.09.09.2009", 1]])
    elif case == "unknown override code":
        files["overrides"] = write_csv(tmp_path / "o.csv", [["kode", "pulau"],
                                                            ["36.09.09.2009", "ya"]])
    elif case == "unknown base office":
        files["teams"] = write_csv(tmp_path / "t.csv", [
            ["kabupaten_kode", "team", "kits", "base"], ["36.01", "A", 1, "Kantor Hilang"]])
    elif case == "unknown team regency":
        files["teams"] = write_csv(tmp_path / "t.csv", [
            ["kabupaten_kode", "team", "kits"], ["36.09", "A", 1]])
    elif case == "staffed regency without office":
        files["offices"] = write_csv(tmp_path / "o2.csv", [
            ["kabupaten_kode", "name", "lat", "lng"], ["36.01", "Kantor Uji", -6.3, 106.1]])
    elif case == "several offices, no base":
        files["offices"] = write_csv(tmp_path / "o2.csv", [
            ["kabupaten_kode", "name", "lat", "lng"], ["36.01", "K1", -6.3, 106.1],
            ["36.01", "K2", -6.3, 106.2], ["36.02", "K3", -6.3, 106.3]])
    return files


# (case, role of the file blamed, row, column, words of the English reason)
CROSS_FAILING = [
    ("unknown backlog code", "backlog", 3, "kode", "not in the village map"),
    ("unknown override code", "overrides", 2, "kode", "not in the village map"),
    ("unknown base office", "teams", 2, "base", "not in the offices file"),
    ("unknown team regency", "teams", 2, "kabupaten_kode", "not in the village map"),
    ("staffed regency without office", "offices", None, "kabupaten_kode", "has villages but no"),
    ("several offices, no base", "teams", 2, "base", "several offices"),
]


@pytest.mark.parametrize(("case", "role", "row", "column", "words"), CROSS_FAILING,
                         ids=[c[0] for c in CROSS_FAILING])
def test_cross_file_checks(good_files: dict[str, str], tmp_path: Path, case: str, role: str,
                           row: int | None, column: str, words: str) -> None:
    """Each cross-file rule refuses the dataset naming the file, row and column at fault."""
    files = _cross_case(dict(good_files), tmp_path, case)
    with pytest.raises(InputError) as info:
        load_dataset(**files)
    hits = [p for p in info.value.errors if p.file == files[role] and p.row == row
            and p.column == column and words in p.message_en]
    assert hits, str(info.value)


def test_unstaffed_regency_without_office_is_a_warning(good_files: dict[str, str],
                                                       tmp_path: Path) -> None:
    """A regency with villages but no office and no team only warns."""
    files = dict(good_files, offices=write_csv(tmp_path / "o2.csv", [
        ["kabupaten_kode", "name", "lat", "lng"], ["36.01", "Kantor Uji", -6.3, 106.1]]))
    files["teams"] = write_csv(tmp_path / "t2.csv", [["kabupaten_kode", "team", "kits"],
                                                     ["36.01", "A", 1]])
    data = load_dataset(**files)
    assert [w.column for w in data.warnings] == ["kabupaten_kode"]


def test_bad_files_among_good_ones_give_one_error_and_change_nothing(
        good_files: dict[str, str], tmp_path: Path) -> None:
    """Two bad files among good ones: one InputError listing both; no file is modified."""
    files = dict(good_files)
    files["backlog"] = write_csv(tmp_path / "bad_backlog.csv", [["kode", "belum_rekam"],
                                                                ["36.01.01.2002", "-3"]])
    files["teams"] = write_csv(tmp_path / "bad_teams.csv", [["kabupaten_kode", "team", "kits"],
                                                            ["36.01", "A", 0]])
    paths = [Path(p.rsplit(":", 1)[0] if p.endswith(":villages") else p) for p in files.values()]
    before = {p: p.read_bytes() for p in paths}
    result: Dataset | None = None
    with pytest.raises(InputError) as info:
        result = load_dataset(**files)
    assert result is None
    assert {p.file for p in info.value.errors} == {files["backlog"], files["teams"]}
    assert {p: p.read_bytes() for p in paths} == before


def test_manifest_folder(good_files: dict[str, str], tmp_path: Path) -> None:
    """A folder's manifest.toml names the files, relative to the folder, layers allowed."""
    (tmp_path / "manifest.toml").write_text(
        'villages = "villages.gpkg:villages"\nbacklog = "backlog.csv"\n'
        'offices = "offices.csv"\nteams = "teams.csv"\n')
    manifest = load_manifest(tmp_path)
    assert manifest["villages"] == f"{tmp_path / 'villages.gpkg'}:villages"
    data = load_dataset_from_folder(tmp_path)
    assert len(data.teams) == 2
    assert len(data.harbours) == 0


@pytest.mark.parametrize(("text", "words"), [
    ('villages = "v.gpkg"\nbacklog = "b.csv"\n', "required key missing"),
    ('villages = "v.gpkg"\nbacklog = "b.csv"\noffices = 3\n', "must be text"),
    ('villages = "v.gpkg"\nbacklog = "b.csv"\noffices = "o.csv"\nrivers = "r"\n', "unknown key"),
    ("villages = [", "invalid manifest"),
])
def test_bad_manifest(tmp_path: Path, text: str, words: str) -> None:
    """Missing keys, wrong types, unknown keys and broken TOML are refused plainly."""
    (tmp_path / "manifest.toml").write_text(text)
    with pytest.raises(InputError, match=words):
        load_manifest(tmp_path)


@pytest.mark.banten
def test_banten_loads_clean(banten: Path) -> None:
    """The real Banten files load: 1,552 villages, backlog 232,020, no problems."""
    data = load_dataset(
        villages=f"{banten / 'banten.gpkg'}:villages", backlog=str(banten / "belum_rekam.csv"),
        offices=str(banten / "offices.csv"), harbours=str(banten / "harbours.csv"),
        teams=str(banten / "teams.csv"),
        neighbours=f"{banten / 'banten.gpkg'}:neighbour_regencies")
    assert len(data.villages) == 1552
    assert int(data.backlog["belum_rekam"].sum()) == 232_020
    assert data.warnings == ()
    assert data.villages["jenis"].value_counts().to_dict() == {"desa": 1238, "kelurahan": 314}
    assert data.teams["base_office_id"].notna().all()
    assert len(data.harbours) == 3
    assert len(data.neighbours) == 33
    assert int(data.village_table()["belum_rekam"].sum()) == 232_020


def test_overrides_file_replacing_a_backlog_value_warns(good_files: dict[str, str],
                                                        tmp_path: Path) -> None:
    """When both files set a flag differently, the overrides file wins with a warning."""
    kode = VILLAGE_ROWS[0][0]
    files = dict(good_files, backlog=write_csv(tmp_path / "b3.csv", [
        ["kode", "belum_rekam", "pulau"], *[[r[0], 1, "ya"] for r in VILLAGE_ROWS]]))
    files["overrides"] = write_csv(tmp_path / "o3.csv", [["kode", "pulau"], [kode, "tidak"]])
    data = load_dataset(**files)
    assert not data.backlog.set_index("kode").loc[kode, "island"]
    assert data.backlog["island"].sum() == 3
    assert [(w.file, w.row) for w in data.warnings] == [(files["overrides"], 2)]
