"""Text and plot of a simulation: the weekly table, the closing line, a PNG."""

from __future__ import annotations

from pathlib import Path

from planner.simulation.engine import FAR_MINUTES, SimulationResult, WeekRow

#: Column header of :func:`format_week`.
HEADER = (f"{'week':>4}  {'planner_left':>12} {'planner_rbi_left':>16} {'planner_rec':>11}  "
          f"{'manual_left':>11} {'manual_rbi_left':>15} {'manual_rec':>10}")


def format_week(planner: WeekRow, manual: WeekRow) -> str:
    """One table line: backlog left (all, remote/border/island) and recorded that week."""
    return (f"{planner.week:>4}  {planner.backlog_total:>12,} {planner.backlog_priority:>16,} "
            f"{planner.recorded_total:>11,}  {manual.backlog_total:>11,} "
            f"{manual.backlog_priority:>15,} {manual.recorded_total:>10,}")


def far_line(result: SimulationResult) -> str:
    """``far_cleared minutes=90 planner=<x> manual=<y>``: people recorded in villages 90+
    minutes from their team's base (the line before the last)."""
    return (f"far_cleared minutes={FAR_MINUTES} planner={result.far_cleared('planner')} "
            f"manual={result.far_cleared('manual')}")


def last_line(result: SimulationResult) -> str:
    """``remote_border_island_cleared planner=<x> manual=<y> total_cleared planner=<a> ...``."""
    p_rbi, p_all = result.cleared("planner")
    m_rbi, m_all = result.cleared("manual")
    return (f"remote_border_island_cleared planner={p_rbi} manual={m_rbi} "
            f"total_cleared planner={p_all} manual={m_all}")


def format_markdown(result: SimulationResult) -> str:
    """The weekly table as Markdown (for docs)."""
    lines = ["| week | planner: left | planner: r/b/i left | planner: recorded | "
             "manual: left | manual: r/b/i left | manual: recorded |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for p, m in zip(result.rows_of("planner"), result.rows_of("manual"), strict=True):
        lines.append(f"| {p.week} | {p.backlog_total:,} | {p.backlog_priority:,} | "
                     f"{p.recorded_total:,} | {m.backlog_total:,} | {m.backlog_priority:,} | "
                     f"{m.recorded_total:,} |")
    return "\n".join(lines)


def write_plot(result: SimulationResult, path: str | Path) -> None:
    """Save a PNG: backlog left per week, all villages and remote/border/island, both policies.

    Uses the Agg canvas directly, so no display and no global pyplot state are involved;
    matplotlib is imported here, so a simulation without a plot never loads it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    styles = {"planner": ("tab:blue", "-"), "manual": ("tab:orange", "--")}
    for policy, (colour, dash) in styles.items():
        rows = result.rows_of(policy)
        weeks = [r.week for r in rows]
        left.plot(weeks, [r.backlog_total for r in rows], dash, color=colour, marker="o",
                  markersize=3, label=policy)
        right.plot(weeks, [r.backlog_priority for r in rows], dash, color=colour, marker="o",
                   markersize=3, label=policy)
    left.set_title("Semua desa / all villages", fontsize=10)
    right.set_title("Terpencil, perbatasan, pulau / remote, border, island",
                    fontsize=10)
    for ax in (left, right):
        ax.set_xlabel("minggu / week")
        ax.set_ylabel("orang / people")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"Simulasi {', '.join(result.regencies)} (seed {result.config.seed})",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(str(path), format="png")
