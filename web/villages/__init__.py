"""The villages of a regency: table, map data and the coordinator's flag overrides."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from web.models import FLAGS
from web.scoping import can_write_regency, require_regency, require_village
from web.services.villages import (
    FILTER_FLAGS,
    list_villages,
    update_overrides,
    villages_geojson,
)

bp = Blueprint("villages", __name__, url_prefix="/kabupaten/<regency_code>/desa")

_CHOICES = [SelectChoice("", _l("Otomatis (hasil hitung)")), SelectChoice("1", _l("Ya")),
            SelectChoice("0", _l("Tidak"))]


class OverrideForm(FlaskForm):
    """One choice per flag: automatic, yes or no."""

    island = SelectField(_l("Pulau"), choices=_CHOICES, default="")
    border = SelectField(_l("Perbatasan"), choices=_CHOICES, default="")
    coastal = SelectField(_l("Pesisir"), choices=_CHOICES, default="")
    remote = SelectField(_l("Terpencil"), choices=_CHOICES, default="")
    hilly = SelectField(_l("Perbukitan"), choices=_CHOICES, default="")


def _flags_from_request() -> tuple[str, ...]:
    return tuple(f for f in request.args.getlist("tanda") if f in FILTER_FLAGS)


@bp.get("")
def index(regency_code: str) -> str:
    """Table and map of the villages, filtered by flag (``?tanda=remote&tanda=island``)."""
    regency = require_regency(regency_code)
    flags = _flags_from_request()
    return render_template("villages/index.html", regency=regency,
                           rows=list_villages(regency_code, flags=flags), flags=flags,
                           filter_flags=FILTER_FLAGS, can_edit=can_write_regency(regency_code))


@bp.get("/peta.geojson")
def geojson(regency_code: str) -> dict[str, Any]:
    """The villages as GeoJSON for the map (same filter as the page)."""
    require_regency(regency_code)
    return villages_geojson(regency_code, flags=_flags_from_request())


def _choice(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


@bp.route("/<kode>", methods=["GET", "POST"])
def edit(regency_code: str, kode: str) -> str | Response:
    """Set or clear the flag overrides of one village (coordinator only)."""
    village = require_village(regency_code, kode, write=True)
    form = OverrideForm(data={f: _choice(getattr(village, f"{f}_override")) for f in FLAGS})
    if form.validate_on_submit():
        values = {f: (None if form[f].data == "" else form[f].data == "1") for f in FLAGS}
        update_overrides(village, values)
        flash(_("Tanda desa %(name)s disimpan.", name=village.name), "success")
        return redirect(url_for("villages.index", regency_code=regency_code))
    return render_template("villages/edit.html", regency=village, village=village, form=form,
                           regency_code=regency_code)
