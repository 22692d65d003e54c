"""The geography classification of a dataset, computed once and kept on disk.

The key is a hash of everything the classification reads: the villages (codes, names,
attributes and boundaries), offices, harbours, neighbour areas, the coordinator's overrides
and the geography and travel parameters.  Any change to one of them is a new key, so a
stale entry is never read.  Entries are plain numpy arrays and JSON (no pickle): a cache
folder shared by several users cannot run code.

    cache = ClassificationCache.default()
    classified = classify_dataset(dataset, params, cache=cache)   # planner.workflow
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from planner.params import PlanningParams

#: Bump when the entry layout changes: old entries are then ignored (a change to the
#: classifying modules changes every key by itself).
CACHE_VERSION = 1
#: Environment variable naming the cache folder (else ``$XDG_CACHE_HOME/jemput-bola``).
CACHE_ENV = "JEMPUT_BOLA_CACHE"
#: Columns :func:`planner.geography.classify_villages` adds, with their numpy kinds.
ARRAY_COLUMNS: tuple[str, ...] = (
    "island", "border", "coastal", "remote", "island_computed", "border_computed",
    "coastal_computed", "remote_computed", "landmass", "office_travel_s", "office_distance_m",
    "stop_lon", "stop_lat", "border_length_m", "coast_length_m")
_VILLAGE_COLUMNS = ("kode", "desa", "jenis", "kecamatan_kode", "kabupaten_kode", "hilly",
                    "office_lon", "office_lat")


def _frame_digest(h: Any, frame: pd.DataFrame | None, columns: tuple[str, ...] | None = None
                  ) -> None:
    if frame is None:
        h.update(b"<none>")
        return
    cols = [c for c in (columns or tuple(frame.columns)) if c in frame.columns
            and c != "geometry"]
    h.update(json.dumps([str(c) for c in cols]).encode())
    h.update(str(len(frame)).encode())
    for c in cols:
        values = frame[c].astype("string").fillna("<NA>").to_numpy(dtype=object)
        h.update("\x1f".join(values.tolist()).encode("utf-8"))
        h.update(b"\x1e")
    if "geometry" in frame.columns:
        geoms = np.asarray(frame.geometry.values, dtype=object)
        h.update(str(getattr(frame, "crs", None)).encode())
        h.update(b"".join(shapely.to_wkb(geoms, hex=False).tolist()))


def _code_digest() -> bytes:
    """The source of the modules that compute the classification: new code, new keys."""
    from planner import geography, landmass, osrm, road_travel, roads, travel, workflow

    return b"".join(Path(m.__file__ or "").read_bytes()
                    for m in (geography, landmass, travel, roads, road_travel, osrm, workflow))


def dataset_key(dataset: Any, params: PlanningParams) -> str:
    """Hash of what the classification of ``dataset`` with ``params`` reads (and of the
    code that classifies)."""
    h = hashlib.sha256(f"jemput-bola classification v{CACHE_VERSION}".encode())
    h.update(_code_digest())
    _frame_digest(h, dataset.villages, (*_VILLAGE_COLUMNS, "geometry"))
    _frame_digest(h, dataset.offices, ("kabupaten_kode", "lon", "lat"))
    _frame_digest(h, dataset.harbours, ("kabupaten_kode", "name", "lon", "lat"))
    _frame_digest(h, dataset.neighbours, ("geometry",))
    _frame_digest(h, dataset.overrides)
    network = getattr(dataset, "roads", None)
    if network is not None:  # the remote flag is routed on the roads when they are given
        for array in (network.vertex_lon, network.vertex_lat, network.line_start,
                      network.line_vertices, network.line_class, network.line_oneway):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(json.dumps(list(network.classes)).encode())
    h.update(json.dumps({"geography": asdict(params.geography),
                         "travel": asdict(params.travel)}, sort_keys=True,
                        default=str).encode())
    return h.hexdigest()


class ClassificationCache:
    """A folder of classified datasets, one entry (``KEY.npz`` + ``KEY.json``) per key."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def default(cls) -> ClassificationCache:
        """``$JEMPUT_BOLA_CACHE``, else ``$XDG_CACHE_HOME/jemput-bola`` (``~/.cache``)."""
        given = os.environ.get(CACHE_ENV)
        if given:
            return cls(given)
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return cls(Path(base) / "jemput-bola" / "classification")

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.directory / f"{key}.npz", self.directory / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        """The stored columns (arrays and lists) of ``key``, or None when absent or unreadable.

        A damaged entry is treated as missing: the classification is simply redone.
        """
        arrays_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(arrays_path, allow_pickle=False) as data:
                arrays = {c: data[c] for c in ARRAY_COLUMNS}
        except (OSError, ValueError, KeyError):
            return None
        if meta.get("version") != CACHE_VERSION or len(meta.get("kode", ())) != len(
                arrays["island"]):
            return None
        return {**arrays, "kode": meta["kode"], "border_kind": meta["border_kind"],
                "overridden": [tuple(t) for t in meta["overridden"]],
                "notes": tuple(meta["notes"]), "columns": meta.get("columns")}

    def store(self, key: str, classified: pd.DataFrame) -> None:
        """Write the classification columns of ``classified`` under ``key`` (atomically).

        A folder that cannot be written is not an error: the next run classifies again.
        """
        arrays_path, meta_path = self._paths(key)
        meta = {"version": CACHE_VERSION,
                "kode": classified["kode"].astype(str).tolist(),
                "border_kind": [None if pd.isna(k) else str(k)
                                for k in classified["border_kind"]],
                "overridden": [list(t) for t in classified["overridden"]],
                "notes": list(classified.attrs.get("geography_notes", ())),
                "columns": [str(c) for c in classified.columns]}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for path, write in ((arrays_path, self._write_arrays(classified)),
                                (meta_path, self._write_json(meta))):
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".part")
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.replace(tmp, path)
        except OSError:
            return

    @staticmethod
    def _write_arrays(classified: pd.DataFrame) -> Any:
        arrays: dict[str, Any] = {c: classified[c].to_numpy() for c in ARRAY_COLUMNS}
        return lambda fh: np.savez(fh, **arrays)

    @staticmethod
    def _write_json(meta: dict[str, Any]) -> Any:
        return lambda fh: fh.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
