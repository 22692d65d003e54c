"""Uploading a regency's files: a good upload stores them; a bad one changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from web_fixtures import PASSWORD, SAMPLE, login

from web.extensions import db
from web.models import BacklogCount, DataImport, Harbour, Office, Role, Team, Village
from web.services import imports
from web.services.accounts import create_user
from web.services.regions import ensure_regency

BAD_BACKLOG = (
    "Kode Desa,Nama Desa,Kecamatan,jumlah_wajib_ktp,jumlah_sudah_rekam,jumlah_belum_rekaman\n"
    "36.90.01.2001,Situharja,Neglasari Tengah,7000,6510,490\n"
    "36.90.01.2002,Wangunwangi,Neglasari Tengah,banyak,3012,333\n"
)


def _sample_files(**replace: tuple[io.BytesIO, str]) -> dict[str, tuple[io.BytesIO, str]]:
    files = {
        "villages": "villages.gpkg", "backlog": "belum_rekam.xlsx", "offices": "offices.csv",
        "harbours": "harbours.csv", "teams": "teams.csv", "neighbours": "neighbours.gpkg",
    }
    data = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
            for role, name in files.items()}
    data.update(replace)
    return data


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Village, BacklogCount, Team, Office, Harbour)}


@pytest.fixture
def coordinator(app):
    """A logged-in coordinator of 36.90 (and an empty regency 36.91 next door)."""
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        ensure_regency("36.91", "Kabupaten Sebelah")
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
        create_user(username="koordinator-lain", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.91")
    client = app.test_client()
    login(client, "koordinator")
    return client


def _upload(client, regency="36.90", **replace):
    data = {**_sample_files(**replace), "code_list": "data contoh"}
    return client.post(f"/kabupaten/{regency}/unggah", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def test_good_upload_of_the_sample_creates_its_villages(app, coordinator):
    """The sample regency's files create 150 villages with counts, teams, office, harbour."""
    response = _upload(coordinator)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Data diterima" in body
    assert "150 desa" in body
    with app.app_context():
        counts = _counts()
        assert counts == {"Village": 150, "BacklogCount": 150, "Team": 4, "Office": 1,
                          "Harbour": 1}
        record = db.session.scalars(select(DataImport)).one()
        assert record.status == "done"
        assert record.code_list == "data contoh"
        islands = db.session.scalar(select(func.count()).select_from(Village)
                                    .where(Village.island_computed.is_(True)))
        assert islands > 0
    villages = coordinator.get("/kabupaten/36.90/desa?tanda=island").get_data(as_text=True)
    assert f"{islands} desa ditampilkan" in villages


def test_failed_upload_changes_nothing_and_shows_row_and_column(app, coordinator):
    """A backlog file with a bad number is refused; the page shows the file, row and
    column of the problem, and the data of the previous upload stays."""
    _upload(coordinator)
    with app.app_context():
        before = _counts()
    response = _upload(coordinator, backlog=(io.BytesIO(BAD_BACKLOG.encode()), "backlog.csv"))
    body = response.get_data(as_text=True)
    assert "Data ditolak" in body
    assert "backlog.csv" in body
    assert "jumlah_wajib_ktp" in body
    assert '<td class="num">3</td><td>jumlah_wajib_ktp</td>' in body
    assert "/tmp" not in body  # the clerk sees their own file name, not our temp path
    with app.app_context():
        assert _counts() == before
        last = db.session.scalars(select(DataImport).order_by(DataImport.id.desc())).first()
        assert last.status == "failed"
        assert any(p["row"] == 3 for p in last.errors)


def test_crash_while_storing_rolls_everything_back(app, coordinator, monkeypatch):
    """A failure after villages were written leaves no village behind (one transaction)."""

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_store_backlog", explode)
    body = _upload(coordinator).get_data(as_text=True)
    assert "Data ditolak" in body
    with app.app_context():
        assert _counts() == {"Village": 0, "BacklogCount": 0, "Team": 0, "Office": 0,
                             "Harbour": 0}
        assert db.session.scalars(select(DataImport)).one().status == "failed"


def test_files_of_another_regency_are_refused(app, coordinator):
    """A coordinator of 36.91 cannot load 36.90's villages into their regency."""
    other = app.test_client()
    login(other, "koordinator-lain")
    body = _upload(other, regency="36.91").get_data(as_text=True)
    assert "Data ditolak" in body
    assert "36.91" in body
    with app.app_context():
        assert _counts()["Village"] == 0


