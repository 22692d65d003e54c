"""URL rules: ids in paths are bounded to what every supported database's id columns hold.

``<int:...>`` in every rule of the app goes through :class:`Int64Converter` (installed as the
map's ``int`` converter before the blueprints register), so ``/tim/9223372036854775808`` is a
plain 404 instead of an ``OverflowError`` (SQLite) or "integer out of range" (PostgreSQL)
deep in the database driver.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

#: The largest id every supported database holds: the models' ids are ``Integer``, which is
#: 32-bit on PostgreSQL (SQLite would take 2**63 - 1).
MAX_ID = 2**31 - 1


def at_most(bound: int) -> str:
    """A regular expression of the decimal numbers 0 … ``bound`` (ASCII digits only).

    The bound is checked by the pattern itself, not only when converting: a rule whose
    pattern matches but whose value is refused makes werkzeug answer 405 when another rule
    of the same path takes another method; a pattern that does not match is a plain 404.
    """
    digits = str(bound)
    width = len(digits)
    options = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            rest = width - i - 1
            options.append(digits[:i] + (f"[0-{int(d) - 1}]" if d != "1" else "0")
                           + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class Int64Converter(IntegerConverter):
    """ASCII digits only (``\\d`` would also take other scripts' digits), 0 … 2^63 − 1."""

    regex = at_most(MAX_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
        if self.max is None or self.max > MAX_ID:
            self.max = MAX_ID


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter; must run before any rule is added."""
    app.url_map.converters["int"] = Int64Converter
