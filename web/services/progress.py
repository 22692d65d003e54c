"""Progress of a regency as the province watches it: backlog left, people recorded this week
and in total (from field reports), the share of remote, border and island villages visited,
and a weekly trend (an SVG bar chart drawn here, no script needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select

from web.extensions import db
from web.models import FieldReport, Regency
from web.services.field_reports import week_monday
from web.services.field_schedule import local_today
from web.services.villages import list_villages

#: The flags whose villages the province follows.
WATCHED_FLAGS: tuple[str, ...] = ("remote", "border", "island")
TREND_WEEKS = 8


@dataclass
class RegencyProgress:
    """The figures of one regency."""

    code: str
    name: str
    villages: int = 0
    backlog_left: int = 0
    recorded_week: int = 0
    recorded_total: int = 0
    reports: int = 0
    unreachable: int = 0
    #: flag -> (villages visited, villages with the flag)
    flagged: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: (Monday, people recorded that week), oldest first
    trend: list[tuple[date, int]] = field(default_factory=list)

    def share(self, flag: str) -> float | None:
        """Share of the flag's villages visited (None when the regency has none)."""
        visited, total = self.flagged.get(flag, (0, 0))
        return visited / total if total else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {"regency_code": self.code, "name": self.name, "villages": self.villages,
                "backlog_left": self.backlog_left, "recorded_week": self.recorded_week,
                "recorded_total": self.recorded_total, "reports": self.reports,
                "unreachable": self.unreachable,
                "flagged": {f: {"visited": v, "villages": t, "share": self.share(f)}
                            for f, (v, t) in self.flagged.items()},
                "trend": [{"week_start": d.isoformat(), "recorded": n} for d, n in self.trend]}


def regency_progress(regency_code: str, *, today: date | None = None) -> RegencyProgress:
    """The regency's figures (callers authorised the regency)."""
    regency = db.session.get(Regency, regency_code)
    assert regency is not None
    today = today or local_today(regency)
    monday = week_monday(today)
    out = RegencyProgress(regency.code, regency.name)
    rows = list_villages(regency_code)
    out.villages = len(rows)
    out.backlog_left = sum(r.belum_rekam or 0 for r in rows)
    active = (FieldReport.regency_code == regency_code, FieldReport.superseded_by_id.is_(None))
    visited = set(db.session.scalars(select(FieldReport.village_id).where(
        *active, FieldReport.unreachable.is_(False)).distinct()))
    for flag in WATCHED_FLAGS:
        with_flag = [r.village.id for r in rows if r.village.flag(flag)]
        out.flagged[flag] = (sum(1 for v in with_flag if v in visited), len(with_flag))
    weekly: dict[date, int] = {week: int(total) for week, total in db.session.execute(select(
        FieldReport.week_start, func.coalesce(func.sum(FieldReport.recorded), 0))
        .where(*active).group_by(FieldReport.week_start))}
    out.recorded_total = int(sum(weekly.values()))
    out.recorded_week = int(weekly.get(monday, 0))
    out.reports = int(db.session.scalar(select(func.count()).where(*active)) or 0)
    out.unreachable = int(db.session.scalar(select(func.count()).where(
        *active, FieldReport.unreachable.is_(True))) or 0)
    out.trend = [(monday - timedelta(weeks=k), int(weekly.get(monday - timedelta(weeks=k), 0)))
                 for k in range(TREND_WEEKS - 1, -1, -1)]
    return out


def province_trend(progress: list[RegencyProgress]) -> list[tuple[date, int]]:
    """The weekly trend summed over regencies."""
    totals: dict[date, int] = {}
    for p in progress:
        for day, n in p.trend:
            totals[day] = totals.get(day, 0) + n
    return sorted(totals.items())


def trend_svg(trend: list[tuple[date, int]], *, label: str, width: int = 320,
              height: int = 120, small: bool = False) -> Markup:
    """A bar chart of people recorded per week as inline SVG (no script, no style attribute:
    the CSP allows neither)."""
    top = max((n for _, n in trend), default=0) or 1
    pad_b = 0 if small else 18
    pad_t = 0 if small else 14
    inner = height - pad_b - pad_t
    bar_w = width / max(len(trend), 1)
    parts = [f'<svg class="trend{" spark" if small else ""}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">',
             f"<title>{escape(label)}</title>"]
    for i, (day, n) in enumerate(trend):
        h = max(1.0 if n else 0.0, inner * n / top)
        x = i * bar_w + bar_w * 0.15
        y = pad_t + inner - h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" '
                     f'height="{h:.1f}"><title>{day.day}/{day.month}: {n}</title></rect>')
        if not small:
            parts.append(f'<text x="{x + bar_w * 0.35:.1f}" y="{height - 4}" '
                         f'text-anchor="middle" font-size="10">{day.day}/{day.month}</text>')
            if n:
                parts.append(f'<text x="{x + bar_w * 0.35:.1f}" y="{max(y - 3, 10):.1f}" '
                             f'text-anchor="middle" font-size="10">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def villages_points(regency_codes: list[str]) -> list[dict[str, Any]]:
    """Stop point, backlog left and flags of every village of the regencies (for the map)."""
    points = []
    for code in regency_codes:
        for r in list_villages(code):
            v = r.village
            points.append({"kode": v.kode, "name": v.name, "district": v.district_name,
                           "regency_code": code, "lat": v.stop_lat, "lon": v.stop_lon,
                           "belum_rekam": r.belum_rekam,
                           "flags": [f for f in WATCHED_FLAGS if v.flag(f)]})
    return points
