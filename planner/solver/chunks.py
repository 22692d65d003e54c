"""Canonical chunk order: a big village's first chunks are the ones visited.

Chunks of one village share a location and decay in prize (chunk ``k`` is worth
``chunk_decay**(k-1)`` of the first).  A search can end with chunk 3 on a route while chunk 1
of the same village, with the same demand, waits: swapping them changes no time and only adds
prize.  :func:`canonical_chunks` makes every such swap (and, where demands differ, only swaps
that keep the route within its rules).
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.checking import schedule_route
from planner.instance import Instance


def _route_fits(instance: Instance, k: int, route: Sequence[int]) -> bool:
    veh = instance.vehicles[k]
    sched = schedule_route(instance, k, route)
    if sched.end_s > veh.shift_end_s:
        return False
    for idx, start in zip(route, sched.start_s, strict=True):
        window = instance.visits[idx].time_window_s
        if window is not None and not window[0] <= start <= window[1]:
            return False
    if veh.capacity is not None:
        return sum(instance.visits[i].demand for i in route) <= veh.capacity
    return True


def canonical_chunks(instance: Instance, routes: Sequence[Sequence[int]]
                     ) -> tuple[tuple[int, ...], ...]:
    """Routes where no waiting chunk could replace a visited later chunk for more prize."""
    out = [list(r) for r in routes]
    where = {i: (k, pos) for k, r in enumerate(out) for pos, i in enumerate(r)}
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(instance.visits):
        if v.group is not None:
            groups.setdefault(v.group, []).append(i)
    for members in groups.values():
        members.sort(key=lambda i: instance.visits[i].chunk)
        for later in reversed(members):
            if later not in where:
                continue
            k, pos = where[later]
            for earlier in members:
                if earlier == later or earlier in where:
                    continue
                if instance.visits[earlier].prize <= instance.visits[later].prize:
                    continue
                if not instance.allowed(earlier, k):
                    continue
                trial = [*out[k][:pos], earlier, *out[k][pos + 1:]]
                if _route_fits(instance, k, trial):
                    out[k] = trial
                    del where[later]
                    where[earlier] = (k, pos)
                    break
    return tuple(tuple(r) for r in out)
