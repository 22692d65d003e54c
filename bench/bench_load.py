"""Load benchmark of the production server: the team lead's page and the coordinator's
review page under concurrent signed-in clients, against 127.0.0.1 only.

    python bench/bench_load.py [--dir /tmp/jb-bench] [--web-workers 4] [--threads 4]
                               [--lead-clients 50] [--review-clients 10]
                               [--requests 2000] [--duration-s 60] [--runs 3]
    python bench/bench_load.py --profile      # SQL queries and time per page, in-process

It builds (once; reused from ``--dir``) an instance with the sample regency, one coordinator,
one team lead per team and a published plan of next week solved for ``--solve-s`` seconds,
starts gunicorn (``web/gunicorn_conf.py``) on a free port of 127.0.0.1, signs every account
in through the login form, then for each page runs ``--runs`` rounds of at most
``--requests`` requests or ``--duration-s`` seconds (whichever ends first) from that many
concurrent clients (threads in a few client processes, keep-alive connections) and prints
p50 / p95 / max latency, throughput and errors (any answer but 200, or no answer).  The
client shares the machine with the server: on 2 cores it takes a good part of one.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Runs from a checkout without installing the package.
sys.path.insert(0, str(REPO))

PASSWORD = "bench-rahasia-123"
REGENCY = "36.90"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


# --- the instance -----------------------------------------------------------------------


def _config(root: Path) -> dict[str, Any]:
    return {"SECRET_KEY": "bench-load", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'jb.db'}",
            "SAMPLE_DATA": str(REPO / "sample_data"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def build_instance(root: Path, solve_s: float) -> dict[str, Any]:
    """The bench database (made once): accounts and a published plan.  Returns the team
    lead usernames, the coordinator and the published version's id."""
    from sqlalchemy import select

    from web import create_app
    from web.database import upgrade_database
    from web.extensions import db
    from web.models import PlanStatus, PlanVersion, PlanWeek, Regency, Role, Team, User
    from web.services.accounts import create_user
    from web.services.bootstrap import load_sample_if_empty
    from web.services.planning import create_job, next_monday
    from web.services.plans import publish_version
    from web.worker import PlanningWorker

    root.mkdir(parents=True, exist_ok=True)
    app = create_app(_config(root))
    upgrade_database(app)
    with app.app_context():
        if db.session.scalar(select(User).limit(1)) is None:
            load_sample_if_empty(app.config["SAMPLE_DATA"])
            create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                        regency_code=REGENCY)
            for team in db.session.scalars(select(Team).where(Team.regency_code == REGENCY)):
                create_user(username=f"ketua-{team.id}", password=PASSWORD,
                            role=Role.TEAM_LEAD, regency_code=REGENCY, team=str(team.id))
            regency = db.session.get(Regency, REGENCY)
            create_job(regency, None, week_start=next_monday(regency), time_limit_s=solve_s)
        published = db.session.scalar(select(PlanVersion).where(
            PlanVersion.status == PlanStatus.PUBLISHED))
        if published is None:
            PlanningWorker(app).run_once()
            draft = db.session.scalar(select(PlanVersion).order_by(PlanVersion.id.desc()))
            if draft is None:
                raise SystemExit("the bench plan could not be solved")
            week = db.session.scalar(select(PlanWeek).where(
                PlanWeek.regency_code == draft.regency_code,
                PlanWeek.week_start == draft.week_start))
            publish_version(draft, base_revision=week.revision if week else 0, user=None)
            published = draft
        leads = [u.username for u in db.session.scalars(
            select(User).where(User.role == Role.TEAM_LEAD).order_by(User.id))]
        info = {"leads": leads, "coordinator": "koordinator", "version_id": published.id,
                "stops": published.plan["summary"]["stops"],
                "routes": len(published.plan["routes"])}
        db.engine.dispose()
    return info


# --- profiling in-process ---------------------------------------------------------------


def profile(root: Path, info: dict[str, Any], repeat: int) -> None:
    """SQL statements and median time per page, through the test client (no network)."""
    from sqlalchemy import event

    from web import create_app
    from web.extensions import db

    config = {**_config(root), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    app = create_app(config)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
    pages = _pages(info)
    for name, (user, path) in pages.items():
        client = app.test_client()
        client.post("/masuk", data={"username": user, "password": PASSWORD})
        client.get(path)  # warm
        times = []
        for _ in range(repeat):
            statements.clear()
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{name:<8} {path:<40} {len(statements):>3} SQL  "
              f"median {statistics.median(times):6.1f} ms  min {min(times):6.1f} ms  "
              f"({len(response.data) // 1024} KiB)")
        for text in statements:
            print("    ", " ".join(text.split())[:150])


def _pages(info: dict[str, Any]) -> dict[str, tuple[str, str]]:
    lead = info["leads"][0]
    return {"lead": (lead, f"/tim/{int(lead.split('-')[1])}"),
            "review": (info["coordinator"],
                       f"/kabupaten/{REGENCY}/rencana/{info['version_id']}")}


