"""The English catalogue is complete, and the main pages switched to English keep no Indonesian
key phrase (each phrase is first seen on the Indonesian page, so the check means something)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from web_fixtures import World, login

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
