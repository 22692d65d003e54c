"""Villages of a regency with their current backlog: lists, map features, overrides."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from web.extensions import db
from web.models import FLAGS, BacklogCount, Village
from web.scoping import scoped

#: Flags the villages page filters on.
FILTER_FLAGS: tuple[str, ...] = ("remote", "border", "island", "coastal")


@dataclass(frozen=True)
class VillageRow:
    """A village with its newest counts (None when no count was ever imported)."""

    village: Village
    wajib_ktp: int | None
    sudah_rekam: int | None
    belum_rekam: int | None


def effective(flag: str) -> Any:
    """SQL expression of an effective flag: the override when set, else the computed value."""
    return func.coalesce(getattr(Village, f"{flag}_override"),
                         getattr(Village, f"{flag}_computed"))


def _latest_counts() -> Any:
    newest = (select(func.max(BacklogCount.id).label("id"))
              .group_by(BacklogCount.village_id).subquery())
    return select(BacklogCount).join(newest, BacklogCount.id == newest.c.id).subquery()


def _query(regency_code: str, flags: tuple[str, ...], *, scope: bool = True) -> Select[Any]:
    counts = _latest_counts()
    query = (select(Village, counts.c.wajib_ktp, counts.c.sudah_rekam, counts.c.belum_rekam)
             .outerjoin(counts, counts.c.village_id == Village.id)
             .where(Village.regency_code == regency_code, Village.retired_at.is_(None))
             .order_by(Village.kode))
    for flag in flags:
        query = query.where(effective(flag).is_(True))
    return scoped(query, Village) if scope else query


def list_villages(regency_code: str, *, flags: tuple[str, ...] = ()) -> list[VillageRow]:
    """The regency's villages (optionally only those with every flag in ``flags``)."""
    return [VillageRow(v, w, s, b) for v, w, s, b in db.session.execute(
        _query(regency_code, flags))]


def regency_village_rows(regency_code: str) -> list[VillageRow]:
    """Every village of the regency, unscoped: for the planning worker, which runs a job
    that was authorised when it was queued (there is no logged-in user in the worker)."""
    return [VillageRow(v, w, s, b) for v, w, s, b in db.session.execute(
        _query(regency_code, (), scope=False))]


def villages_geojson(regency_code: str, *, flags: tuple[str, ...] = ()) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the villages, with backlog and flags as properties."""
    features = []
    for row in list_villages(regency_code, flags=flags):
        v = row.village
        features.append({
            "type": "Feature",
            "geometry": json.loads(v.geometry_geojson),
            "properties": {
                "kode": v.kode, "name": v.name, "district": v.district_name,
                "belum_rekam": row.belum_rekam, "wajib_ktp": row.wajib_ktp,
                "stop": [v.stop_lat, v.stop_lon], **v.flags(),
                "overridden": list(v.overridden()),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def regency_figures(regency_code: str) -> dict[str, int]:
    """Totals shown on dashboards: villages, backlog, and villages per flag."""
    rows = list_villages(regency_code)
    figures = {"villages": len(rows),
               "belum_rekam": sum(r.belum_rekam or 0 for r in rows),
               "wajib_ktp": sum(r.wajib_ktp or 0 for r in rows)}
    for flag in FILTER_FLAGS:
        figures[flag] = sum(1 for r in rows if r.village.flag(flag))
    return figures


def update_overrides(village: Village, values: dict[str, bool | None]) -> None:
    """Set (True/False) or clear (None) the coordinator's overrides of a village."""
    for flag in FLAGS:
        if flag in values:
            setattr(village, f"{flag}_override", values[flag])
    db.session.commit()
