"""CSRF, login rate limit, server-side session invalidation and security headers."""

from __future__ import annotations

import re

from web_fixtures import PASSWORD, build_app, login, make_world, user_by_name

from web.extensions import db
from web.services.accounts import set_active


def _token(client, path="/masuk"):
    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)


def test_post_without_csrf_token_is_refused(tmp_path):
    """With CSRF on, a state-changing POST without a token gets 400 and changes nothing."""
    app = build_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    assert client.post("/masuk", data={"username": "koordinator",
                                       "password": PASSWORD}).status_code == 400
    token = _token(client)
    response = client.post("/masuk", data={"username": "koordinator", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        before = user_by_name("koordinator").session_version
    assert client.post("/keluar").status_code == 400
    with app.app_context():
        assert user_by_name("koordinator").session_version == before
    assert client.get("/beranda").status_code == 302  # still logged in


def test_json_call_with_csrf_header_is_accepted(tmp_path):
    """A script may send the token in the X-CSRFToken header instead of a form field."""
    app = build_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    client.post("/masuk", data={"username": "koordinator", "password": PASSWORD,
                                "csrf_token": _token(client)})
    token = _token(client, "/kabupaten/36.90/desa")
    response = client.post("/keluar", headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert client.get("/beranda").status_code == 302
    assert "/masuk" in client.get("/beranda").headers["Location"]


def test_login_is_rate_limited_per_address_and_username(tmp_path):
    """The sixth login attempt within a minute for the same username gets 429."""
    app = build_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    statuses = [login(client, "koordinator", "salah-sekali").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    # another username from the same address is still allowed to try
    assert login(client, "provinsi").status_code == 302


def test_logout_ends_a_copied_session(app, world):
    """Logging out invalidates the session cookie on the server, even if it was copied."""
    client = app.test_client()
    login(client, "koordinator")
    stolen = app.test_client()
    cookie = client.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/kabupaten/36.90/desa").status_code == 200
    client.post("/keluar")
    assert stolen.get("/kabupaten/36.90/desa").status_code == 302


def test_disabling_a_user_ends_their_session(app, world):
    """A team lead disabled by the coordinator is logged out at the next request."""
    lead = app.test_client()
    login(lead, "ketua")
    team_id = world.targets["own"].team_id
    assert lead.get(f"/tim/{team_id}").status_code == 200
    with app.app_context():
        set_active(user_by_name("ketua"), active=False)
    assert lead.get(f"/tim/{team_id}").status_code == 302
    assert login(lead, "ketua").status_code == 200  # a disabled account cannot log in


def test_coordinator_disables_team_lead_from_the_users_page(app, world):
    """The disable button of the users page ends the team lead's session at once."""
    lead = app.test_client()
    login(lead, "ketua")
    coordinator = app.test_client()
    login(coordinator, "koordinator")
    with app.app_context():
        lead_id = user_by_name("ketua").id
    assert coordinator.post(f"/kabupaten/36.90/pengguna/{lead_id}/status").status_code == 302
    with app.app_context():
        assert user_by_name("ketua").active is False
        db.session.remove()
    assert lead.get("/beranda").status_code == 302


def test_security_headers_and_csp_origins(client):
    """Pages send CSP (self and the tile server only), nosniff, no framing, referrer policy."""
    response = client.get("/masuk")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    origins = set(re.findall(r"https?://[^\s;]+", csp))
    assert origins == {"https://tile.openstreetmap.org"}
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_reference_no_outside_origin(app, world):
    """Pages load scripts and styles from the app itself (no CDN)."""
    client = app.test_client()
    login(client, "koordinator")
    body = client.get("/kabupaten/36.90/desa").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert sources
    assert all(s.startswith(("/", "#", "data:")) for s in sources)
    with client.get("/static/vendor/leaflet/leaflet.js") as script:
        assert script.status_code == 200


def test_signed_in_pages_are_not_cached(app, world):
    """Pages of a signed-in user carry Cache-Control: no-store."""
    client = app.test_client()
    login(client, "koordinator")
    assert client.get("/kabupaten/36.90/").headers["Cache-Control"] == "no-store"


def test_open_redirect_after_login_is_refused(app, world):
    """?next= pointing to another site sends the user to their dashboard instead."""
    client = app.test_client()
    response = client.post("/masuk?next=//evil.example/", data={"username": "koordinator",
                                                                  "password": PASSWORD})
    assert response.headers["Location"] == "/beranda"


def test_force_https_redirects_and_sends_hsts(tmp_path):
    """FORCE_HTTPS (off for local use) sends plain HTTP to HTTPS and adds HSTS."""
    app = build_app(tmp_path, FORCE_HTTPS=True)
    client = app.test_client()
    response = client.get("/health")
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")
    secure = client.get("/health", base_url="https://localhost")
    assert secure.status_code == 200
    assert "max-age" in secure.headers["Strict-Transport-Security"]


def test_installation_gets_a_random_secret_key(tmp_path, monkeypatch):
    """Without a configured key, the app makes one in the instance folder and reuses it."""
    import flask

    from web import create_app

    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("JEMPUT_BOLA_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    assert first != "dev-only-change-me"
    assert len(first) > 40
    assert create_app().config["SECRET_KEY"] == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_force_https_behind_a_trusted_proxy_does_not_loop(tmp_path):
    """Behind a TLS proxy (TRUSTED_PROXIES=1) a request the proxy marks https is served;
    without trusted proxies the same header is ignored (a client could forge it)."""
    proxied = build_app(tmp_path, FORCE_HTTPS=True, TRUSTED_PROXIES=1).test_client()
    response = proxied.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age" in response.headers["Strict-Transport-Security"]
    assert proxied.get("/health", headers={"X-Forwarded-Proto": "http"}).status_code == 301
    (tmp_path / "direct").mkdir()
    direct = build_app(tmp_path / "direct", FORCE_HTTPS=True).test_client()
    assert direct.get("/health", headers={"X-Forwarded-Proto": "https"}).status_code == 301


def test_login_limit_counts_the_client_behind_a_trusted_proxy(tmp_path):
    """Behind one trusted proxy the limit keys on the client's address from X-Forwarded-For:
    one client's failures do not lock out another client of the same proxy."""
    app = build_app(tmp_path, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    with app.app_context():
        make_world()
    client = app.test_client()
    first = {"X-Forwarded-For": "203.0.113.5"}
    statuses = [client.post("/masuk", headers=first, data={
        "username": "koordinator", "password": "salah-sekali"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    second = app.test_client().post("/masuk", headers={"X-Forwarded-For": "203.0.113.6"},
                                    data={"username": "koordinator", "password": PASSWORD})
    assert second.status_code == 302


def test_forged_forwarded_for_does_not_escape_the_login_limit(tmp_path):
    """Without trusted proxies X-Forwarded-For is ignored: a new forged address per attempt
    still hits the limit of the real address."""
    app = build_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        make_world()
    client = app.test_client()
    statuses = [client.post("/masuk", headers={"X-Forwarded-For": f"198.51.100.{i}"}, data={
        "username": "koordinator", "password": "salah-sekali"}).status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]


def test_unknown_user_costs_the_same_hashing_as_a_wrong_password(app, world, monkeypatch):
    """An unknown username and a wrong password each cost exactly one password verification
    and no hashing (the stand-in hash of unknown names is made once), so the time of the
    answer does not reveal which usernames exist."""
    from web.services import accounts

    calls = {"check": 0, "generate": 0}
    real_check, real_generate = accounts.check_password_hash, accounts.generate_password_hash

    def check(*args, **kwargs):
        calls["check"] += 1
        return real_check(*args, **kwargs)

    def generate(*args, **kwargs):
        calls["generate"] += 1
        return real_generate(*args, **kwargs)

    monkeypatch.setattr(accounts, "check_password_hash", check)
    monkeypatch.setattr(accounts, "generate_password_hash", generate)
    with app.app_context():
        assert accounts.authenticate("tidak-ada", "salah-sekali") is None  # warms the cache
        for username in ("tidak-ada", "orang-lain", "koordinator", "tidak-ada"):
            calls.update(check=0, generate=0)
            assert accounts.authenticate(username, "salah-sekali") is None
            assert calls == {"check": 1, "generate": 0}, username
