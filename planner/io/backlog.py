"""The backlog: per village, how many wajib KTP residents have not recorded yet (CSV/XLSX).

Headers vary between offices (``kode_wilayah``/``Kode Desa``, ``jumlah_belum_rekaman``...),
counts may be split by sex (``_lk``/``_pr``), and the file may carry override columns.  One
row per village; files that list people are refused.
"""

from __future__ import annotations

import pandas as pd

from planner.errors import Problem
from planner.io.cells import (
    count_column,
    duplicate_rows,
    kode_column,
    refuse_personal_data,
    require_headers,
    text_column,
)
from planner.io.overrides import OVERRIDE_FIELDS, override_columns
from planner.io.tables import read_table
from planner.limits import DEFAULT_LIMITS, ReadLimits
from planner.validation import ProblemCollector, match_headers

COUNT_FIELDS: tuple[str, ...] = ("wajib_ktp", "sudah_rekam", "belum_rekam")
_COUNT_ALIASES: dict[str, tuple[str, ...]] = {
    "wajib_ktp": ("wajib_ktp", "jumlah_wajib_ktp", "wajib_ktp_jml", "jml_wajib_ktp"),
    "sudah_rekam": ("sudah_rekam", "jumlah_sudah_rekam", "sudah_rekam_jml", "jumlah_sudah_rekaman",
                    "sudah_rekaman"),
    "belum_rekam": ("belum_rekam", "jumlah_belum_rekaman", "belum_rekam_jml", "jumlah_belum_rekam",
                    "belum_rekaman"),
}
_SPLITS = (("lk", ("lk", "l", "laki")), ("pr", ("pr", "p", "perempuan")))

#: Accepted header names for every backlog field (compared without case/space/underscore).
BACKLOG_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode_wilayah", "kode", "kode_desa", "kode desa", "kdepum", "kode_kemendagri"),
    "desa": ("desa", "nama_desa", "desa_kelurahan", "nama_desa_kelurahan", "kelurahan",
             "wadmkd", "namobj", "nama"),
    "kecamatan": ("kecamatan", "nama_kecamatan", "wadmkc"),
    "kabupaten": ("kabupaten", "kabupaten_kota", "nama_kabupaten", "wadmkk"),
    **_COUNT_ALIASES,
    **{
        f"{field}_{split}": tuple(f"{alias}_{s}" for alias in aliases for s in suffixes)
        for field, aliases in _COUNT_ALIASES.items()
        for split, suffixes in _SPLITS
    },
}


def _count_totals(table_counts: dict[str, list[int | None]], found: dict[str, str],
                  rows: tuple[int, ...], collector: ProblemCollector) -> None:
    """Fill each total from its ``_lk``/``_pr`` split, or check the split adds up."""
    for field in COUNT_FIELDS:
        lk, pr = f"{field}_lk", f"{field}_pr"
        if (lk in found) != (pr in found):
            have, lack = (lk, pr) if lk in found else (pr, lk)
            collector.error(1, found[have], f"kolom pasangan '{lack}' tidak ada",
                            f"the matching column '{lack}' is missing")
            continue
        if lk not in found:
            continue
        totals = table_counts.setdefault(field, [None] * len(rows))
        column = found.get(field, found[lk])
        for i, row in enumerate(rows):
            a, b = table_counts[lk][i], table_counts[pr][i]
            if a is None or b is None:
                if (a is None) != (b is None) and totals[i] is None:
                    collector.error(row, found[pr] if b is None else found[lk],
                                    "rincian laki-laki/perempuan tidak lengkap",
                                    "the male/female split is incomplete")
                continue
            if totals[i] is None:
                totals[i] = a + b
            elif totals[i] != a + b:
                collector.error(row, column,
                                f"jumlah {totals[i]} tidak sama dengan lk + pr = {a + b}",
                                f"total {totals[i]} differs from male + female = {a + b}")


