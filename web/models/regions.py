"""Administrative areas (Kemendagri codes): provinces and their regencies."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db


class Province(db.Model):  # type: ignore[name-defined,misc]
    """A province, e.g. ``36`` Banten."""

    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))

    regencies: Mapped[list[Regency]] = relationship(back_populates="province",
                                                    order_by="Regency.code")


class Regency(db.Model):  # type: ignore[name-defined,misc]
    """A kabupaten or kota, e.g. ``36.02`` Kabupaten Lebak; its office plans the routes."""

    __tablename__ = "regency"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # IANA zone of the regency's local time (WIB Asia/Jakarta, WITA Asia/Makassar, WIT
    # Asia/Jayapura): times shown to its users are in it.
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")

    province: Mapped[Province] = relationship(back_populates="regencies")
