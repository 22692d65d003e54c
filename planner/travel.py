"""Travel estimates: integer seconds and metres, by road and by boat through harbours.

Road legs are great-circle distance x detour factor / speed.  A leg between two different
landmasses (the office's mainland and an island, or two islands) goes by road to the best
harbour, waits ``boarding_s``, then crosses at boat speed in a straight line.

The :class:`MatrixProvider` protocol lets other sources replace the estimate:
:class:`EstimateProvider` is the built-in one, :class:`planner.road_travel.RoadProvider`
routes on the office's road network and :class:`planner.osrm.OsrmProvider` asks an OSRM
server; :func:`planner.road_travel.travel_provider` picks one from the parameters.  All of
them share :func:`with_boats` for crossings between landmasses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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
    #: Where the travel came from (``{"source": "estimate" | "roads" | "osrm", ...}``), as
    #: written to the plan JSON's ``travel``.
    info: dict[str, Any] = field(default_factory=dict)


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


    def road_legs(self, points: Sequence[TravelPoint]) -> tuple[FloatArray, FloatArray]:
        """Estimated road duration (s) and distance (m) between every pair, as floats."""
        lon, lat = _lonlat(points)
        speeds = np.array([road_speed_kmh(pt.road_class, self.params) for pt in points],
                          dtype=np.float64)
        dist, dur = self._road(lon, lat, speeds)
        return dur, dist

    def matrices(self, points: Sequence[TravelPoint]) -> TravelMatrices:
        """See :class:`MatrixProvider`."""
        p = self.params
        lon, lat = _lonlat(points)
        speeds = np.array([road_speed_kmh(pt.road_class, p) for pt in points], dtype=np.float64)
        dist, dur = self._road(lon, lat, speeds)
        to_h_dist = np.empty((len(points), len(self.harbours)), dtype=np.float64)
        for k, h in enumerate(self.harbours):
            to_h_dist[:, k] = haversine_m(lon, lat, h.lon, h.lat) * p.detour_factor
        to_h_dur = to_h_dist / (speeds[:, None] / 3.6)
        info = {"source": "estimate", "detour_factor": p.detour_factor,
                "speeds_kmh": {c: road_speed_kmh(c, p) for c in ROAD_CLASSES}}
        return with_boats(points, self.harbours, p, dur, dist,
                          to_harbour=(to_h_dur, to_h_dist), from_harbour=(to_h_dur, to_h_dist),
                          info=info)


def _lonlat(points: Sequence[TravelPoint]) -> tuple[FloatArray, FloatArray]:
    lon = np.array([pt.lon for pt in points], dtype=np.float64)
    lat = np.array([pt.lat for pt in points], dtype=np.float64)
    return lon, lat


def with_boats(points: Sequence[TravelPoint], harbours: Sequence[Harbour], params: TravelParams,
               road_dur_s: FloatArray, road_dist_m: FloatArray, *,
               to_harbour: tuple[FloatArray, FloatArray],
               from_harbour: tuple[FloatArray, FloatArray],
               info: Mapping[str, Any]) -> TravelMatrices:
    """Integer matrices: road legs on one landmass, boat crossings between landmasses.

    ``road_*`` are the road legs (used where both points share a landmass); ``to_harbour``
    and ``from_harbour`` are (duration s, distance m) arrays of shape (points, harbours) by
    road from each point to each harbour and back.  A crossing is a straight boat line
    between the points, or road to a harbour on one side and boat from there, whichever is
    quicker (``boarding_s`` added once).
    """
    p = params
    n = len(points)
    lon, lat = _lonlat(points)
    land = np.array([pt.landmass for pt in points], dtype=np.int64)
    same_land = land[:, None] == land[None, :]
    boat_ms = p.boat_speed_kmh / 3.6
    direct_boat = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    cross_dist = direct_boat.copy()
    cross_dur = direct_boat / boat_ms + p.boarding_s
    for k, h in enumerate(harbours):
        boat_m = haversine_m(lon, lat, h.lon, h.lat)
        on_h_land = land == h.landmass
        mask = on_h_land[:, None] & ~same_land
        # i on the harbour's landmass drives to it, then boats to j ...
        d_ij = to_harbour[1][:, k][:, None] + boat_m[None, :]
        t_ij = to_harbour[0][:, k][:, None] + p.boarding_s + boat_m[None, :] / boat_ms
        better = mask & (t_ij < cross_dur)
        cross_dur = np.where(better, t_ij, cross_dur)
        cross_dist = np.where(better, d_ij, cross_dist)
        # ... and j boats to the harbour, then i's way back by road (stored at [j, i]).
        d_ji = (from_harbour[1][:, k][:, None] + boat_m[None, :]).T
        t_ji = (from_harbour[0][:, k][:, None] + p.boarding_s + boat_m[None, :] / boat_ms).T
        better_t = mask.T & (t_ji < cross_dur)
        cross_dur = np.where(better_t, t_ji, cross_dur)
        cross_dist = np.where(better_t, d_ji, cross_dist)
    duration = np.where(same_land, road_dur_s, cross_dur)
    distance = np.where(same_land, road_dist_m, cross_dist)
    np.fill_diagonal(duration, 0.0)
    np.fill_diagonal(distance, 0.0)
    # Round up so that a plan feasible on integers is feasible on the estimate too.
    return TravelMatrices(
        duration_s=np.ceil(duration - 1e-9).astype(np.int64).reshape(n, n),
        distance_m=np.ceil(distance - 1e-9).astype(np.int64).reshape(n, n),
        by_boat=~same_land, info=dict(info),
    )