# --- the load -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(host: str, port: int, username: str) -> str:
    """Sign in through the form; the session cookie ("name=value")."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/masuk")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _cookie(response)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "username": username,
                                   "password": PASSWORD})
    conn.request("POST", "/masuk", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302 or "/masuk" in response.getheader("Location", ""):
        raise SystemExit(f"login of {username} failed: {response.status}")
    conn.close()
    return _cookie(response) or cookie


def _cookie(response: http.client.HTTPResponse) -> str:
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            return value.split(";", 1)[0]
    return ""


@dataclass
class Share:
    """What one client process does: its threads, their cookies, requests and a deadline."""

    host: str
    port: int
    clients: list[tuple[str, str]]  # (cookie, path) of each client
    requests: int
    deadline: float


def _client_process(share: Share) -> tuple[list[float], int, list[str], int]:
    """Run one thread per cookie until the share of requests is done or the deadline."""
    import threading

    latencies: list[float] = []
    errors: list[str] = []
    retried: list[str] = []
    lock = threading.Lock()
    counter = iter(range(share.requests))

    def client(cookie: str, path: str) -> None:
        conn = http.client.HTTPConnection(share.host, share.port, timeout=60)
        while time.time() < share.deadline:
            with lock:
                if next(counter, None) is None:
                    break
            began = time.perf_counter()
            status = 0
            for attempt in (1, 2):
                try:
                    conn.request("GET", path, headers={"Cookie": cookie})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection(share.host, share.port, timeout=60)
                    # a kept-alive connection the server had just closed: like a browser,
                    # send the GET again once on a new connection (counted apart)
                    with lock:
                        (retried if attempt == 1 else errors).append(repr(exc))
            elapsed = time.perf_counter() - began
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                elif status:
                    errors.append(f"HTTP {status}")
        conn.close()

    threads = [threading.Thread(target=client, args=c) for c in share.clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies) + len(errors), errors, len(retried)


def load(host: str, port: int, clients: list[tuple[str, str]], *, requests: int,
         duration_s: float, processes: int) -> dict[str, Any]:
    """``len(clients)`` concurrent clients; latency figures of the 200 answers."""
    processes = max(1, min(processes, len(clients)))
    deadline = time.time() + duration_s
    shares = [Share(host, port, clients[i::processes], requests // processes
                    + (1 if i < requests % processes else 0), deadline)
              for i in range(processes)]
    began = time.perf_counter()
    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(_client_process, shares))
    wall = time.perf_counter() - began
    latencies = sorted(x for r in results for x in r[0])
    errors = [e for r in results for e in r[2]]
    done = sum(r[1] for r in results)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {"requests": done, "ok": len(latencies), "errors": len(errors),
            "retried": sum(r[3] for r in results),
            "error_kinds": sorted(set(errors))[:3], "wall_s": wall,
            "p50_ms": pct(0.50) if latencies else float("nan"),
            "p95_ms": pct(0.95) if latencies else float("nan"),
            "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
            "rps": len(latencies) / wall if wall else 0.0}


def start_server(root: Path, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or \
        shutil.which("gunicorn")
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed: pip install -e '.[prod]'")
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "JEMPUT_BOLA_SQLALCHEMY_DATABASE_URI": _config(root)["SQLALCHEMY_DATABASE_URI"],
           "JEMPUT_BOLA_SECRET_KEY": "bench-load",
           # every bench account signs in once, from one address
           "JEMPUT_BOLA_LOGIN_RATE_LIMIT": "1000/minute"}
    log = open(root / "gunicorn.log", "ab")  # noqa: SIM115 - handed to the server process
    return subprocess.Popen([gunicorn, "-c", "python:web.gunicorn_conf", "-w", str(workers),
                             "--threads", str(threads), "-b", f"127.0.0.1:{port}",
                             "--access-logfile", "/dev/null", "web.wsgi:app"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_up(host: str, port: int, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not come up")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/jemput-bola-bench"))
    parser.add_argument("--solve-s", type=float, default=10.0)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--lead-clients", type=int, default=50)
    parser.add_argument("--review-clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=2000,
                        help="at most this many requests per page and run")
    parser.add_argument("--duration-s", type=float, default=60.0,
                        help="at most this long per page and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--profile", action="store_true",
                        help="count SQL and time each page in-process instead")
    args = parser.parse_args(argv)
    info = build_instance(args.dir, args.solve_s)
    print(f"instance {args.dir}: plan version {info['version_id']}, {info['routes']} "
          f"team-days, {info['stops']} stops, {len(info['leads'])} team leads")
    if args.profile:
        profile(args.dir, info, repeat=20)
        return 0
    host, port = "127.0.0.1", free_port()
    assert host in LOOPBACK  # this benchmark never sends traffic off this machine
    server = start_server(args.dir, port, args.web_workers, args.threads)
    try:
        wait_up(host, port)
        # each team lead reads its own team's page; the coordinator the plan's review
        leads = [(login(host, port, user), f"/tim/{int(user.split('-')[1])}")
                 for user in info["leads"]]
        review = (login(host, port, info["coordinator"]), _pages(info)["review"][1])
        plan = {"lead": [leads[i % len(leads)] for i in range(args.lead_clients)],
                "review": [review] * args.review_clients}
        print(f"gunicorn -w {args.web_workers} --threads {args.threads} on {host}:{port}; "
              f"{args.client_processes} client processes")
        for name, clients_of_page in plan.items():
            clients = len(clients_of_page)
            load(host, port, clients_of_page[:1], requests=5, duration_s=10, processes=1)
            rows = [load(host, port, clients_of_page, requests=args.requests,
                         duration_s=args.duration_s, processes=args.client_processes)
                    for _ in range(args.runs)]
            for i, row in enumerate(rows, 1):
                print(f"{name:<7} {clients:>3} clients run {i}: {row['ok']:>5} ok "
                      f"{row['errors']:>3} errors ({row['retried']} retried)  "
                      f"p50 {row['p50_ms']:7.1f} ms  "
                      f"p95 {row['p95_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms  "
                      f"{row['rps']:6.1f} req/s {row['error_kinds'] or ''}")
            print(f"{name:<7} {clients:>3} clients median of {len(rows)}: "
                  f"p50 {statistics.median(r['p50_ms'] for r in rows):.1f} ms  "
                  f"p95 {statistics.median(r['p95_ms'] for r in rows):.1f} ms  "
                  f"errors {sum(r['errors'] for r in rows)}  "
                  f"{statistics.median(r['rps'] for r in rows):.1f} req/s")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
