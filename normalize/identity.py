"""What a document is: the directive that approved it, its plan period, amendments.

Read from the annex's approval block ("KINNITATUD kultuuriministri 25.03.2025
käskkirjaga nr 68", possibly "muudetud … käskkirjaga nr 190") and the title ("…
tegevuskava perioodil 01.01.2025 – 31.12.2025"). The document register publishes the
directive and its annex in one file: the directive's page ("MINISTRI KÄSKKIRI /
Tallinn 16.01.2026 nr 3 / … kinnitan … tegevuskava (lisa 1) …") then the annex; the
annex's own front matter starts at its approval block, and the directive page is read
only for what the annex does not say.
"""

from __future__ import annotations

import datetime as dt
import re

from extract.model import Block, ExtractedDocument
from extract.text import DASHES, clean_text
from normalize.model import Identity  # noqa: F401 - declared with the records it is part of
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
# The annex's approval block begins so.
_APPROVAL_RE = re.compile(r"^kinnitatud\b", re.IGNORECASE)
# A directive's own dateline: "Tallinn 16.01.2026 nr 3" (place, date, number).
_DATELINE_RE = re.compile(rf"^(?:\S+\s+)?(?P<date>{_DATE})\.?\s+(?:a\.\s+)?nr\s*(?P<no>\d+)$", re.IGNORECASE)
# How far into the document the front matter is looked for (blocks).
FRONT_MATTER_MAX_BLOCKS = 60


def _leading_blocks(doc: ExtractedDocument) -> list[Block]:
    """The text blocks before the first caption or table (a directive page in front
    of the annex included)."""
    out = []
    for block in doc.blocks[:FRONT_MATTER_MAX_BLOCKS]:
        if block.kind in ("caption", "table"):
            break
        out.append(block)
    return out


def front_matter(doc: ExtractedDocument) -> list[str]:
    """The annex's front matter: its paragraphs from the approval block ("KINNITATUD
    …", the last one before the first table: a directive page may stand in front) or,
    without one, from the start, up to its first heading."""
    blocks = _leading_blocks(doc)
    starts = [i for i, b in enumerate(blocks) if b.kind == "paragraph" and _APPROVAL_RE.match(clean_text(b.text))]
    out = []
    for block in blocks[starts[-1] if starts else 0 :]:
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
    if ident.directive_no is None:
        # No approval block: the directive in front of the annex says it in its dateline.
        for block in _leading_blocks(doc):
            m = _DATELINE_RE.match(clean_text(block.text))
            if m:
                ident.directive_no, ident.directive_date = int(m["no"]), parse_date(m["date"]).value
                break
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
