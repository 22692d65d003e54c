"""200 field reports of one village posted at the same moment through the real HTTP path.

Five team leads each report stops of one village (a village visited in chunks on every day
of the week).  Of the 200 posts, 130 are first reports of distinct stops, 20 are corrections
of some of those stops (new key, another count) and 50 are retries of earlier posts (same
key, same body, as a phone resends after a lost answer).  All are sent at once from 200
threads to ``python -m web``.  Nothing may be lost or counted twice: 150 reports stored, one
in force per stop, and the village's backlog equal to the uploaded count minus the people
recorded in the reports in force.

Run ``PYTHONPATH=. python tests/web/report_storm.py`` for the figures in docs/benchmarks.md
(needs the PostgreSQL of ``JEMPUT_BOLA_TEST_POSTGRES_URL``); the test is in
``test_web_postgres.py``.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

REGENCY = "36.90"
KODE = "36.90.01.2001"
TEAMS = 5
STOPS_PER_DAY = 6
FIRST_REPORTS = 130
CORRECTIONS = 20
RETRIES = 50
#: The uploaded count of people still to record (more than the reports can take away).
BACKLOG = 900


@dataclass(frozen=True)
class Post:
    """One report a team lead sends."""

    username: str
    team_id: int
    body: dict[str, Any]


@dataclass
class Storm:
    """The posts and what came back."""

    posts: list[Post]
    answers: list[Any] = field(default_factory=list)
    wall_s: float = 0.0

    def statuses(self) -> dict[int, int]:
        """How many answers of each HTTP status."""
        out: dict[int, int] = {}
        for answer in self.answers:
            out[answer.status] = out.get(answer.status, 0) + 1
        return out

    def latencies(self) -> list[float]:
        """Seconds of each answer, sorted."""
        return sorted(a.seconds for a in self.answers)


def seed(app: Flask, *, password: str, seed_value: int = 20) -> list[Post]:
    """The regency, its teams, leads, the village and a published plan; the 200 posts."""
    from web_fixtures import WEEK, create_team, create_village, tiny_plan

    from web.extensions import db
    from web.models import Role
    from web.services.accounts import create_user
    from web.services.plans import publish_version, store_draft
    from web.services.regions import ensure_regency

    with app.app_context():
        ensure_regency(REGENCY, "Kabupaten Uji")
        db.session.flush()
        village = create_village(REGENCY, KODE, belum_rekam=BACKLOG)
        teams = [create_team(REGENCY, name=f"Tim {i + 1}") for i in range(TEAMS)]
        leads = {}
        for i, team in enumerate(teams):
            create_user(username=f"ketua-{i + 1}", password=password, role=Role.TEAM_LEAD,
                        regency_code=REGENCY, team=str(team.id), commit=False)
            leads[team.id] = f"ketua-{i + 1}"
        db.session.commit()
        plan = tiny_plan(village, teams[0])
        route, stop = plan["routes"][0], plan["routes"][0]["stops"][0]
        stops: list[tuple[int, str, str]] = []
        plan["routes"] = []
        for team in teams:
            for offset in range(5):
                day = (WEEK + timedelta(days=offset)).isoformat()
                visits = [f"{KODE}#{offset + 1}.{k + 1}" for k in range(STOPS_PER_DAY)]
                plan["routes"].append({
                    **route, "vehicle_id": f"{team.code}@{day}", "team_id": team.code,
                    "team_name": team.name, "date": day,
                    "stops": [{**stop, "sequence": k + 1, "visit_id": v, "expected_recordings": 5}
                              for k, v in enumerate(visits)]})
                stops += [(team.id, v, day) for v in visits]
        version = store_draft(regency_code=REGENCY, week_start=WEEK, plan=plan,
                              instance_id=None, created_by_id=None)
        publish_version(version, base_revision=0, user=None)
    rng = random.Random(seed_value)
    chosen = rng.sample(stops, FIRST_REPORTS)
    posts = [Post(leads[team_id], team_id, _body(f"lapor-{n:04d}", visit, day, 1 + n % 5))
             for n, (team_id, visit, day) in enumerate(chosen)]
    posts += [Post(leads[team_id], team_id, _body(f"koreksi-{n:04d}", visit, day, 6))
              for n, (team_id, visit, day) in enumerate(rng.sample(chosen, CORRECTIONS))]
    posts += rng.sample(posts, RETRIES)
    rng.shuffle(posts)
    return posts


def _body(key: str, visit_id: str, day: str, recorded: int) -> dict[str, Any]:
    return {"idempotency_key": key, "visit_id": visit_id, "date": day, "recorded": recorded,
            "notes": "laporan serentak"}


def send_all(base: str, posts: list[Post], *, password: str) -> Storm:
    """Log every lead in, then send all posts at the same moment, one thread each."""
    from live_http import login

    sessions = {u: login(base, u, password) for u in sorted({p.username for p in posts})}
    storm = Storm(posts, [None] * len(posts))
    start = threading.Barrier(len(posts) + 1)

    def send(i: int, post: Post) -> None:
        start.wait()
        storm.answers[i] = sessions[post.username].request(
            "POST", f"/api/v1/teams/{post.team_id}/reports", json_body=post.body)

    threads = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    storm.wall_s = time.perf_counter() - began
    return storm


@dataclass(frozen=True)
class Outcome:
    """What the database holds after a storm."""

    keys: set[str]
    stored: int
    in_force: int
    stops_reported: int
    recorded_in_force: int
    backlog: int | None
    sudah_rekam: int | None
    backlog_rows_from_reports: int

    def consistent(self) -> bool:
        """Nothing lost, nothing counted twice."""
        return (self.in_force == self.stops_reported
                and self.backlog == BACKLOG - self.recorded_in_force)


def outcome(app: Flask) -> Outcome:
    """Read back the village's reports and backlog."""
    from sqlalchemy import func, select

    from web.extensions import db
    from web.models import BacklogCount, FieldReport, Village

    with app.app_context():
        village = db.session.scalars(select(Village).filter_by(kode=KODE)).one()
        reports = db.session.scalars(select(FieldReport).where(
            FieldReport.village_id == village.id)).all()
        in_force = [r for r in reports if r.superseded_by_id is None]
        newest = db.session.scalars(select(BacklogCount).where(
            BacklogCount.village_id == village.id).order_by(BacklogCount.id.desc())).first()
        from_reports = db.session.scalar(select(func.count()).select_from(BacklogCount).where(
            BacklogCount.village_id == village.id, BacklogCount.source == "laporan"))
        return Outcome({r.idempotency_key for r in reports}, len(reports), len(in_force),
                       len({(r.team_id, r.visit_id, r.stop_date) for r in reports}),
                       sum(r.recorded or 0 for r in in_force),
                       newest.belum_rekam if newest else None,
                       newest.sudah_rekam if newest else None, int(from_reports or 0))


