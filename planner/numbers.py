"""Numbers as Indonesian text writes them: ``1.687`` people, ``3,25`` per person, ``12%``.

Indonesian swaps the English marks: a dot groups thousands and a comma marks the decimals.
Every Indonesian text the product prints (the CLI summary, the PDF route sheet, the WhatsApp
message, the web pages) formats its numbers here, so a figure reads the same everywhere.
The symbols come from Babel's CLDR data for the locale (``id``: ``.`` and ``,``; ``en``:
``,`` and ``.``); the text equals ``babel.numbers.format_decimal(value, "#,##0.00", locale)``
(half-even rounding of the decimal value) without parsing a pattern on every call, since a
page prints hundreds of numbers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

#: The product's language, and so the default of every function here.
LOCALE_ID = "id"
#: Shown for a number that is not known.
UNKNOWN = "–"


def format_number(value: int | float | Decimal | None, digits: int = 0, *,
                  locale: str = LOCALE_ID) -> str:
    """``value`` grouped and rounded to ``digits`` decimals: ``1.687``, ``3,25``.

    ``None`` (and a value that is not a number, such as NaN) reads ``–``.
    """
    if value is None:
        return UNKNOWN
    try:
        exact = value if isinstance(value, int | Decimal) else Decimal(str(value))
        if isinstance(exact, Decimal) and not exact.is_finite():
            return UNKNOWN
        text = f"{exact:,.{int(digits)}f}"
    except (InvalidOperation, TypeError, ValueError):
        return UNKNOWN
    return text.translate(_symbol_table(locale))


def format_short(value: float | None, max_digits: int = 3, *, locale: str = LOCALE_ID) -> str:
    """A factor without trailing zeros, as ``:g`` would print it: ``1,5``, ``2,125``, ``2``."""
    text = format_number(value, max_digits, locale=locale)
    if value is None or text == UNKNOWN or max_digits == 0:
        return text
    decimal = get_decimal_symbol(Locale.parse(locale.replace("-", "_")))
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def format_percent(share: float | None, digits: int = 0, *, locale: str = LOCALE_ID) -> str:
    """A share of one as a percentage: ``0.125`` -> ``12,5%`` (digits=1), ``13%`` (0)."""
    if share is None:
        return UNKNOWN
    return f"{format_number(Decimal(str(share)) * 100, digits, locale=locale)}%"


def format_km(distance_m: int | float, *, locale: str = LOCALE_ID) -> str:
    """Metres as whole kilometres with the unit: ``1.234 km``."""
    return f"{format_number(round(distance_m / 1000), locale=locale)} km"


@lru_cache(maxsize=16)
def _symbol_table(locale: str) -> dict[int, str]:
    """Python's grouping comma and decimal point -> the locale's symbols."""
    parsed = Locale.parse(locale.replace("-", "_"))
    return str.maketrans({",": get_group_symbol(parsed), ".": get_decimal_symbol(parsed)})
