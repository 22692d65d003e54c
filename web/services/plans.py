"""Plan versions of a regency's week: store drafts, list them, publish one.

A version never changes once written.  Edits and re-optimisation write a new draft
(``based_on_id``).  Publishing is one transaction: the week's head row (:class:`PlanWeek`)
moves to the new version with an UPDATE that names the revision the coordinator saw, the
previously published version becomes ``superseded`` and the new one ``published``.  If the
revision moved meanwhile, nothing changes and :class:`PlanChangedError` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from web.extensions import db
from web.models import PlanInstance, PlanStatus, PlanVersion, PlanWeek, User
from web.models.base import utcnow


class PlanChangedError(Exception):
    """The week's plan changed since the coordinator looked at it (another publication)."""


class NotPublishableError(Exception):
    """Only a draft can be published."""


def ensure_week(regency_code: str, week_start: date) -> PlanWeek:
    """The head row of the week, created when missing (commits on creation)."""
    found = db.session.scalar(select(PlanWeek).where(PlanWeek.regency_code == regency_code,
                                                     PlanWeek.week_start == week_start))
    if found is not None:
        return found
    week = PlanWeek(regency_code=regency_code, week_start=week_start, revision=0)
    db.session.add(week)
    try:
        db.session.commit()
    except IntegrityError:  # someone else made it at the same moment
        db.session.rollback()
        return ensure_week(regency_code, week_start)
    return week


def week_of(version: PlanVersion) -> PlanWeek:
    """The head row of the version's week."""
    return ensure_week(version.regency_code, version.week_start)


def store_instance(regency_code: str, week_start: date, data: dict[str, Any]) -> PlanInstance:
    """Keep the routing instance a plan was solved on (committed).

    Committed on its own, before the draft that refers to it: numbering the draft may take a
    rollback and a second attempt (a concurrent draft took the number), and that rollback must
    not take the instance with it.
    """
    instance = PlanInstance(regency_code=regency_code, week_start=week_start, data=data)
    db.session.add(instance)
    db.session.commit()
    return instance


def store_draft(*, regency_code: str, week_start: date, plan: dict[str, Any],
                instance_id: int | None, created_by_id: int | None,
                based_on_id: int | None = None, origin: str = "solver",
                note: str = "", note_data: dict[str, Any] | None = None) -> PlanVersion:
    """A new draft version numbered after the week's last one (committed)."""
    ensure_week(regency_code, week_start)
    for _attempt in range(3):
        number = (db.session.scalar(select(func.max(PlanVersion.version)).where(
            PlanVersion.regency_code == regency_code,
            PlanVersion.week_start == week_start)) or 0) + 1
        version = PlanVersion(regency_code=regency_code, week_start=week_start, version=number,
                              status=PlanStatus.DRAFT, plan=plan, based_on_id=based_on_id,
                              created_by_id=created_by_id, instance_id=instance_id,
                              origin=origin, note=note[:300], note_data=note_data)
        db.session.add(version)
        try:
            db.session.commit()
            return version
        except IntegrityError:  # the same number taken by a concurrent draft: next one
            db.session.rollback()
    raise RuntimeError("could not number the new plan version")


def versions_of_week(regency_code: str, week_start: date) -> list[PlanVersion]:
    """Every version of the week, newest first (callers authorised the regency); their plan
    JSON is loaded only when read (a list of versions never needs it)."""
    return list(db.session.scalars(select(PlanVersion).where(
        PlanVersion.regency_code == regency_code, PlanVersion.week_start == week_start)
        .options(defer(PlanVersion.plan)).order_by(PlanVersion.version.desc())))


def versions_of_regency(regency_code: str, *, limit: int = 200) -> list[PlanVersion]:
    """The regency's versions, newest week and version first."""
    return list(db.session.scalars(select(PlanVersion).where(
        PlanVersion.regency_code == regency_code)
        .order_by(PlanVersion.week_start.desc(), PlanVersion.version.desc()).limit(limit)))


