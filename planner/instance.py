"""The routing instance the solver sees: immutable, integer, free of file formats.

A *visit* is one optional stop (a village, or one chunk of a big village); a *vehicle* is one
team on one working day.  Visits refer to *locations*; the duration (s) and distance (m)
matrices are over locations, so chunks of one village share a row.  External ids
(``village_code``, ``team_id``) are kept apart from solver indices.

Objective, in this order: collect as much prize as possible; among equal prizes, less total
travel duration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SCHEMA_VERSION = "1.0"

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Location:
    """A place: a regency office (depot), a village stop point, or a benchmark point."""

    location_id: str
    lon: float | None = None
    lat: float | None = None
    kind: str = "village"  # "depot" | "village" | "point"
    #: Rupiah for one night's lodging here (a team sleeping away from its base); 0 = free
    #: (e.g. a kecamatan office that lends a room).
    lodging_rp: int = 0


@dataclass(frozen=True)
class Visit:
    """One optional stop; prize and demand in whole numbers.

    ``service_s`` is the fixed part of the time at the stop (set-up); the vehicle adds
    ``demand * service_s_per_demand`` (see :meth:`Instance.service_time_s`).
    """

    visit_id: str
    location: int
    prize: int
    service_s: int
    #: Expected recordings at this visit (counts against a vehicle's capacity).
    demand: int
    village_code: str | None = None
    #: Vehicles allowed to make the visit (indices); ``None`` means every vehicle.
    allowed_vehicles: tuple[int, ...] | None = None
    #: A pinned visit must be made, by this vehicle.
    pinned_vehicle: int | None = None
    #: Window for the *start of service*, seconds since midnight, inclusive.
    time_window_s: tuple[int, int] | None = None
    #: Visits sharing a group (chunks of one village) never ride the same vehicle.
    group: str | None = None
    chunk: int = 1
    chunks: int = 1
    #: Keys this visit claims for the whole plan: two visits sharing a key are never both
    #: made (a covering stop and the own visit of a village it serves; see
    #: :mod:`planner.covering`).  Empty = no such conflict.
    exclusive: tuple[str, ...] = ()
    #: The villages whose residents this visit records and how many from each, the stop's
    #: own village first (``((code, people), ...)``); empty = only ``village_code``.
    serves: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Vehicle:
    """One team on one working day: a route from ``start_location`` to ``end_location``."""

    vehicle_id: str
    team_id: str
    start_location: int
    end_location: int
    #: The route leaves no earlier than ``shift_start_s`` and is back by ``shift_end_s``.
    shift_start_s: int
    shift_end_s: int
    #: Most expected recordings on the route (``None`` = only time limits it).
    capacity: int | None = None
    date: str | None = None
    boat_capable: bool = False
    #: Extra service seconds per unit of demand for this vehicle (team): recording time per
    #: person divided by the team's kits.  Service of a visit on a vehicle is
    #: ``visit.service_s + visit.demand * vehicle.service_s_per_demand`` (see
    #: :meth:`Instance.service_time_s`); 0 for benchmark instances.
    service_s_per_demand: int = 0
    #: Multi-day trips (issue 18).  The days of one team's week share ``tour`` and are
    #: ordered by ``tour_day`` (0, 1, ...); day ``i + 1`` starts where day ``i`` ends (the
    #: night's place).  ``None`` = an independent day (start and end fixed).
    tour: str | None = None
    tour_day: int = 0
    #: Where this day may end when it is not the tour's last day (night places, the base
    #: included); ``None`` = only ``end_location``.  ``end_location`` is the current choice.
    night_options: tuple[int, ...] | None = None
    #: Most consecutive nights the team may spend away from the tour's first start location.
    max_nights_away: int = 0
    #: Rupiah per night away from base for the whole team (per-diem x team size).
    night_rp: int = 0
    #: Rupiah per metre driven (fuel of the team's vehicle kind).
    rp_per_m: int = 0


@dataclass(frozen=True)
class Instance:
    """A complete routing instance; matrices are read-only ``int64`` arrays over locations."""

    name: str
    locations: tuple[Location, ...]
    visits: tuple[Visit, ...]
    vehicles: tuple[Vehicle, ...]
    duration_s: IntMatrix
    distance_m: IntMatrix
    schema_version: str = SCHEMA_VERSION
    meta: dict[str, object] = field(default_factory=dict)
    #: Rupiah per leg between locations on top of fuel (boat hire on crossings); ``None`` = 0.
    leg_rp: IntMatrix | None = None
    #: Most rupiah the week may cost (fuel + boat hire + nights); ``None`` = no budget.
    budget_rp: int | None = None

    def __post_init__(self) -> None:
        for name in ("duration_s", "distance_m", "leg_rp"):
            if getattr(self, name) is None:
                continue
            arr = np.array(getattr(self, name), dtype=np.int64, copy=True)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    def conflicts(self) -> list[list[int]]:
        """For each visit, the other visits that share an ``exclusive`` key with it."""
        by_key: dict[str, list[int]] = {}
        for i, v in enumerate(self.visits):
            for key in v.exclusive:
                by_key.setdefault(key, []).append(i)
        out: list[set[int]] = [set() for _ in self.visits]
        for members in by_key.values():
            for i in members:
                out[i].update(members)
        return [sorted(c - {i}) for i, c in enumerate(out)]

    def service_time_s(self, visit: int, vehicle: int) -> int:
        """Seconds spent at ``visit`` when ``vehicle`` makes it (set-up + recording)."""
        v = self.visits[visit]
        return v.service_s + v.demand * self.vehicles[vehicle].service_s_per_demand

    def allowed(self, visit: int, vehicle: int) -> bool:
        """Whether ``vehicle`` may make ``visit``."""
        v = self.visits[visit]
        if v.pinned_vehicle is not None:
            return v.pinned_vehicle == vehicle
        return v.allowed_vehicles is None or vehicle in v.allowed_vehicles