def _check_row_sums(counts: dict[str, list[int | None]], found: dict[str, str],
                    rows: tuple[int, ...], collector: ProblemCollector) -> None:
    wajib, sudah, belum = (counts.get(f, [None] * len(rows)) for f in COUNT_FIELDS)
    belum_col = found.get("belum_rekam", found.get("belum_rekam_lk", "belum_rekam"))
    for i, row in enumerate(rows):
        w, s, b = wajib[i], sudah[i], belum[i]
        if b is None and w is not None and s is not None and s <= w:
            belum[i] = b = w - s
        if b is None:
            collector.error(row, belum_col, "jumlah belum rekam kosong",
                            "number not yet recorded is blank")
            continue
        if w is not None and b > w:
            collector.error(row, belum_col,
                            f"belum rekam ({b}) lebih besar dari wajib KTP ({w})",
                            f"not recorded ({b}) is more than wajib KTP ({w})")
        elif w is not None and s is not None and s + b != w:
            collector.error(row, found.get("sudah_rekam", found.get("sudah_rekam_lk")),
                            f"sudah rekam + belum rekam ({s} + {b}) tidak sama dengan "
                            f"wajib KTP ({w})",
                            f"recorded + not recorded ({s} + {b}) differs from wajib KTP ({w})")
    counts["belum_rekam"] = belum


def read_backlog(path: str, *, limits: ReadLimits = DEFAULT_LIMITS
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a backlog CSV/XLSX into one row per village, plus the warnings.

    Columns: ``kode`` (dotted), ``desa``/``kecamatan``/``kabupaten`` (may be NA),
    ``wajib_ktp`` and ``sudah_rekam`` (nullable Int64), ``belum_rekam`` (int64), the
    nullable boolean overrides ``island``, ``border``, ``coastal``, ``remote``, ``hilly``,
    and ``source_row`` (spreadsheet row).  Raises one :class:`~planner.errors.InputError`
    listing every problem (grouped and bounded by ``limits``, as is the file's size); files
    with personal data are refused outright.
    """
    table = read_table(path, limits=limits)
    found = match_headers(table.headers, BACKLOG_ALIASES)
    has_counts = any(f.split("_")[0] in ("wajib", "sudah", "belum") for f in found)
    refuse_personal_data(table.columns(), table.source, lists_people=None if has_counts else True)
    collector = ProblemCollector(table.source, limits)
    collector.extend(table.warnings)
    required: dict[str, tuple[str, ...]] = {"kode": BACKLOG_ALIASES["kode"]}
    derivable = ("belum_rekam_lk" in found) or ("wajib_ktp" in found and "sudah_rekam" in found)
    if not derivable:
        required["belum_rekam"] = BACKLOG_ALIASES["belum_rekam"]
    require_headers(found, required, table.headers, collector)
    collector.raise_if_errors()

    rows = table.row_numbers
    codes = kode_column(table, found["kode"], collector)
    duplicate_rows(codes, rows, found["kode"], collector, ("kode desa", "village code"))
    counts = {f: count_column(table, h, collector) for f, h in found.items()
              if f.split("_")[0] in ("wajib", "sudah", "belum")}
    _count_totals(counts, found, rows, collector)
    _check_row_sums(counts, found, rows, collector)
    flags = override_columns(table, collector)
    collector.raise_if_errors()

    frame = pd.DataFrame({
        "kode": pd.Series(codes, dtype="str"),
        "desa": pd.Series(text_column(table, found.get("desa")), dtype="str"),
        "kecamatan": pd.Series(text_column(table, found.get("kecamatan")), dtype="str"),
        "kabupaten": pd.Series(text_column(table, found.get("kabupaten")), dtype="str"),
        "wajib_ktp": pd.Series(counts.get("wajib_ktp", [None] * len(rows)), dtype="Int64"),
        "sudah_rekam": pd.Series(counts.get("sudah_rekam", [None] * len(rows)), dtype="Int64"),
        "belum_rekam": pd.Series(counts["belum_rekam"], dtype="int64"),
    })
    for name in OVERRIDE_FIELDS:
        frame[name] = flags[name]
    frame["source_row"] = pd.Series(rows, dtype="int64")
    return frame, collector.warnings()
