"""Helpers of the field tests: a published plan of this week with stops today."""

from __future__ import annotations

from datetime import date, timedelta

from web_fixtures import create_village, tiny_plan

from web.extensions import db
from web.models import PlanVersion, PlanWeek, Regency, Team, Village
from web.services.field_schedule import local_today
from web.services.plans import publish_version, store_draft

OWN = "36.90"


def publish(version_id: int) -> None:
    """Publish a draft at its week's current revision (in an app context)."""
    version = db.session.get(PlanVersion, version_id)
    week = db.session.query(PlanWeek).filter_by(regency_code=version.regency_code,
                                                week_start=version.week_start).one()
    publish_version(version, base_revision=week.revision, user=None)


def today_plan(app, world) -> tuple[str, str]:
    """A published plan of this week: the own team on today (two stops) and tomorrow."""
    with app.app_context():
        regency = db.session.get(Regency, OWN)
        today = local_today(regency)
        monday = today - timedelta(days=today.weekday())
        team = db.session.get(Team, world.targets["own"].team_id)
        first = db.session.query(Village).filter_by(kode=world.targets["own"].kode).one()
        second = create_village(OWN, "36.90.01.2002", name="Sukamaju", belum_rekam=80)
        third = create_village(OWN, "36.90.01.2003", name="Tanjung Jaya", belum_rekam=50)
        db.session.commit()
        plan = tiny_plan(first, team)
        route = plan["routes"][0]
        stop = route["stops"][0]

        def day_route(day: date, villages: list[Village]) -> dict:
            stops = []
            for i, v in enumerate(villages):
                stops.append({**stop, "sequence": i + 1, "visit_id": v.kode,
                              "village_code": v.kode, "desa": v.name,
                              "arrival_s": 30600 + i * 9000, "start_s": 30600 + i * 9000,
                              "departure_s": 36000 + i * 9000, "lon": v.stop_lon,
                              "lat": v.stop_lat})
            return {**route, "vehicle_id": f"{team.code}@{day.isoformat()}",
                    "date": day.isoformat(), "stops": stops,
                    "expected_recordings": 60 * len(stops)}

        later = today + timedelta(days=1)
        plan["routes"] = [day_route(later, [third]), day_route(today, [first, second])]
        plan["week_start"] = monday.isoformat()
        version = store_draft(regency_code=OWN, week_start=monday, plan=plan,
                              instance_id=None, created_by_id=None)
        publish(version.id)
        return today.isoformat(), later.isoformat()


