"""The English catalogue is complete, and the main pages switched to English keep no Indonesian
key phrase (each phrase is first seen on the Indonesian page, so the check means something)."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from field_fixtures import today_plan
from flask import Flask, session
from web_fixtures import World, login

from web.extensions import db
from web.models import Village
from web.reports import type_labels
from web.services.plan_edits import WEEKDAYS_ID

CATALOGUE = (Path(__file__).resolve().parents[2] / "web" / "translations" / "en"
             / "LC_MESSAGES" / "messages.po")


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    """Every msgid of the English catalogue has a translation and none is fuzzy."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and (
        not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len([m for m in catalogue if m.id]) > 300


class _Text(HTMLParser):
    """What a reader sees or hears: text nodes and labelling attributes, no scripts."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if v and (k in self.ATTRIBUTES
                                                     or k.startswith("data-label"))]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


#: page -> Indonesian phrases only that page's own texts produce (never the test data)
PAGES: dict[str, tuple[str, ...]] = {
    "/kabupaten/36.90/": ("Ringkasan", "Wajib KTP", "Belum rekam", "Lihat desa", "Keluar"),
    "/kabupaten/36.90/desa": ("Daftar desa", "Tampilkan hanya desa", "Wajib KTP",
                              "Ubah tanda"),
    "/kabupaten/36.90/tim": ("Tim keliling", "Tambah tim", "Kantor asal", "Hari kerja"),
    "/kabupaten/36.90/rencana": ("Rencana mingguan", "Rencanakan minggu",
                                 "Batas waktu perhitungan", "Menunggu giliran",
                                 "Versi rencana"),
    "/kabupaten/36.90/rencana/{version_id}": (
        "Rencana minggu", "Terbitkan versi ini", "Perkiraan rekam", "Rute per hari-tim",
        "Desa yang belum dijadwalkan", "Seluruh rencana", "Lembar rute", "Senin", "Tiba",
        "Berangkat", "Pindahkan", "perencana otomatis"),
    "/kabupaten/36.90/rencana/tugas/{job_id}": ("Tugas perencanaan", "Menunggu giliran",
                                                "Batalkan perhitungan", "Nilai terbaik"),
    "/kabupaten/36.90/unggah": ("Unggah data", "Batas desa", "Wajib", "Unggah dan periksa"),
    "/tim/{team_id}": ("Kantor asal", "Alat rekam", "Hari kerja"),
    "/akun/kata-sandi": ("Ganti kata sandi", "Kata sandi sekarang", "Ulangi kata sandi baru",
                         "keluar dari semua perangkat lain", "Paling sedikit 8 karakter"),
    "/kabupaten/36.90/pengguna": ("Akun ketua tim", "Atur ulang kata sandi", "Nonaktifkan"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_main_pages_switch_to_english(app: Flask, world: World, page: str) -> None:
    """The coordinator's pages in English: the Indonesian key phrases are gone."""
    own = world.targets["own"]
    url = page.format(version_id=own.version_id, job_id=own.job_id, team_id=own.team_id)
    client = app.test_client()
    assert login(client, "koordinator").status_code == 302
    indonesian = _visible(client.get(url).get_data(as_text=True))
    assert client.get("/bahasa/en?next=/").status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    english = _visible(response.get_data(as_text=True))
    phrases = PAGES[page]
    assert [p for p in phrases if p not in indonesian] == []
    assert [p for p in phrases if p in english] == []


def test_province_dashboard_and_team_lead_page_switch_to_english(app: Flask,
                                                                 world: World) -> None:
    """The province's dashboard and a team lead's own page also read in English."""
    for username, url, phrases in (
            ("provinsi", "/", ("Kabupaten/kota di provinsi Anda", "Belum rekam", "Terpencil")),
            ("ketua", f"/tim/{world.targets['own'].team_id}", ("Kantor asal", "Hari kerja"))):
        client = app.test_client()
        assert login(client, username).status_code == 302
        indonesian = _visible(client.get(url, follow_redirects=True).get_data(as_text=True))
        client.get("/bahasa/en")
        english = _visible(client.get(url, follow_redirects=True).get_data(as_text=True))
        assert [p for p in phrases if p not in indonesian] == []
        assert [p for p in phrases if p in english] == []


@pytest.fixture
def field_world(app: Flask, world: World) -> dict[str, str]:
    """A published plan with stops today (one remote village), a report and an unreachable
    report sent by the lead: every part of the field, report and province pages is drawn."""
    today, later = today_plan(app, world)
    own = world.targets["own"]
    with app.app_context():
        db.session.query(Village).filter_by(kode=own.kode).one().remote_override = True
        db.session.commit()
    lead = app.test_client()
    assert login(lead, "ketua").status_code == 302
    url = f"/api/v1/teams/{own.team_id}/reports"
    for key, body in (("kunci-en-01", {"visit_id": own.kode, "recorded": 45}),
                      ("kunci-en-02", {"visit_id": "36.90.01.2002", "recorded": None,
                                       "unreachable": True, "reason": "jembatan putus"})):
        sent = lead.post(url, json={"idempotency_key": key, "date": today, "notes": "", **body})
        assert sent.status_code == 201, sent.get_json()
    return {"today": today, "later": later, "team_id": str(own.team_id), "kode": own.kode}


