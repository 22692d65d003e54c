"""Mobile recording teams of a regency."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.sites import Office

if TYPE_CHECKING:
    from web.models.accounts import User


class Team(db.Model):  # type: ignore[name-defined,misc]
    """A team: its base office, kits, boat capability, working week and daily cap.

    ``workdays``/``day_start``/``day_end``/``daily_cap`` left empty mean "the regency's
    planning defaults".  The team lead is the team-lead account whose ``team_id`` is this
    team (one source of truth; no circular foreign key).
    """

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("regency_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    code: Mapped[str] = mapped_column(String(120))  # the planner's ``team_id``
    name: Mapped[str] = mapped_column(String(200))
    base_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="SET NULL"))
    kits: Mapped[int] = mapped_column(Integer, default=1)
    boat_capable: Mapped[bool] = mapped_column(Boolean, default=False)
    # ISO weekdays, comma separated ("1,2,3,4,5" = Senin–Jumat); NULL = default
    workdays: Mapped[str | None] = mapped_column(String(20))
    day_start: Mapped[time | None] = mapped_column(Time)
    day_end: Mapped[time | None] = mapped_column(Time)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    base_office: Mapped[Office | None] = relationship()
    leads: Mapped[list[User]] = relationship(
        "User",
        primaryjoin="and_(Team.id == foreign(User.team_id), User.role == 'team_lead')",
        viewonly=True, order_by="User.username")

    @property
    def workday_numbers(self) -> tuple[int, ...] | None:
        """Working days as ISO weekday numbers, or None for the default week."""
        if not self.workdays:
            return None
        return tuple(int(d) for d in self.workdays.split(","))

