"""Which report of a stop is in force: the one made last, not the one that arrived last; a
coordinator's correction stays until a later correction by a coordinator (issue 16 §3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from field_fixtures import publish
from flask import Flask
from web_fixtures import WEEK, World, login

from web.extensions import db
from web.models import BacklogCount, FieldReport, Village

#: 100 left in the village before any report (web_fixtures.create_village)
BACKLOG = 100


@pytest.fixture
def stop(app: Flask, world: World) -> dict[str, object]:
    """The own team's one-stop plan of WEEK published; its report URL and village code."""
    own = world.targets["own"]
    with app.app_context():
        publish(own.version_id)
    return {"url": f"/api/v1/teams/{own.team_id}/reports", "kode": own.kode}


def _client(app: Flask, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _send(client, stop, key: str, recorded: int, made: datetime | None) -> dict:
    body = {"idempotency_key": key, "visit_id": stop["kode"], "date": WEEK.isoformat(),
            "recorded": recorded, "notes": ""}
    if made is not None:
        body["reported_at"] = made.isoformat()
    response = client.post(stop["url"], json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _in_force(app: Flask, kode: str) -> tuple[list[int], int]:
    """The recorded counts of the active reports of the stop, and the village's backlog."""
    with app.app_context():
        village = db.session.query(Village).filter_by(kode=kode).one()
        active = [r.recorded for r in db.session.query(FieldReport).filter_by(
            village_id=village.id, superseded_by_id=None)]
        backlog = (db.session.query(BacklogCount).filter_by(village_id=village.id)
                   .order_by(BacklogCount.id.desc()).first().belum_rekam)
        db.session.remove()
    return active, backlog


def _hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


@pytest.mark.parametrize("order", ["newer first", "older first"])
def test_the_report_made_last_is_in_force_whatever_arrives_last(app, stop, order):
    """Two reports of the lead's stop: the one made at 10 counts, in both orders of arrival
    (the 9 o'clock one waited in an offline phone's outbox)."""
    lead = _client(app, "ketua")
    older = ("kunci-pagi-0900", 30, _hours_ago(5))
    newer = ("kunci-pagi-1000", 45, _hours_ago(4))
    for key, recorded, made in ((newer, older) if order == "newer first" else (older, newer)):
        _send(lead, stop, key, recorded, made)
    assert _in_force(app, stop["kode"]) == ([45], BACKLOG - 45)
    listed = {r["idempotency_key"]: r for r in lead.get(stop["url"]).get_json()["reports"]}
    assert listed["kunci-pagi-0900"]["active"] is False
    assert listed["kunci-pagi-0900"]["superseded_by_id"] == listed["kunci-pagi-1000"]["id"]


def test_an_outbox_report_does_not_undo_the_coordinators_correction(app, stop):
    """The coordinator corrects the lead's report; reports the lead's phone delivers later
    (made before or even after the correction) leave the correction in force; a later
    correction of the coordinator replaces it, an older one arriving late does not."""
    lead, coordinator = _client(app, "ketua"), _client(app, "koordinator")
    _send(lead, stop, "kunci-lead-1000", 45, _hours_ago(6))
    correction = _send(coordinator, stop, "kunci-koord-1200", 50, _hours_ago(4))
    assert correction["active"] is True
    assert _in_force(app, stop["kode"]) == ([50], BACKLOG - 50)
    late = _send(lead, stop, "kunci-lead-1100", 30, _hours_ago(5))  # from the outbox
    assert late["active"] is False
    assert late["superseded_by_id"] == correction["id"]
    _send(lead, stop, "kunci-lead-1300", 20, _hours_ago(3))
    assert _in_force(app, stop["kode"]) == ([50], BACKLOG - 50)
    _send(coordinator, stop, "kunci-koord-1130", 10, _hours_ago(4.5))  # older, arrives late
    assert _in_force(app, stop["kode"]) == ([50], BACKLOG - 50)
    _send(coordinator, stop, "kunci-koord-1400", 40, _hours_ago(2))
    assert _in_force(app, stop["kode"]) == ([40], BACKLOG - 40)


def test_a_report_without_time_or_from_the_future_counts_from_its_arrival(app, stop):
    """A phone clock a day ahead does not make its report win over one sent later; a report
    without ``reported_at`` was made when it arrived."""
    lead = _client(app, "ketua")
    _send(lead, stop, "kunci-jam-salah", 45, datetime.now(UTC) + timedelta(days=1))
    _send(lead, stop, "kunci-tanpa-jam", 30, None)
    assert _in_force(app, stop["kode"]) == ([30], BACKLOG - 30)
    _send(lead, stop, "kunci-kemarin-1", 12, _hours_ago(20))
    assert _in_force(app, stop["kode"]) == ([30], BACKLOG - 30)
