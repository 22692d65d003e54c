"""Why each waiting village waits, computed from the plan: the binding cause, with figures.

For a village the solver left out, every team-day that may make one of its visits is tried:
insert the visit at the best place of that day's route, or, when the day is full, in place
of one or two consecutive visits or of the whole day.  What comes out is the *binding
cause*:

* ``search_gap``: the village fits a team-day as it is, or replacing visits worth less would
  raise the plan's value: the search did not find it (the coordinator can add it by hand);
* ``boat_team_full``: an island village, and every team-day of the boat-capable team(s) is
  taken by visits worth more;
* ``capacity``: the best insertion would displace visits worth more per hour of team time
  (``figures["basis"] == "per_hour"``), or, when those visits are worth less per hour but
  take longer than the village, worth more in total (``"total"``);
* ``no_team_day``: no team-day left this week may make it (days already worked).

Villages that no team can reach in a day (left out before solving) get their figures here
too: which team-day came closest and by how many minutes it falls short.

Values are *nilai*: expected recordings x priority weight (a visit's prize / 100); per hour
is per hour of team time (travel plus time at the stop) the visit adds or frees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from planner.instance import Instance
from planner.reasons import Reason, reason

#: The fewest people a day's trip to a village must record (as :data:`planner.idle.MIN_PEOPLE`).
MIN_PEOPLE = 30

#: Reasons that say the week's team time went to better visits (their figures must agree).
CAPACITY_CODES = frozenset({"capacity", "boat_team_full"})


def id_num(x: float, digits: int = 1) -> str:
    """``3,25`` / ``1.687``: a number as Indonesian text writes it."""
    fmt = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return str(format_decimal(round(x, digits), format=fmt, locale="id"))


def en_num(x: float, digits: int = 1) -> str:
    fmt = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return str(format_decimal(round(x, digits), format=fmt, locale="en"))


def day_id(iso: str | None) -> str:
    """``Senin 30 Nov``."""
    if not iso:
        return ""
    return str(format_date(date.fromisoformat(iso), "EEEE d MMM", locale="id"))


def day_en(iso: str | None) -> str:
    if not iso:
        return ""
    return str(format_date(date.fromisoformat(iso), "EEEE d MMM", locale="en"))


def minutes_id(seconds: float) -> str:
    """``2 jam 45 menit``."""
    m = math.ceil(seconds / 60)
    h, m = divmod(m, 60)
    return f"{h} jam {m} menit" if h and m else (f"{h} jam" if h else f"{m} menit")


def minutes_en(seconds: float) -> str:
    m = math.ceil(seconds / 60)
    h, m = divmod(m, 60)
    return f"{h} h {m} min" if h and m else (f"{h} h" if h else f"{m} min")


@dataclass(frozen=True)
class Option:
    """The best way to put one visit of a waiting village on one team-day."""

    visit: int
    vehicle: int
    #: Positions in the route taken out (consecutive); empty when the visit just fits.
    removed: tuple[int, ...]
    #: Where the visit goes in the route once ``removed`` is taken out.
    position: int
    prize: int
    removed_prize: int
    #: Seconds of team time the visit adds (after the removal) and the removal frees.
    added_s: int
    freed_s: int

    @property
    def gain(self) -> int:
        return self.prize - self.removed_prize

    @property
    def rate(self) -> float:
        """The village's value per hour of the team time it takes."""
        return self.prize / 100 / max(1, self.added_s) * 3600

    @property
    def removed_rate(self) -> float:
        return self.removed_prize / 100 / max(1, self.freed_s) * 3600


def route_duration(inst: Instance, k: int, route: Sequence[int]) -> int:
    """Team time of a route: travel plus time at the stops (0 for an empty day)."""
    if not route:
        return 0
    veh = inst.vehicles[k]
    dur = inst.duration_s
    here = veh.start_location
    total = 0
    for i in route:
        loc = inst.visits[i].location
        total += int(dur[here, loc]) + inst.service_time_s(i, k)
        here = loc
    return total + int(dur[here, veh.end_location])


