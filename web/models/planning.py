"""Weekly planning: background solve jobs and immutable plan versions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import UTCDateTime, utcnow


class JobStatus(StrEnum):
    """Life of a planning job: queued → running → done | failed | cancelled."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PlanStatus(StrEnum):
    """Life of a plan version: draft → published → superseded."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class PlanInstance(db.Model):  # type: ignore[name-defined,misc]
    """The routing instance a plan was solved on (``planner.instance_io`` JSON).

    Versions made by hand edits share their base's instance, so every edit is re-checked
    (``check_plan``) against exactly the rules the solver saw.
    """

    __tablename__ = "plan_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanWeek(db.Model):  # type: ignore[name-defined,misc]
    """The head of a regency's week: which version is published, and a revision number.

    Publishing bumps ``revision`` in an UPDATE whose WHERE clause names the revision the
    coordinator saw (optimistic concurrency): of two coordinators publishing from the same
    revision, exactly one succeeds.
    """

    __tablename__ = "plan_week"
    __table_args__ = (UniqueConstraint("regency_code", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id"))


class PlanningJob(db.Model):  # type: ignore[name-defined,misc]
    """One request to plan a regency's week; a worker outside the request runs it.

    ``progress`` holds what the browser shows (``{"fraction": 0.4, "objective": ...}``);
    ``result_version_id`` points to the draft it produced.
    """

    __tablename__ = "planning_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED, index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id", ondelete="SET NULL"))


class PlanVersion(db.Model):  # type: ignore[name-defined,misc]
    """An immutable plan of a regency's week (the planner's plan JSON).

    Edits make a new version (``based_on_id``); publishing marks one version published and
    the previous published one superseded in a single transaction.
    """

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("regency_code", "week_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT, index=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("plan_instance.id"))
    #: What made this version: ``solver``, ``edit`` (with ``note`` saying which) or ``reoptimise``.
    origin: Mapped[str] = mapped_column(String(20), default="solver")
    note: Mapped[str] = mapped_column(String(300), default="")
    #: The same as data (web/services/version_notes.py), so each reader gets it in their own
    #: language; empty on versions stored before it existed, which show ``note`` as written.
    note_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
