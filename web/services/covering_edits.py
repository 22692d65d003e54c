"""Covering stops in a coordinator's edit of a plan: what each stop serves, who is covered.

After an edit the plan is rebuilt from the instance (:mod:`web.services.plan_edits`); these
helpers keep issue 19's fields right: each stop's ``serves``/``served``/``serves_desa``, the
``covered`` reason of the villages a neighbour's stop serves, and ``villages_covered``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.covering import served_by
from planner.instance import Visit
from planner.reasons import covered_reason


def stop_serves(visit: Visit, names: Mapping[str, Any]) -> dict[str, Any]:
    """The ``serves`` fields of a plan stop making ``visit``."""
    pairs = served_by(visit)
    return {"serves": [c for c, _ in pairs], "served": [n for _, n in pairs],
            "serves_desa": [str((names.get(c) or {}).get("desa", "")) for c, _ in pairs]}


def covered_villages(routes: list[dict[str, Any]]) -> dict[str, tuple[dict[str, Any], int]]:
    """Village code -> (the stop serving it, people) for villages with no stop of their own."""
    stops = [s for r in routes for s in r["stops"]]
    venues = {s.get("village_code") for s in stops}
    out: dict[str, tuple[dict[str, Any], int]] = {}
    for s in stops:
        for code, people in list(zip(s.get("serves") or [], s.get("served") or [],
                                     strict=False))[1:]:
            if code not in venues:
                out[code] = (s, int(people))
    return out


def mark_covered(unscheduled: list[dict[str, Any]], routes: list[dict[str, Any]],
                 names: Mapping[str, Any], removed: Mapping[str, str]) -> list[dict[str, Any]]:
    """``unscheduled`` with every covered village given the ``covered`` reason, and every
    village that was covered but no longer is given the ``removed`` reason."""
    covered = covered_villages(routes)
    out = []
    listed = set()
    for u in unscheduled:
        code = str(u["village_code"])
        listed.add(code)
        if code in covered:
            stop, people = covered[code]
            why = covered_reason(str(stop.get("desa", "")), str(stop.get("village_code")), people)
            u = {**u, "expected_recordings": people, "reason": why.to_dict()}
        elif u.get("reason", {}).get("code") == "covered":
            u = {**u, "reason": dict(removed)}
        out.append(u)
    for code, (stop, people) in covered.items():
        if code not in listed:
            info = names.get(code) or {}
            why = covered_reason(str(stop.get("desa", "")), str(stop.get("village_code")), people)
            out.append({"village_code": code, "desa": str(info.get("desa", "")),
                        "kecamatan": str(info.get("kecamatan", "")),
                        "expected_recordings": people, "weight": None,
                        "reason": why.to_dict()})
    return sorted(out, key=lambda u: str(u["village_code"]))