def _fits(inst: Instance, k: int, route: Sequence[int]) -> bool:
    """Whether ``route`` keeps vehicle ``k``'s rules (shift, windows, capacity, groups)."""
    from planner.checking import check_routes

    routes: list[Sequence[int]] = [[] for _ in inst.vehicles]
    routes[k] = route
    report = check_routes(inst, routes)
    # check_routes also reports pinned visits left out: only this route's rules count here
    own = inst.vehicles[k].vehicle_id
    return not [v for v in report.violations if v.startswith(f"vehicle {own}:")]


def best_options(inst: Instance, routes: Sequence[Sequence[int]], visits: Sequence[int],
                 ) -> list[Option]:
    """For each team-day that may make one of ``visits``, its best :class:`Option`."""
    out: list[Option] = []
    for k, route in enumerate(routes):
        veh = inst.vehicles[k]
        length = veh.shift_end_s - veh.shift_start_s
        base = route_duration(inst, k, route)
        load = sum(inst.visits[i].demand for i in route)
        pinned = {p for p, i in enumerate(route) if inst.visits[i].pinned_vehicle is not None}
        best: Option | None = None
        for x in visits:
            if not inst.allowed(x, k):
                continue
            # blocks of consecutive stops to take out: none, one, two, every unpinned stop
            blocks: list[tuple[int, ...]] = [()]
            blocks += [(p,) for p in range(len(route))]
            blocks += [(p, p + 1) for p in range(len(route) - 1)]
            if len(route) > 2:
                blocks.append(tuple(range(len(route))))
            for block in blocks:
                if pinned & set(block):
                    continue
                rest = [i for p, i in enumerate(route) if p not in block]
                dem = inst.visits[x].demand
                cap = veh.capacity
                if cap is not None and load - sum(inst.visits[route[p]].demand
                                                  for p in block) + dem > cap:
                    continue
                without = route_duration(inst, k, rest) if block else base
                cands = [block[0]] if block and len(block) < len(route) else range(len(rest) + 1)
                for pos in cands:
                    new = [*rest[:pos], x, *rest[pos:]]
                    added = route_duration(inst, k, new) - without
                    if without + added > length:
                        continue
                    opt = Option(x, k, block, pos, inst.visits[x].prize,
                                 sum(inst.visits[route[p]].prize for p in block),
                                 added, base - without)
                    if (best is None or _better(opt, best)) and _fits(inst, k, new):
                        best = opt
        if best is not None:
            out.append(best)
    return out


def _better(a: Option, b: Option) -> bool:
    """Prefer more value gained, then the displaced visits worth least per hour."""
    if a.gain != b.gain:
        return a.gain > b.gain
    return (a.removed_rate - a.rate) < (b.removed_rate - b.rate)


@dataclass(frozen=True)
class Names:
    """What a reason names: villages by code, team-days by index."""

    desa: Mapping[str, str]
    team_names: Sequence[str]

    def team_day_id(self, inst: Instance, k: int) -> str:
        return f"{self.team_names[k]} ({day_id(inst.vehicles[k].date)})"

    def team_day_en(self, inst: Instance, k: int) -> str:
        return f"{self.team_names[k]} ({day_en(inst.vehicles[k].date)})"

    def visit(self, inst: Instance, i: int) -> str:
        v = inst.visits[i]
        name = self.desa.get(v.village_code or "", "") or (v.village_code or v.visit_id)
        return name + (f" ({v.chunk}/{v.chunks})" if v.chunks > 1 else "")


