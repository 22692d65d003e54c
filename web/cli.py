"""``flask --app web ...`` commands: accounts, the first-run setup, the planning worker,
backups."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from web.models import Role


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(load_sample_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="province, coordinator or team_lead")
@click.option("--province", "province_code", help="Province code (province role), e.g. 36")
@click.option("--regency", "regency_code", help="Regency code, e.g. 36.02")
@click.option("--team", "team", help="Team id or name (team_lead role)")
@click.option("--full-name", default="", help="Name shown in the app")
@click.password_option(help="Asked for when not given")
def create_user_command(username: str, role: str, province_code: str | None,
                        regency_code: str | None, team: str | None, full_name: str,
                        password: str) -> None:
    """Create an account (USERNAME) with a role and its regency or team."""
    from web.services.accounts import AccountError, create_user

    try:
        user = create_user(username=username, password=password, role=Role(role),
                           province_code=province_code, regency_code=regency_code,
                           team=team, full_name=full_name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Akun dibuat / account created: {user.username} ({user.role})")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.password_option(help="Asked for when not given")
def set_password_command(username: str, password: str) -> None:
    """Give USERNAME a new password (any role); every session of the account ends."""
    from sqlalchemy import select

    from web.extensions import db
    from web.models import User
    from web.services.accounts import AccountError, set_password

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"akun '{username}' tidak ada / no such account")
    try:
        set_password(user, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Kata sandi diganti, sesi diakhiri / password changed, sessions ended: "
               f"{user.username}")


@click.command("load-sample")
@with_appcontext
def load_sample_command() -> None:
    """Load the sample regency (sample_data/) if the database has no villages yet."""
    from flask import current_app

    from web.services.bootstrap import load_sample_if_empty

    loaded = load_sample_if_empty(current_app.config["SAMPLE_DATA"])
    click.echo("Data contoh dimuat / sample loaded" if loaded
               else "Sudah ada data / data already present")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop")
def worker_command(once: bool) -> None:
    """Run planning jobs (use when the web server does not start its own worker thread)."""
    from flask import current_app

    from web.worker import PlanningWorker

    worker = PlanningWorker(current_app._get_current_object())  # type: ignore[attr-defined]
    if once:
        count = 0
        while worker.run_once():
            count += 1
        click.echo(f"{count} tugas dijalankan / jobs run")
        return
    click.echo("Pekerja perencanaan berjalan / planning worker running (Ctrl+C to stop)")
    worker.run_forever()


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Back up the database to PATH while the app keeps running (SQLite: online backup API;
    PostgreSQL: pg_dump custom format)."""
    from flask import current_app

    from web.services.backup import BackupError, backup_database

    try:
        result = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Cadangan disimpan / backup written: {result.path} "
               f"({result.size_bytes} bytes"
               + (f", revisi skema {result.revision})" if result.revision else ")"))


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database with the backup PATH. The current database is saved beside it
    first; stop the server and the worker before restoring."""
    from flask import current_app

    from web.database import upgrade_database
    from web.extensions import db
    from web.services.backup import BackupError, restore_database

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not yes:
        click.confirm(f"Semua data di basis data sekarang diganti dengan isi {path}. "
                      "Lanjutkan? / Replace the whole database with this backup?", abort=True)
    db.engine.dispose()  # no pooled connection of ours holds the old database open
    try:
        result = restore_database(uri, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.safety_copy is not None:
        click.echo(f"Basis data sebelumnya disimpan / previous database kept: "
                   f"{result.safety_copy}")
    upgrade_database(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"Basis data dipulihkan dari / database restored from: {path}")
