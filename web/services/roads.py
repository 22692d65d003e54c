"""A regency's road network file, kept on disk beside the database and read when planning.

The upload (or the sample) brings an OpenStreetMap ``.osm.pbf`` or a road line layer; the
import keeps a copy in ``ROADS_FOLDER/<regency code>/`` (one file per regency, the last one
wins) and :func:`road_network` reads it for every plan of that regency (cached until the file
changes).  Without a file, plans use the estimate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app

from planner.io.layers import split_layer_path
from planner.roads import RoadNetwork, read_roads

_cache: dict[str, tuple[float, RoadNetwork]] = {}


def _folder(regency_code: str) -> Path:
    return Path(current_app.config["ROADS_FOLDER"]) / regency_code


def keep_road_file(regency_code: str, spec: str) -> str:
    """Copy the road file of ``spec`` (``PATH[:LAYER]``) as the regency's; the kept spec."""
    path, layer = split_layer_path(spec)
    folder = _folder(regency_code)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / Path(path).name
    shutil.copyfile(path, target)
    kept = f"{target}:{layer}" if layer else str(target)
    (folder / "spec.txt").write_text(kept, encoding="utf-8")
    return kept


def road_network(regency_code: str) -> RoadNetwork | None:
    """The regency's road network, or None when it has no road file."""
    spec_file = _folder(regency_code) / "spec.txt"
    if not spec_file.is_file():
        return None
    spec = spec_file.read_text(encoding="utf-8")
    stamp = spec_file.stat().st_mtime
    cached = _cache.get(spec)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_roads(spec)[0])
        _cache[spec] = cached
    return cached[1]
