"""Write the sample regency: a fictional Kabupaten Tanjung Harapan (36.90) of ~150 villages.

Run ``python sample_data/make_sample_data.py [--out DIR]``.  Everything comes from the seed
below, so a re-run writes the same content.  The regency lies in the Indian Ocean south-west
of the real Banten (lon 104.9-105.8, lat -7.5 to -6.85) so that it never overlaps real data:

* the sea on the west and south; a land border on the north and east with a fictional
  regency of another province (``neighbours.gpkg``, 32.90 Kabupaten Cibeureum, Jawa Barat);
* three inhabited islands (1, 2 and 1 villages) reached from one mainland harbour, and an
  uninhabited islet that belongs to a mainland coastal village;
* hills in the north-east interior (``medan = perbukitan``), a town of kelurahan around the
  office on the west coast;
* a backlog whose rate is higher on islands, the border, the coast and far from the office,
  with a few villages at zero and two whose backlog exceeds a team-day;
* a road network in BIG RBI style (``roads.gpkg``, class in ``REMARK``): local roads between
  neighbouring villages, an arterial road from the office eastwards, slow winding mountain
  roads (*Jalan Lain*) in the hills, and a river (layer ``rivers``) that roads cross at one
  bridge only, far upstream, so that villages facing each other across its lower course are
  far apart by road.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

# GDAL stamps GeoPackages with the current time unless told otherwise.
os.environ.setdefault("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from shapely.geometry import MultiPolygon, Point, Polygon, box

SEED = 3690
HERE = Path(__file__).resolve().parent

PROVINCE = "Banten"
REGENCY_CODE = "36.90"
REGENCY_NAME = "Kabupaten Tanjung Harapan"
NEIGHBOUR_CODE = "32.90"
NEIGHBOUR_NAME = "Kabupaten Cibeureum"
OFFICE = (105.085, -7.165)  # lon, lat, in the town on the west coast
HILLS = (105.33, -7.08, 0.13, 0.08)  # centre lon, lat and half-axes of the hilly ellipse
MIN_SPACING_DEG = 0.029
N_KECAMATAN = 9
PRECISION_DEG = 1e-5

PREFIXES = ("Suka", "Ci", "Sindang", "Mekar", "Karang", "Tanjung", "Pasir", "Sumber", "Bojong",
            "Sirna", "Giri", "Lebak", "Cikadu", "Wangun", "Kadu", "Neglasari ", "Muara",
            "Situ", "Pagelaran ", "Jati", "Leuwi", "Tegal", "Cibunar ", "Sela")
SUFFIXES = ("maju", "jaya", "sari", "mulya", "wangi", "asih", "rahayu", "makmur", "harja",
            "galih", "luhur", "kulon", "wetan", "tengah", "manik", "laksana", "resmi", "bakti",
            "mekar", "raharja", "datar", "gede")
ISLANDS = (  # name, centre lon, lat, radius deg, village names
    ("Pulau Karang Kembang", 104.935, -7.120, 0.018, ("Karang Kembang",)),
    ("Pulau Sangkur", 105.150, -7.455, 0.030, ("Sangkur Kaler", "Sangkur Kidul")),
    ("Pulau Dua", 105.320, -7.405, 0.012, ("Pulo Dua",)),
)
ISLET = (104.975, -7.265, 0.004)  # uninhabited, belongs to the nearest coastal village
#: The river: source on the northern border, mouth on the south coast; the one bridge.
RIVER = ((105.235, -6.985), (105.225, -7.10), (105.25, -7.20), (105.24, -7.36))
BRIDGE_LAT = -7.06
ROAD_SEED = SEED + 1  # roads draw from their own generator: the other files stay as they were


def _wavy(a: float, b: float, n: int, base: float, amp: float, rng: np.random.Generator,
          ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` positions from a to b and a wavy offset around ``base``."""
    t = np.linspace(a, b, n)
    phases = rng.uniform(0, 2 * np.pi, 3)
    w = sum(amp / (k + 1) * np.sin((k + 2) * 9.0 * t + phases[k]) for k in range(3))
    return t, base + w


