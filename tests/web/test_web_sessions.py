"""Sessions (issue 16 §3): a server-side idle and absolute lifetime, a new CSRF secret at
login, and password changes (one's own, a team lead's by the coordinator, any account from
the command line) that end the account's other sessions."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from web_fixtures import PASSWORD, World, build_app, login, make_world, user_by_name

from web.config import defaults
from web.extensions import db

PAGE = "/kabupaten/36.90/desa"
NEW = "kata-sandi-baru-99"
IDLE = defaults("")["SESSION_IDLE_TIMEOUT_S"]
MAX_AGE = defaults("")["SESSION_MAX_AGE_S"]


def _signed_in(app: Flask, username: str = "koordinator"):
    client = app.test_client()
    assert login(client, username).status_code == 302
    assert client.get(PAGE if username != "ketua" else "/beranda").status_code in (200, 302)
    return client


def _age(client, *, login_s: int = 0, seen_s: int = 0) -> None:
    """Pretend the login was ``login_s`` and the last request ``seen_s`` seconds ago."""
    now = int(time.time())
    with client.session_transaction() as session:
        session["login_at"] = now - login_s
        session["seen_at"] = now - seen_s


def _ended(client) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_session_unused_past_the_idle_limit_ends(app: Flask, world: World) -> None:
    """Unused a minute less than the idle limit: still signed in (and the clock restarts);
    a second more: signed out with a message, and the account must log in again."""
    client = _signed_in(app)
    _age(client, login_s=IDLE, seen_s=IDLE - 60)
    assert client.get(PAGE).status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5
    _age(client, login_s=IDLE + 10, seen_s=IDLE + 1)
    assert _ended(client)
    page = client.get("/masuk").get_data(as_text=True)
    assert "Sesi Anda sudah berakhir" in page
    assert _ended(client)  # stays ended: the session no longer holds the user


def test_session_older_than_the_absolute_limit_ends_even_when_busy(app: Flask,
                                                                   world: World) -> None:
    """Used a second ago but logged in longer than the absolute limit: ended."""
    client = _signed_in(app)
    _age(client, login_s=MAX_AGE - 60, seen_s=1)
    assert client.get(PAGE).status_code == 200
    _age(client, login_s=MAX_AGE + 1, seen_s=1)
    assert _ended(client)


def test_a_copied_cookie_expires_with_its_session(app: Flask, world: World) -> None:
    """The limits are checked on the server from the signed session: a copy of an idle
    cookie used elsewhere is refused too, while the times cannot be forged."""
    client = _signed_in(app)
    _age(client, login_s=IDLE + 100, seen_s=IDLE + 1)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert _ended(copy)
    forged = app.test_client()
    forged.set_cookie("session", client.get_cookie("session").value[:-3] + "AAA")
    assert _ended(forged)


def test_limits_are_configurable_and_old_sessions_without_times_end(tmp_path) -> None:
    """SESSION_IDLE_TIMEOUT_S / SESSION_MAX_AGE_S change the limits; a session made before
    they existed (no login time) is ended."""
    app = build_app(tmp_path, SESSION_IDLE_TIMEOUT_S=60, SESSION_MAX_AGE_S=600)
    with app.app_context():
        make_world()
    client = _signed_in(app)
    _age(client, login_s=120, seen_s=59)
    assert client.get(PAGE).status_code == 200
    _age(client, login_s=120, seen_s=61)
    assert _ended(client)
    client = _signed_in(app)
    _age(client, login_s=601, seen_s=0)
    assert _ended(client)
    client = _signed_in(app)
    with client.session_transaction() as session:
        del session["login_at"]
    assert _ended(client)


def test_api_call_on_an_ended_session_gets_401(app: Flask, world: World) -> None:
    """The phone's outbox sees a plain 401 (it keeps the report and asks for a login)."""
    client = _signed_in(app)
    _age(client, login_s=IDLE + 10, seen_s=IDLE + 1)
    response = client.get("/api/v1/regencies/36.90/villages")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


def _token(client, path: str) -> str:
    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)


def test_login_gives_a_new_csrf_secret(tmp_path) -> None:
    """A CSRF token seen before the login (e.g. planted by someone who fixed the session)
    is refused after it; the new page's token works. The language chosen stays."""
    app = build_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    client.get("/bahasa/en")
    before = _token(client, "/masuk")
    with client.session_transaction() as session:
        secret_before = session["csrf_token"]
    response = client.post("/masuk", data={"username": "koordinator", "password": PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    after = _token(client, PAGE)
    with client.session_transaction() as session:
        assert session["csrf_token"] != secret_before
        assert session["lang"] == "en"
    assert client.post("/keluar", headers={"X-CSRFToken": before}).status_code == 400
    assert client.get(PAGE).status_code == 200
    assert client.post("/keluar", headers={"X-CSRFToken": after}).status_code == 302
    assert _ended(client)


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/akun/kata-sandi", data={"current": current, "new": new,
                                                 "confirm": new if confirm is None else confirm})


