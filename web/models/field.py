"""What comes back from the field: stop reports, learned turnout, village office contacts.

Aggregates only: a report holds how many people a team recorded at a stop, never who.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import UTCDateTime, utcnow


class FieldReport(db.Model):  # type: ignore[name-defined,misc]
    """A team lead's report of one stop (a visit on a date).

    ``idempotency_key`` is made on the phone: a retry with the same key and body returns
    this row and changes nothing; the same key with another body is refused.  A correction
    is a new report of the same stop; the older one gets ``superseded_by_id`` and no longer
    counts.  ``body_hash`` is the SHA-256 of the canonical body the key was first sent with.
    """

    __tablename__ = "field_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"),
                                            index=True)
    plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id", ondelete="SET NULL"))
    visit_id: Mapped[str] = mapped_column(String(80))
    stop_date: Mapped[date] = mapped_column(Date, index=True)
    week_start: Mapped[date] = mapped_column(Date, index=True)
    #: people recorded (None when the team could not reach the village)
    recorded: Mapped[int | None] = mapped_column(Integer)
    #: the plan's expected recordings of the stop, kept for learning turnout
    expected: Mapped[int | None] = mapped_column(Integer)
    #: the turnout rate in force for the village's type when the report came in
    turnout_used: Mapped[float | None] = mapped_column(Float)
    turnout_type: Mapped[str] = mapped_column(String(20), default="")
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_report.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    #: when the phone made the report (it may arrive much later)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TurnoutRate(db.Model):  # type: ignore[name-defined,misc]
    """A turnout rate the coordinator accepted for a village type of the regency; planning
    passes these as ``ServiceParams.turnout_by_type``."""

    __tablename__ = "turnout_rate"
    __table_args__ = (UniqueConstraint("regency_code", "village_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    village_type: Mapped[str] = mapped_column(String(20))
    rate: Mapped[float] = mapped_column(Float)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VillageContact(db.Model):  # type: ignore[name-defined,misc]
    """Who to call at the village office (optional; kept apart from the imported village
    so a new upload never erases it)."""

    __tablename__ = "village_contact"

    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"),
                                            primary_key=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
