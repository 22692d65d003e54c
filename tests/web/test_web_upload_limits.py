"""Bounded uploads through the real app: hostile files are refused with a short grouped
list, an upload keeps few problems, and pages count problems without loading them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from sqlalchemy import event, func, select, text
from web_fixtures import PASSWORD, REPO, SAMPLE, build_app, login, make_config

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import DataImport, Role, Village
from web.services.accounts import create_user
from web.services.regions import ensure_regency

sys.path.insert(0, str(REPO))
from bench.hostile_files import REPEATED_CODE, write_repeated_code_csv


def _files(backlog: tuple[io.BytesIO, str]) -> dict[str, object]:
    names = {"villages": "villages.gpkg", "offices": "offices.csv"}
    data: dict[str, object] = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
                               for role, name in names.items()}
    data["backlog"] = backlog
    return data


def _coordinator(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
    client = app.test_client()
    login(client, "koordinator")
    return client


def _post(client, backlog: tuple[io.BytesIO, str]):  # type: ignore[no-untyped-def]
    return client.post("/kabupaten/36.90/unggah", data=_files(backlog),
                       content_type="multipart/form-data", follow_redirects=True)


def _last_import() -> DataImport:
    return db.session.scalars(select(DataImport).order_by(DataImport.id.desc())).first()


def test_repeated_code_upload_is_one_grouped_problem(tmp_path: Path) -> None:
    """5,000 rows of one village code: refused with one entry naming the count and the
    first rows; the database grows by a few kilobytes, not hundreds of megabytes (measured
    on a SQLite file, also when the suite runs on PostgreSQL)."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.db'}")
    client = _coordinator(app)
    database = tmp_path / "test.db"
    before = database.stat().st_size
    path = write_repeated_code_csv(tmp_path / "belum_rekam.csv", 5000)
    body = _post(client, (io.BytesIO(path.read_bytes()), "belum_rekam.csv")).get_data(
        as_text=True)
    assert "Data ditolak" in body
    assert f"kode desa &#39;{REPEATED_CODE}&#39; ganda: muncul 5.000 kali (baris 2, 3, 4" in body
    with app.app_context():
        record = _last_import()
        assert record.status == "failed"
        assert record.problem_count == len(record.problems) == 1
        assert db.session.scalar(select(func.count()).select_from(Village)) == 0
    assert database.stat().st_size - before < 1024 * 1024


def test_configured_row_limit_refuses_a_longer_file(tmp_path: Path) -> None:
    """UPLOAD_MAX_ROWS from the configuration refuses a backlog one row longer, by name."""
    app = build_app(tmp_path, UPLOAD_MAX_ROWS=200)
    client = _coordinator(app)
    path = write_repeated_code_csv(tmp_path / "belum_rekam.csv", 201)
    body = _post(client, (io.BytesIO(path.read_bytes()), "belum_rekam.csv")).get_data(
        as_text=True)
    assert "Berkas terlalu besar: lebih dari 200 baris data, batas 200." in body
    with app.app_context():
        [problem] = _last_import().errors
        assert problem["file"] == "belum_rekam.csv"
        assert "terlalu besar" in problem["message_id"]


def test_an_upload_keeps_at_most_the_configured_problems(tmp_path: Path) -> None:
    """300 unknown village codes (300 different problems) keep UPLOAD_MAX_PROBLEMS
    entries plus one closing count."""
    app = build_app(tmp_path, UPLOAD_MAX_PROBLEMS=25)
    client = _coordinator(app)
    rows = "kode,belum_rekam\n" + "".join(f"36.90.77.{2000 + i},5\n" for i in range(300))
    body = _post(client, (io.BytesIO(rows.encode()), "belum_rekam.csv")).get_data(as_text=True)
    assert "Data ditolak" in body
    with app.app_context():
        record = _last_import()
        assert record.problem_count == len(record.problems) == 26
        assert "tidak ditampilkan" in record.problems[-1]["message_id"]


def test_pages_listing_uploads_never_load_the_problem_list(tmp_path: Path) -> None:
    """The regency overview and the upload page show an upload's problem count without
    selecting its stored problems (a 964 MB list was loaded on every visit)."""
    app = build_app(tmp_path)
    client = _coordinator(app)
    with app.app_context():
        problems = [{"file": "b.csv", "row": i, "column": "kode", "message_id": "x",
                     "message_en": "x", "severity": "error"} for i in range(12_345)]
        db.session.add(DataImport(regency_code="36.90", status="failed", files=[],
                                  problems=problems))
        db.session.commit()
        engine = db.engine
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        overview = client.get("/kabupaten/36.90/").get_data(as_text=True)
        upload = client.get("/kabupaten/36.90/unggah").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert "12.345" in overview
    assert "12.345" in upload
    reads = [s for s in statements if "data_import" in s]
    assert reads
    assert not [s for s in reads if "data_import.problems" in s]


def test_migration_counts_the_problems_of_existing_uploads(tmp_path: Path) -> None:
    """Upgrading a database with uploads fills problem_count from their stored lists (the
    migration's SQLite path; its PostgreSQL path was run by hand on a scratch database)."""
    app = create_app(make_config(tmp_path,
                                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.db'}"))
    from flask_migrate import upgrade

    from web.database import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="3b1d6c0a9f21")
        ensure_regency("36.90", "Kabupaten Uji")
        db.session.execute(text(
            "INSERT INTO data_import (regency_code, created_at, status, files, problems, "
            "code_list, village_count) VALUES ('36.90', '2026-12-01 00:00:00', 'failed', "
            "'[]', '[{\"row\": 2}, {\"row\": 3}, {\"row\": 4}]', '', 0)"))
        db.session.commit()
    upgrade_database(app)
    with app.app_context():
        assert db.session.scalar(select(DataImport.problem_count)) == 3



def test_a_failure_record_keeps_the_cap_whatever_its_source(tmp_path: Path) -> None:
    """Problems that did not come through the planner's collector (store-side checks) are
    cut to UPLOAD_MAX_PROBLEMS too, errors first, with one closing count."""
    from planner.errors import Problem
    from web.models import Regency
    from web.services import imports

    app = build_app(tmp_path, UPLOAD_MAX_PROBLEMS=4)
    with app.app_context():
        ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        problems = [Problem("f.csv", i, None, f"peringatan {i}", f"warning {i}", "warning")
                    for i in range(10)]
        problems.append(Problem("f.csv", 99, None, "salah", "wrong"))
        record = imports._record_failure(db.session.get(Regency, "36.90"), None, [], "",
                                         problems)
        assert record.problem_count == 5
        assert record.problems[0]["message_id"] == "salah"
        assert record.problems[-1]["message_id"] == (
            "… dan 7 masalah lain tidak disimpan (batas 4 per unggahan)")
