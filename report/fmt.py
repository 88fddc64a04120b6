"""Numbers and dates the Estonian way: "93 988,53 €", "31.12.2025"."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # keeps "93 988,53 €" on one line
MINUS = "\u2212"


def number(value, decimals: int = 2, signed: bool = False) -> str:
    """Space-grouped thousands, decimal comma; a real minus sign; '+' when `signed`."""
    if value is None:
        return ""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(d):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    if d < 0:
        return MINUS + text
    return ("+" + text) if signed and d > 0 else text


def eur(value, signed: bool = False) -> str:
    return "" if value is None else f"{number(value, 2, signed)}{NBSP}€"


def count(value) -> str:
    """A target or count: no decimals when whole ("6"), else as many as written."""
    if value is None:
        return ""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return number(d, 0)
    return number(d, max(0, -d.normalize().as_tuple().exponent))


def date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def date_range(start, end) -> str:
    if start is None and end is None:
        return ""
    return f"{date(start)}\u2009–\u2009{date(end)}"


def pages(page_from, page_to) -> str:
    if not page_from:
        return ""
    return str(page_from) if page_to in (None, page_from) else f"{page_from}–{page_to}"
