"""The record of every upload of a regency's files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from web.extensions import db
from web.models.accounts import User
from web.models.base import UTCDateTime, utcnow


class ImportStatus(StrEnum):
    """Outcome of an upload; a failed one changed no village, count or team."""

    DONE = "done"
    FAILED = "failed"


class DataImport(db.Model):  # type: ignore[name-defined,misc]
    """Who uploaded which files when, and every problem found (``Problem.to_dict()``s).

    The problem list is loaded only when read (the result page of one upload); lists of
    uploads show ``problem_count``, kept equal to its length whenever it is assigned.
    """

    __tablename__ = "data_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True)
    problem_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # which Kemendagri code list the files follow (codes change between decrees)
    code_list: Mapped[str] = mapped_column(String(200), default="")
    village_count: Mapped[int] = mapped_column(Integer, default=0)

    uploaded_by: Mapped[User | None] = relationship()

    @validates("problems")
    def _count_problems(self, key: str, problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.problem_count = len(problems or ())
        return problems

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The problems that refused the upload."""
        return [p for p in self.problems if p.get("severity") == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """The problems worth knowing that did not refuse the upload."""
        return [p for p in self.problems if p.get("severity") != "error"]
