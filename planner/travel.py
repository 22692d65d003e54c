"""Travel estimates: integer seconds and metres, by road and by boat through harbours.

Road legs are great-circle distance x detour factor / speed.  A leg between two different
landmasses (the office's mainland and an island, or two islands) goes by road to the best
harbour, waits ``boarding_s``, then crosses at boat speed in a straight line.

The :class:`MatrixProvider` protocol lets a real road router (OSRM, Valhalla) replace the
estimate later; :class:`EstimateProvider` is the built-in one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from planner.params import TravelParams

EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]
IntMatrix = npt.NDArray[np.int64]

#: Road classes a point may have; each has its own speed in :class:`TravelParams`.
ROAD_CLASSES: tuple[str, ...] = ("urban", "rural", "hilly")


def haversine_m(lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike,
                lat2: npt.ArrayLike) -> FloatArray:
    """Great-circle distance in metres; arguments broadcast like numpy arrays."""
    lo1, la1, lo2, la2 = (np.radians(np.asarray(a, dtype=np.float64))
                          for a in (lon1, lat1, lon2, lat2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def road_speed_kmh(road_class: str, params: TravelParams) -> float:
    """Speed for a road class (``urban``, ``rural`` or ``hilly``)."""
    return {
        "urban": params.speed_urban_kmh,
        "rural": params.speed_rural_kmh,
        "hilly": params.speed_hilly_kmh,
    }[road_class]


@dataclass(frozen=True)
class TravelPoint:
    """A place travel is estimated between."""

    lon: float
    lat: float
    #: Id of the landmass the point is on; the regency office's landmass is the mainland.
    landmass: int = 0
    road_class: str = "rural"


@dataclass(frozen=True)
class Harbour:
    """A harbour on the mainland from which boats cross to islands."""

    name: str
    lon: float
    lat: float
    landmass: int = 0


@dataclass(frozen=True)
class TravelMatrices:
    """Square matrices over the points given, in seconds and metres."""

    duration_s: IntMatrix
    distance_m: IntMatrix
    #: True where the leg includes a boat crossing.
    by_boat: npt.NDArray[np.bool_]


class MatrixProvider(Protocol):
    """Anything that can give travel matrices for a list of points."""

    def matrices(self, points: Sequence[TravelPoint]) -> TravelMatrices:
        """Duration (s) and distance (m) between every ordered pair of ``points``."""
        ...


class EstimateProvider:
    """Great-circle estimates for road legs, harbour-and-boat legs across water."""

    def __init__(self, params: TravelParams, harbours: Sequence[Harbour] = ()) -> None:
        self.params = params
        self.harbours = tuple(harbours)

    def _road(self, lon: FloatArray, lat: FloatArray, speeds_kmh: FloatArray
              ) -> tuple[FloatArray, FloatArray]:
        dist = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
        dist = dist * self.params.detour_factor
        speed_ms = (speeds_kmh[:, None] + speeds_kmh[None, :]) / 2 / 3.6
        return dist, dist / speed_ms

    def matrices(self, points: Sequence[TravelPoint]) -> TravelMatrices:
        """See :class:`MatrixProvider`."""
        p = self.params
        n = len(points)
        lon = np.array([pt.lon for pt in points], dtype=np.float64)
        lat = np.array([pt.lat for pt in points], dtype=np.float64)
        land = np.array([pt.landmass for pt in points], dtype=np.int64)
        speeds = np.array([road_speed_kmh(pt.road_class, p) for pt in points], dtype=np.float64)
        dist, dur = self._road(lon, lat, speeds)
        same_land = land[:, None] == land[None, :]
        boat_ms = p.boat_speed_kmh / 3.6
        # A crossing, for a pair on different landmasses: boat straight between the points, or
        # road to a harbour on one side and boat from there, whichever is quicker.
        direct_boat = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
        cross_dist = direct_boat.copy()
        cross_dur = direct_boat / boat_ms + p.boarding_s
        for h in self.harbours:
            to_h = haversine_m(lon, lat, h.lon, h.lat)
            road_h = to_h * p.detour_factor
            road_h_s = road_h / (speeds / 3.6)
            on_h_land = land == h.landmass
            # i on the harbour's landmass drives to it, then boats to j.
            d_ij = road_h[:, None] + to_h[None, :]
            t_ij = road_h_s[:, None] + p.boarding_s + to_h[None, :] / boat_ms
            mask = on_h_land[:, None] & ~same_land
            better = mask & (t_ij < cross_dur)
            cross_dur = np.where(better, t_ij, cross_dur)
            cross_dist = np.where(better, d_ij, cross_dist)
            better_t = better.T
            cross_dur = np.where(better_t, t_ij.T, cross_dur)
            cross_dist = np.where(better_t, d_ij.T, cross_dist)
        duration = np.where(same_land, dur, cross_dur)
        distance = np.where(same_land, dist, cross_dist)
        np.fill_diagonal(duration, 0.0)
        np.fill_diagonal(distance, 0.0)
        # Round up so that a plan feasible on integers is feasible on the estimate too.
        return TravelMatrices(
            duration_s=np.ceil(duration - 1e-9).astype(np.int64).reshape(n, n),
            distance_m=np.ceil(distance - 1e-9).astype(np.int64).reshape(n, n),
            by_boat=~same_land,
        )
