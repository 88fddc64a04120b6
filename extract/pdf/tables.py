"""A logical table built from its page fragments: the first fragment starts it (its
header rows found), each later one continues it (repeated header rows dropped, a row
or header row broken by the page end glued to the one above, the rest of a merged
cell cut by the page end moved to where its text is). The decisions are stitch.py's;
every step returns its notes. The `TableBuilder` is the one thing a step changes (it is
the table being built); the fragments it reads are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import DroppedText, ExtractionNote, RawRow, RawTable
from extract.pdf.grid import Fragment
from extract.pdf.settings import REPAIR_SETTINGS, RepairSettings
from extract.pdf.stitch import (
    UNFINISHED_END_RE,
    align_columns,
    column_edges,
    header_continues,
    header_row_count,
    join_columns,
    merge_rows,
    repeats_header,
    row_continues,
)
from extract.pdf.words import guessed_note
from extract.text import clean_text, join_lines


@dataclass
class TableBuilder:
    """A logical table being assembled from its page fragments."""

    no: int
    caption: str
    header: list[str] = field(default_factory=list)
    header_rows: int = 1
    header_bold: bool = False  # every filled cell of the header set in bold
    rows: list[RawRow] = field(default_factory=list)
    column_edges: list[float] = field(default_factory=list)
    page_from: int | None = None
    page_to: int | None = None
    # Columns whose merged cell (spanning rows) was cut by the last page end: column ->
    # the row holding its text, None for the header.
    cut_cells: dict[int, int | None] = field(default_factory=dict)
    # The words inside the table's grid on every page, and the text left out on
    # purpose (with why): normalize balances them against what it loads.
    source_words: list[str] | None = field(default_factory=list)  # None once a fragment was not counted
    dropped: list[DroppedText] = field(default_factory=list)

    def count_words(self, fr: Fragment) -> None:
        if self.source_words is not None:
            self.source_words = None if fr.source_words is None else self.source_words + fr.source_words

    def build(self) -> RawTable:
        return RawTable(
            self.no, self.caption, self.header, self.rows, self.page_from, self.page_to,
            source_words=self.source_words, dropped=self.dropped,
        )


def _fragment_rows(table: TableBuilder, fr: Fragment) -> tuple[list[list[str]], list[ExtractionNote]]:
    """The fragment's rows as cell lists in the table's columns (new lists)."""
    notes: list[ExtractionNote] = []
    edges = column_edges(fr)
    if table.column_edges and len(edges) != len(table.column_edges):
        notes.append(
            ExtractionNote(
                "column_count_differs",
                f"the part of Tabel {table.no} on page {fr.page_no} has {len(edges) - 1} columns, "
                f"the table {len(table.column_edges) - 1}; cells placed by position",
                table_no=table.no,
                page=fr.page_no,
            )
        )
        return [align_columns(r.cells, edges, table.column_edges) for r in fr.rows], notes
    for r in fr.rows:
        spanning = [j for j, (ncols, _) in enumerate(r.spans) if ncols > 1 and r.cells[j].strip()]
        if spanning and table.header and not r.bold:
            notes.append(
                ExtractionNote(
                    "cell_spans_columns",
                    f"a cell on page {fr.page_no} spans {r.spans[spanning[0]][0]} columns; "
                    "its text is kept in the first of them",
                    table_no=table.no,
                    page=fr.page_no,
                    raw_text=r.cells[spanning[0]][:200],
                )
            )
    return [list(r.cells) for r in fr.rows], notes


def start_table(
    no: int, caption: str, fr: Fragment, settings: RepairSettings = REPAIR_SETTINGS
) -> tuple[TableBuilder, list[ExtractionNote]]:
    """A table begun with its first fragment (the caption's), and the notes on it."""
    table = TableBuilder(no, caption, page_from=fr.page_no, page_to=fr.page_no)
    table.count_words(fr)
    table.header_rows = header_row_count(fr.rows)
    rows, notes = _fragment_rows(table, fr)
    table.column_edges = column_edges(fr)
    table.header = join_columns(rows[: table.header_rows])
    table.header_bold = all(r.bold for r in fr.rows[: table.header_rows])
    targets: list[int | None] = [None] * table.header_rows
    for k, cells in enumerate(rows[table.header_rows :], start=table.header_rows):
        targets.append(len(table.rows))
        notes += _append_row(table, cells, fr.page_no, _row_confidence(fr, k, len(cells)))
    table.cut_cells = _cut_cells(fr, targets, settings)
    return table, notes


def _cut_cells(fr: Fragment, targets: list[int | None], settings: RepairSettings) -> dict[int, int | None]:
    """Columns whose cell in the fragment's last row is a merged cell coming down
    from a row above (cut by the page end), and where that cell's text went: a table
    row index, or None for the header. `targets` maps the fragment's rows."""
    last = fr.rows[-1]
    out: dict[int, int | None] = {}
    for j, (span, box) in enumerate(zip(last.spans, last.cell_boxes)):
        starts_here = j == 0 or last.cell_boxes[j - 1] != box
        if span != (0, 0) or not starts_here or box[1] >= last.top - settings.row_top_tolerance:
            continue
        origin = next((i for i, r in enumerate(fr.rows) if abs(r.top - box[1]) <= settings.row_top_tolerance), None)
        if origin is not None and origin < len(targets):
            out[j] = targets[origin]
    return out


def _continue_cut_cells(table: TableBuilder, first: list[str], page_no: int) -> tuple[list[str], list[ExtractionNote]]:
    """Text at the top of a page in a column whose merged cell the page end cut: the
    rest of that cell (moved to where its text is, in the table), or the same text
    again (dropped). Returns the first row without it (a new list) and the notes."""
    first = list(first)
    notes: list[ExtractionNote] = []
    for j, target in table.cut_cells.items():
        if j >= len(first) or not clean_text(first[j]):
            continue
        owner = table.header if target is None else table.rows[target].cells
        if j >= len(owner):
            continue
        text = clean_text(first[j])
        if clean_text(owner[j]).endswith(text):
            table.dropped.append(DroppedText(first[j], "merged_cell_repeated", page_no))
            first[j] = ""
        elif text[:1].islower() or UNFINISHED_END_RE.search(clean_text(owner[j])):
            owner[j] = join_lines([owner[j], first[j]])
            first[j] = ""
            notes.append(
                ExtractionNote(
                    "merged_cell_continued",
                    f"a merged cell cut by the page end goes on on page {page_no}",
                    "info",
                    table_no=table.no,
                    row_no=None if target is None else target + 1,
                    page=page_no,
                )
            )
    return first, notes


def _row_confidence(fr: Fragment, k: int, n_cells: int) -> list[float | None] | None:
    """The OCR confidences of the fragment's row k in the table's columns (a row moved
    to other columns gets its lowest confidence in every cell); None without OCR."""
    conf = fr.rows[k].confidence
    if not conf:
        return None
    if len(conf) == n_cells:
        return list(conf)
    low = min((c for c in conf if c is not None), default=None)
    return [low] * n_cells


def _append_row(
    table: TableBuilder, cells: list[str], page_no: int, confidence: list[float | None] | None = None,
) -> list[ExtractionNote]:
    """`cells` appended to the table as a new row; a note when its width is not the
    header's."""
    notes: list[ExtractionNote] = []
    if len(cells) != len(table.header):
        notes.append(
            ExtractionNote(
                "row_column_count",
                f"a row on page {page_no} has {len(cells)} cells, the header {len(table.header)}",
                table_no=table.no,
                row_no=len(table.rows) + 1,
                page=page_no,
                raw_text=" | ".join(cells)[:200],
            )
        )
    table.rows.append(RawRow(cells, page_from=page_no, page_to=page_no, confidence=confidence))
    return notes


def _repeated_header_rows(rows: list[list[str]], table: TableBuilder, settings: RepairSettings) -> int:
    """How many leading rows of a continuation repeat the table's header."""
    k = table.header_rows
    if k > 1 and len(rows) >= k and repeats_header(join_columns(rows[:k]), table.header, settings):
        return k
    n = 0
    while n < len(rows) and repeats_header(rows[n], table.header, settings):
        n += 1
    return n


def continue_table(
    table: TableBuilder, fr: Fragment, prev_fr: Fragment | None, words: set[str] | None = None,
    settings: RepairSettings = REPAIR_SETTINGS,
) -> list[ExtractionNote]:
    """The table continued with a later fragment (`prev_fr`: the fragment before it);
    the notes on it."""
    all_rows, notes = _fragment_rows(table, fr)
    table.count_words(fr)
    dropped = _repeated_header_rows(all_rows, table, settings)
    table.dropped.extend(
        DroppedText(text, "repeated_header", fr.page_no) for r in all_rows[:dropped] for text in r if text.strip()
    )
    rows = all_rows[dropped:]
    targets: list[int | None] = [None] * dropped
    table.page_to = fr.page_no
    if not rows:
        return notes
    first, cut_notes = _continue_cut_cells(table, rows[0], fr.page_no)
    notes += cut_notes
    rows = [first] + rows[1:]
    if not table.rows and any(c.strip() for c in first):
        boundary_open = fr.open_top or (prev_fr is not None and prev_fr.open_bottom)
        decision = header_continues(
            table.header, first, header_bold=table.header_bold, new_bold=fr.rows[dropped].bold,
            boundary_open=boundary_open, settings=settings,
        )
        if decision.continues:
            table.header = [join_lines([h, c]) for h, c in zip(table.header, first)] + table.header[len(first):]
            notes.append(
                ExtractionNote(
                    "header_continued",
                    f"the header row continues on page {fr.page_no} ({'; '.join(decision.reasons)})",
                    "info",
                    table_no=table.no,
                    page=fr.page_no,
                )
            )
            targets.append(None)
            rows = rows[1:]
        elif decision.doubtful:
            notes.append(
                ExtractionNote(
                    "header_break_uncertain",
                    f"the first row on page {fr.page_no} is set like the header but read as a data row",
                    table_no=table.no,
                    row_no=1,
                    page=fr.page_no,
                    raw_text=" | ".join(first)[:200],
                )
            )
    elif table.rows and any(c.strip() for c in first):
        prev = table.rows[-1]
        boundary_open = fr.open_top or (prev_fr is not None and prev_fr.open_bottom)
        decision = row_continues([r.cells for r in table.rows], prev.cells, first, boundary_open=boundary_open,
                                 settings=settings)
        if decision.continues:
            full = prev_fr.rows[-1].ends_full if prev_fr is not None and prev_fr.rows else None
            if full is not None and len(full) != len(prev.cells):
                full = None  # drawn with other columns: positions do not match
            table.rows[-1], glued, guessed = merge_rows(prev, first, fr.page_no, full, words,
                                               _row_confidence(fr, dropped, len(first)), settings)
            for g in glued:
                notes.append(
                    ExtractionNote(
                        "word_broken_at_page_end",
                        f"a word broken by the page end before page {fr.page_no} was joined: {g!r}",
                        "info",
                        table_no=table.no,
                        row_no=len(table.rows),
                        page=fr.page_no,
                    )
                )
            notes.extend(guessed_note(g, fr.page_no, table_no=table.no, row_no=len(table.rows)) for g in guessed)
            notes.append(
                ExtractionNote(
                    "row_continued",
                    f"row {len(table.rows)} continues on page {fr.page_no} ({'; '.join(decision.reasons)})",
                    "info",
                    table_no=table.no,
                    row_no=len(table.rows),
                    page=fr.page_no,
                )
            )
            targets.append(len(table.rows) - 1)
            rows = rows[1:]
        elif decision.doubtful:
            notes.append(
                ExtractionNote(
                    "row_break_uncertain",
                    f"the first row on page {fr.page_no} was read as a new row, but the row above "
                    "may continue into it",
                    table_no=table.no,
                    row_no=len(table.rows) + 1,
                    page=fr.page_no,
                    raw_text=" | ".join(first)[:200],
                )
            )
    for k, cells in enumerate(rows, start=len(all_rows) - len(rows)):
        if any(c.strip() for c in cells):
            targets.append(len(table.rows))
            notes += _append_row(table, cells, fr.page_no, _row_confidence(fr, k, len(cells)))
        else:
            targets.append(len(table.rows) - 1 if table.rows else None)
    table.cut_cells = _cut_cells(fr, targets, settings)
    return notes
