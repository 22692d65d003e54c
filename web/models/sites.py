"""Fixed places a team starts from or travels through: regency offices and harbours."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db


class Office(db.Model):  # type: ignore[name-defined,misc]
    """A Disdukcapil office (or branch) teams leave from."""

    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("regency_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    code: Mapped[str] = mapped_column(String(120))  # the planner's ``office_id``
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class Harbour(db.Model):  # type: ignore[name-defined,misc]
    """A harbour from which boats reach island villages."""

    __tablename__ = "harbour"
    __table_args__ = (UniqueConstraint("regency_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    code: Mapped[str] = mapped_column(String(120))  # the planner's ``harbour_id``
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    #: As written in ``harbours.csv`` (see :mod:`planner.sailing`); ``None`` = every day /
    #: whenever the team arrives.
    sailing_days: Mapped[str | None] = mapped_column(String(200), nullable=True)
    departures: Mapped[str | None] = mapped_column(String(200), nullable=True)
