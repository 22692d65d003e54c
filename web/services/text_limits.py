"""Text from uploaded files checked against the columns it is stored in.

SQLite keeps a text longer than its column; PostgreSQL refuses it, and the whole upload
would fail with a server error.  So on either database an upload whose text does not fit
is refused up front, naming the file, the column and the value.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from sqlalchemy import Column

from planner.errors import Problem
from web.models import Harbour, Office, Regency, Team, Village

#: (file role, column of the loaded data, where it is stored, what a clerk calls it)
CHECKS: tuple[tuple[str, str, Column[str], str], ...] = (
    ("villages", "kode", Village.__table__.c.kode, "kode desa"),
    ("villages", "desa", Village.__table__.c.name, "nama desa"),
    ("villages", "jenis", Village.__table__.c.kind, "jenis desa"),
    ("villages", "kecamatan_kode", Village.__table__.c.district_code, "kode kecamatan"),
    ("villages", "kecamatan", Village.__table__.c.district_name, "nama kecamatan"),
    ("villages", "kabupaten", Regency.__table__.c.name, "nama kabupaten/kota"),
    ("villages", "border_kind", Village.__table__.c.border_kind, "jenis perbatasan"),
    ("offices", "office_id", Office.__table__.c.code, "kode kantor"),
    ("offices", "name", Office.__table__.c.name, "nama kantor"),
    ("harbours", "harbour_id", Harbour.__table__.c.code, "kode dermaga"),
    ("harbours", "name", Harbour.__table__.c.name, "nama dermaga"),
    ("teams", "team_id", Team.__table__.c.code, "kode tim"),
    ("teams", "name", Team.__table__.c.name, "nama tim"),
)
SHOWN = 40


def too_long(frames: Mapping[str, pd.DataFrame], regency_code: str) -> list[Problem]:
    """One problem per column of the regency's rows holding a text longer than its column."""
    problems = []
    for role, column, target, label in CHECKS:
        frame = frames.get(role)
        if frame is None or column not in frame.columns:
            continue
        if "kabupaten_kode" in frame.columns:
            frame = frame[frame["kabupaten_kode"] == regency_code]
        limit = int(target.type.length or 0)  # type: ignore[attr-defined]
        longest = max((v for v in frame[column] if isinstance(v, str)), key=len, default="")
        if limit and len(longest) > limit:
            shown = longest if len(longest) <= SHOWN else longest[:SHOWN] + "…"
            problems.append(Problem(
                role, None, column,
                f"{label} terlalu panjang: {len(longest)} huruf, paling banyak {limit} "
                f"('{shown}')",
                f"{label} too long: {len(longest)} characters, at most {limit} ('{shown}')"))
    return problems
