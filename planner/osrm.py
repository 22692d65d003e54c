"""Road legs from an office's own OSRM server (its ``table`` service), over plain HTTP.

``[travel] provider = "osrm"`` with ``osrm_url = "http://host:5000"``.  The points (and the
regency's harbours) are sent in blocks of :data:`BLOCK` so that each request stays within
OSRM's default ``--max-table-size`` of 100; pairs the server cannot route (``null``) fall
back to the estimate; crossings between landmasses keep the boat model
(:func:`~planner.travel.with_boats`).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.errors import PlannerError
from planner.params import TravelParams
from planner.travel import EstimateProvider, Harbour, TravelMatrices, TravelPoint, with_boats

#: Points per block: a request carries at most two blocks (100 coordinates).
BLOCK = 50

FloatArray = npt.NDArray[np.float64]


class TravelServiceError(PlannerError):
    """The routing server could not be reached or gave no usable answer."""


class OsrmProvider:
    """Road legs from an OSRM ``table`` service; boats across water as in the estimate."""

    def __init__(self, params: TravelParams, harbours: Sequence[Harbour] = ()) -> None:
        self.params = params
        self.harbours = tuple(harbours)
        self.requests = 0

    def _table(self, coords: Sequence[TravelPoint], n_src: int) -> dict[str, Any]:
        p = self.params
        where = ";".join(f"{c.lon:.6f},{c.lat:.6f}" for c in coords)
        src = ";".join(str(i) for i in range(n_src))
        dst = ";".join(str(i) for i in range(n_src, len(coords)))
        url = (f"{p.osrm_url.rstrip('/')}/table/v1/{p.osrm_profile}/{where}"
               f"?sources={src}&destinations={dst}&annotations=duration,distance")
        try:
            with urllib.request.urlopen(url, timeout=p.osrm_timeout_s) as response:
                data: dict[str, Any] = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TravelServiceError(f"server OSRM {p.osrm_url} tidak menjawab / the OSRM "
                                     f"server {p.osrm_url} did not answer: {exc}") from exc
        self.requests += 1
        if data.get("code") != "Ok" or "durations" not in data or "distances" not in data:
            raise TravelServiceError(f"jawaban OSRM tidak dapat dipakai / unusable OSRM "
                                     f"answer: {data.get('code')} {data.get('message', '')}")
        return data

    def road_legs(self, points: Sequence[TravelPoint]) -> tuple[FloatArray, FloatArray, int]:
        """Duration (s) and distance (m) by road between every pair; pairs estimated."""
        n = len(points)
        dur, dist = EstimateProvider(self.params).road_legs(points)
        routed = np.zeros((n, n), dtype=bool)
        blocks = [list(range(k, min(k + BLOCK, n))) for k in range(0, n, BLOCK)]
        for rows in blocks:
            for cols in blocks:
                data = self._table([points[i] for i in rows] + [points[j] for j in cols],
                                   len(rows))
                got_t = np.array(data["durations"], dtype=object)
                got_d = np.array(data["distances"], dtype=object)
                ok = (got_t != None) & (got_d != None)  # noqa: E711 (elementwise null test)
                block = np.ix_(rows, cols)
                dur[block] = np.where(ok, np.where(ok, got_t, 0).astype(np.float64), dur[block])
                dist[block] = np.where(ok, np.where(ok, got_d, 0).astype(np.float64),
                                       dist[block])
                routed[block] = ok
        land = np.array([pt.landmass for pt in points], dtype=np.int64)
        same = (land[:, None] == land[None, :]) & ~np.eye(n, dtype=bool)
        return dur, dist, int((same & ~routed).sum())

    def matrices(self, points: Sequence[TravelPoint]) -> TravelMatrices:
        """See :class:`~planner.travel.MatrixProvider`."""
        p = self.params
        n = len(points)
        hb = [TravelPoint(h.lon, h.lat, h.landmass, "urban") for h in self.harbours]
        before = self.requests
        dur, dist, estimated = self.road_legs([*points, *hb])
        info = {"source": "osrm", "url": p.osrm_url, "profile": p.osrm_profile,
                "requests": self.requests - before, "points": n,
                "pairs_estimated": estimated}
        return with_boats(points, self.harbours, p, dur[:n, :n], dist[:n, :n],
                          to_harbour=(dur[:n, n:], dist[:n, n:]),
                          from_harbour=(dur[n:, :n].T, dist[n:, :n].T), info=info)
