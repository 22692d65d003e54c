"""Findings of the outside review (issue 16 §3): redirects only within the site, ids beyond
64 bits and line breaks answer 404/400 instead of 500, /health tells nothing about the
server's files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from flask import Flask
from web_fixtures import PASSWORD, REPO, World, login

from web.routing import MAX_ID, at_most

#: ``next`` values that leave the site once a browser reads them (tab and line breaks
#: dropped, a backslash read as a slash), or name another site outright
OFFSITE = ("/%09/example.invalid/", "/%5Cexample.invalid/", "%5C%5Cexample.invalid/",
           "//example.invalid/", "https://example.invalid/", "/%E2%80%A8/example.invalid/",
           "example.invalid")
#: a NUL character anywhere in a request is refused outright (web/security.py: PostgreSQL
#: cannot store it), before any redirect is considered
NUL_TARGET = "/%00/example.invalid/"


@pytest.mark.parametrize("target", OFFSITE)
def test_language_switch_never_redirects_off_site(client, target: str) -> None:
    """/bahasa/<lang>?next= follows only a path of this site; anything else goes home."""
    response = client.get(f"/bahasa/id?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_redirects_off_site(app: Flask, world: World, target: str) -> None:
    """After login, ?next= off the site sends the user to their dashboard."""
    client = app.test_client()
    response = client.post(f"/masuk?next={target}",
                           data={"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/beranda"


def test_a_nul_in_next_is_refused_not_followed(app: Flask, world: World) -> None:
    """A NUL in ?next= gets 400 (never a redirect, never a server error)."""
    client = app.test_client()
    assert client.get(f"/bahasa/id?next={NUL_TARGET}").status_code == 400
    response = client.post(f"/masuk?next={NUL_TARGET}",
                           data={"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_same_site_next_is_still_followed(app: Flask, world: World) -> None:
    """A path of the site (with its query, and letters outside ASCII) is followed, encoded."""
    client = app.test_client()
    response = client.get("/bahasa/en?next=/kabupaten/36.90/desa%3Fq%3Dx")
    assert response.headers["Location"] == "/kabupaten/36.90/desa?q=x"
    assert client.get("/bahasa/en?next=/caf%C3%A9").headers["Location"] == "/caf%C3%A9"
    response = client.post("/masuk?next=/kabupaten/36.90/tim",
                           data={"username": "koordinator", "password": PASSWORD})
    assert response.headers["Location"] == "/kabupaten/36.90/tim"


@pytest.mark.parametrize("target", ["/%0a/x", "/%0d%0aSet-Cookie:%20a=b", "/x%0A"])
def test_line_break_in_next_is_a_bad_request(app: Flask, world: World, target: str) -> None:
    """A line break in ?next= can never go in a header: 400, not a server error."""
    client = app.test_client()
    assert client.get(f"/bahasa/en?next={target}").status_code == 400
    response = client.post(f"/masuk?next={target}",
                           data={"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 400


def _int_rules(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(rule, method, names of its int arguments) of every URL rule with an int argument."""
    found = []
    for rule in app.url_map.iter_rules():
        names = re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if names:
                found.append((rule.rule, method, names))
    return found


def _url(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: values[m.group(1)], rule)


@pytest.mark.parametrize("as_user", ["koordinator", "ketua", "provinsi", None])
def test_ids_beyond_the_id_range_are_not_found_on_every_rule(app: Flask, world: World,
                                                          as_user: str | None) -> None:
    """Every rule with an int id answers 404 to 2^63 and to a 25-digit id (the database
    cannot hold them), for every role, instead of an OverflowError."""
    rules = _int_rules(app)
    assert len(rules) >= 25  # pages, downloads, API and field API
    own = world.targets["own"]
    client = app.test_client()
    if as_user:
        assert login(client, as_user).status_code == 302
    for huge in (str(MAX_ID + 1), str(2**63), "9" * 25):
        for rule, method, names in rules:
            values = {"regency_code": own.regency_code, "kode": own.kode,
                      **dict.fromkeys(names, huge)}
            url = _url(rule, values)
            with client.open(url, method=method, json={}) as response:
                assert response.status_code == 404, (method, url, response.status_code)


def test_largest_id_reaches_the_view(app: Flask, world: World) -> None:
    """2^63 − 1 is still a valid id: the view runs and finds nothing (404), no error."""
    client = app.test_client()
    login(client, "koordinator")
    assert client.get(f"/tim/{MAX_ID}").status_code == 404
    assert client.get(f"/api/v1/jobs/{MAX_ID}").status_code == 404
    assert client.get(f"/kabupaten/36.90/rencana/{MAX_ID}").status_code == 404


def test_ids_in_other_scripts_digits_are_not_found(app: Flask, world: World) -> None:
    """Only ASCII digits make an id (``\\d`` would also take Arabic-Indic digits)."""
    client = app.test_client()
    login(client, "koordinator")
    team_id = world.targets["own"].team_id
    assert client.get(f"/tim/{team_id}").status_code == 200
    arabic = "".join(chr(0x0660 + int(d)) for d in str(team_id))
    assert client.get(f"/tim/{arabic}").status_code == 404


def test_health_names_no_server_path(client) -> None:
    """/health says the app is up and its version, nothing about the server's files."""
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert "/" not in response.get_data(as_text=True).replace("\\/", "")
    assert "sample_data" not in body


@pytest.mark.parametrize("bound", [0, 1, 9, 10, 57, 100, 305, 909, 1000, MAX_ID])
def test_id_pattern_matches_exactly_the_numbers_up_to_its_bound(bound: int) -> None:
    """The converter's pattern takes 0 … bound and nothing above (checked around the bound
    and over the first thousand numbers)."""
    pattern = re.compile(at_most(bound) + r"\Z")
    numbers = {*range(1200), bound, bound + 1, bound + 10, bound * 10 + 1, 10 ** len(str(bound))}
    for n in sorted(numbers):
        assert bool(pattern.match(str(n))) == (n <= bound), n
    assert not pattern.match("")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_running_server_names_no_version(tmp_path) -> None:
    """``python -m web`` (a real process on a free port) answers with a ``Server`` header
    that names no framework or Python version, and /health shows no path."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "JEMPUT_BOLA_PORT": str(port),
           "JEMPUT_BOLA_SECRET_KEY": "server-header-test", "JEMPUT_BOLA_FIRST_RUN_PLAN_S": "0",
           "JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'web.db'}"}
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "web"], cwd=tmp_path, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health",
                                            timeout=5) as response:
                    server, body = response.headers["Server"], response.read().decode()
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    assert server == "Jemput Bola"
    assert not re.search(r"\d", server)
    assert str(REPO) not in body
    assert str(tmp_path) not in body
