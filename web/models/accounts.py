"""People who log in: province monitors, regency coordinators and team leads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from web.models.teams import Team


class Role(StrEnum):
    """What an account may do (see ``web.scoping``)."""

    PROVINCE = "province"
    COORDINATOR = "coordinator"
    TEAM_LEAD = "team_lead"


class User(db.Model):  # type: ignore[name-defined,misc]
    """An account.  ``session_version`` is part of the session id: bumping it logs out
    every session of the account on the server side (logout, disabling, password change)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regency.code"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Session token ``id:version``; a stale version no longer loads the user."""
        return f"{self.id}:{self.session_version}"