def make_land(rng: np.random.Generator) -> tuple[Polygon, Polygon, Polygon]:
    """The land (regency + neighbour), the regency's mainland and the neighbour polygon."""
    ys, west_x = _wavy(-6.85, -7.33, 60, 105.0, 0.018, rng)
    xs, south_y = _wavy(105.02, 105.78, 70, -7.34, 0.012, rng)
    coast = [(x, y) for x, y in zip(west_x, ys, strict=True)]
    coast += [(x, y) for x, y in zip(xs, south_y, strict=True)]
    land = Polygon([*coast, (105.78, -6.85)])
    # The border: from the west coast eastwards at lat ~ -7.0, then south to the south coast.
    bx, by = _wavy(104.9, 105.45, 40, -7.0, 0.01, rng)
    cy, cx = _wavy(-7.0, -7.45, 40, 105.45, 0.01, rng)
    cx = cx - (cx[0] - 105.45)  # join the two lines at the corner
    by = by - (by[-1] + 7.0)
    region = Polygon([(104.8, -7.6), *zip(bx, by, strict=True),
                      *zip(cx, cy, strict=True), (105.45 + cx[-1] - 105.45, -7.6)])
    mainland = land.intersection(region)
    neighbour = land.difference(region)
    return land, _largest(mainland), _largest(neighbour)


def _largest(geom: shapely.Geometry) -> Polygon:
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda p: p.area)


