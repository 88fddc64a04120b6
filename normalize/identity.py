"""What a document is: the directive that approved it, its plan period, amendments.

Read from the approval block ("KINNITATUD kultuuriministri 25.03.2025 käskkirjaga
nr 68", possibly "muudetud … käskkirjaga nr 190") and the title ("… tegevuskava
perioodil 01.01.2025 – 31.12.2025").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extract.model import ExtractedDocument
from extract.text import DASHES, clean_text
from normalize.parse import parse_date

_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}"
_DIRECTIVE_RE = re.compile(
    rf"(?P<amend>muudetud\s+)?(?:\S+\s+)?(?P<date>{_DATE})\.?\s+(?:a\.\s+)?käskkirja(?:ga)?\s+nr\s*(?P<no>\d{{1,9}})(?!\d)",  # fits INTEGER
    re.IGNORECASE,
)
_PERIOD_RE = re.compile(
    rf"perioodil\s+(?P<start>{_DATE})\s*[{DASHES}]?\s*(?P<end>{_DATE})", re.IGNORECASE
)
_ANNEX_RE = re.compile(r"^lisa\s+\d+\b", re.IGNORECASE)


@dataclass
class Identity:
    directive_no: int | None = None
    directive_date: dt.date | None = None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    amended_by_no: int | None = None
    amended_by_date: dt.date | None = None
    title: str | None = None


def front_matter(doc: ExtractedDocument) -> list[str]:
    """Text blocks before the first heading, caption or table."""
    out = []
    for block in doc.blocks:
        if block.kind != "paragraph":
            break
        out.append(block.text)
    return out


def directive_mentions(doc: ExtractedDocument) -> list[tuple[bool, int, dt.date | None, str]]:
    """Every directive the approval block names, in order: (amends, number, date, as
    written)."""
    text = clean_text(" ".join(front_matter(doc)[:30]))
    return [
        (
            bool(m["amend"]) or "muudetud" in text[max(0, m.start() - 40) : m.start()].lower(),
            int(m["no"]),
            parse_date(m["date"]).value,
            m.group(0),
        )
        for m in _DIRECTIVE_RE.finditer(text)
    ]


def read_identity(doc: ExtractedDocument) -> Identity:
    front = front_matter(doc)[:30]
    text = clean_text(" ".join(front))
    ident = Identity()
    for amends, no, date, _ in directive_mentions(doc):
        if amends:
            ident.amended_by_no, ident.amended_by_date = no, date
        elif ident.directive_no is None:
            ident.directive_no, ident.directive_date = no, date
    period = _PERIOD_RE.search(text)
    if period:
        ident.plan_start = parse_date(period["start"]).value
        ident.plan_end = parse_date(period["end"]).value
    # The title: the blocks after "LISA N" (or after the approval block).
    title_parts: list[str] = []
    seen_annex = False
    for line in front:
        if _ANNEX_RE.match(clean_text(line)):
            seen_annex = True
            continue
        if seen_annex:
            title_parts.append(line)
    if title_parts:
        ident.title = clean_text(" ".join(title_parts))
    return ident
