"""Readable summaries of a dataset: what ``planner inspect`` prints and writes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.dataset import Dataset
from planner.numbers import format_number

_FLAGS = ("island", "border", "coastal", "remote")


def _fmt(n: float) -> str:
    """Whole number with Indonesian thousands separators (1.234.567)."""
    return format_number(int(n))


def inspect_summary(dataset: Dataset, classified: pd.DataFrame) -> str:
    """Per-regency villages, backlog and flag counts, then every problem found."""
    lines = ["Ringkasan per kabupaten/kota / Summary per regency", ""]
    header = (f"{'kode':<6} {'kabupaten/kota':<28} {'desa':>5} {'wajib KTP':>11} "
              f"{'belum rekam':>11} {'pulau':>5} {'batas':>5} {'pesisir':>7} {'terpencil':>9}")
    lines.append(header)
    lines.append("-" * len(header))
    for code, group in classified.groupby("kabupaten_kode", sort=True):
        name = str(group["kabupaten"].iloc[0]) if "kabupaten" in group else ""
        wajib = group["wajib_ktp"].fillna(0).sum() if "wajib_ktp" in group else 0
        lines.append(
            f"{code!s:<6} {name[:28]:<28} {len(group):>5} {_fmt(wajib):>11} "
            f"{_fmt(group['belum_rekam'].fillna(0).sum()):>11} "
            f"{int(group['island'].sum()):>5} {int(group['border'].sum()):>5} "
            f"{int(group['coastal'].sum()):>7} {int(group['remote'].sum()):>9}")
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<35} {len(classified):>5} "
        f"{_fmt(classified['wajib_ktp'].fillna(0).sum()):>11} "
        f"{_fmt(classified['belum_rekam'].fillna(0).sum()):>11} "
        + " ".join(f"{int(classified[f].sum()):>{w}}" for f, w in zip(_FLAGS, (5, 5, 7, 9),
                                                                       strict=True)))
    overridden = classified[classified["overridden"].map(len) > 0] \
        if "overridden" in classified else classified.iloc[0:0]
    if len(overridden):
        lines.append("")
        lines.append(f"Nilai diganti pengguna / overrides: {len(overridden)} desa")
        for row in overridden.to_dict("records"):
            lines.append(f"  {row['kode']} {row['desa']}: {', '.join(row['overridden'])}")
    lines.append("")
    roads = dataset.roads
    if roads is not None:
        counts = ", ".join(f"{c} {n}" for c, n in roads.class_counts().items())
        lines.append(f"Jaringan jalan / road network: {roads.source}: {_fmt(roads.n_lines)} "
                     f"garis / lines ({counts})")
    else:
        lines.append("Tanpa jaringan jalan / no road network (--roads)")
    lines.append("")
    if dataset.warnings:
        lines.append(f"Masalah ditemukan / problems found: {len(dataset.warnings)}")
        lines.extend(f"  - {p}" for p in dataset.warnings)
    else:
        lines.append("Tidak ada masalah ditemukan / no problems found")
    return "\n".join(lines)


def _num(value: Any, cast: type) -> Any:
    return None if value is None or pd.isna(value) else cast(value)


def inspect_records(classified: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON-ready record per village (see the issue's field list)."""
    records = []
    for row in classified.sort_values("kode").to_dict("records"):
        records.append({
            "kode": row["kode"],
            "desa": row["desa"],
            "kecamatan": row.get("kecamatan"),
            "kabupaten_kode": row["kabupaten_kode"],
            "belum_rekam": _num(row.get("belum_rekam"), int),
            "island": bool(row["island"]),
            "border": bool(row["border"]),
            "border_kind": row.get("border_kind") or None,
            "coastal": bool(row["coastal"]),
            "remote": bool(row["remote"]),
            "office_travel_s": _num(row["office_travel_s"], int),
            "office_distance_m": _num(row["office_distance_m"], int),
            "stop_lon": round(float(row["stop_lon"]), 6),
            "stop_lat": round(float(row["stop_lat"]), 6),
            "overridden": sorted(row.get("overridden") or ()),
        })
    return records
