"""Villages (desa/kelurahan) with their geography flags and backlog counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import UTCDateTime, utcnow

#: Flags a coordinator can override; ``hilly`` comes from the boundary file.
FLAGS: tuple[str, ...] = ("island", "border", "coastal", "remote", "hilly")


class Village(db.Model):  # type: ignore[name-defined,misc]
    """A village.  Computed flags and the coordinator's overrides live in separate columns
    (``island_computed`` / ``island_override``); the effective flag is the override when set.
    """

    __tablename__ = "village"

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(20), unique=True)  # Kemendagri 36.02.01.2002
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="desa")  # desa, kelurahan, desa adat
    district_code: Mapped[str] = mapped_column(String(10), default="")
    district_name: Mapped[str] = mapped_column(String(200), default="")
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    geometry_geojson: Mapped[str] = mapped_column(Text)  # WGS84 GeoJSON geometry
    stop_lon: Mapped[float] = mapped_column(Float)  # a point inside, or the village office
    stop_lat: Mapped[float] = mapped_column(Float)
    border_kind: Mapped[str | None] = mapped_column(String(20))
    office_travel_s: Mapped[int | None] = mapped_column(Integer)
    office_distance_m: Mapped[int | None] = mapped_column(Integer)
    # the planner's landmass number (0 = the office's mainland); boats cross between them
    landmass: Mapped[int | None] = mapped_column(Integer)

    island_computed: Mapped[bool] = mapped_column(Boolean, default=False)
    border_computed: Mapped[bool] = mapped_column(Boolean, default=False)
    coastal_computed: Mapped[bool] = mapped_column(Boolean, default=False)
    remote_computed: Mapped[bool] = mapped_column(Boolean, default=False)
    hilly_computed: Mapped[bool] = mapped_column(Boolean, default=False)

    island_override: Mapped[bool | None] = mapped_column(Boolean)
    border_override: Mapped[bool | None] = mapped_column(Boolean)
    coastal_override: Mapped[bool | None] = mapped_column(Boolean)
    remote_override: Mapped[bool | None] = mapped_column(Boolean)
    hilly_override: Mapped[bool | None] = mapped_column(Boolean)

    #: When an import no longer listed the village (``None`` = active).  A retired village
    #: keeps its counts, reports and contact but leaves lists, maps and planning; it comes
    #: back as it was when a later import lists it again.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def flag(self, name: str) -> bool:
        """The effective flag: the override when the coordinator set one."""
        override = getattr(self, f"{name}_override")
        return bool(getattr(self, f"{name}_computed") if override is None else override)

    def flags(self) -> dict[str, bool]:
        """Every effective flag by name."""
        return {name: self.flag(name) for name in FLAGS}

    def overridden(self) -> tuple[str, ...]:
        """Flags the coordinator set by hand."""
        return tuple(n for n in FLAGS if getattr(self, f"{n}_override") is not None)


class BacklogCount(db.Model):  # type: ignore[name-defined,misc]
    """Counts of one village from one source; the newest row is the current backlog.

    ``source`` is ``import`` (an uploaded SIAK file) or, later, ``report`` (a team's field
    report).  Aggregates only: no personal data is ever stored.
    """

    __tablename__ = "backlog_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"),
                                            index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("data_import.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="import")
    wajib_ktp: Mapped[int | None] = mapped_column(Integer)
    sudah_rekam: Mapped[int | None] = mapped_column(Integer)
    belum_rekam: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