def main() -> None:
    """Print the figures of one storm on a scratch PostgreSQL database (``--sqlite``: on a
    SQLite file instead, for comparison)."""
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here), str(here.parent)]
    import pg_scratch
    from live_http import served
    from web_fixtures import PASSWORD, make_config

    from web import create_app
    from web.extensions import db

    on_sqlite = "--sqlite" in sys.argv[1:]
    reason = None if on_sqlite else pg_scratch.unavailable_reason()
    if reason:
        raise SystemExit(reason)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        url = (f"sqlite:///{tmp}/storm.db" if on_sqlite
               else stack.enter_context(pg_scratch.scratch_database(migrated=True)))
        app = create_app(make_config(Path(tmp), SQLALCHEMY_DATABASE_URI=url))
        if on_sqlite:
            from web.database import upgrade_database

            upgrade_database(app)
        posts = seed(app, password=PASSWORD)
        with app.app_context():
            db.engine.dispose()
        with served(url, Path(tmp) / "server.log") as base:
            storm = send_all(base, posts, password=PASSWORD)
        lat = storm.latencies()
        found = outcome(app)
        with app.app_context():
            db.engine.dispose()
        print(f"{'sqlite' if on_sqlite else 'postgresql'}: posts {len(posts)}  "
              f"statuses {storm.statuses()}  wall {storm.wall_s:.2f} s  "
              f"latency median {statistics.median(lat):.2f} s  "
              f"p95 {lat[int(0.95 * (len(lat) - 1))]:.2f} s  max {lat[-1]:.2f} s  "
              f"stored {found.stored}  in force {found.in_force}/{found.stops_reported} stops  "
              f"backlog {found.backlog} = {BACKLOG} - {found.recorded_in_force}: "
              f"{'ok' if found.consistent() else 'WRONG'}")


if __name__ == "__main__":
    main()
