"""Pure checks shared by the readers: codes, headers, counts, flags, times, personal data.

Nothing here touches a file.  Every parser returns ``(value, kind)`` where ``kind`` names what
was wrong (``"ok"`` when nothing was), so callers can build a :class:`~planner.errors.Problem`
with the file, row and column they know about.  :class:`ProblemCollector` gathers problems and
raises one :class:`~planner.errors.InputError` for all of them.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from planner.errors import InputError, Problem
from planner.limits import DEFAULT_LIMITS, ReadLimits, number_en, number_id

#: Indonesia's bounding box (degrees): anything outside is not one of our villages.
INDONESIA_LAT = (-11.0, 6.0)
INDONESIA_LON = (95.0, 141.0)

KodeLevel = Literal["desa", "kecamatan", "kabupaten"]
KodeKind = Literal["ok", "undotted", "blank", "letters", "groups", "length", "jenis"]
CountKind = Literal["ok", "blank", "not_number", "fraction", "negative"]
PointKind = Literal["ok", "missing", "not_number", "swapped", "outside"]

_GROUPS: dict[str, tuple[int, ...]] = {
    "desa": (2, 2, 2, 4),
    "kecamatan": (2, 2, 2),
    "kabupaten": (2, 2),
}

#: First digit of a village number -> village type.
JENIS_BY_DIGIT: dict[str, str] = {"1": "kelurahan", "2": "desa", "3": "desa adat"}
#: A code already in its dotted form (the common case, read without the general path).
_DOTTED: dict[str, re.Pattern[str]] = {
    level: re.compile(r"\.".join(rf"[0-9]{{{n}}}" for n in groups))
    for level, groups in _GROUPS.items()}

KODE_MESSAGES: dict[str, tuple[str, str]] = {
    "undotted": (
        "kode tanpa titik diterima sebagai kode Kemendagri; pastikan bukan kode BPS",
        "undotted code read as a Kemendagri code; make sure it is not a BPS code",
    ),
    "blank": ("kode wilayah kosong", "area code is blank"),
    "letters": (
        "kode wilayah hanya boleh berisi angka dan titik",
        "area code may contain only digits and dots",
    ),
    "groups": (
        "kode wilayah harus berpola {pattern} (Kemendagri)",
        "area code must follow the Kemendagri pattern {pattern}",
    ),
    "length": (
        "panjang kode wilayah salah: harus {digits} angka berpola {pattern}",
        "area code has the wrong length: it must be {digits} digits as {pattern}",
    ),
    "jenis": (
        "angka pertama kelompok terakhir harus 1 (kelurahan), 2 (desa) atau 3 (desa adat)",
        "the last group must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)",
    ),
}


class _Group:
    """One kind of problem: its first occurrence, how often it occurred, its first rows."""

    __slots__ = ("count", "first", "rows")

    def __init__(self, first: Problem) -> None:
        self.first = first
        self.count = 1
        self.rows: list[int] = [] if first.row is None else [first.row]


class ProblemCollector:
    """Collects the problems of one file; :meth:`raise_if_errors` raises them all at once.

    The same problem (severity, file, column and reason) on many rows is kept once, with
    how many rows have it and the first ``limits.rows_listed`` of them; past
    ``limits.max_problems`` kinds the rest are only counted, in one closing entry.  So a
    file of 20,000 bad rows gives a short list in little memory, never 20,000 entries.
    """

    def __init__(self, file: str, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.file = file
        self.limits = limits
        self._groups: dict[tuple[str, str, str | None, str, str], _Group] = {}
        self._omitted: dict[str, int] = {"error": 0, "warning": 0}

    def add(self, problem: Problem) -> None:
        """Record a problem found elsewhere (another file's reader, a cross-file check)."""
        key = (problem.severity, problem.file, problem.column, problem.message_id,
               problem.message_en)
        group = self._groups.get(key)
        if group is not None:
            group.count += 1
            if problem.row is not None and len(group.rows) < self.limits.rows_listed:
                group.rows.append(problem.row)
        elif len(self._groups) < self.limits.max_problems:
            self._groups[key] = _Group(problem)
        else:
            self._omitted[problem.severity] += 1

    def error(self, row: int | None, column: str | None, message_id: str,
              message_en: str) -> None:
        """Record a problem that refuses the import."""
        self.add(Problem(self.file, row, column, message_id, message_en, "error"))

    def warning(self, row: int | None, column: str | None, message_id: str,
                message_en: str) -> None:
        """Record a problem worth telling that does not refuse the import."""
        self.add(Problem(self.file, row, column, message_id, message_en, "warning"))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere (e.g. by another reader)."""
        for problem in problems:
            self.add(problem)

    @property
    def has_errors(self) -> bool:
        """True when at least one problem is an error (listed or only counted)."""
        return self._omitted["error"] > 0 or any(
            key[0] == "error" for key in self._groups)

    @property
    def problems(self) -> list[Problem]:
        """Every kind of problem once, in the order first found, plus the closing count."""
        out = [_grouped(g) for g in self._groups.values()]
        omitted = self._omitted["error"] + self._omitted["warning"]
        if omitted:
            out.append(Problem(
                self.file, None, None,
                f"… dan {number_id(omitted)} masalah lain tidak ditampilkan (batas "
                f"{number_id(self.limits.max_problems)} jenis masalah); perbaiki yang di atas "
                "lalu periksa lagi",
                f"… and {number_en(omitted)} more problem(s) not shown (limit "
                f"{number_en(self.limits.max_problems)} kinds of problem); fix those above "
                "and check again",
                "error" if self._omitted["error"] else "warning"))
        return out

    def warnings(self) -> list[Problem]:
        """The warnings collected so far."""
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise one :class:`InputError` listing every problem when any is an error."""
        if self.has_errors:
            raise InputError(self.problems)


def _grouped(group: _Group) -> Problem:
    first = group.first
    if group.count == 1:
        return first
    rows = ", ".join(str(r) for r in group.rows)
    tail = ", …" if group.count > len(group.rows) else ""
    if group.rows:
        where_id = f"pada {number_id(group.count)} baris: {rows}{tail}"
        where_en = f"on {number_en(group.count)} rows: {rows}{tail}"
    else:
        where_id, where_en = f"{number_id(group.count)} kali", f"{number_en(group.count)} times"
    return Problem(first.file, first.row, first.column, f"{first.message_id} ({where_id})",
                   f"{first.message_en} ({where_en})", first.severity)


def is_blank(value: object) -> bool:
    """True for ``None``, NaN, NA and strings of only whitespace."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # pandas NA / NaT
    except (TypeError, ValueError):
        return False


def show(value: object, limit: int = 30) -> str:
    """A cell value safe to quote in a message: long digit runs (a NIK?) are masked."""
    text = re.sub(r"\d{12,}", "<angka panjang/long number>", str(value).strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_key(text: object) -> str:
    """Header compared without case, spaces, underscores, hyphens or dots."""
    return re.sub(r"[\s_\-.]+", "", str(text).replace("\ufeff", "").casefold())


def match_headers(headers: Sequence[str],
                  aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Map each field of ``aliases`` to the first header of ``headers`` that names it.

    A field's own name counts as an alias.  Earlier aliases win over later ones; a header is
    used for one field only.  Fields without a matching header are left out.
    """
    by_key: dict[str, str] = {}
    for text in headers:
        by_key.setdefault(header_key(text), text)
    used: set[str] = set()
    found: dict[str, str] = {}
    for field, names in aliases.items():
        for name in (*names, field):
            header = by_key.get(header_key(name))
            if header is not None and header not in used:
                found[field] = header
                used.add(header)
                break
    return found


def kode_pattern(level: KodeLevel) -> str:
    """The dotted digit pattern of a code level, e.g. ``NN.NN.NN.NNNN``."""
    return ".".join("N" * n for n in _GROUPS[level])


def kode_message(kind: str, level: KodeLevel = "desa") -> tuple[str, str]:
    """Indonesian and English reason for a :func:`normalize_kode` kind."""
    groups = _GROUPS[level]
    mid, men = KODE_MESSAGES[kind]
    fill = {"pattern": kode_pattern(level), "digits": sum(groups)}
    return mid.format(**fill), men.format(**fill)


def normalize_kode(text: object, level: KodeLevel = "desa") -> tuple[str | None, KodeKind]:
    """Normalise a Kemendagri code to its dotted form, e.g. ``36.04.08.2009``.

    Returns ``(code, "ok")``, ``(code, "undotted")`` for an undotted code of the right length
    (accepted, but the caller should warn: BPS codes are undotted too), or ``(None, kind)``
    with the reason it was refused.  Excel numbers such as ``3604082009.0`` count as undotted.
    """
    if isinstance(text, str) and _DOTTED[level].fullmatch(text):
        if level == "desa" and text[-4] not in JENIS_BY_DIGIT:
            return None, "jenis"
        return text, "ok"
    if is_blank(text):
        return None, "blank"
    if isinstance(text, bool):
        return None, "letters"
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    groups = _GROUPS[level]
    if "." in raw:
        parts = [p.strip() for p in raw.split(".")]
        if not all(p.isascii() and p.isdigit() for p in parts):
            return None, "letters"
        if tuple(len(p) for p in parts) != groups:
            return None, "groups"
        code = ".".join(parts)
        kind: KodeKind = "ok"
    else:
        if not (raw.isascii() and raw.isdigit()):
            return None, "letters"
        if len(raw) != sum(groups):
            return None, "length"
        cuts = [sum(groups[:i]) for i in range(len(groups) + 1)]
        code = ".".join(raw[a:b] for a, b in itertools.pairwise(cuts))
        kind = "undotted"
    if level == "desa" and code[-4] not in JENIS_BY_DIGIT:
        return None, "jenis"
    return code, kind


def jenis_from_kode(kode: str) -> str:
    """Village type from the first digit of the last group of a dotted village code."""
    return JENIS_BY_DIGIT[kode.rsplit(".", 1)[-1][0]]


_INT_TEXT = re.compile(r"[+]?\d+(\.0)?")


def parse_count(value: object) -> tuple[int | None, CountKind]:
    """A whole, non-negative count.

    Accepts ints, integral floats (Excel stores ``12`` as ``12.0``) and digit strings
    (``"12"``, ``"12.0"``).  Refuses ``"1.234"`` (a thousands dot is ambiguous), fractions,
    negatives and text.
    """
    if is_blank(value):
        return None, "blank"
    if isinstance(value, bool):
        return None, "not_number"
    if isinstance(value, int):
        return (value, "ok") if value >= 0 else (None, "negative")
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, "not_number"
        if not value.is_integer():
            return None, "fraction"
        return (int(value), "ok") if value >= 0 else (None, "negative")
    text = str(value).strip()
    if _INT_TEXT.fullmatch(text):
        return int(text.split(".")[0]), "ok"
    try:
        number = float(text)
    except ValueError:
        return None, "not_number"
    if not math.isfinite(number):
        return None, "not_number"
    if number < 0:
        return None, "negative"
    return None, "fraction"


COUNT_MESSAGES: dict[str, tuple[str, str]] = {
    "blank": ("jumlah kosong", "count is blank"),
    "not_number": ("bukan bilangan bulat", "not a whole number"),
    "fraction": (
        "harus bilangan bulat tanpa desimal atau titik ribuan",
        "must be a whole number, without decimals or thousands dots",
    ),
    "negative": ("tidak boleh negatif", "must not be negative"),
}


def parse_float(value: object) -> float | None:
    """A decimal number (``"-6,3086"`` with a decimal comma too); ``None`` if not one."""
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u2212", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


_TRUE = {"ya", "y", "yes", "true", "1", "benar", "iya"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "salah", "bukan"}


def parse_bool(value: object) -> tuple[bool | None, bool]:
    """``ya/tidak/yes/no/true/false/1/0``.

    Blank gives ``(None, True)`` (no value, fine); an unknown word gives ``(None, False)``.
    """
    if is_blank(value):
        return None, True
    if isinstance(value, bool):
        return value, True
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), True
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True, True
    if text in _FALSE:
        return False, True
    return None, False


