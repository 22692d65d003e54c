"""The coordinator's days off: stored per regency, handed to the planner as
:class:`planner.calendar.DayOff` (offices and teams by their planner codes)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from planner.calendar import DayOff as PlannerDayOff
from planner.calendar import national_days_off
from web.extensions import db
from web.models import DayOff, Office, Team, User


class DayOffError(ValueError):
    """A day off that cannot be stored as asked (message in Indonesian)."""


def list_days_off(regency_code: str, *, since: date | None = None) -> list[DayOff]:
    """The regency's days off from ``since`` on (all when None), by date."""
    query = select(DayOff).where(DayOff.regency_code == regency_code)
    if since is not None:
        query = query.where(DayOff.day >= since)
    return list(db.session.scalars(query.order_by(DayOff.day, DayOff.id)))


def add_day_off(regency_code: str, day: date, reason: str, *, office_id: int | None = None,
                team_id: int | None = None, user: User | None = None) -> DayOff:
    """Store a day off for a team, an office's teams or (neither) every team."""
    if office_id is not None and team_id is not None:
        raise DayOffError(_("Pilih satu tim atau satu kantor, tidak keduanya."))
    if office_id is not None:
        office = db.session.get(Office, office_id)
        if office is None or office.regency_code != regency_code:
            raise DayOffError(_("Kantor tidak ada di kabupaten/kota ini."))
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.regency_code != regency_code:
            raise DayOffError(_("Tim tidak ada di kabupaten/kota ini."))
    reason = " ".join(reason.split())
    if not reason:
        raise DayOffError(_("Isi alasan libur (tampil di rencana)."))
    row = DayOff(regency_code=regency_code, day=day, reason=reason[:200], office_id=office_id,
                 team_id=team_id, created_by_id=user.id if user else None)
    db.session.add(row)
    db.session.commit()
    return row


def remove_day_off(regency_code: str, day_off_id: int) -> DayOff | None:
    """Delete one of the regency's days off; None when it is not there."""
    row = db.session.get(DayOff, day_off_id)
    if row is None or row.regency_code != regency_code:
        return None
    db.session.delete(row)
    db.session.commit()
    return row


def planner_days_off(regency_code: str, week_start: date) -> list[PlannerDayOff]:
    """The days off of the week starting ``week_start``, in the planner's terms."""
    rows = db.session.scalars(select(DayOff).where(
        DayOff.regency_code == regency_code, DayOff.day >= week_start,
        DayOff.day < week_start + timedelta(days=7)).order_by(DayOff.day, DayOff.id))
    return [PlannerDayOff(r.day, r.reason, office_id=r.office.code if r.office else None,
                          team_id=r.team.code if r.team else None) for r in rows]


def coming_national_days(start: date, *, days: int = 90) -> list[tuple[date, str]]:
    """National holidays and cuti bersama from ``start`` for ``days`` days (weekdays and
    Saturdays: the days a team might work)."""
    span = [start + timedelta(days=k) for k in range(days)]
    found = national_days_off(d for d in span if d.isoweekday() <= 6)
    return sorted(found.items())
