"""Pure checks of planner.validation: codes, headers, counts, flags, times, personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import InputError
from planner.io.schedule import parse_hhmm, parse_workdays
from planner.validation import (
    ProblemCollector,
    check_point,
    find_personal_data_columns,
    header_key,
    jenis_from_kode,
    match_headers,
    normalize_kode,
    parse_bool,
    parse_count,
    personal_data_message,
    show,
    slugify,
)

ALIASES = {
    "kode": ("kode_wilayah", "kode", "Kode Desa", "kode_desa"),
    "wajib_ktp": ("wajib_ktp", "jumlah_wajib_ktp", "wajib_ktp_jml"),
    "belum_rekam": ("belum_rekam", "jumlah_belum_rekaman", "belum_rekam_jml"),
    "sudah_rekam": ("sudah_rekam", "jumlah_sudah_rekam", "sudah_rekam_jml"),
}

digits = st.text(alphabet="0123456789", min_size=1, max_size=6)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    """A valid dotted village code."""
    groups = [draw(st.text(alphabet="0123456789", min_size=n, max_size=n)) for n in (2, 2, 2, 3)]
    jenis = draw(st.sampled_from("123"))
    return f"{groups[0]}.{groups[1]}.{groups[2]}.{jenis}{groups[3]}"


@pytest.mark.parametrize(("text", "code", "kind"), [
    ("36.04.08.2009", "36.04.08.2009", "ok"),
    ("  36.04.08.2009 ", "36.04.08.2009", "ok"),
    ("36. 04 .08.2009", "36.04.08.2009", "ok"),
    ("3604082009", "36.04.08.2009", "undotted"),
    (3604082009, "36.04.08.2009", "undotted"),
    (3604082009.0, "36.04.08.2009", "undotted"),
    ("", None, "blank"),
    (None, None, "blank"),
    ("36.4.08.2009", None, "groups"),
    ("36.04.08", None, "groups"),
    ("36.04.O8.2009", None, "letters"),
    ("desa", None, "letters"),
    ("3604082009123", None, "length"),
    ("36.04.08.5009", None, "jenis"),
])
def test_normalize_kode_cases(text: object, code: str | None, kind: str) -> None:
    """Dotted, spaced and undotted codes normalise; wrong groups, letters, lengths are refused."""
    assert normalize_kode(text) == (code, kind)


def test_normalize_kode_regency_level() -> None:
    """Regency codes are two groups of two digits."""
    assert normalize_kode("36.04", "kabupaten") == ("36.04", "ok")
    assert normalize_kode("3604", "kabupaten") == ("36.04", "undotted")
    assert normalize_kode("36.4", "kabupaten")[1] == "groups"


@given(valid_codes())
def test_valid_code_round_trips(code: str) -> None:
    """Any valid dotted code normalises to itself."""
    assert normalize_kode(code) == (code, "ok")
    assert normalize_kode(f" {code}\t") == (code, "ok")


@given(valid_codes())
def test_undotted_code_is_dotted_with_warning(code: str) -> None:
    """The same ten digits without dots give the dotted code and the 'undotted' warning kind."""
    assert normalize_kode(code.replace(".", "")) == (code, "undotted")


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none(), st.booleans()))
def test_junk_never_crashes(value: object) -> None:
    """Random input is either refused with a reason or gives a valid dotted code."""
    code, kind = normalize_kode(value)
    if code is None:
        assert kind not in ("ok", "undotted")
    else:
        assert normalize_kode(code) == (code, "ok")


@pytest.mark.parametrize(("kode", "jenis"), [
    ("36.01.01.1001", "kelurahan"), ("36.01.01.2001", "desa"), ("51.01.01.3001", "desa adat"),
])
def test_jenis_from_kode(kode: str, jenis: str) -> None:
    """The first digit of the last group gives kelurahan, desa or desa adat."""
    assert jenis_from_kode(kode) == jenis


@st.composite
def alias_variants(draw: st.DrawFn) -> tuple[str, str]:
    """A field and one of its aliases written with random case, spaces and underscores."""
    field = draw(st.sampled_from(sorted(ALIASES)))
    alias = draw(st.sampled_from(ALIASES[field]))
    out = []
    for ch in alias.replace("_", " "):
        if ch == " ":
            out.append(draw(st.sampled_from([" ", "_", "  ", "", " _ "])))
        else:
            out.append(ch.upper() if draw(st.booleans()) else ch.lower())
    pad = draw(st.sampled_from(["", " ", "  "]))
    return field, pad + "".join(out) + pad


@given(alias_variants())
def test_header_variants_match_their_field(case: tuple[str, str]) -> None:
    """Case, space and underscore variations of every alias match the same field."""
    field, header = case
    assert match_headers(["desa", header], ALIASES) == {field: header}


def test_match_headers_prefers_earlier_alias_and_uses_header_once() -> None:
    """When two headers could name a field, the earlier alias wins; unmatched fields are absent."""
    found = match_headers(["Kode Desa", "kode_wilayah", "Jumlah Belum Rekaman"], ALIASES)
    assert found == {"kode": "kode_wilayah", "belum_rekam": "Jumlah Belum Rekaman"}
    assert header_key("\ufeffKode_Desa ") == "kodedesa"


@pytest.mark.parametrize(("value", "expected"), [
    (12, (12, "ok")), (12.0, (12, "ok")), ("12", (12, "ok")), (" 12 ", (12, "ok")),
    ("12.0", (12, "ok")), (0, (0, "ok")),
    (12.5, (None, "fraction")), ("12.5", (None, "fraction")), ("1.234", (None, "fraction")),
    (-3, (None, "negative")), ("-3", (None, "negative")), ("abc", (None, "not_number")),
    ("", (None, "blank")), (None, (None, "blank")), (True, (None, "not_number")),
    (float("inf"), (None, "not_number")),
])
def test_parse_count(value: object, expected: tuple[int | None, str]) -> None:
    """Counts are whole and non-negative; Excel floats like 12.0 pass, '1.234' does not."""
    assert parse_count(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("ya", (True, True)), ("Tidak", (False, True)), ("YES", (True, True)), ("no", (False, True)),
    ("true", (True, True)), ("False", (False, True)), ("1", (True, True)), (0, (False, True)),
    ("", (None, True)), (None, (None, True)), ("mungkin", (None, False)),
])
def test_parse_bool(value: object, expected: tuple[bool | None, bool]) -> None:
    """ya/tidak/yes/no/true/false/1/0 are read; blank is no value; other words are refused."""
    assert parse_bool(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1-5", (1, 2, 3, 4, 5)), ("1,2,3,4,5,6", (1, 2, 3, 4, 5, 6)), ("Sen-Jum", (1, 2, 3, 4, 5)),
    ("Senin-Sabtu", (1, 2, 3, 4, 5, 6)), ("Mon-Fri", (1, 2, 3, 4, 5)), ("Senin s/d Jumat",
                                                                         (1, 2, 3, 4, 5)),
    ("sen, rab, jum'at", (1, 3, 5)), (6, (6,)),
])
def test_parse_workdays(value: object, expected: tuple[int, ...]) -> None:
    """Day ranges and lists in digits, Indonesian or English become ISO weekday tuples."""
    assert parse_workdays(value) == (expected, True)


@pytest.mark.parametrize("value", ["0-5", "Jum-Sen", "1-2-3", "kadang", "8"])
def test_parse_workdays_refuses(value: str) -> None:
    """Out-of-range days, backwards ranges and unknown words are refused."""
    assert parse_workdays(value) == (None, False)


@pytest.mark.parametrize(("value", "expected"), [
    ("08:00", ("08:00", True)), ("8:00", ("08:00", True)), ("08.30", ("08:30", True)),
    (dt.time(7, 45), ("07:45", True)), ("", (None, True)), ("25:00", (None, False)),
    ("pagi", (None, False)),
])
def test_parse_hhmm(value: object, expected: tuple[str | None, bool]) -> None:
    """Clock times become HH:MM; impossible times and words are refused."""
    assert parse_hhmm(value) == expected


@pytest.mark.parametrize(("lon", "lat", "kind"), [
    (106.1, -6.3, "ok"), (-6.3, 106.1, "swapped"), (2.35, 48.85, "outside"),
    ("abc", -6.3, "not_number"), (None, None, "missing"), ("106,1", "-6,3", "ok"),
])
def test_check_point(lon: object, lat: object, kind: str) -> None:
    """Points in Indonesia pass, swapped lat/lng are swapped back, others are refused."""
    point, found = check_point(lon, lat)
    assert found == kind
    if kind in ("ok", "swapped"):
        assert point == pytest.approx((106.1, -6.3))


def test_personal_data_detection() -> None:
    """NIK headers, 16-digit values, names in a per-person file are personal; village names not."""
    columns = {
        "NIK": ["x"], "no_kk": ["y"], "Nama Lengkap": ["z"], "nomor": ["3601011234567890"],
        "desa": ["Sumur"], "nama_desa": ["Sumur"], "kecamatan": ["Sumur"], "nama": ["Budi"],
        "kode": ["36.01.01.2001"],
    }
    found = find_personal_data_columns(columns)
    assert found == {"NIK": "nik_header", "no_kk": "nik_header", "Nama Lengkap": "nik_header",
                     "nomor": "nik_values"}
    people = find_personal_data_columns({"nama": ["Budi"], "tanggal_lahir": ["1990-01-01"]})
    assert people == {"nama": "person_names"}
    assert find_personal_data_columns({"nama": ["Budi"]}, lists_people=True) == {
        "nama": "person_names"}


def test_personal_message_cites_the_laws_in_both_languages() -> None:
    """The refusal says why in Indonesian and English and names UU 24/2013 and UU 27/2022."""
    mid, men = personal_data_message("nik_values")
    assert "24/2013" in mid
    assert "27/2022" in mid
    assert "24/2013" in men
    assert "aggregate" in men


def test_show_masks_long_numbers() -> None:
    """Quoted cell values never reveal a 16-digit number."""
    assert "3601011234567890" not in show("3601011234567890")


def test_collector_raises_once_with_every_problem() -> None:
    """Errors and warnings are collected and raised together; warnings alone do not raise."""
    collector = ProblemCollector("f.csv")
    collector.warning(2, "kode", "w", "w")
    collector.raise_if_errors()
    collector.error(3, "kode", "e3", "e3")
    collector.error(4, "kode", "e4", "e4")
    with pytest.raises(InputError) as info:
        collector.raise_if_errors()
    assert len(info.value.problems) == 3
    assert len(info.value.errors) == 2


def test_slugify() -> None:
    """Team and office names become lower-case ASCII ids."""
    assert slugify("Tim Keliling Kab. Serang 1") == "tim-keliling-kab-serang-1"
