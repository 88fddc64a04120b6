"""Text outside the tables that the pipeline reads for meaning: captions, section
headings, the approval block. What it reads there and cannot place is reported, never
dropped silently (issue 19):

- a caption no table claimed ("Tabel 18." with no table after it), or a line that
  starts like one ("Tabel 18: …") for a table that was not read;
- a section heading that names a municipality no schedule table was read for;
- a directive named in the approval block that the warehouse does not keep (it keeps
  the approving directive and the latest amendment).
"""

from __future__ import annotations

import re

from extract.model import ExtractedDocument
from extract.text import clean_text
from normalize.identity import directive_mentions
from normalize.model import Finding, NormalizedDocument
from normalize.parties import municipality_in_text

# A line that starts like a table caption, with or without the caption's dot.
CAPTION_LIKE_RE = re.compile(r"^Tabel\s+(\d{1,3})\b", re.IGNORECASE)


def outside_tables(doc: ExtractedDocument, out: NormalizedDocument) -> list[Finding]:
    return [*_unclaimed_captions(doc), *_unclaimed_kov_headings(doc, out), *_unkept_directives(doc, out)]


def _where(page: int | None) -> str:
    return f" on page {page}" if page else ""


def _unclaimed_captions(doc: ExtractedDocument) -> list[Finding]:
    claimed = {clean_text(t.caption) for t in doc.tables}
    loaded_nos = {t.no for t in doc.tables}
    noted = {n.table_no for n in doc.notes if n.rule == "caption_without_table"}
    found = []
    for b in doc.blocks:
        text = clean_text(b.text)
        m = CAPTION_LIKE_RE.match(text)
        if b.kind == "table" or m is None or text in claimed:
            continue
        no = int(m.group(1))
        caption = b.kind == "caption"
        if caption and no in noted:
            continue  # the extract stage already said so
        if not caption and no in loaded_nos:
            continue  # prose that refers to a table that was read
        found.append(
            Finding(
                "caption_without_table" if caption else "caption_like_text",
                "error" if caption else "warning",
                f"the line {text[:80]!r}{_where(b.page)} looks like a table caption, but no table was read for it",
                no,
                None,
                text[:200],
            )
        )
    return found


def _unclaimed_kov_headings(doc: ExtractedDocument, out: NormalizedDocument) -> list[Finding]:
    kovs = {t.kov for t in out.tables if t.kov}
    found = []
    for b in doc.blocks:
        if b.kind != "heading":
            continue
        kov = municipality_in_text(b.text)
        if kov and kov not in kovs:
            found.append(
                Finding(
                    "heading_without_table",
                    "warning",
                    f"the heading{_where(b.page)} names {kov}, but no schedule table of {kov} was read",
                    None,
                    None,
                    clean_text(b.text)[:200],
                )
            )
    return found


def _unkept_directives(doc: ExtractedDocument, out: NormalizedDocument) -> list[Finding]:
    d = out.document
    kept = {(False, d.directive_no, d.directive_date), (True, d.amended_by_no, d.amended_by_date)}
    return [
        Finding(
            "directive_not_kept",
            "warning",
            f"the approval block names {'an amending ' if amends else 'a '}directive nr {no} of "
            f"{date or '?'} that the warehouse does not keep (documents keeps directive nr "
            f"{d.directive_no} and amendment nr {d.amended_by_no or '-'})",
            None,
            None,
            written,
        )
        for amends, no, date, written in directive_mentions(doc)
        if (amends, no, date) not in kept
    ]