def check_point(lon: object, lat: object) -> tuple[tuple[float, float] | None, PointKind]:
    """A (lon, lat) point in Indonesia; swapped lat/lng are swapped back (kind ``swapped``)."""
    if is_blank(lon) and is_blank(lat):
        return None, "missing"
    x, y = parse_float(lon), parse_float(lat)
    if x is None or y is None:
        return None, "not_number"
    if in_indonesia(x, y):
        return (x, y), "ok"
    if in_indonesia(y, x):
        return (y, x), "swapped"
    return None, "outside"


def in_indonesia(lon: float, lat: float) -> bool:
    """True when the point lies in Indonesia's bounding box."""
    return (INDONESIA_LON[0] <= lon <= INDONESIA_LON[1]
            and INDONESIA_LAT[0] <= lat <= INDONESIA_LAT[1])


def slugify(text: str) -> str:
    """A lower-case ASCII id: ``Tim Keliling Lebak 1`` -> ``tim-keliling-lebak-1``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


# --- personal data --------------------------------------------------------------------------

#: Headers that always mean personal data (compared with :func:`header_key`).
PERSONAL_HEADERS: frozenset[str] = frozenset(
    header_key(h) for h in (
        "nik", "no_nik", "nomor_nik", "nik_ktp", "no_ktp", "nomor_ktp", "no_kk", "nomor_kk",
        "nkk", "nama_lengkap", "nama_penduduk", "nama_ibu", "nama_ibu_kandung", "nama_ayah",
        "nama_kepala_keluarga", "full_name",
    )
)
#: Headers of a column of person names, personal when the file lists people.
PERSON_NAME_HEADERS: frozenset[str] = frozenset(
    header_key(h) for h in ("nama", "name", "nama_orang")
)
#: Headers that show a file lists people, not villages.
PERSON_ATTRIBUTE_HEADERS: frozenset[str] = frozenset(
    header_key(h) for h in (
        "tanggal_lahir", "tgl_lahir", "tempat_lahir", "jenis_kelamin", "alamat", "agama",
        "pekerjaan", "status_perkawinan", "status_kawin", "golongan_darah", "date_of_birth",
        "birth_date", "gender", "sex", "address",
    )
)
_NIK = re.compile(r"\d{16}")

PERSONAL_MESSAGE = (
    "Berkas ditolak karena memuat data pribadi ({what}). Jemput Bola hanya menyimpan angka "
    "agregat per desa (UU 24/2013 Adminduk, UU 27/2022 Pelindungan Data Pribadi). Hapus "
    "kolom ini dan kirim rekap per desa.",
    "File refused because it carries personal data ({what_en}). Jemput Bola stores aggregate "
    "counts per village only (Law 24/2013 on population administration, Law 27/2022 on "
    "personal data protection). Remove this column and send totals per village.",
)


def _looks_like_nik(value: object) -> bool:
    if isinstance(value, str) and len(value) < 16:  # too short for 16 digits
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float) and not is_blank(value):
        return 10**15 <= abs(value) < 10**16
    return bool(_NIK.fullmatch(str(value).strip().replace(" ", "")))


def _nik_count(values: Sequence[object]) -> tuple[int, int]:
    """(non-blank values, values that look like a NIK), in one pass.

    Texts (every cell of a CSV) take a fast path: stripped, and only those of 16 characters
    or more are matched (a NIK has 16 digits; spaces inside are dropped first).
    """
    filled = niks = 0
    match = _NIK.fullmatch
    for v in values:
        if v.__class__ is str:
            text = v.strip()
            if not text:
                continue
            filled += 1
            if len(text) >= 16 and match(text.replace(" ", "")):
                niks += 1
        elif not is_blank(v):
            filled += 1
            niks += _looks_like_nik(v)
    return filled, niks


def _header_tokens(header: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", header.casefold()))


def find_personal_data_columns(
    columns: Mapping[str, Sequence[object]], *, lists_people: bool | None = None
) -> dict[str, str]:
    """Columns that carry personal data, mapped to why: ``nik_header``, ``nik_values``,
    ``person_names``.

    A header naming NIK/KK/full names is personal; so is a column whose non-blank values are
    mostly 16-digit numbers (a NIK under an innocuous header).  A ``nama``/``name`` column is
    personal when the file lists people: ``lists_people`` says so, or (when ``None``) the file
    has a column such as ``tanggal_lahir`` or ``jenis_kelamin``.  Village-name columns
    (``desa``, ``nama_desa``, ``kecamatan``) are never personal.
    """
    keys = {header: header_key(header) for header in columns}
    if lists_people is None:
        lists_people = any(k in PERSON_ATTRIBUTE_HEADERS for k in keys.values())
    found: dict[str, str] = {}
    for header, values in columns.items():
        key = keys[header]
        if key in PERSONAL_HEADERS or "nik" in _header_tokens(header):
            found[header] = "nik_header"
            continue
        filled, niks = _nik_count(values)
        if filled and niks * 2 >= filled:
            found[header] = "nik_values"
        elif lists_people and key in PERSON_NAME_HEADERS:
            found[header] = "person_names"
    return found


def personal_data_message(reason: str) -> tuple[str, str]:
    """Indonesian and English refusal text for a :func:`find_personal_data_columns` reason."""
    what = {
        "nik_header": ("NIK, nomor KK atau nama lengkap", "NIK, family card number or full name"),
        "nik_values": ("angka 16 digit seperti NIK", "16-digit numbers like a NIK"),
        "person_names": ("nama orang per baris", "names of people, one per row"),
    }[reason]
    return (PERSONAL_MESSAGE[0].format(what=what[0]),
            PERSONAL_MESSAGE[1].format(what_en=what[1]))
