"""Backups of the live database, and restoring one (``flask backup`` / ``flask restore``).

Copying the SQLite file while the server writes is not a backup: recent commits live in the
``-wal`` file beside it, and a copy taken mid-write may be torn.  SQLite's online backup API
copies a consistent snapshot (every transaction committed before it started, none after)
while the server keeps running; PostgreSQL gets the same from ``pg_dump`` (one MVCC
snapshot) and ``pg_restore``.

A backup is written beside its target and renamed into place only once complete and checked,
so an interrupted backup never leaves a half file under the name asked for.  A restore first
checks the backup, then saves the current database beside it (``*.sebelum-pulih-<time>``),
then replaces the contents in one transaction: other connections see the old database or the
restored one, never a mix.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class BackupResult:
    """What was written: the file, its size and the schema revision it holds."""

    path: Path
    size_bytes: int
    revision: str | None
    safety_copy: Path | None = None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("basis data di memori tidak dapat dicadangkan")
    return Path(url.database)


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _check_sqlite(path: Path) -> str | None:
    """The backup's schema revision, once it proved to be an intact database of this app."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            revision = _revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} bukan basis data SQLite yang utuh ({exc})") from exc
    if result is None or result[0] != "ok":
        raise BackupError(f"{path} rusak: {result[0] if result else 'tidak terbaca'}")
    if revision is None:
        raise BackupError(f"{path} bukan cadangan Jemput Bola (tabel alembic_version tidak ada)")
    return revision


def _sqlite_copy(source: Path, target: Path) -> None:
    """Online backup of ``source`` into a new file ``target`` (one step: one snapshot), as a
    single self-contained file (rollback journal, not WAL)."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(part, target)


def backup_sqlite(url: URL, target: Path) -> BackupResult:
    """Back up the SQLite database of ``url`` into ``target`` while the app may run."""
    source = _sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"basis data {source} tidak ada")
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target)
    revision = _check_sqlite(target)
    return BackupResult(target, target.stat().st_size, revision)


def restore_sqlite(url: URL, backup: Path) -> BackupResult:
    """Replace the SQLite database of ``url`` with ``backup`` (the current one is kept)."""
    target = _sqlite_path(url)
    if not backup.is_file():
        raise BackupError(f"berkas cadangan {backup} tidak ada")
    revision = _check_sqlite(backup)
    safety = None
    if target.is_file():
        safety = target.with_name(f"{target.name}.sebelum-pulih-{_stamp()}")
        _sqlite_copy(target, safety)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            # one step: the live database is locked for writing while its pages are
            # replaced, and its readers see the old or the new contents
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return BackupResult(target, target.stat().st_size, revision, safety)


def _pg_env(url: URL) -> dict[str, str]:
    """libpq's variables for ``url`` (the password stays out of the process list)."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} tidak ditemukan; pasang klien PostgreSQL (mis. paket "
                          "postgresql-client) dengan versi yang sama atau lebih baru dari "
                          "servernya")
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} gagal (kode {done.returncode}): "
                          f"{done.stderr.strip()[-2000:]}")


def backup_postgres(url: URL, target: Path) -> BackupResult:
    """``pg_dump`` in its custom format (one consistent snapshot; restore with pg_restore)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    env = _pg_env(url)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={part}"], env)
    _run([_pg_tool("pg_restore"), "--list", str(part)], env)  # a readable archive
    os.replace(part, target)
    return BackupResult(target, target.stat().st_size, None)


def restore_postgres(url: URL, backup: Path) -> BackupResult:
    """``pg_restore --clean`` in one transaction, after a safety dump of the current data."""
    if not backup.is_file():
        raise BackupError(f"berkas cadangan {backup} tidak ada")
    env = _pg_env(url)
    _run([_pg_tool("pg_restore"), "--list", str(backup)], env)
    safety = backup.with_name(f"{url.database}.sebelum-pulih-{_stamp()}.dump")
    backup_postgres(url, safety)
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={url.database}",
          str(backup)], env)
    return BackupResult(backup, backup.stat().st_size, None, safety)


def backup_database(uri: str, target: str | Path) -> BackupResult:
    """Back up the database of ``uri`` (SQLite or PostgreSQL) into ``target``."""
    url = make_url(uri)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return backup_sqlite(url, Path(target))
    if backend == "postgresql":
        return backup_postgres(url, Path(target))
    raise BackupError(f"basis data {backend} belum didukung untuk pencadangan")


def restore_database(uri: str, backup: str | Path) -> BackupResult:
    """Restore ``backup`` into the database of ``uri`` (the current data is saved first)."""
    url = make_url(uri)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return restore_sqlite(url, Path(backup))
    if backend == "postgresql":
        return restore_postgres(url, Path(backup))
    raise BackupError(f"basis data {backend} belum didukung untuk pemulihan")