def test_user_changes_own_password_and_other_sessions_end(app: Flask, world: World) -> None:
    """The page is in the menu; after the change this browser stays signed in, the other
    session of the account is ended, and only the new password logs in."""
    here, elsewhere = _signed_in(app), _signed_in(app)
    assert "/akun/kata-sandi" in here.get(PAGE).get_data(as_text=True)
    assert "Ganti kata sandi" in here.get("/akun/kata-sandi").get_data(as_text=True)
    response = _change(here, PASSWORD, NEW)
    assert response.status_code == 302
    page = here.get(PAGE)
    assert page.status_code == 200
    assert "Kata sandi sudah diganti" in page.get_data(as_text=True)
    assert _ended(elsewhere)
    assert login(app.test_client(), "koordinator").status_code == 200  # old one refused
    assert login(app.test_client(), "koordinator", NEW).status_code == 302


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("salah-sekali", NEW, None, "Kata sandi sekarang salah."),
    (PASSWORD, NEW, NEW + "x", "Kedua kata sandi baru tidak sama."),
    (PASSWORD, "pendek", None, "Kata sandi paling sedikit 8 karakter."),
    (PASSWORD, "", None, "Wajib diisi."),
])
def test_password_change_refused_keeps_everything(app: Flask, world: World, current: str,
                                                  new: str, confirm: str | None,
                                                  message: str) -> None:
    """A wrong current password, a mismatch or a short password: the form says why in
    Indonesian, the password and the other sessions stay."""
    here, elsewhere = _signed_in(app), _signed_in(app)
    response = _change(here, current, new, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert not _ended(elsewhere)
    assert login(app.test_client(), "koordinator").status_code == 302


def test_coordinator_resets_a_team_lead_password(app: Flask, world: World) -> None:
    """The users page gives the lead a new password, shown once; the lead's session ends
    and the new password logs in."""
    lead = _signed_in(app, "ketua")
    coordinator = _signed_in(app)
    with app.app_context():
        lead_id = user_by_name("ketua").id
    listing = coordinator.get("/kabupaten/36.90/pengguna").get_data(as_text=True)
    assert f"/kabupaten/36.90/pengguna/{lead_id}/kata-sandi" in listing
    response = coordinator.post(f"/kabupaten/36.90/pengguna/{lead_id}/kata-sandi")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kata sandi ketua diganti" in page
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert password != PASSWORD
    assert lead.get("/beranda").headers["Location"].startswith("/masuk")
    assert login(app.test_client(), "ketua").status_code == 200
    assert login(app.test_client(), "ketua", password).status_code == 302
    assert password not in coordinator.get("/kabupaten/36.90/pengguna").get_data(as_text=True)


def test_coordinator_cannot_reset_itself_or_other_regencies(app: Flask, world: World) -> None:
    """Only team leads of the coordinator's own regency: another regency's lead is 403,
    the coordinator's own account (not a team lead) 404, nothing changes."""
    coordinator = _signed_in(app)
    with app.app_context():
        own_id = user_by_name("koordinator").id
        versions = {u: user_by_name(u).session_version for u in ("koordinator", "cadangan-36.91")}
        foreign = user_by_name("cadangan-36.91").id
    assert coordinator.post(f"/kabupaten/36.91/pengguna/{foreign}/kata-sandi").status_code == 403
    assert coordinator.post(f"/kabupaten/36.90/pengguna/{foreign}/kata-sandi").status_code == 404
    assert coordinator.post(f"/kabupaten/36.90/pengguna/{own_id}/kata-sandi").status_code == 404
    with app.app_context():
        assert {u: user_by_name(u).session_version for u in versions} == versions


def test_command_line_sets_any_password_and_ends_sessions(app: Flask, world: World,
                                                          runner) -> None:
    """``flask set-password`` (the administrator, e.g. for a coordinator) changes the
    password and ends the account's sessions; an unknown name or a short password fails."""
    client = _signed_in(app)
    result = runner.invoke(args=["set-password", "Koordinator", "--password", NEW])
    assert result.exit_code == 0, result.output
    assert _ended(client)
    assert login(app.test_client(), "koordinator", NEW).status_code == 302
    assert runner.invoke(args=["set-password", "tidak-ada", "--password", NEW]).exit_code == 1
    short = runner.invoke(args=["set-password", "koordinator", "--password", "pendek"])
    assert short.exit_code == 1
    assert "paling sedikit 8" in short.output
    with app.app_context():
        db.session.remove()