@dataclass(frozen=True)
class DraftWaiting:
    """The newest draft of a week that is newer than what is published (or nothing is)."""

    version_id: int
    week_start: date
    version: int
    published_version: int | None


def drafts_awaiting_review(regency_code: str, *, from_week: date) -> list[DraftWaiting]:
    """Per week from ``from_week`` on: its newest draft, when no newer version is published.

    Reads version numbers only (never the plans), so the regency's home page stays light.
    """
    weeks = {w.week_start: w.published_version_id for w in db.session.scalars(
        select(PlanWeek).where(PlanWeek.regency_code == regency_code,
                               PlanWeek.week_start >= from_week))}
    rows = db.session.execute(select(
        PlanVersion.id, PlanVersion.week_start, PlanVersion.version, PlanVersion.status).where(
        PlanVersion.regency_code == regency_code, PlanVersion.week_start >= from_week)
        .order_by(PlanVersion.week_start, PlanVersion.version.desc())).all()
    numbers = {row.id: row.version for row in rows}
    out: list[DraftWaiting] = []
    seen: set[date] = set()
    for row in rows:
        if row.week_start in seen:
            continue
        seen.add(row.week_start)  # the newest version of the week decides
        if row.status != PlanStatus.DRAFT:
            continue
        published = weeks.get(row.week_start)
        out.append(DraftWaiting(row.id, row.week_start, row.version,
                                numbers.get(published) if published else None))
    return out


def published_version(regency_code: str, week_start: date) -> PlanVersion | None:
    """The version in force for the week, if any."""
    week = db.session.scalar(select(PlanWeek).where(PlanWeek.regency_code == regency_code,
                                                    PlanWeek.week_start == week_start))
    if week is None or week.published_version_id is None:
        return None
    return db.session.get(PlanVersion, week.published_version_id)


def latest_published(regency_code: str) -> PlanVersion | None:
    """The published version of the latest week that has one."""
    return db.session.scalar(select(PlanVersion).where(
        PlanVersion.regency_code == regency_code, PlanVersion.status == PlanStatus.PUBLISHED)
        .order_by(PlanVersion.week_start.desc()).limit(1))


def instance_data(version: PlanVersion) -> dict[str, Any] | None:
    """The instance JSON the version was solved on."""
    if version.instance_id is None:
        return None
    found = db.session.get(PlanInstance, version.instance_id)
    return None if found is None else found.data


def _supersede_previous(week: PlanWeek) -> None:
    db.session.execute(update(PlanVersion).where(
        PlanVersion.regency_code == week.regency_code,
        PlanVersion.week_start == week.week_start,
        PlanVersion.status == PlanStatus.PUBLISHED).values(status=PlanStatus.SUPERSEDED))


def _mark_published(version_id: int, user: User | None) -> None:
    result = db.session.execute(update(PlanVersion).where(
        PlanVersion.id == version_id, PlanVersion.status == PlanStatus.DRAFT).values(
        status=PlanStatus.PUBLISHED, published_at=utcnow(),
        published_by_id=user.id if user else None))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PlanChangedError("the draft is no longer a draft")


@dataclass(frozen=True)
class Published:
    """What publishing did: the version in force and the week's new revision."""

    version_id: int
    revision: int


def publish_version(version: PlanVersion, *, base_revision: int,
                    user: User | None) -> Published:
    """Publish a draft in one transaction, if the week is still at ``base_revision``.

    Raises :class:`PlanChangedError` (nothing changed) when another publication came first,
    :class:`NotPublishableError` when the version is not a draft.
    """
    if version.status != PlanStatus.DRAFT:
        raise NotPublishableError(version.status)
    week = week_of(version)
    week_id, version_id = week.id, version.id
    try:
        moved = db.session.execute(update(PlanWeek).where(
            PlanWeek.id == week_id, PlanWeek.revision == base_revision).values(
            revision=PlanWeek.revision + 1, published_version_id=version_id))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise PlanChangedError("the week's plan changed since it was read")
        _supersede_previous(week)
        _mark_published(version_id, user)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire_all()
    return Published(version_id, base_revision + 1)