#: (user, page, Indonesian phrases only the page's own texts produce) of the field work
FIELD_PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ketua", "/lapangan/tim/{team_id}", (
        "Jadwal lapangan", "Terakhir diperbarui", "Hari ini", "Rencana terbit minggu",
        "Perkiraan waktu", "Kontak kantor desa", "Buka di aplikasi peta",
        "Petunjuk arah Google Maps", "Bagikan rute hari ini", "Terpencil", "Terkirim",
        "Tidak terjangkau", "Koreksi laporan", "Laporkan kunjungan", "Jumlah orang direkam",
        "Simpan laporan", "Belum terkirim — menunggu sinyal", "Sesi habis", "Tidak ada sinyal",
        "Hapus dari antrean", "Kirim sekarang")),
    ("koordinator", "/kabupaten/36.90/lapangan", (
        "Laporan lapangan", "Belum rekam (sisa)", "Laporan berlaku",
        "Tingkat kehadiran menurut laporan", "Jenis desa", "Kehadiran dipelajari",
        "laporan masih sedikit", "Terima tingkat kehadiran", "Desa yang tidak terjangkau",
        "Halaman lapangan tim", "Kontak kantor desa dalam rencana terbit", "Ubah kontak",
        "Laporan terbaru", "Tidak terjangkau")),
    ("koordinator", "/kabupaten/36.90/lapangan/desa/{kode}/kontak", (
        "Kontak kantor desa", "nama jabatan dan nomor telepon", "Kosongkan untuk menghapus",
        "Contoh: Sekdes", "Simpan", "Batal")),
    ("provinsi", "/provinsi", (
        "Kemajuan provinsi", "Kemajuan perekaman per kabupaten/kota", "Belum rekam (sisa)",
        "Direkam minggu ini", "Direkam seluruhnya", "Desa terpencil dikunjungi",
        "Tren 8 minggu", "Tren Kabupaten 36.90", "Direkam per minggu, seluruh provinsi",
        "Peta desa menurut sisa belum rekam", "tidak ada data")),
    ("provinsi", "/provinsi/kabupaten/36.90", (
        "Kemajuan", "Kembali", "Hanya baca", "Laporan tidak terjangkau",
        "Desa pulau dikunjungi", "Direkam per minggu, Kabupaten 36.90",
        "Peta desa menurut sisa belum rekam")),
)


@pytest.mark.parametrize(("username", "page", "phrases"), FIELD_PAGES,
                         ids=[f"{u}:{p}" for u, p, _ in FIELD_PAGES])
def test_field_report_and_province_pages_switch_to_english(
        app: Flask, field_world: dict[str, str], username: str, page: str,
        phrases: tuple[str, ...]) -> None:
    """The lead's phone page (with the texts its script shows), the coordinator's reports and
    contact pages and the province's progress pages read in English."""
    url = page.format(**field_world)
    client = app.test_client()
    assert login(client, username).status_code == 302
    indonesian = _visible(client.get(url).get_data(as_text=True))
    assert client.get(f"/bahasa/en?next={url}").status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    english = _visible(response.get_data(as_text=True))
    assert [p for p in phrases if p not in indonesian] == []
    assert [p for p in phrases if p in english] == []


def test_field_page_days_times_and_service_worker_in_english(
        app: Flask, field_world: dict[str, str]) -> None:
    """On the lead's page the day names and clock times follow the language, the turnout
    table names a desa as a rural village, and the service worker's no-signal answer is
    English once the user chose English."""
    weekday = WEEKDAYS_ID[date.fromisoformat(field_world["today"]).weekday()]
    lead = app.test_client()
    assert login(lead, "ketua").status_code == 302
    url = f"/lapangan/tim/{field_world['team_id']}"
    indonesian = _visible(lead.get(url).get_data(as_text=True))
    assert f"Hari ini · {weekday}," in indonesian
    assert "08.30–10.00 WIB" in indonesian
    assert "belum tersimpan di ponsel" in lead.get("/lapangan/sw.js").get_data(as_text=True)
    lead.get("/bahasa/en")
    english = _visible(lead.get(url).get_data(as_text=True))
    assert f"Today · {date.fromisoformat(field_world['today']).strftime('%A')}," in english
    assert "08:30–10:00 WIB" in english
    assert weekday not in english
    worker = lead.get("/lapangan/sw.js").get_data(as_text=True)
    assert "not been saved on the phone" in worker
    assert "belum tersimpan" not in worker
    with app.test_request_context():
        session["lang"] = "en"
        assert type_labels()["desa"] == "Rural village"
        assert type_labels()["remote"] == "Remote"
