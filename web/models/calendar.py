"""Days the coordinator keeps free of field work (national holidays need no row: the
planner knows them, see ``planner/calendar.py``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import UTCDateTime, utcnow
from web.models.sites import Office
from web.models.teams import Team


class DayOff(db.Model):  # type: ignore[name-defined,misc]
    """A day off for one team, for every team of one office, or (both empty) for every
    team of the regency; ``reason`` is shown in the plan."""

    __tablename__ = "day_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office | None] = relationship()
    team: Mapped[Team | None] = relationship()
