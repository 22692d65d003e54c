"""The app served for real (``python -m web`` in its own process) and plain HTTP clients that
log in through the forms, with CSRF and rate limits on, as a browser or phone would.

Used by the PostgreSQL concurrency tests and by ``tests/web/report_storm.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(database_uri: str, log_path: Path, *, timeout_s: float = 120) -> Iterator[str]:
    """``python -m web`` on ``database_uri`` (settings by ``JEMPUT_BOLA_*`` variables only),
    until the block ends; its base URL.  Output goes to ``log_path``."""
    port = free_port()
    env = {**os.environ, "JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI": database_uri,
           "JEMPUT_BOLA_SECRET_KEY": "live-http-test", "JEMPUT_BOLA_PORT": str(port),
           "JEMPUT_BOLA_FIRST_RUN_PLAN_S": "0",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "web"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(proc, port, timeout_s, log_path)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


def _wait_until_up(proc: subprocess.Popen[bytes], port: int, timeout_s: float,
                   log_path: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"python -m web exited ({proc.returncode}): "
                               f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"python -m web did not answer within {timeout_s:g} s")


@dataclass
class Answer:
    """One HTTP answer, with how long it took."""

    status: int
    body: Any
    seconds: float


@dataclass
class Session:
    """A logged-in user's cookies and CSRF token; safe to share between threads (each
    request opens its own connection)."""

    base: str
    cookie: str = ""
    csrf: str = ""

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                json_body: Any = None, timeout_s: float = 120) -> Answer:
        """One request; JSON answers are decoded, others kept as text."""
        url = urllib.parse.urlsplit(self.base)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.csrf
        started = time.perf_counter()
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout_s)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            seconds = time.perf_counter() - started
            self._keep_cookies(response.getheader("Set-Cookie") or "")
        finally:
            connection.close()
        kind = response.getheader("Content-Type") or ""
        body: Any = json.loads(raw) if "json" in kind else raw.decode("utf-8", "replace")
        return Answer(response.status, body, seconds)

    def _keep_cookies(self, header: str) -> None:
        if not header:
            return
        jar = SimpleCookie()
        jar.load(header)
        known = dict(pair.split("=", 1) for pair in self.cookie.split("; ") if "=" in pair)
        known.update({name: morsel.value for name, morsel in jar.items()})
        self.cookie = "; ".join(f"{k}={v}" for k, v in known.items())


def login(base: str, username: str, password: str) -> Session:
    """Log in through the form (with its CSRF token), then read the new token of the
    signed-in session (login starts a fresh session, so the token before it is refused) for
    the ``X-CSRFToken`` header of JSON calls."""
    session = Session(base)
    page = session.request("GET", "/masuk")
    token = _meta_token(page.body)
    done = session.request("POST", "/masuk", form={"username": username,
                                                     "password": password,
                                                     "csrf_token": token})
    if done.status != 302:
        raise RuntimeError(f"login of {username} answered {done.status}")
    session.csrf = _meta_token(session.request("GET", "/akun/kata-sandi").body)
    return session


def _meta_token(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)
