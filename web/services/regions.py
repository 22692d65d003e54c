"""Provinces and regencies: created on demand from Kemendagri codes."""

from __future__ import annotations

import re

from web.extensions import db
from web.models import Province, Regency

# Kemendagri province codes; a code not listed gets a plain "Provinsi NN" name.
PROVINCE_NAMES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
}
# Provinces east of the WIB line (WITA / WIT); the rest of the country is on WIB.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "94", "95", "96", "97"}

PROVINCE_CODE = re.compile(r"^\d{2}$")
REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")


def timezone_of(province_code: str) -> str:
    """IANA zone of a province (WIB, WITA or WIT)."""
    if province_code in _WIT:
        return "Asia/Jayapura"
    if province_code in _WITA:
        return "Asia/Makassar"
    return "Asia/Jakarta"


def ensure_province(code: str) -> Province:
    """The province with this code, created when missing."""
    if not PROVINCE_CODE.match(code):
        raise ValueError(f"not a province code: {code!r}")
    province = db.session.get(Province, code)
    if province is None:
        province = Province(code=code, name=PROVINCE_NAMES.get(code, f"Provinsi {code}"))
        db.session.add(province)
        db.session.flush()  # rows pointing at it may follow in the same flush
    return province


def ensure_regency(code: str, name: str | None = None) -> Regency:
    """The regency with this code (created when missing; ``name`` updates its name)."""
    if not REGENCY_CODE.match(code):
        raise ValueError(f"not a regency code: {code!r}")
    province = ensure_province(code[:2])
    regency = db.session.get(Regency, code)
    if regency is None:
        regency = Regency(code=code, province_code=province.code,
                          name=name or f"Kabupaten/Kota {code}",
                          timezone=timezone_of(province.code))
        db.session.add(regency)
        db.session.flush()
    elif name:
        regency.name = name
    return regency
