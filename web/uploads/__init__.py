"""Uploading a regency's files and reading what was found in them."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import Length, Optional

from web.scoping import can_write_regency, require_import, require_regency
from web.services.imports import FILE_KINDS, UploadedFile, import_upload, latest_imports

bp = Blueprint("uploads", __name__, url_prefix="/kabupaten/<regency_code>/unggah")

LABELS = {
    "villages": _l("Batas desa (GeoPackage, GeoJSON atau Shapefile dalam ZIP)"),
    "backlog": _l("Jumlah wajib KTP dan belum rekam per desa (Excel atau CSV)"),
    "offices": _l("Kantor Disdukcapil (CSV)"),
    "harbours": _l("Pelabuhan (CSV, bila ada desa pulau)"),
    "teams": _l("Tim keliling (CSV, boleh dikosongkan)"),
    "neighbours": _l("Wilayah tetangga untuk tanda perbatasan (boleh dikosongkan)"),
    "overrides": _l("Koreksi tanda desa (CSV, boleh dikosongkan)"),
    "roads": _l("Jaringan jalan untuk waktu tempuh: OpenStreetMap .osm.pbf atau garis jalan "
                "RBI (GeoPackage atau Shapefile dalam ZIP), boleh dikosongkan"),
    "days_off": _l("Hari libur kantor dan tim (CSV: tanggal, tim atau kantor, alasan; "
                   "boleh dikosongkan)"),
}

#: What each uploaded file is, as the upload result lists them ("Batas desa: desa.gpkg").
FILE_NAMES = {
    "villages": _l("Batas desa"),
    "backlog": _l("Jumlah belum rekam per desa"),
    "offices": _l("Kantor Disdukcapil"),
    "harbours": _l("Pelabuhan"),
    "teams": _l("Tim keliling"),
    "neighbours": _l("Wilayah tetangga"),
    "overrides": _l("Koreksi tanda desa"),
    "roads": _l("Jaringan jalan"),
    "days_off": _l("Hari libur"),
}


class UploadForm(FlaskForm):
    """One file field per kind of file, plus the code list the files follow."""

    code_list = StringField(_l("Sumber kode wilayah (misalnya Kepmendagri 100.1.1-6117/2022)"),
                            validators=[Optional(), Length(max=200)])


for _kind in FILE_KINDS:
    setattr(UploadForm, _kind.role, FileField(
        LABELS[_kind.role],
        validators=[FileAllowed([e.lstrip(".") for e in _kind.extensions],
                                _l("Jenis berkas tidak sesuai"))]))


@bp.route("", methods=["GET", "POST"])
def upload(regency_code: str) -> str | Response:
    """The upload form; a valid post stores the files or lists every problem."""
    regency = require_regency(regency_code, write=True)
    form = UploadForm()
    if form.validate_on_submit():
        files = {k.role: UploadedFile(form[k.role].data.filename, form[k.role].data.stream)
                 for k in FILE_KINDS if form[k.role].data}
        record = import_upload(regency, current_user._get_current_object(), files,
                               code_list=form.code_list.data or "")
        return redirect(url_for("uploads.result", regency_code=regency_code,
                                import_id=record.id))
    return render_template("uploads/upload.html", regency=regency, form=form,
                           kinds=FILE_KINDS, imports=latest_imports(regency_code))


@bp.get("/<int:import_id>")
def result(regency_code: str, import_id: int) -> str:
    """What an upload did, with every problem by file, row and column."""
    regency = require_regency(regency_code)
    record = require_import(regency_code, import_id)
    return render_template("uploads/result.html", regency=regency, record=record,
                           file_names=FILE_NAMES, can_edit=can_write_regency(regency_code))
