"""Parsers for the values written in the annex's cells.

Each parser takes the text as written and returns a `Parsed`: the typed value, or
None with a problem saying why. None of them raises on bad input: a value that
cannot be read is kept raw by the caller and reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

from extract.text import DASHES, clean_text

T = TypeVar("T")

@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T | None
    problem: str | None = None  # why the value could not be read, or None
    note: str | None = None  # read, but written unusually (worth reporting as info)

    @property
    def ok(self) -> bool:
        return self.problem is None


# ---------------------------------------------------------------- amounts

# Groups of three digits separated by a space (or NBSP) as thousands separator.
_AMOUNT_RE = re.compile(
    r"""^(?P<sign>[-\u2212])?
        (?P<int>\d{1,3}(?:\ \d{3})+|\d+)      # 93 988 | 3300
        (?:(?P<sep>[.,])(?P<frac>\d+))?$      # ,53 | .00 | .500 (ambiguous)
    """,
    re.VERBOSE,
)
_CURRENCY_RE = re.compile(r"\s*(€|eur(?:ot|o)?|eurodes)\s*\.?$", re.IGNORECASE)


def parse_amount(text: str | None) -> Parsed[Decimal]:
    """"93 988,53", "115 817.00", "3300", "2 400", "0" -> Decimal with 2 places.

    An empty cell is a value of None without a problem. A single separator followed
    by exactly three digits ("1.500") could be a thousands separator or decimals:
    it is reported as ambiguous, not guessed.
    """
    raw = clean_text(text)
    if raw == "":
        return Parsed(None)
    s = _CURRENCY_RE.sub("", raw).strip()
    m = _AMOUNT_RE.match(s)
    if not m:
        return Parsed(None, f"not an amount: {raw!r}")
    frac = m["frac"]
    note = None
    if frac is not None:
        if len(frac) == 3:
            return Parsed(None, f"ambiguous separator in amount {raw!r} (thousands or decimals?)")
        if len(frac) > 2:
            return Parsed(None, f"more than two decimals in amount {raw!r}")
        if m["sep"] == ".":
            note = f"dot as decimal separator: {raw!r}"
    if len(m["int"]) >= 4 and " " not in m["int"]:
        note = note or f"amount without a thousands separator: {raw!r}"
    digits = m["int"].replace(" ", "") + "." + (frac or "0")
    try:
        value = Decimal(digits).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return Parsed(None, f"not an amount: {raw!r}")
    if m["sign"]:
        value = -value
    return Parsed(value, None, note)


# The largest magnitude the warehouse's DECIMAL(14, 2) columns hold (sql/schema.sql).
MAX_DECIMAL = Decimal("999999999999.99")


def fits_decimal(value: Decimal | None) -> bool:
    """Whether a DECIMAL(14, 2) column can hold `value` (None always fits)."""
    return value is None or abs(value) <= MAX_DECIMAL


def parse_number(text: str | None) -> Parsed[Decimal]:
    """An indicator target: an integer or decimal written like an amount."""
    parsed = parse_amount(text)
    if parsed.value is not None and parsed.value == parsed.value.to_integral_value():
        return Parsed(parsed.value.quantize(Decimal(1)), parsed.problem)
    return Parsed(parsed.value, parsed.problem)


# ------------------------------------------------------------------ dates

_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
_DATE_IN_TEXT = r"\d{1,2}\.\d{1,2}\.\d{4}"
_RANGE_RE = re.compile(
    rf"^(?P<start>{_DATE_IN_TEXT})\s*(?P<sep>[{DASHES}]|kuni|\s)\s*(?P<end>{_DATE_IN_TEXT})\.?$",
    re.IGNORECASE,
)


def parse_date(text: str | None) -> Parsed[dt.date]:
    """DD.MM.YYYY (day and month may have one digit) -> date."""
    raw = clean_text(text)
    if raw == "":
        return Parsed(None)
    m = _DATE_RE.match(raw)
    if not m:
        return Parsed(None, f"not a DD.MM.YYYY date: {raw!r}")
    day, month, year = (int(g) for g in m.groups())
    try:
        return Parsed(dt.date(year, month, day))
    except ValueError:
        return Parsed(None, f"impossible date: {raw!r}")


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None


def parse_date_range(text: str | None) -> Parsed[DateRange]:
    """"01.01.2025-31.12.2025", "01.01.2025- 31.12.2025", "01.01.2025 – 31.12.2025",
    "01.10.2025 31.01.2026" (no dash: read, with a note) -> DateRange.

    An empty cell gives None without a problem; anything else that is not two dates
    gives a problem and no value (a half-read range would be a guess).
    """
    raw = clean_text(text)
    if raw == "":
        return Parsed(None)
    m = _RANGE_RE.match(raw)
    if not m:
        return Parsed(None, f"not a date range DD.MM.YYYY-DD.MM.YYYY: {raw!r}")
    start, end = parse_date(m["start"]), parse_date(m["end"])
    if not start.ok or not end.ok:
        return Parsed(None, start.problem or end.problem)
    if start.value > end.value:
        return Parsed(None, f"range starts after it ends: {raw!r}")
    note = None
    if m["sep"].isspace():
        note = f"date range without a dash: {raw!r}"
    return Parsed(DateRange(start.value, end.value), None, note)


# ---------------------------------------------------------- activity codes

# An activity code: numbers of one or two digits joined by dots ("3.5.2.1.3.2"),
# optionally with a trailing dot. A single number needs its trailing dot ("1.") so
# that a label beginning with a count ("8 töötuba") is not read as a code.
_CODE_RE = re.compile(
    r"^(?P<code>\d{1,2}(?:\.\d{1,2})+|\d{1,2}(?=\.))(?P<dot>\.)?(?=\s|[^\d.\s]|$)\s*(?P<rest>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class CodeLabel:
    code: str | None
    label: str
    glued: bool = False  # the code was written against the label with no space
    trailing_dot: bool = False


def split_code(text: str | None) -> CodeLabel:
    """"3.5.2.1.2.1. Nõustamis…" -> ("3.5.2.1.2.1", "Nõustamis…");
    "3.5.2.1.1.1Lõimumisklubi" -> ("3.5.2.1.1.1", "Lõimumisklubi", glued);
    "Otsesed personalikulud" -> (None, "Otsesed personalikulud")."""
    raw = clean_text(text)
    m = _CODE_RE.match(raw)
    if not m:
        return CodeLabel(None, raw)
    code, rest = m["code"], m["rest"]
    after = raw[m.end("dot") if m["dot"] else m.end("code"):]
    glued = bool(after) and not after[0].isspace()
    return CodeLabel(code, clean_text(rest), glued=glued, trailing_dot=bool(m["dot"]))


def code_level(code: str | None) -> int | None:
    return None if code is None else code.count(".") + 1
