"""A version's content fingerprint: what the document says, not how it was wrapped.

Two files carry the same version when they say the same thing: the same identity
(directive, plan period, amending directive) and the same normalized rows. The
fingerprint is a sha256 over exactly those values, so the DOCX, its PDF, a signed
copy and a copy inside a DigiDoc container share it, while page numbers, raw cell
spacing, engines and signatures (which differ by wrapper) do not enter it.

The same function serves normalize (records just read) and load (rows already in a
warehouse, when an older warehouse is upgraded): both hand it plain tuples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from extract.text import clean_text

IDENTITY_FIELDS = ("directive_no", "directive_date", "plan_start", "plan_end", "amended_by_no", "amended_by_date")
TABLE_FIELDS = ("table_no", "kind", "kov")
# Each typed column with the raw cell that stands in for it when it could not be read,
# so that two different unreadable values never look alike.
ACTIVITY_FIELDS = (
    "table_no", "row_no", "kov", "code", "label", "frame_start", "frame_end", "period_start",
    "period_end", "amount_eur", "responsible", "frame_raw", "period_raw", "amount_raw",
)
INDICATOR_FIELDS = (
    "table_no", "row_no", "group_label", "indicator", "unit", "target_plan_year", "target_2029",
    "explanation", "target_plan_year_raw", "target_2029_raw",
)
_RAW_FOR = {
    "frame_raw": ("frame_start",), "period_raw": ("period_start",), "amount_raw": ("amount_eur",),
    "target_plan_year_raw": ("target_plan_year",), "target_2029_raw": ("target_2029",),
}


def _canon(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # the warehouse keeps DECIMAL(14,2)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return str(value)


def _row(fields: tuple[str, ...], values: tuple) -> str:
    row = dict(zip(fields, values))
    parts = []
    for f in fields:
        typed = _RAW_FOR.get(f)
        # A raw cell counts only where its typed value is missing (it could not be read).
        if typed is not None and row[typed[0]] is not None:
            parts.append("\x00")
        else:
            parts.append(_canon(row[f]))
    return "\x1f".join(parts)


def fingerprint_of(identity: tuple, tables: Iterable[tuple], activities: Iterable[tuple], indicators: Iterable[tuple]) -> str:
    """sha256 hex over identity (IDENTITY_FIELDS) and the rows (TABLE_FIELDS,
    ACTIVITY_FIELDS, INDICATOR_FIELDS tuples, any order: they are sorted)."""
    h = hashlib.sha256()
    h.update(_row(IDENTITY_FIELDS, tuple(identity)).encode())
    for name, fields, rows in (("T", TABLE_FIELDS, tables), ("A", ACTIVITY_FIELDS, activities), ("I", INDICATOR_FIELDS, indicators)):
        lines = sorted((tuple(r)[0] or 0, tuple(r)[1] if name != "T" else 0, _row(fields, tuple(r))) for r in rows)
        for _, _, line in lines:
            h.update(f"\n{name}\x1e{line}".encode())
    return h.hexdigest()


def document_fingerprint(doc) -> str:
    """The fingerprint of a NormalizedDocument."""
    d = doc.document
    return fingerprint_of(
        tuple(getattr(d, f) for f in IDENTITY_FIELDS),
        [tuple(getattr(t, f) for f in TABLE_FIELDS) for t in doc.tables],
        [tuple(getattr(a, f) for f in ACTIVITY_FIELDS) for a in doc.activities],
        [tuple(getattr(i, f) for f in INDICATOR_FIELDS) for i in doc.indicators],
    )
