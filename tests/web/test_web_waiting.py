"""The review page's count of waiting villages is the list's count, before and after an edit
(issue 17 §2: "Desa menunggu 126" stood above "Desa yang belum dijadwalkan (132)")."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from web_fixtures import PASSWORD, SAMPLE, login, make_config

from web import create_app
from web.database import upgrade_database
from web.extensions import db
from web.models import PlanningJob, PlanVersion, Role
from web.services.accounts import create_user
from web.services.bootstrap import load_sample_if_empty
from web.services.planning import create_job
from web.services.regions import ensure_regency
from web.worker import PlanningWorker

REGENCY = "36.90"


def _counts(html: str) -> tuple[int, int, int]:
    """(summary figure, count in the list's heading, rows of the list)."""
    summary = re.search(r"Desa menunggu</dt><dd>([\d.]+)</dd>", html)
    heading = re.search(r"Desa yang belum dijadwalkan \(([\d.]+)\)", html)
    table = html.split('<table class="waiting">', 1)[1].split("</table>", 1)[0]
    assert summary
    assert heading
    rows = table.count("<tr>") - 1  # the heading row
    return (int(summary.group(1).replace(".", "")), int(heading.group(1).replace(".", "")),
            rows)


def test_summary_and_list_of_waiting_villages_agree_before_and_after_an_edit(tmp_path: Path):
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    with app.app_context():
        load_sample_if_empty(str(SAMPLE))
        create_user(username="koordinator", password=PASSWORD, role=Role.COORDINATOR,
                    regency_code=REGENCY)
        job = create_job(ensure_regency(REGENCY), None, week_start=date(2026, 11, 30),
                         time_limit_s=3, solution_limit=2)
        job_id = job.id
    assert PlanningWorker(app).run_once()
    with app.app_context():
        done = db.session.get(PlanningJob, job_id)
        assert done is not None
        assert done.result_version_id, done.error
        version = db.session.get(PlanVersion, done.result_version_id)
        plan, version_id = version.plan, version.id
    # the sample has villages with nothing left to record: listed apart, not counted
    assert any(u["reason"]["code"] == "no_backlog" for u in plan["unscheduled"])
    client = app.test_client()
    login(client, "koordinator")
    page = client.get(f"/kabupaten/{REGENCY}/rencana/{version_id}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    summary, heading, rows = _counts(html)
    assert summary == heading == rows == plan["summary"]["villages_unscheduled"]
    assert 'id="tanpa-sisa"' in html
    # take a stop off its route: one more village waits, on both counts
    stop = next(s for r in plan["routes"] for s in r["stops"] if s["chunks"] == 1)
    moved = client.post(f"/kabupaten/{REGENCY}/rencana/{version_id}/ubah",
                        data={"action": "remove", "visit_id": stop["visit_id"]})
    assert moved.status_code == 302, moved.get_data(as_text=True)[:500]
    after = client.get(moved.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert _counts(after) == (summary + 1, summary + 1, summary + 1)