def _figures(opt: Option, inst: Instance, routes: Sequence[Sequence[int]]) -> dict[str, Any]:
    return {
        "vehicle_id": inst.vehicles[opt.vehicle].vehicle_id,
        "value": round(opt.prize / 100, 2), "added_min": round(opt.added_s / 60, 1),
        "value_per_hour": round(opt.rate, 3),
        "displaced": [inst.visits[routes[opt.vehicle][p]].visit_id for p in opt.removed],
        "displaced_value": round(opt.removed_prize / 100, 2),
        "displaced_min": round(opt.freed_s / 60, 1),
        "displaced_value_per_hour": round(opt.removed_rate, 3),
    }


def waiting_reason(inst: Instance, routes: Sequence[Sequence[int]], code: str, *,
                   names: Names, island: bool = False) -> Reason:
    """The binding cause that keeps village ``code`` (which has visits in ``inst``) waiting."""
    visits = [i for i, v in enumerate(inst.visits) if v.village_code == code]
    makers = [k for k in range(len(inst.vehicles)) if any(inst.allowed(x, k) for x in visits)]
    if not makers:
        return reason("no_team_day", figures={})
    options = best_options(inst, routes, visits)
    if not options:
        # every team-day that may go is too full even when emptied (pinned stops stay)
        return reason("no_team_day", detail_id="hari-tim yang bisa ke desa ini sudah terisi "
                      "kunjungan yang disematkan", detail_en="the team-days that can go are "
                      "taken by pinned visits", figures={})
    best = max(options, key=lambda o: (o.gain, o.removed_rate - o.rate))
    figs = _figures(best, inst, routes)
    where_id = names.team_day_id(inst, best.vehicle)
    where_en = names.team_day_en(inst, best.vehicle)
    if not best.removed:
        figs["basis"] = "fits"
        return reason(
            "search_gap",
            detail_id=f"muat di {where_id} tanpa menggeser kunjungan lain (menambah "
            f"{minutes_id(best.added_s)}); tambahkan lewat halaman sunting",
            detail_en=f"fits {where_en} without moving any other visit (adds "
            f"{minutes_en(best.added_s)}); add it on the edit page", figures=figs)
    shown = [names.visit(inst, routes[best.vehicle][p]) for p in best.removed]
    listed = ", ".join(shown[:3]) + (f" dan {len(shown) - 3} lainnya" if len(shown) > 3 else "")
    listed_en = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    if best.gain > 0:
        figs["basis"] = "swap"
        return reason(
            "search_gap",
            detail_id=f"menggantikan {listed} di {where_id} menaikkan nilai rencana "
            f"({id_num(best.prize / 100)} lawan {id_num(best.removed_prize / 100)}); "
            "pencarian belum menemukannya, ubah lewat halaman sunting",
            detail_en=f"replacing {listed_en} on {where_en} raises the plan's value "
            f"({en_num(best.prize / 100)} vs {en_num(best.removed_prize / 100)}); the search "
            "did not find it, change it on the edit page", figures=figs)
    code_out = "capacity"
    lead_id = lead_en = ""
    if island:
        boat_days = [k for k in makers if inst.vehicles[k].boat_capable]
        if boat_days and len(boat_days) == len(makers) and all(routes[k] for k in boat_days):
            code_out = "boat_team_full"
            teams = sorted({names.team_names[k] for k in boat_days})
            lead_id = (f"hanya {', '.join(teams)} yang bisa menyeberang, dan semua "
                       f"{len(boat_days)} hari-timnya terisi; ")
            lead_en = (f"only {', '.join(teams)} can cross, and all {len(boat_days)} of its "
                       "team-days are taken; ")
    if best.rate < best.removed_rate:
        figs["basis"] = "per_hour"
        return reason(
            code_out,
            detail_id=f"{lead_id}tempat terbaiknya, di {where_id}, harus menggeser {listed}, "
            f"yang bernilai {id_num(best.removed_rate)} per jam tim; desa ini hanya "
            f"{id_num(best.rate)} per jam (nilai {id_num(best.prize / 100)} dalam "
            f"{minutes_id(best.added_s)})",
            detail_en=f"{lead_en}its best place, {where_en}, would displace {listed_en}, worth "
            f"{en_num(best.removed_rate)} per hour of team time; this village "
            f"{en_num(best.rate)} per hour ({en_num(best.prize / 100)} in "
            f"{minutes_en(best.added_s)})", figures=figs)
    figs["basis"] = "total"
    return reason(
        code_out,
        detail_id=f"{lead_id}tempat terbaiknya, di {where_id}, harus menggeser {listed}, "
        f"yang bernilai {id_num(best.removed_prize / 100)}; desa ini hanya "
        f"{id_num(best.prize / 100)}, dan waktu yang tersisa tidak cukup untuk desa lain",
        detail_en=f"{lead_en}its best place, {where_en}, would displace {listed_en}, worth "
        f"{en_num(best.removed_prize / 100)}; this village only {en_num(best.prize / 100)}, "
        "and the time left over fits no other village", figures=figs)


