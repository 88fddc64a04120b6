"""From per-page fragments and text lines to the document: blocks and whole tables.

Works only on what grid.py produced (table fragments with rows as drawn, and the text
lines outside tables, with position and boldness), never on a page's rendered text.
`assemble` is the face; the jobs are in their own modules:

1. words.py: every line break grid.py marked as possibly inside a word is decided
   with the document's vocabulary (glued, or a space);
2. furniture.py: page furniture goes (lines in the top/bottom margin bands that are
   page numbers, or that repeat on many pages); the remaining lines become blocks in
   reading order: a "Tabel N." line is a caption, bold text a heading, anything else
   a paragraph;
3. tables.py with stitch.py's decisions: each fragment joins the table whose caption
   comes before it; a fragment with no caption since the previous fragment continues
   the previous table. The first row of a table is its header; a continuation drops
   leading rows that repeat the header and, when its first row is the rest of a row
   broken by the page end, glues it to the row above cell by cell.

Whatever cannot be decided safely becomes an `ExtractionNote`. Every step returns its
notes, and none changes the layouts it is given. The tolerances are RepairSettings
fields (settings.py), passed per call.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from extract.captions import caption_number
from extract.model import Block, ExtractionNote, RawTable
from extract.pdf.furniture import TextBlock, drop_page_furniture, group_blocks, text_column
from extract.pdf.grid import Fragment, PageLayout
from extract.pdf.settings import REPAIR_SETTINGS, RepairSettings
from extract.pdf.stitch import column_edges, columns_match, header_continues, header_row_count, merge_rows, row_continues
from extract.pdf.tables import TableBuilder, continue_table, start_table
from extract.pdf.words import resolve_fragments, resolve_word_breaks, vocabulary

# The names tests and callers import from here (the face of the repair stage).
__all__ = [
    "Assembled", "assemble", "header_continues", "header_row_count", "merge_rows", "resolve_word_breaks",
    "row_continues",
]


@dataclass
class Assembled:
    blocks: list[Block]
    tables: list[RawTable]
    notes: list[ExtractionNote]


def _reading_order(text_blocks: list[TextBlock], pages: list[PageLayout]) -> list[TextBlock | Fragment]:
    """Page by page, top to bottom; a text block before a fragment at the same height."""
    items: list[tuple[int, float, int, TextBlock | Fragment]] = []
    for b in text_blocks:
        items.append((b.page_no, b.top, 0, b))
    for page in pages:
        for fr in page.fragments:
            items.append((page.page_no, fr.bbox[1], 1, fr))
    items.sort(key=lambda t: (t[0], t[1], t[2]))
    return [item for *_, item in items]


def assemble(pages: list[PageLayout], settings: RepairSettings = REPAIR_SETTINGS) -> Assembled:
    """The document's blocks and logical tables from its pages' layouts (which are left
    as they are)."""
    words = vocabulary(pages)
    pages, notes = resolve_fragments(pages, words, settings)
    pages = [
        dataclasses.replace(page, fragments=[fr for fr in map(_trim_empty_rows, page.fragments) if fr.rows])
        for page in pages
    ]
    kept_lines = drop_page_furniture(pages, settings)
    all_lines = [ln for lines in kept_lines for ln in lines]
    text_blocks = group_blocks(all_lines, text_column(all_lines, settings), settings)

    blocks: list[Block] = []
    tables: list[TableBuilder] = []
    current: TableBuilder | None = None
    pending: tuple[int, str] | None = None
    text_since_fragment = False
    prev_fragment: Fragment | None = None
    for item in _reading_order(text_blocks, pages):
        if isinstance(item, TextBlock):
            if item.kind == "caption":
                if pending is not None:
                    notes.append(_caption_without_table(*pending))
                pending = (caption_number(item.text), item.text)
            else:
                text_since_fragment = True
            blocks.append(Block(item.kind, item.text, page=item.page_no, level=item.level))
            continue
        fr = item
        if pending is not None:
            no, caption = pending
            pending = None
            current, started = start_table(no, caption, fr, settings)
            notes += started
            tables.append(current)
            blocks.append(Block("table", caption, page=fr.page_no, table_no=no))
        elif current is None or (text_since_fragment and not columns_match(column_edges(fr), current.column_edges, settings)):
            notes.append(
                ExtractionNote(
                    "table_without_caption",
                    f"a ruled table on page {fr.page_no} has no 'Tabel N.' caption and does not "
                    "continue the table before it; skipped",
                    page=fr.page_no,
                    raw_text=" | ".join(fr.rows[0].cells)[:200],
                )
            )
            continue
        else:
            if text_since_fragment:
                notes.append(
                    ExtractionNote(
                        "continuation_after_text",
                        f"a ruled table on page {fr.page_no} has no caption of its own; it is read "
                        f"as the rest of Tabel {current.no} (same columns) although text stands "
                        "between them",
                        table_no=current.no,
                        page=fr.page_no,
                    )
                )
            notes += continue_table(current, fr, prev_fragment, words, settings)
        text_since_fragment = False
        prev_fragment = fr
    if pending is not None:
        notes.append(_caption_without_table(*pending))
    built = [t.build() for t in tables]
    return Assembled(blocks, built, [_located(n, built) for n in notes])


# Notes made on a page's cells before the tables are put together (words.py) name the
# page only; their cell is found again in the assembled tables by its text.
_CELL_NOTES = {"word_broken_at_column_edge", "word_break_guessed"}
_SQUEEZE_RE = re.compile(r"[\s|]+")


def _located(note: ExtractionNote, tables: list[RawTable]) -> ExtractionNote:
    """The note with the table and row of the one data cell on its page whose text
    holds the note's cell text (spaces and break marks aside), else the table of the one
    header cell that does; as it was when none or more than one does: a location is
    never guessed."""
    if note.rule not in _CELL_NOTES or note.table_no is not None or not note.raw_text or note.page is None:
        return note
    text = _SQUEEZE_RE.sub("", note.raw_text)
    found = {
        (t.no, i)
        for t in tables
        for i, row in enumerate(t.rows, start=1)
        if (row.page_from or 0) <= note.page <= (row.page_to or row.page_from or 0)
        and any(text in _SQUEEZE_RE.sub("", cell) for cell in row.cells)
    }
    if not found:  # a header cell (drawn again on each page): its table, no row
        found = {
            (t.no, None)
            for t in tables
            if (t.page_from or 0) <= note.page <= (t.page_to or t.page_from or 0)
            and any(text in _SQUEEZE_RE.sub("", cell) for cell in t.header)
        }
    if len(found) != 1:
        return note
    (table_no, row_no), = found
    return dataclasses.replace(note, table_no=table_no, row_no=row_no)


def _caption_without_table(no: int, caption: str) -> ExtractionNote:
    return ExtractionNote(
        "caption_without_table", f"no ruled table follows the caption {caption!r}", "error", table_no=no
    )


def _trim_empty_rows(fr: Fragment) -> Fragment:
    """A fragment without its empty grid rows (slivers between doubled rules, spacer
    rows): a row with no text is no row of the annex."""
    return dataclasses.replace(fr, rows=[r for r in fr.rows if any(c.strip() for c in r.cells)])


