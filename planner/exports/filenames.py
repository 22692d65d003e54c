"""File names that are safe on every system, whatever a village or team is called."""

from __future__ import annotations

import re
import unicodedata

from planner.exports._common import team_name
from planner.plan import Plan

#: Windows refuses these as a file name's stem, whatever the extension.
#: (``COM¹`` and friends become ``COM1`` through NFKD before the check.)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES = "._- "


def safe_filename(text: str, *, max_length: int = 100, default: str = "berkas") -> str:
    """``text`` as a portable file name: ASCII letters, digits, ``.``, ``_`` and ``-`` only.

    Accented letters lose their accents (``Désa`` → ``Desa``); other non-ASCII characters
    (emoji, scripts without a Latin spelling) and path separators become ``_``; runs of
    ``_`` collapse; leading and trailing dots, dashes and underscores go (no ``..``, no
    hidden files, no trailing dot on Windows); reserved Windows names (``CON``, ``NUL.txt``,
    ``COM1``...) get a ``_`` prefix; the result is at most ``max_length`` characters and
    never empty (``default`` then).
    """
    ascii_text = (unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
                  .decode("ascii"))
    name = _UNSAFE.sub("_", ascii_text)
    name = re.sub(r"_{2,}", "_", name).strip(_EDGES)
    name = re.sub(r"\.{2,}", ".", name)
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    name = name[:max(1, max_length)].rstrip(_EDGES)
    if not name:
        return safe_filename(default, max_length=max_length) if default else "_"
    return name


def plan_filename(plan: Plan, extension: str, *, team_id: str | None = None,
                  kind: str = "rencana") -> str:
    """A safe download name such as ``rencana_36.90_2026-11-30_Tim_A.gpx``."""
    parts = [kind, plan.regency or plan.name, plan.week_start or ""]
    if team_id is not None:
        parts.append(team_name(plan, team_id))
    stem = safe_filename("_".join(p for p in parts if p), max_length=90, default=kind)
    ext = safe_filename(extension.lstrip("."), max_length=8, default="dat")
    return f"{stem}.{ext}"
