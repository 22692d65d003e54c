"""Contacts at village offices (optional, set by the coordinator, shown to team leads)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from web.extensions import db
from web.models import Regency, Village, VillageContact
from web.services.field_schedule import local_today, schedule_version


def contact_of(village: Village) -> str:
    """The village office contact, or empty."""
    found = db.session.get(VillageContact, village.id)
    return found.contact if found else ""


def save_contact(village: Village, contact: str) -> None:
    """Set (or clear, with an empty text) the contact; committed."""
    found = db.session.get(VillageContact, village.id)
    text = contact.strip()
    if found is None:
        if not text:
            return
        found = VillageContact(village_id=village.id, contact=text)
        db.session.add(found)
    else:
        found.contact = text
    db.session.commit()


@dataclass(frozen=True)
class PlannedVillage:
    """A village of the plan in force, with its contact."""

    village: Village
    contact: str


def planned_villages(regency_code: str) -> list[PlannedVillage]:
    """Villages of the published plan the team leads see now, with their contacts."""
    regency = db.session.get(Regency, regency_code)
    assert regency is not None
    version = schedule_version(regency_code, local_today(regency))
    if version is None:
        return []
    codes = sorted({s["village_code"] for r in version.plan.get("routes", [])
                    for s in r.get("stops", []) if s.get("village_code")})
    villages = list(db.session.scalars(select(Village).where(
        Village.regency_code == regency_code, Village.kode.in_(codes)).order_by(Village.name)))
    contacts = {c.village_id: c.contact for c in db.session.scalars(select(VillageContact)
                .where(VillageContact.village_id.in_([v.id for v in villages])))}
    return [PlannedVillage(v, contacts.get(v.id, "")) for v in villages]
