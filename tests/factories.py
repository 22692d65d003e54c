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
