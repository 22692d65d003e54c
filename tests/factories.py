"""Small factories with defaults for planner tests (``make_village(**overrides)``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from planner.params import PlanningParams

REGENCY = "36.90"


def make_village(kode: str, **overrides: Any) -> dict[str, Any]:
    """One classified village row near the test office, with a backlog."""
    row: dict[str, Any] = {
        "kode": kode, "desa": f"Desa {kode[-4:]}", "jenis": "desa",
        "kecamatan_kode": kode[:8], "kecamatan": f"Kec {kode[6:8]}",
        "kabupaten_kode": REGENCY, "kabupaten": "Kabupaten Uji",
        "island": False, "border": False, "coastal": False, "remote": False, "hilly": False,
        "stop_lon": 106.01, "stop_lat": -6.51, "landmass": 0, "office_travel_s": 600,
        "belum_rekam": 50,
    }
    row.update(overrides)
    return row


def villages_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A classified village table from rows."""
    frame = pd.DataFrame(list(rows))
    frame["belum_rekam"] = frame["belum_rekam"].astype("Int64")
    return frame


def make_team(team_id: str, **overrides: Any) -> dict[str, Any]:
    """One team row in the readers' normalised shape."""
    row: dict[str, Any] = {
        "team_id": team_id, "name": f"Tim {team_id}", "kabupaten_kode": REGENCY,
        "base_office_id": "kantor", "kits": 2, "boat_capable": False, "workdays": None,
        "day_start": None, "day_end": None, "daily_cap": pd.NA,
        "minutes_per_person": float("nan"),
    }
    row.update(overrides)
    return row


def teams_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A teams table from rows."""
    frame = pd.DataFrame(list(rows))
    frame["daily_cap"] = frame["daily_cap"].astype("Int64")
    return frame


def offices_frame() -> pd.DataFrame:
    """The single test office."""
    return pd.DataFrame([{"office_id": "kantor", "kabupaten_kode": REGENCY,
                          "name": "Disdukcapil Uji", "lon": 106.0, "lat": -6.5}])


def harbours_frame() -> pd.DataFrame:
    """One harbour on the test coast."""
    return pd.DataFrame([{"harbour_id": "dermaga", "kabupaten_kode": REGENCY,
                          "name": "Dermaga Uji", "lon": 106.05, "lat": -6.45}])


def simple_turnout(params: PlanningParams | None = None) -> PlanningParams:
    """``params`` (default: the defaults) with the turnout model switched off: a village
    expects ``floor(backlog x rate)`` and every visit its whole demand (the counts tests
    written before the model assume)."""
    params = params or PlanningParams()
    return replace(params, turnout=replace(params.turnout, enabled=False))


def island_regency(seed: int = 0) -> dict[str, pd.DataFrame]:
    """An island-heavy regency (issue 18): the office on the main island, villages on six
    small islands (one 10 km off the north harbour, five 25-45 km off the coast), two
    harbours on the main island, and three teams (2 kits by boat, 1 kit by boat, 2 kits by
    road only).

    Returns ``villages`` (classified, with backlog), ``teams``, ``offices``, ``harbours``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    # the main island: 24 villages within ~15 km of the office, and 6 on the east coast
    for i in range(24):
        rows.append(make_village(f"36.90.01.{2001 + i}", kecamatan_kode="36.90.01",
                                 kecamatan="Kec Kota", stop_lon=106.0 + rng.uniform(-0.12, 0.12),
                                 stop_lat=-6.5 + rng.uniform(-0.12, 0.12),
                                 belum_rekam=int(rng.integers(40, 160)), coastal=i % 4 == 0))
    for i in range(6):
        rows.append(make_village(f"36.90.02.{2001 + i}", kecamatan_kode="36.90.02",
                                 kecamatan="Kec Timur", desa=f"Timur {i + 1}",
                                 stop_lon=106.38 + rng.uniform(-0.03, 0.03),
                                 stop_lat=-6.55 + rng.uniform(-0.03, 0.03), coastal=True,
                                 belum_rekam=int(rng.integers(40, 120))))
    islands = [(106.12, -6.33), (106.10, -6.05), (106.30, -6.12), (106.55, -6.25), (106.62, -6.40),
               (106.20, -6.02)]
    for n, (lon, lat) in enumerate(islands, start=1):
        kec = f"36.90.{10 + n:02d}"
        for j in range(4):
            rows.append(make_village(f"{kec}.{2001 + j}", kecamatan_kode=kec,
                                     desa=f"Pulau {n} Desa {j + 1}",
                                     kecamatan=f"Kec Pulau {n}", island=True, coastal=True,
                                     remote=True, landmass=n,
                                     stop_lon=lon + rng.uniform(-0.015, 0.015),
                                     stop_lat=lat + rng.uniform(-0.015, 0.015),
                                     office_travel_s=4 * 3600,
                                     belum_rekam=int(rng.integers(150, 400))))
    villages = villages_frame(*rows)
    teams = teams_frame(make_team("perahu2", kits=2, boat_capable=True),
                        make_team("perahu1", kits=1, boat_capable=True),
                        make_team("darat2", kits=2, boat_capable=False))
    harbours = pd.DataFrame([
        {"harbour_id": "utara", "kabupaten_kode": REGENCY, "name": "Pelabuhan Utara",
         "lon": 106.05, "lat": -6.40},
        {"harbour_id": "timur", "kabupaten_kode": REGENCY, "name": "Pelabuhan Timur",
         "lon": 106.40, "lat": -6.52}])
    return {"villages": villages, "teams": teams, "offices": offices_frame(),
            "harbours": harbours}