def seed_points(area: Polygon, rng: np.random.Generator) -> np.ndarray:
    """Random points inside ``area``, no two closer than ``MIN_SPACING_DEG``."""
    minx, miny, maxx, maxy = area.bounds
    chosen: list[tuple[float, float]] = []
    shapely.prepare(area)
    for _ in range(6000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not area.contains(Point(x, y)):
            continue
        # Villages are smaller (denser) in the town around the office.
        spacing = MIN_SPACING_DEG * (0.45 if np.hypot(x - OFFICE[0], y - OFFICE[1]) < 0.05
                                     else 1.0)
        if all(np.hypot(x - cx, y - cy) >= spacing for cx, cy in chosen):
            chosen.append((x, y))
    return np.array(chosen)


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Group points into ``k`` contiguous districts (a few Lloyd rounds)."""
    centres = points[rng.choice(len(points), k, replace=False)]
    for _ in range(25):
        label = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
        centres = np.array([points[label == j].mean(0) if (label == j).any() else centres[j]
                            for j in range(k)])
    return np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)


def unique_names(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` different Sundanese-sounding names."""
    combos = [f"{p}{s}" if not p.endswith(" ") else f"{p}{s.capitalize()}"
              for p in PREFIXES for s in SUFFIXES]
    combos = [c[0].upper() + c[1:] for c in combos]
    picked = rng.permutation(len(combos))[:n]
    return [combos[i].strip() for i in picked]


def build(rng: np.random.Generator) -> dict[str, object]:
    """Every table of the sample regency."""
    land, mainland, neighbour = make_land(rng)
    pts = seed_points(mainland, rng)
    frame_box = box(104.5, -7.8, 106, -6.5)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame_box, ordered=True)
    geoms = [c.intersection(mainland) for c in shapely.get_parts(cells)]
    geoms = [_largest(g) for g in geoms]
    # The uninhabited islet goes to the nearest mainland village.
    islet = Point(ISLET[0], ISLET[1]).buffer(ISLET[2], quad_segs=4)
    owner = int(np.argmin([g.distance(islet) for g in geoms]))
    geoms[owner] = MultiPolygon([geoms[owner], islet])
    district = kmeans(pts, N_KECAMATAN, rng)
    rows: list[dict[str, object]] = []
    for i, g in enumerate(geoms):
        rows.append({"geom": g, "x": pts[i, 0], "y": pts[i, 1], "district": int(district[i]),
                     "island": False})
    centres = np.array([pts[district == j].mean(0) for j in range(N_KECAMATAN)])
    for _name, x, y, r, names in ISLANDS:
        island = Point(x, y).buffer(r, quad_segs=6)
        island = shapely.affinity.scale(island, 1.0, 0.7)
        nearest = int(np.argmin(np.hypot(centres[:, 0] - x, centres[:, 1] - y)))
        if len(names) == 1:
            pieces = [island]
        else:
            pieces = [island.intersection(box(x - 1, y - 1, x, y + 1)),
                      island.intersection(box(x, y - 1, x + 1, y + 1))]
        for piece, _n in zip(pieces, names, strict=True):
            c = piece.representative_point()
            rows.append({"geom": piece, "x": c.x, "y": c.y, "district": nearest,
                         "island": True, "name": _n})
    frame = pd.DataFrame(rows)
    # District order: north-west first; the office's district is the town.
    order = np.lexsort((centres[:, 0].round(3), -centres[:, 1].round(3)))
    rank = {int(d): k + 1 for k, d in enumerate(order)}
    frame["kec_no"] = frame["district"].map(rank)
    office_pt = Point(OFFICE)
    town = int(frame.loc[[g.distance(office_pt) for g in frame["geom"]] == np.min(
        [g.distance(office_pt) for g in frame["geom"]]), "kec_no"].iloc[0])
    dist_office = np.hypot(frame["x"] - OFFICE[0], frame["y"] - OFFICE[1]).to_numpy()
    frame["kelurahan"] = (frame["kec_no"] == town) & (dist_office < 0.05) & ~frame["island"]
    hx, hy, ha, hb = HILLS
    frame["hilly"] = (((frame["x"] - hx) / ha) ** 2 + ((frame["y"] - hy) / hb) ** 2) < 1.0
    names = unique_names(len(frame) + N_KECAMATAN, rng)
    kec_names = {k: names[len(frame) + k - 1] for k in range(1, N_KECAMATAN + 1)}
    kec_names[town] = "Tanjung Harapan"
    frame["name"] = [n if isinstance(n, str) else names[i]
                     for i, n in enumerate(frame.get("name", pd.Series([None] * len(frame))))]
    frame = frame.sort_values(["kec_no", "kelurahan", "y", "x"],
                              ascending=[True, False, False, True]).reset_index(drop=True)
    codes = []
    counters: dict[tuple[int, bool], int] = {}
    for kec, kel in zip(frame["kec_no"], frame["kelurahan"], strict=True):
        counters[(kec, kel)] = counters.get((kec, kel), 0) + 1
        codes.append(f"{REGENCY_CODE}.{kec:02d}.{(1000 if kel else 2000) + counters[(kec, kel)]}")
    frame["kode"] = codes
    frame["geom"] = [shapely.set_precision(g, PRECISION_DEG) for g in frame["geom"]]
    coastline = land.exterior
    nb_line = neighbour.boundary
    frame["border"] = [g.buffer(1e-4).intersection(nb_line).length > 0.003 for g in frame["geom"]]
    frame["coastal"] = [g.buffer(1e-4).intersection(coastline).length > 0.003
                        or isl for g, isl in zip(frame["geom"], frame["island"], strict=True)]
    frame["dist_office"] = np.hypot(frame["x"] - OFFICE[0], frame["y"] - OFFICE[1])
    frame["far"] = frame["dist_office"] > frame["dist_office"].quantile(0.75)

    villages = gpd.GeoDataFrame({
        "KDEPUM": frame["kode"],
        "WADMKD": frame["name"],
        "KDCPUM": [k[:8] for k in frame["kode"]],
        "WADMKC": frame["kec_no"].map(kec_names),
        "KDPKAB": REGENCY_CODE,
        "WADMKK": REGENCY_NAME,
        "WADMPR": PROVINCE,
        "medan": np.where(frame["hilly"], "perbukitan", "datar"),
    }, geometry=[g if isinstance(g, MultiPolygon) else MultiPolygon([g]) for g in frame["geom"]],
        crs="EPSG:4326")
    # A few village offices are known (a point inside the polygon, rounded).
    kantor = rng.choice(len(frame), 6, replace=False)
    villages["kantor_lon"] = np.nan
    villages["kantor_lat"] = np.nan
    for i in sorted(kantor):
        p = villages.geometry.iloc[i].representative_point()
        villages.loc[i, ["kantor_lon", "kantor_lat"]] = [round(p.x, 5), round(p.y, 5)]

    backlog = make_backlog(frame, kec_names, rng)
    neighbours = gpd.GeoDataFrame(
        {"kode": [NEIGHBOUR_CODE], "kabupaten": [NEIGHBOUR_NAME], "provinsi": ["Jawa Barat"]},
        geometry=[MultiPolygon([shapely.set_precision(neighbour, PRECISION_DEG)])],
        crs="EPSG:4326")
    # The harbour: the point of the south coast nearest the islands' middle.
    harbour = shapely.ops.nearest_points(mainland.exterior.difference(
        neighbour.buffer(1e-3)), Point(105.16, -7.40))[0]
    return {"villages": villages, "backlog": backlog, "neighbours": neighbours,
            "harbour": (round(harbour.x, 5), round(harbour.y, 5)), "seeds": pts,
            "mainland": mainland}


