"""Benchmark: hostile uploads through the real web app are refused fast and small.

    python bench/bench_upload_limits.py [--runs 3] [--max-rows N] [--only NAME]

Generates the files of issue 16 §2 (backlog CSVs of 5,000 / 20,000 / 150,000 rows of one
repeated village code, a 2-million-row XLSX, an XLSX whose one row has 3 million cells)
plus the sample regency's normal backlog, and uploads each, with the sample's village and
office files, through the Flask test client of a real app on a temporary SQLite file, as
a logged-in coordinator.  Each upload runs in a fresh Python process, so its memory
figure is its own: the peak resident set size of that process after the upload
(``VmHWM``; not ``ru_maxrss``, which a child inherits from this bench process across
exec), the resident size just before it
(``VmRSS``, app built and its pages rendered once) and the difference, an upper bound of
what the upload added.  Database growth is the SQLite file plus its WAL, after a
checkpoint, before and after the upload.  Then the regency overview and the upload page
are fetched once each (they list the upload) and timed.

Goal (issue 16 §2): every hostile file refused in < 5 s with < 300 MB peak memory of the
process (app included: about 257 MB once built, since the web app no longer loads the
search), growing the database by < 1 MB.
Prints the median of ``--runs`` runs per file (seconds, MB) and exits 1 when a goal is
missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hostile_files import (  # noqa: E402
    write_repeated_code_csv,
    write_repeated_code_xlsx,
    write_wide_row_xlsx,
)

SAMPLE = ROOT / "sample_data"
GOAL_S, GOAL_PEAK_MB, GOAL_DB_BYTES = 5.0, 300.0, 1024 * 1024
PASSWORD = "rahasia-123"


def _sample_backlog(path: Path) -> Path:
    path.write_bytes((SAMPLE / "belum_rekam.xlsx").read_bytes())
    return path


#: name -> (file name, writer, hostile?)
FILES: dict[str, tuple[str, Callable[[Path], Path], bool]] = {
    "csv-5k-repeated": ("belum_rekam.csv", lambda p: write_repeated_code_csv(p, 5_000), True),
    "csv-20k-repeated": ("belum_rekam.csv", lambda p: write_repeated_code_csv(p, 20_000),
                         True),
    "csv-150k-repeated": ("belum_rekam.csv", lambda p: write_repeated_code_csv(p, 150_000),
                          True),
    "xlsx-2m-rows": ("belum_rekam.xlsx", lambda p: write_repeated_code_xlsx(p, 2_000_000),
                     True),
    "xlsx-3m-cell-row": ("belum_rekam.xlsx", lambda p: write_wide_row_xlsx(p, 3_000_000),
                         True),
    "sample-normal": ("belum_rekam.xlsx", _sample_backlog, False),
}


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def _peak_rss_mb() -> float:
    # VmHWM, the peak of this process's own memory: getrusage's ru_maxrss survives exec, so
    # a child started by this (big) bench process would report the bench's own peak
    return _status_mb("VmHWM")


def _current_rss_mb() -> float:
    return _status_mb("VmRSS")


def _db_bytes(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))


def child(backlog: Path, folder: Path, max_rows: int | None) -> dict[str, object]:
    """One upload in this (fresh) process; returns its figures."""
    from web import create_app
    from web.extensions import db
    from web.models import DataImport, Role
    from web.services.accounts import create_user
    from web.services.regions import ensure_regency

    database = folder / "bench.db"
    config: dict[str, object] = {
        "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SAMPLE_DATA": str(SAMPLE)}
    if max_rows is not None:
        config["UPLOAD_MAX_ROWS"] = max_rows
    app = create_app(config)
    with app.app_context():
        db.create_all()
        ensure_regency("36.90", "Kabupaten Tanjung Harapan")
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code="36.90")
    client = app.test_client()
    client.post("/masuk", data={"username": "koordinator", "password": PASSWORD})
    client.get("/kabupaten/36.90/")  # every module imported, templates compiled
    client.get("/kabupaten/36.90/unggah")
    files = {role: (io.BytesIO((SAMPLE / name).read_bytes()), name)
             for role, name in (("villages", "villages.gpkg"), ("offices", "offices.csv"))}
    files["backlog"] = (io.BytesIO(backlog.read_bytes()), backlog.name)
    before_db, before_mb = _db_bytes(database), _current_rss_mb()
    started = time.perf_counter()
    response = client.post("/kabupaten/36.90/unggah", data=files,
                           content_type="multipart/form-data", follow_redirects=True)
    upload_s = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    grown = _db_bytes(database) - before_db
    started = time.perf_counter()
    pages = [client.get("/kabupaten/36.90/"), client.get("/kabupaten/36.90/unggah")]
    pages_s = time.perf_counter() - started
    with app.app_context():
        record = db.session.scalars(select_last(DataImport)).one()
        first = record.errors[0]["message_id"] if record.errors else ""
        result = {"status": record.status, "problems": record.problem_count,
                  "first_problem": first[:160]}
    if response.status_code != 200 or any(p.status_code != 200 for p in pages):
        raise RuntimeError(f"unexpected status {response.status_code}")
    return {"upload_s": upload_s, "base_mb": before_mb, "peak_mb": peak_mb,
            "added_mb": peak_mb - before_mb,
            "db_growth_bytes": grown, "pages_s": pages_s, "pages_peak_mb": _peak_rss_mb(),
            **result}


def select_last(model):  # type: ignore[no-untyped-def]
    """The newest row of ``model``."""
    from sqlalchemy import select

    return select(model).order_by(model.id.desc()).limit(1)


def run(backlog: Path, folder: Path, max_rows: int | None) -> dict[str, object]:
    """Upload ``backlog`` in a fresh process with its database in ``folder``."""
    command = [sys.executable, __file__, "--child", str(backlog), "--folder", str(folder)]
    if max_rows is not None:
        command += ["--max-rows", str(max_rows)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"status": f"crashed ({done.returncode})", "error": done.stderr[-2000:]}
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["file_bytes"] = backlog.stat().st_size
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run every file ``--runs`` times; exit 1 when a hostile file misses a goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-rows", type=int, default=None,
                        help="UPLOAD_MAX_ROWS for the app (default: the app's default)")
    parser.add_argument("--only", choices=sorted(FILES), action="append")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.max_rows)))
        return 0
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("memory: a fresh process per upload; base = VmRSS just before the upload, peak = "
          "VmHWM after it, added = peak - base")
    print(f"{'file':<18} {'size':>9} {'result':<8} {'problems':>8} {'upload s':>8} "
          f"{'base MB':>8} {'peak MB':>8} {'added MB':>8} {'db growth':>10} {'pages s':>8}")
    missed = False
    for name in args.only or list(FILES):
        runs = []
        with tempfile.TemporaryDirectory(prefix="bench-upload-file-") as files:
            file_name, write, _ = FILES[name]
            backlog = write(Path(files) / file_name)
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="bench-upload-db-") as folder:
                    runs.append(run(backlog, Path(folder), args.max_rows))
        if any("error" in r for r in runs):
            bad = next(r for r in runs if "error" in r)
            print(f"{name:<18} {bad['status']}\n{bad['error']}")
            missed = True
            continue

        def median(key: str, rs: list[dict[str, object]] = runs) -> float:
            return statistics.median(float(r[key]) for r in rs)  # type: ignore[arg-type]

        last = runs[-1]
        result = "refused" if last["status"] == "failed" else "accepted"
        print(f"{name:<18} {int(last['file_bytes']) / 1024:>7.0f}KB {result:<8} "  # type: ignore[call-overload]
              f"{last['problems']:>8} {median('upload_s'):>8.2f} {median('base_mb'):>8.0f} "
              f"{median('peak_mb'):>8.0f} {median('added_mb'):>8.0f} "
              f"{median('db_growth_bytes'):>9.0f}B "
              f"{median('pages_s'):>8.2f}")
        print(f"{'':<18} {last['first_problem']}")
        if FILES[name][2] and (result != "refused" or median("upload_s") >= GOAL_S
                               or median("peak_mb") >= GOAL_PEAK_MB
                               or median("db_growth_bytes") >= GOAL_DB_BYTES):
            missed = True
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