def consistent(why: Reason) -> bool:
    """Whether a capacity-type reason's figures agree with what it says."""
    if why.code not in CAPACITY_CODES:
        return True
    f = why.figures
    if f.get("basis") == "per_hour":
        return float(f["value_per_hour"]) < float(f["displaced_value_per_hour"])
    if f.get("basis") == "total":
        return float(f["value"]) <= float(f["displaced_value"])
    return False


@dataclass(frozen=True)
class Shortfall:
    """How far the closest team-day is from a one-stop day at a village."""

    vehicle: int
    need_s: int
    length_s: int
    travel_s: int

    @property
    def short_s(self) -> int:
        return self.need_s - self.length_s


def closest_day(inst: Instance, loc: int, people: int, setup_s: int, *,
                island: bool) -> Shortfall | None:
    """The team-day that comes closest to a one-stop day of ``people`` at location ``loc``."""
    best: Shortfall | None = None
    for k, veh in enumerate(inst.vehicles):
        if island and not veh.boat_capable:
            continue
        travel = int(inst.duration_s[veh.start_location, loc]) + \
            int(inst.duration_s[loc, veh.end_location])
        need = travel + setup_s + people * veh.service_s_per_demand
        cand = Shortfall(k, need, veh.shift_end_s - veh.shift_start_s, travel)
        if best is None or cand.short_s < best.short_s:
            best = cand
    return best


def unreachable_reason(inst: Instance, code: str, base: Reason, *, names: Names,
                       people: int, setup_s: int, island: bool) -> Reason:
    """``base`` (unreachable / overnight / no boat team) with the closest team-day's figures."""
    loc = next((i for i, x in enumerate(inst.locations) if x.location_id == code), None)
    if loc is None:
        return base
    need = max(1, min(MIN_PEOPLE, people))
    near = closest_day(inst, loc, need, setup_s, island=island and base.code != "no_boat_team")
    if near is None or near.short_s <= 0:
        return base
    where_id = names.team_day_id(inst, near.vehicle)
    where_en = names.team_day_en(inst, near.vehicle)
    figs = {"vehicle_id": inst.vehicles[near.vehicle].vehicle_id,
            "short_min": math.ceil(near.short_s / 60), "travel_min": round(near.travel_s / 60),
            "need_min": math.ceil(near.need_s / 60), "shift_min": near.length_s // 60,
            "people": need}
    detail_id = (f"paling dekat {where_id}: pergi-pulang {minutes_id(near.travel_s)}, dengan "
                 f"persiapan dan {id_num(need, 0)} orang perlu {minutes_id(near.need_s)}, jam "
                 f"kerjanya {minutes_id(near.length_s)}: kurang {minutes_id(near.short_s)}")
    detail_en = (f"closest is {where_en}: round trip {minutes_en(near.travel_s)}, with set-up "
                 f"and {need} people it needs {minutes_en(near.need_s)}, its shift is "
                 f"{minutes_en(near.length_s)}: {minutes_en(near.short_s)} short")
    return reason(base.code, detail_id=detail_id, detail_en=detail_en, figures=figs)
