"""Why a village waits: reason codes with Indonesian and English text.

Each village without a visit in a plan gets exactly one :class:`Reason`, computed from the
plan with its figures (:mod:`planner.why`); what it would take to schedule the village is a
change verified by re-planning (:mod:`planner.remedies`), or empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    "no_sailing": ("Desa pulau, tetapi tidak ada kapal yang berangkat pada hari kerja tim "
                   "minggu ini pada jam yang terkejar",
                   "Island village, but no boat sails on the teams' working days this week "
                   "at a time they can make"),
    "capacity": ("Waktu tim minggu ini dipakai kunjungan yang bernilai lebih",
                 "This week's team time went to visits worth more"),
    "boat_team_full": ("Desa pulau, dan tim yang bisa menyeberang sudah penuh",
                       "Island village, and the boat-capable team is fully used"),
    "search_gap": ("Sebenarnya bisa dijadwalkan, tetapi pencarian belum menemukannya",
                   "Could be scheduled, but the search did not find it"),
    "no_team_day": ("Tidak ada hari-tim tersisa minggu ini yang bisa ke desa ini",
                    "No team-day left this week can go to this village"),
    "data_problem": ("Masalah data", "Data problem"),
    "trip": ("Perlu perjalanan beberapa hari dengan menginap",
             "Needs a trip of several days with overnight stays"),
    "budget": ("Anggaran minggu ini tidak cukup", "This week's budget is not enough"),
    "covered": ("Dilayani dari titik kunjungan di desa tetangga",
                "Served from the stop in a neighbouring village"),
}

#: code -> what it would take (Indonesian, English), when it does not depend on the case.
#: Planning changes are only suggested once a re-plan verified them (``planner.remedies``).
WHAT_IT_WOULD_TAKE: dict[str, tuple[str, str]] = {
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
    #: The figures behind the text (minutes short, values per hour, the team-day named...).
    figures: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {
            "code": self.code, "text_id": self.text_id, "text_en": self.text_en,
            "what_it_would_take_id": self.what_id, "what_it_would_take_en": self.what_en}
        if self.figures:
            out["figures"] = self.figures
        return out


def reason(code: str, *, detail_id: str = "", detail_en: str = "", what_id: str | None = None,
           what_en: str | None = None, figures: dict[str, Any] | None = None) -> Reason:
    """The reason ``code`` with optional details appended and an optional remedy."""
    text_id, text_en = REASON_TEXTS[code]
    if detail_id:
        text_id = f"{text_id}: {detail_id}"
    if detail_en:
        text_en = f"{text_en}: {detail_en}"
    default_what = WHAT_IT_WOULD_TAKE.get(code, ("", ""))
    return Reason(code, text_id, text_en,
                  default_what[0] if what_id is None else what_id,
                  default_what[1] if what_en is None else what_en, dict(figures or {}))


#: Reasons of villages listed apart from the waiting ones: nothing is left to record there.
NOT_WAITING = frozenset({"no_backlog", "covered"})


def is_waiting(code: str) -> bool:
    """Whether a village listed with reason ``code`` counts as waiting (summary and list)."""
    return code not in NOT_WAITING


def _id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def trip_reason(days: int, *, team_free: bool = False) -> Reason:
    """``trip``: the village needs a ``days``-day trip; no team is free that long, or (with
    ``team_free``) too few people live around it to be worth a trip this week."""
    nights = days - 1
    if team_free:
        why_id = "terlalu sedikit warga di sekitarnya untuk perjalanan minggu ini"
        why_en = "too few people around it for a trip this week"
        what_id, what_en = ("Perjalanan bersama desa jauh lain di sekitarnya",
                            "A trip together with other far villages around it")
    else:
        why_id = f"tidak ada tim yang bebas {days} hari minggu ini"
        why_en = f"no team is free for {days} days this week"
        what_id, what_en = (f"Satu tim yang bebas {days} hari berturut-turut",
                            f"A team free for {days} consecutive days")
    return Reason("trip", f"Perlu perjalanan {days} hari dengan {nights} malam; {why_id}",
                  f"Needs a {days}-day trip with {nights} night{'s' if nights != 1 else ''}; "
                  f"{why_en}", what_id, what_en)


def budget_reason(needed_rp: int) -> Reason:
    """``budget``: the visit was dropped to keep the week within its budget."""
    return reason("budget",
                  detail_id=f"perlu tambahan Rp {_id_number(needed_rp)}",
                  detail_en=f"needs Rp {needed_rp:,} more",
                  what_id=f"Tambah anggaran minggu ini Rp {_id_number(needed_rp)}",
                  what_en=f"Rp {needed_rp:,} more in this week's budget")


def covered_reason(venue_desa: str, venue_code: str, people: int) -> Reason:
    """``covered``: the village's residents are invited to the stop at ``venue_desa``."""
    name = venue_desa or venue_code
    return Reason("covered", f"Dilayani dari titik di Desa {name} (perkiraan {people} orang)",
                  f"Served from the stop at Desa {name} (about {people} people)")
