"""Why a village waits: reason codes with Indonesian and English text.

Each village without a visit in a plan gets exactly one :class:`Reason`; where it is cheap to
compute, the reason also says what it would take to schedule the village.
"""

from __future__ import annotations

from dataclasses import dataclass

#: code -> (Indonesian, English)
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "no_backlog": ("Tidak ada warga yang perlu direkam (perkiraan kehadiran 0)",
                   "No one left to record (expected turnout is 0)"),
    "unreachable": ("Tidak terjangkau dalam satu hari kerja dari kantor dan kembali",
                    "Cannot be reached within a working day from the base and back"),
    "no_boat_team": ("Desa pulau, tetapi tidak ada tim yang bisa menyeberang dengan kapal",
                     "Island village, but no team is boat-capable"),
    "overnight": ("Perlu perjalanan dengan menginap",
                  "Would need an overnight trip"),
    "capacity": ("Kapasitas minggu ini dipakai desa dengan prioritas lebih tinggi",
                 "This week's capacity went to higher-priority villages"),
    "data_problem": ("Masalah data", "Data problem"),
    "covered": ("Dilayani dari titik kunjungan di desa tetangga",
                "Served from the stop in a neighbouring village"),
}

#: code -> what it would take (Indonesian, English), when it does not depend on the case.
WHAT_IT_WOULD_TAKE: dict[str, tuple[str, str]] = {
    "no_boat_team": ("Satu tim yang bisa menyeberang dengan kapal",
                     "A boat-capable team"),
    "overnight": ("Perjalanan dua hari dengan menginap di desa atau kecamatan",
                  "A two-day trip with an overnight stay in the village or district"),
    "unreachable": ("Tim yang berangkat dari tempat yang lebih dekat, atau perjalanan beberapa "
                    "hari", "A team based closer, or a trip of several days"),
    "data_problem": ("Perbaiki data desa lalu unggah ulang",
                     "Fix the village's data and upload again"),
}


@dataclass(frozen=True)
class Reason:
    """Why one village is not scheduled, and what it would take."""

    code: str
    text_id: str
    text_en: str
    what_id: str = ""
    what_en: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"code": self.code, "text_id": self.text_id, "text_en": self.text_en,
                "what_it_would_take_id": self.what_id, "what_it_would_take_en": self.what_en}


def reason(code: str, *, detail_id: str = "", detail_en: str = "", what_id: str | None = None,
           what_en: str | None = None) -> Reason:
    """The reason ``code`` with optional details appended and an optional remedy."""
    text_id, text_en = REASON_TEXTS[code]
    if detail_id:
        text_id = f"{text_id}: {detail_id}"
    if detail_en:
        text_en = f"{text_en}: {detail_en}"
    default_what = WHAT_IT_WOULD_TAKE.get(code, ("", ""))
    return Reason(code, text_id, text_en,
                  default_what[0] if what_id is None else what_id,
                  default_what[1] if what_en is None else what_en)


def covered_reason(venue_desa: str, venue_code: str, people: int) -> Reason:
    """``covered``: the village's residents are invited to the stop at ``venue_desa``."""
    name = venue_desa or venue_code
    return Reason("covered", f"Dilayani dari titik di Desa {name} (perkiraan {people} orang)",
                  f"Served from the stop at Desa {name} (about {people} people)")
