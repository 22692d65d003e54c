"""Field reports of a regency for its coordinator (the province reads them): reports in,
turnout learned from them (accept for the next plans), villages the teams could not reach,
and the contact at each village office."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from planner.params import TURNOUT_TYPES
from web.scoping import can_write_regency, require_regency, require_village
from web.services.field_contacts import contact_of, planned_villages, save_contact
from web.services.field_reports import (
    NIK_LIKE,
    regency_reports,
    report_parts,
    unreachable_villages,
    village_names,
)
from web.services.never_come import accept_never_come, never_come_view
from web.services.progress import regency_progress
from web.services.teams import list_teams
from web.services.turnout import accept_turnout, learned_turnout

bp = Blueprint("reports", __name__, url_prefix="/kabupaten/<regency_code>/lapangan")


def type_labels() -> dict[str, str]:
    """The village types of the turnout table in the page's language (``desa`` as a type:
    a rural village, by context apart from the menu's "Desa")."""
    return {"island": _("Pulau"), "border": _("Perbatasan"), "remote": _("Terpencil"),
            "coastal": _("Pesisir"), "kelurahan": _("Kelurahan"),
            "desa": pgettext("jenis desa", "Desa")}


class ContactForm(FlaskForm):
    """Who to call at the village office."""

    contact = StringField(_l("Kontak kantor desa (nama jabatan dan nomor telepon)"),
                          validators=[Length(max=200)])

    def validate_contact(self, field: StringField) -> None:
        """No NIK in a contact line."""
        if field.data and NIK_LIKE.search(field.data):
            raise ValidationError(_("Jangan menulis NIK; cukup jabatan dan nomor telepon."))


@bp.get("")
def index(regency_code: str) -> str:
    """Reports, learned turnout, unreachable villages, village contacts."""
    regency = require_regency(regency_code)
    return render_template(
        "reports/index.html", regency=regency, progress=regency_progress(regency_code),
        turnout=learned_turnout(regency_code), type_labels=type_labels(),
        never_come=never_come_view(regency_code),
        unreachable=sorted(unreachable_villages(regency_code).values(),
                           key=lambda u: u.report.stop_date, reverse=True),
        reports=(reports := regency_reports(regency_code, limit=50)),
        report_villages=village_names({r.village_id for r in reports}),
        teams={t.id: t for t in list_teams(regency_code)},
        planned=planned_villages(regency_code), can_edit=can_write_regency(regency_code),
        report_parts=report_parts(reports))


@bp.post("/kehadiran")
def accept(regency_code: str) -> Response:
    """Accept the learned turnout rates (all, or the ``jenis`` chosen) for the next plans."""
    require_regency(regency_code, write=True)
    types = tuple(t for t in request.form.getlist("jenis") if t in TURNOUT_TYPES)
    stored = accept_turnout(regency_code, current_user, types=types)
    if stored:
        labels = type_labels()
        flash(_("Tingkat kehadiran disimpan; rencana berikutnya memakainya: %(rates)s",
                rates=", ".join(f"{labels[r.village_type]} {r.rate:.0%}" for r in stored)),
              "success")
    else:
        flash(_("Belum ada laporan untuk dipelajari."), "info")
    return redirect(url_for("reports.index", regency_code=regency_code) + "#kehadiran")


@bp.post("/tidak-pernah-datang")
def accept_model(regency_code: str) -> Response:
    """Accept the learned share that never comes and repeat decay for the next plans."""
    require_regency(regency_code, write=True)
    stored = accept_never_come(regency_code, current_user)
    if stored:
        flash(_("Nilai dari laporan disimpan; rencana berikutnya memakainya (%(n)s nilai).",
                n=len(stored)), "success")
    else:
        flash(_("Belum ada laporan untuk dipelajari."), "info")
    return redirect(url_for("reports.index", regency_code=regency_code) + "#tidak-pernah-datang")


@bp.route("/desa/<kode>/kontak", methods=["GET", "POST"])
def contact(regency_code: str, kode: str) -> str | Response:
    """Set the village office contact shown on the team lead's stops."""
    village = require_village(regency_code, kode, write=True)
    form = ContactForm(data={"contact": contact_of(village)})
    if form.validate_on_submit():
        save_contact(village, form.contact.data or "")
        flash(_("Kontak desa %(name)s disimpan.", name=village.name), "success")
        return redirect(url_for("reports.index", regency_code=regency_code) + "#kontak")
    return render_template("reports/contact.html", village=village, form=form,
                           regency_code=regency_code)