def _winding(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> list[tuple[float, float]]:
    """A mountain road from a to b: hairpins that make it about twice as long."""
    n = 12
    t = np.linspace(0.0, 1.0, n + 1)
    normal = np.array([-(b - a)[1], (b - a)[0]])
    side = np.where(np.arange(n + 1) % 2 == 0, 0.0, 1.0) * np.sign(rng.uniform(-1, 1))
    side[1::2] *= np.where(np.arange(len(side[1::2])) % 2 == 0, 1.0, -1.0)
    pts = a[None, :] + t[:, None] * (b - a)[None, :] + 0.145 * side[:, None] * normal[None, :]
    return [(float(x), float(y)) for x, y in pts]


def make_roads(seeds: np.ndarray, mainland: Polygon, harbour: tuple[float, float],
               rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """RBI-style road lines (``REMARK``) of the mainland, and the river they must respect."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    nodes = np.vstack([seeds, [OFFICE], [harbour]])
    office, port = len(seeds), len(seeds) + 1
    edges = shapely.get_parts(shapely.delaunay_triangles(shapely.multipoints(nodes),
                                                         only_edges=True))
    ends = np.array([shapely.get_coordinates(e) for e in edges])
    key = {(round(x, 9), round(y, 9)): i for i, (x, y) in enumerate(nodes)}
    pairs = np.array([[key[(round(e[0, 0], 9), round(e[0, 1], 9))],
                       key[(round(e[1, 0], 9), round(e[1, 1], 9))]] for e in ends])
    length = np.hypot(*(nodes[pairs[:, 0]] - nodes[pairs[:, 1]]).T)
    shapely.prepare(mainland)
    river = shapely.LineString(RIVER)
    keep = (length < 0.06) & np.array([mainland.contains(e) for e in edges])
    crossing = np.array([e.intersects(river) for e in edges])
    # the one bridge: the crossing edge nearest BRIDGE_LAT
    mid_lat = nodes[pairs, 1].mean(axis=1)
    candidates = np.flatnonzero(keep & crossing)
    bridge = candidates[np.argmin(np.abs(mid_lat[candidates] - BRIDGE_LAT))]
    keep &= ~crossing
    keep[bridge] = True
    idx = np.flatnonzero(keep)
    n = len(nodes)
    graph = csr_matrix((np.concatenate([length[idx]] * 2),
                        (np.concatenate([pairs[idx, 0], pairs[idx, 1]]),
                         np.concatenate([pairs[idx, 1], pairs[idx, 0]]))), shape=(n, n))
    _, pred = dijkstra(graph, indices=office, return_predecessors=True)
    arterial: set[tuple[int, int]] = set()
    for target in (int(np.argmax(nodes[:len(seeds), 0])), port):  # the far east, the harbour
        node = target
        while node != office and pred[node] >= 0:
            arterial.add((min(node, pred[node]), max(node, pred[node])))
            node = int(pred[node])
    hx, hy, ha, hb = HILLS
    rows = []
    for k in idx:
        i, j = sorted(pairs[k].tolist())
        a, b = nodes[i], nodes[j]
        mx, my = (a + b) / 2
        in_hills = ((mx - hx) / ha) ** 2 + ((my - hy) / hb) ** 2 < 1.0
        if in_hills:  # the arterial road too winds through the hills, but not over the river
            cls, line = "Jalan Lain", _winding(a, b, rng)
            if k == bridge or shapely.LineString(line).intersects(river):
                line = [tuple(a), tuple(b)]
        elif (i, j) in arterial:
            cls, line = "Jalan Arteri", [tuple(a), tuple(b)]
        else:
            cls, line = "Jalan Lokal", [tuple(a), tuple(b)]
        rows.append({"REMARK": cls, "geometry": shapely.set_precision(
            shapely.LineString(line), PRECISION_DEG)})
    roads = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    rivers = gpd.GeoDataFrame({"NAMOBJ": ["Sungai Cilaki"]},
                              geometry=[shapely.LineString(RIVER)], crs="EPSG:4326")
    return roads, rivers


def make_backlog(frame: pd.DataFrame, kec_names: dict[int, str], rng: np.random.Generator,
                 ) -> pd.DataFrame:
    """Register-style counts; the rate is higher on islands, borders, coasts and far away."""
    n = len(frame)
    wajib = np.where(frame["kelurahan"], rng.integers(4000, 11000, n), rng.integers(1200, 5500, n))
    rate = rng.uniform(0.015, 0.03, n)
    rate = np.where(frame["coastal"], np.maximum(rate, rng.uniform(0.04, 0.07, n)), rate)
    rate = np.where(frame["far"], np.maximum(rate, rng.uniform(0.05, 0.10, n)), rate)
    rate = np.where(frame["border"], np.maximum(rate, rng.uniform(0.06, 0.12, n)), rate)
    rate = np.where(frame["island"], np.maximum(rate, rng.uniform(0.08, 0.15, n)), rate)
    plain = np.flatnonzero(~(frame["coastal"] | frame["far"] | frame["border"]
                             | frame["island"]).to_numpy())
    rate[rng.choice(plain, 6, replace=False)] = 0.0
    # Two villages whose backlog is more than one team-day.
    big_island = int(np.flatnonzero(frame["name"].eq("Sangkur Kidul").to_numpy())[0])
    big_border = int(np.flatnonzero(frame["border"].to_numpy())[0])
    wajib[big_island], rate[big_island] = 5200, 0.12
    wajib[big_border], rate[big_border] = 7000, 0.07
    belum = np.round(wajib * rate).astype(int)
    lk = rng.binomial(belum, 0.52)
    return pd.DataFrame({
        "Kode Desa": frame["kode"],
        "Nama Desa": frame["name"],
        "Kecamatan": frame["kec_no"].map(kec_names),
        "jumlah_wajib_ktp": wajib,
        "jumlah_sudah_rekam": wajib - belum,
        "belum_rekam_lk": lk,
        "belum_rekam_pr": belum - lk,
        "jumlah_belum_rekaman": belum,
    })


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """A plain one-sheet workbook with fixed document dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = "belum_rekam"
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    fixed = datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "make_sample_data.py"
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps each zip entry with the current time: rewrite them with a fixed one.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed_info = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z",
                              data)
            dst.writestr(fixed_info, data)


MANIFEST = """\
# Sample regency (fictional): Kabupaten Tanjung Harapan, written by make_sample_data.py
villages = "villages.gpkg:villages"
backlog = "belum_rekam.xlsx"
offices = "offices.csv"
harbours = "harbours.csv"
teams = "teams.csv"
neighbours = "neighbours.gpkg:neighbour_regencies"
roads = "roads.gpkg:roads"
days_off = "days_off.csv"
"""

#: The office's own days off (national holidays and cuti bersama need no row).
DAYS_OFF = """\
date,team_id,office_id,reason
2027-01-11,,,rapat kerja awal tahun
2027-01-12,tim-keliling-tanjung-harapan-3,,pelatihan petugas
"""

TEAMS = """\
kabupaten_kode,team,recording_kits,boat_capable,workdays,day_start,day_end
36.90,Tim Keliling Tanjung Harapan 1,2,True,,,
36.90,Tim Keliling Tanjung Harapan 2,2,False,,,
36.90,Tim Keliling Tanjung Harapan 3,1,False,1-6,07:30,15:00
36.90,Tim Keliling Tanjung Harapan 4,1,False,,,
"""


def main(argv: list[str] | None = None) -> None:
    """Write every sample file into ``--out`` (default: this script's directory)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    data = build(np.random.default_rng(SEED))
    for name in ("villages.gpkg", "neighbours.gpkg", "roads.gpkg"):
        (out / name).unlink(missing_ok=True)
    villages = data["villages"]
    neighbours = data["neighbours"]
    assert isinstance(villages, gpd.GeoDataFrame)
    assert isinstance(neighbours, gpd.GeoDataFrame)
    villages.to_file(out / "villages.gpkg", layer="villages", driver="GPKG")
    neighbours.to_file(out / "neighbours.gpkg", layer="neighbour_regencies", driver="GPKG")
    roads, rivers = make_roads(data["seeds"], data["mainland"], data["harbour"],  # type: ignore[arg-type]
                               np.random.default_rng(ROAD_SEED))
    roads.to_file(out / "roads.gpkg", layer="roads", driver="GPKG", SPATIAL_INDEX="NO")
    rivers.to_file(out / "roads.gpkg", layer="rivers", driver="GPKG", SPATIAL_INDEX="NO")
    backlog = data["backlog"]
    assert isinstance(backlog, pd.DataFrame)
    write_xlsx(backlog, out / "belum_rekam.xlsx")
    hx, hy = data["harbour"]  # type: ignore[misc]
    (out / "offices.csv").write_text(
        "kabupaten_kode,name,lat,lng\n"
        f"{REGENCY_CODE},Disdukcapil {REGENCY_NAME},{OFFICE[1]},{OFFICE[0]}\n")
    (out / "harbours.csv").write_text(
        f"kabupaten_kode,name,lat,lng\n{REGENCY_CODE},Pelabuhan Muara Harapan,{hy},{hx}\n")
    (out / "teams.csv").write_text(TEAMS)
    (out / "days_off.csv").write_text(DAYS_OFF)
    (out / "manifest.toml").write_text(MANIFEST)
    print(f"wrote {len(villages)} villages of {REGENCY_NAME} into {out}")


if __name__ == "__main__":
    main()
