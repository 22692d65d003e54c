"""The province's progress dashboard (``/provinsi``): per regency backlog left, people
recorded this week and in total, remote/border/island villages visited, a weekly trend, a
map of villages by backlog left; any regency opened read-only.  Only GET routes: the
province never writes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _

from web.scoping import require_province, require_regency, visible_regencies
from web.services.progress import (
    WATCHED_FLAGS,
    province_trend,
    regency_progress,
    trend_svg,
    villages_points,
)

bp = Blueprint("province", __name__, url_prefix="/provinsi")


@bp.get("")
def index() -> str:
    """Every regency of the province side by side, the province's weekly trend and map."""
    require_province()
    progress = [regency_progress(r.code) for r in visible_regencies()]
    trend = province_trend(progress)
    chart = trend_svg(trend, label=_("Direkam per minggu, seluruh provinsi"), width=560,
                      height=160)
    sparks = {p.code: trend_svg(p.trend, label=_("Tren %(name)s", name=p.name), width=96,
                                height=28, small=True)
              for p in progress}
    return render_template("province/index.html", progress=progress, flags=WATCHED_FLAGS,
                           chart=chart, sparks=sparks)


@bp.get("/peta.json")
def map_json() -> dict[str, Any]:
    """Every village of the province: stop point, backlog left, watched flags."""
    require_province()
    return {"villages": villages_points([r.code for r in visible_regencies()])}


@bp.get("/kabupaten/<regency_code>")
def regency(regency_code: str) -> str:
    """One regency read-only: figures, weekly trend, map (its coordinator may look too)."""
    found = require_regency(regency_code)
    progress = regency_progress(regency_code)
    return render_template("province/regency.html", regency=found, p=progress,
                           flags=WATCHED_FLAGS,
                           chart=trend_svg(progress.trend,
                                           label=_("Direkam per minggu, %(name)s",
                                                   name=found.name),
                                           width=560, height=160))


@bp.get("/kabupaten/<regency_code>/peta.json")
def regency_map(regency_code: str) -> dict[str, Any]:
    """The regency's villages for the map."""
    require_regency(regency_code)
    return {"villages": villages_points([regency_code])}
