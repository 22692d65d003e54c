"""A synthetic nation for the scale benchmark: Banten's villages copied across Indonesia.

Each copy is the real Banten province (1,552 villages, 8 regencies) moved on a grid over
Indonesia's longitudes and latitudes (``grid``) or along one east-west row (``row``), with
a real province code of its own, its own offices, harbours and teams, a backlog row per
village and its own neighbour layer (Banten's DKI Jakarta and Jawa Barat regencies moved
with it).  The copies and their province codes are shuffled with the seed.

    python bench/nation.py OUT_DIR --copies 54 [--layout grid|row] [--seed 0]

The folder gets a ``manifest.toml`` so ``planner inspect --data OUT_DIR`` reads it.  The
source is the shared Banten reference data (never copied into the repository).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

DEFAULT_BANTEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "banten"
#: Kemendagri province codes (38 provinces).
PROVINCES: tuple[str, ...] = (
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
    "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96")
#: Indonesia's extent (degrees) that the grid layout fills.
LON_RANGE = (95.0, 141.0)
LAT_RANGE = (-11.0, 6.0)
#: Grid of the full nation: 9 columns x 6 rows = 54 copies.
GRID_COLUMNS, GRID_ROWS = 9, 6
#: Row layout: copies this far apart (the neighbour layer is clipped to fit).
ROW_STEP_DEG = 1.9
ROW_NEIGHBOUR_EAST_DEG = 0.15
#: Copies that fit in one row between 95 and 141 E (1.83 degrees wide each).
ROW_MAX_COPIES = 24


def _offsets(copies: int, layout: str, rng: np.random.Generator) -> list[tuple[float, float]]:
    if layout == "row":
        if copies > ROW_MAX_COPIES:
            raise SystemExit(f"at most {ROW_MAX_COPIES} copies in one row within Indonesia's "
                             "longitudes (the readers refuse land outside them)")
        start = 118.0 - ROW_STEP_DEG * (copies - 1) / 2
        # Shift so that the copy's own longitude (Banten ~106 E) lands on the slot.
        return [(start + k * ROW_STEP_DEG - 106.0, 0.0) for k in range(copies)]
    slots = [(LON_RANGE[0] + (c + 0.5) * (LON_RANGE[1] - LON_RANGE[0]) / GRID_COLUMNS,
              LAT_RANGE[0] + (r + 0.5) * (LAT_RANGE[1] - LAT_RANGE[0]) / GRID_ROWS)
             for r in range(GRID_ROWS) for c in range(GRID_COLUMNS)]
    if copies > len(slots):
        raise SystemExit(f"at most {len(slots)} copies on the grid")
    chosen = rng.permutation(len(slots))[:copies]
    # Banten's province (villages and neighbours) spans about 105.1-108.8 E, 7.8-5.2 S.
    return [(slots[i][0] - 106.9, slots[i][1] + 6.5) for i in chosen]


def _recode(codes: pd.Series, province: str, shift: int) -> pd.Series:
    """36.RR... -> PP.(RR+shift)...: unique regency codes when a province code repeats."""
    rr = codes.str[3:5].astype(int) + shift
    return province + "." + rr.map("{:02d}".format) + codes.str[5:]


def make_nation(banten: Path, out: Path, copies: int, *, layout: str = "grid",
                seed: int = 0) -> int:
    """Write the synthetic nation to ``out``; return the number of villages."""
    rng = np.random.default_rng(seed)
    gpkg = banten / "banten.gpkg"
    villages = gpd.read_file(gpkg, layer="villages").drop(columns=["lat", "lng"])
    neighbours = gpd.read_file(gpkg, layer="neighbour_regencies")
    backlog = pd.read_csv(banten / "belum_rekam.csv", dtype={"kode": str})
    offices = pd.read_csv(banten / "offices.csv", dtype={"kabupaten_kode": str})
    harbours = pd.read_csv(banten / "harbours.csv", dtype={"kabupaten_kode": str})
    teams = pd.read_csv(banten / "teams.csv", dtype={"kabupaten_kode": str})
    if layout == "row":
        east = villages.total_bounds[2] + ROW_NEIGHBOUR_EAST_DEG
        box = shapely.box(-180.0, -90.0, east, 90.0)
        neighbours = neighbours.assign(geometry=neighbours.geometry.intersection(box))
        neighbours = neighbours[~neighbours.geometry.is_empty]
    provinces = [PROVINCES[i] for i in rng.permutation(len(PROVINCES))]
    parts: dict[str, list[pd.DataFrame]] = {k: [] for k in ("v", "n", "b", "o", "h", "t")}
    for k, (dlon, dlat) in enumerate(_offsets(copies, layout, rng)):
        province, shift = provinces[k % len(provinces)], 10 * (k // len(provinces))
        v = villages.copy()
        v["geometry"] = v.geometry.translate(dlon, dlat)
        for column in ("kode", "kecamatan_kode", "kabupaten_kode"):
            v[column] = _recode(v[column].astype(str), province, shift)
        parts["v"].append(v)
        n = neighbours.copy()
        n["geometry"] = n.geometry.translate(dlon, dlat)
        n["kode"] = f"N{k:02d}." + n["kode"].astype(str)
        parts["n"].append(n)
        b = backlog.copy()
        b["kode"] = _recode(b["kode"], province, shift)
        parts["b"].append(b)
        for key, frame in (("o", offices), ("h", harbours), ("t", teams)):
            f = frame.copy()
            f["kabupaten_kode"] = _recode(f["kabupaten_kode"], province, shift)
            f["lng"] = f["lng"] + dlon if "lng" in f else None
            if "lat" in f:
                f["lat"] = f["lat"] + dlat
            if key != "t":
                f["name"] = f["name"] + f" ({province}{shift or ''})"
            else:
                f["team"] = f["team"] + f" ({province}{shift or ''})"
                f = f.drop(columns=["lng"])
            parts[key].append(f)
    out.mkdir(parents=True, exist_ok=True)
    nation = gpd.GeoDataFrame(pd.concat(parts["v"], ignore_index=True), crs=villages.crs)
    nation.to_file(out / "nation.gpkg", layer="villages", driver="GPKG")
    gpd.GeoDataFrame(pd.concat(parts["n"], ignore_index=True), crs=neighbours.crs).to_file(
        out / "nation.gpkg", layer="neighbour_regencies", driver="GPKG")
    pd.concat(parts["b"]).to_csv(out / "belum_rekam.csv", index=False)
    pd.concat(parts["o"]).to_csv(out / "offices.csv", index=False)
    pd.concat(parts["h"]).to_csv(out / "harbours.csv", index=False)
    pd.concat(parts["t"]).to_csv(out / "teams.csv", index=False)
    (out / "manifest.toml").write_text(
        f'# Synthetic nation: {copies} copies of Banten, {layout} layout, seed {seed}\n'
        'villages = "nation.gpkg:villages"\nbacklog = "belum_rekam.csv"\n'
        'offices = "offices.csv"\nharbours = "harbours.csv"\nteams = "teams.csv"\n'
        'neighbours = "nation.gpkg:neighbour_regencies"\n', encoding="utf-8")
    return len(nation)


def main(argv: list[str] | None = None) -> int:
    """Write one synthetic nation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--copies", type=int, default=GRID_COLUMNS * GRID_ROWS)
    parser.add_argument("--layout", choices=("grid", "row"), default="grid")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--banten", type=Path, default=DEFAULT_BANTEN)
    args = parser.parse_args(argv)
    n = make_nation(args.banten, args.out, args.copies, layout=args.layout, seed=args.seed)
    print(f"{n} villages written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