def test_missing_required_file_is_reported(app, coordinator):
    """Uploading without the village file names the missing file and stores nothing."""
    data = _sample_files()
    del data["villages"]
    body = coordinator.post("/kabupaten/36.90/unggah", data=data,
                            content_type="multipart/form-data",
                            follow_redirects=True).get_data(as_text=True)
    assert "Data ditolak" in body
    # named as the clerk knows the file, not by its internal key
    assert "<td>Batas desa</td>" in body
    assert "villages" not in body


def test_wrong_file_type_is_refused_by_the_form(app, coordinator):
    """A .exe as village file is refused before anything is read."""
    data = _sample_files(villages=(io.BytesIO(b"MZ"), "desa.exe"))
    response = coordinator.post("/kabupaten/36.90/unggah", data=data,
                                content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Jenis berkas tidak sesuai" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DataImport)) == 0


def test_reupload_keeps_the_coordinators_overrides(app, coordinator):
    """A flag set by hand survives a new upload; computed flags are refreshed."""
    _upload(coordinator)
    with app.app_context():
        village = db.session.scalars(select(Village).order_by(Village.kode)).first()
        kode = village.kode
    coordinator.post(f"/kabupaten/36.90/desa/{kode}", data={"island": "1", "border": "",
                                                           "coastal": "", "remote": "0",
                                                           "hilly": ""})
    _upload(coordinator)
    with app.app_context():
        village = db.session.scalars(select(Village).where(Village.kode == kode)).one()
        assert village.island_override is True
        assert village.remote_override is False
        assert village.flag("island") is True
        assert db.session.scalar(select(func.count()).select_from(BacklogCount)) == 300


def test_sample_folder_exists():
    """The sample regency the upload tests use is in the repository."""
    assert Path(SAMPLE, "manifest.toml").is_file()


def _without(kodes: set[str]):
    """The sample dataset with the villages ``kodes`` left out of every file."""
    from dataclasses import replace

    from planner.dataset import load_dataset_from_folder

    dataset = load_dataset_from_folder(SAMPLE)
    return replace(dataset,
                   villages=dataset.villages[~dataset.villages["kode"].isin(kodes)],
                   backlog=dataset.backlog[~dataset.backlog["kode"].isin(kodes)],
                   overrides=dataset.overrides[~dataset.overrides["kode"].isin(kodes)])


def test_reupload_retires_missing_villages_and_keeps_their_history(app, coordinator):
    """A new file without two villages (one with a field report) retires both: their
    counts, report and overrides stay, they leave the lists and planning (one query serves
    both), and a later file that
    lists them again brings them back as they were."""
    from datetime import date

    from web.models import FieldReport, Regency
    from web.services.villages import regency_village_rows

    _upload(coordinator)
    with app.app_context():
        first, second = db.session.scalars(select(Village).order_by(Village.kode)).all()[:2]
        team = db.session.scalars(select(Team)).first()
        db.session.add(FieldReport(
            idempotency_key="k1", body_hash="0" * 64, regency_code="36.90", team_id=team.id,
            village_id=first.id, visit_id=first.kode, stop_date=date(2026, 11, 30),
            week_start=date(2026, 11, 30), recorded=12))
        second.island_override = True
        db.session.commit()
        first_kode, second_kode = first.kode, second.kode
        gone = {first_kode, second_kode}
        backlog_rows = db.session.scalar(select(func.count()).select_from(BacklogCount))
        listed = len(regency_village_rows("36.90"))

        record = imports.store_dataset(db.session.get(Regency, "36.90"), None, _without(gone),
                                       files=[{"filename": "villages.gpkg"}])
        assert record.status == "done"
        warning = next(p for p in record.problems if "dinonaktifkan" in p["message_id"])
        assert warning["severity"] == "warning"
        assert all(k in warning["message_id"] for k in gone)
        retired = db.session.scalars(select(Village).where(Village.kode.in_(gone))).all()
        assert len(retired) == 2
        assert all(v.retired_at is not None for v in retired)
        assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 1
        # the old counts stay; the new import adds rows for the villages it lists
        assert db.session.scalar(select(func.count()).select_from(BacklogCount)) == \
            backlog_rows + listed - 2
        assert {r.village.kode for r in regency_village_rows("36.90")}.isdisjoint(gone)
        assert len(regency_village_rows("36.90")) == listed - 2
    page = coordinator.get(f"/kabupaten/36.90/desa/{first_kode}").get_data(as_text=True)
    assert "Desa ini dinonaktifkan sejak" in page
    with app.app_context():
        again = imports.store_dataset(db.session.get(Regency, "36.90"), None, _without(set()),
                                      files=[{"filename": "villages.gpkg"}])
        assert again.status == "done"
        assert not any("dinonaktifkan" in p["message_id"] for p in again.problems)
        back = {v.kode: v for v in db.session.scalars(
            select(Village).where(Village.kode.in_(gone)))}
        assert all(v.retired_at is None for v in back.values())
        assert back[second_kode].island_override is True
        assert len(regency_village_rows("36.90")) == listed


def test_reupload_refuses_to_drop_an_office_teams_are_based_at(app, coordinator):
    """An office file without the office teams use is refused, naming the teams."""
    from dataclasses import replace

    from planner.dataset import load_dataset_from_folder
    from web.models import Regency

    _upload(coordinator)
    with app.app_context():
        before = _counts()
        dataset = load_dataset_from_folder(SAMPLE)
        renamed = dataset.offices.assign(office_id="kantor-baru", name="Kantor Baru")
        record = imports.store_dataset(db.session.get(Regency, "36.90"), None,
                                       replace(dataset, offices=renamed),
                                       files=[{"filename": "offices.csv"}])
        assert record.status != "done"
        assert any("tim" in p["message_id"] for p in record.problems)
        assert _counts() == before


BANTEN = Path(__file__).resolve().parents[3] / "shared" / "data" / "banten"


@pytest.mark.skipif(not (BANTEN / "banten.gpkg").is_file(),
                    reason="the shared Banten reference data (../shared/data/banten) is absent")
def test_a_province_file_stores_the_regency_flags_of_a_whole_classification(app):
    """Banten's 1,552 villages uploaded for Kabupaten Serang: only 36.04 is measured (its land
    and what its border and coast tests touch), with the flags a whole classification gives."""
    from planner.dataset import load_dataset
    from planner.params import PlanningParams
    from planner.workflow import classify_dataset

    dataset = load_dataset(villages=BANTEN / "banten.gpkg", backlog=BANTEN / "belum_rekam.csv",
                           offices=BANTEN / "offices.csv", harbours=BANTEN / "harbours.csv",
                           teams=BANTEN / "teams.csv")
    whole = classify_dataset(dataset, PlanningParams())
    whole = whole[whole["kabupaten_kode"] == "36.04"].set_index("kode")
    with app.app_context():
        app.config["CLASSIFY_CACHE_FOLDER"] = ""  # measured here, not read back
        regency = ensure_regency("36.04", "Kabupaten Serang")
        record = imports.store_dataset(regency, None, dataset, files=[])
        assert record.status == "done"
        stored = {v.kode: v for v in db.session.scalars(select(Village))}
    assert set(stored) == set(whole.index)
    for flag in ("island", "border", "coastal", "remote"):
        assert {k: getattr(v, f"{flag}_computed") for k, v in stored.items()} == \
            {k: bool(whole.at[k, f"{flag}_computed"]) for k in stored}, flag
    assert sum(v.island_computed for v in stored.values()) > 0  # Pulau Tunda and others


def test_an_upload_reads_back_a_kept_classification(app, monkeypatch):
    """Files classified before into the app's cache folder (as `planner inspect` keeps them)
    are not measured again: the upload stores the kept flags."""
    from planner import workflow
    from planner.classify_cache import ClassificationCache
    from planner.dataset import load_dataset
    from planner.params import PlanningParams

    dataset = load_dataset(villages=SAMPLE / "villages.gpkg",
                           backlog=SAMPLE / "belum_rekam.xlsx", offices=SAMPLE / "offices.csv",
                           harbours=SAMPLE / "harbours.csv", teams=SAMPLE / "teams.csv",
                           neighbours=SAMPLE / "neighbours.gpkg")
    folder = app.config["CLASSIFY_CACHE_FOLDER"]
    kept = workflow.classify_dataset(dataset, PlanningParams(),
                                     cache=ClassificationCache(folder))
    assert any(Path(folder).glob("*.npz"))

    def measured(*args, **kwargs):
        raise AssertionError("the land was measured again")

    monkeypatch.setattr(workflow, "classify_villages", measured)
    with app.app_context():
        regency = ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        record = imports.store_dataset(regency, None, dataset, files=[])
        assert record.status == "done"
        islands = {v.kode for v in db.session.scalars(
            select(Village).where(Village.island_computed.is_(True)))}
    assert islands == set(kept.loc[kept["island_computed"], "kode"])
    assert islands
