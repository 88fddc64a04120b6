"""Stitching a table's parts across pages: the decisions.

Whether a continuation's first rows repeat the header, whether its first row is the
rest of the row (or the header row) the page end broke, how such a row is glued to
the one above, and how a part drawn with other column rules is moved to the table's
columns. Pure functions on cell texts; tables.py applies them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extract.model import RawRow
from extract.pdf.grid import Fragment, FragmentRow
from extract.pdf.lines import WORD_BREAK, goes_on
from extract.pdf.settings import REPAIR_SETTINGS, RepairSettings
from extract.pdf.words import resolve_word_breaks
from extract.text import DASHES, clean_text, join_lines

# A cell left unfinished at a page break: it ends in a dash ("01.01.2025-",
# "Kohtla-"), a comma, semicolon or opening bracket, or a conjunction.
UNFINISHED_END_RE = re.compile(rf"(?:[{DASHES},;(]|\b(?:ja|ning|või|and|or))$")
# A numbering code at the start of a cell ("3.5.2.1.1 …", "1. …", "9 …"): how a new row
# of a schedule table begins.
ROW_START_CODE_RE = re.compile(r"^\d+(?:\.\d+)*\.?(?:\s|$)")
# A key cell holding nothing but such a code: its label went on to the next page.
CODE_ONLY_RE = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _row_key(cells: list[str]) -> str:
    return " | ".join(clean_text(c) for c in cells)


def repeats_header(cells: list[str], header: list[str], settings: RepairSettings = REPAIR_SETTINGS) -> bool:
    """Whether a row (or header rows joined per column) is the table's header again."""
    if not any(clean_text(c) for c in cells):
        return False
    return fuzz.ratio(_row_key(cells), _row_key(header)) >= settings.header_repeat_min_ratio


def join_columns(rows: list[list[str]]) -> list[str]:
    """Several grid rows read as one: each column's texts joined as wrapped lines."""
    n = max((len(r) for r in rows), default=0)
    return [join_lines([r[j] for r in rows if j < len(r)]) for j in range(n)]


def header_row_count(rows: list[FragmentRow]) -> int:
    """How many grid rows the header takes: one, or more when the header has a cell
    spanning several columns or rows (a grouped header) and the rows below it are set
    in bold like it."""
    n = 1
    while n < len(rows) and all(r.bold for r in rows[: n + 1]):
        spans_columns = any(ncols > 1 for r in rows[:n] for ncols, _ in r.spans)
        spans_down = any(i + nrows > n for i, r in enumerate(rows[:n]) for _, nrows in r.spans)
        if not (spans_columns or spans_down):
            break
        n += 1
    return n


def key_column(rows: list[list[str]], settings: RepairSettings = REPAIR_SETTINGS) -> int | None:
    """The first column filled in most rows: the one a new row always starts in."""
    if not rows:
        return None
    n_cols = max(len(r) for r in rows)
    for j in range(n_cols):
        filled = sum(1 for r in rows if j < len(r) and clean_text(r[j]))
        if filled > settings.key_column_min_share * len(rows):
            return j
    return None


def filled_columns(rows: list[list[str]], exclude: int | None) -> list[int]:
    """Columns filled in every row so far (a complete row always has them)."""
    if not rows:
        return []
    n_cols = min(len(r) for r in rows)
    return [j for j in range(n_cols) if j != exclude and all(clean_text(r[j]) for r in rows)]


def _cell(cells: list[str], j: int | None) -> str:
    return clean_text(cells[j]) if j is not None and j < len(cells) else ""


@dataclass(frozen=True)
class Continuation:
    """Whether a fragment's first row is the rest of the row above, and why."""

    continues: bool
    reasons: tuple[str, ...]
    doubtful: bool = False


def row_continues(
    done: list[list[str]],
    prev: list[str],
    new: list[str],
    *,
    boundary_open: bool = False,
    settings: RepairSettings = REPAIR_SETTINGS,
) -> Continuation:
    """Decide whether `new` (the first data row on a page) continues `prev` (the last
    row on the page before). `done` are the table's rows so far, `prev` included.

    Each of these says "continues" on its own: the page break left the table open (no
    rule between the parts); the key column (filled in most rows) is empty in the new
    row; the key cell above was empty and the new row holds nothing but its key; every
    column that complete rows always fill is empty in the new row.
    Weaker signs count together: the key cell starts in lower case, or a cell above
    ends in a dash ("01.01.2025-"), while the new row lacks a cell complete rows have
    (or a cell above ends unfinished); a cell above ending unfinished (a trailing
    dash or comma) also suffices when the key cell does not start like a row (a
    numbering code or a capital); so does a key cell above that holds only its
    numbering code ("8.") when the new key cell does not start with one.
    A genuine row may have an empty cell (an empty framework period, an empty
    responsible party) and still start like a row: that is no continuation.
    """
    reasons: list[str] = []
    key = key_column(done, settings)
    new_key, prev_key = _cell(new, key), _cell(prev, key)
    filled = filled_columns(done[:-1] or done, key)
    new_filled = [j for j in filled if _cell(new, j)]
    prev_filled = [j for j in filled if _cell(prev, j)]
    incomplete = bool(filled) and len(new_filled) < len(filled)
    unfinished = [
        j for j in range(min(len(prev), len(new)))
        if UNFINISHED_END_RE.search(_cell(prev, j)) and _cell(new, j)
    ]
    lower = new_key[:1].islower()
    starts_like_row = bool(ROW_START_CODE_RE.match(new_key)) or new_key[:1].isupper()
    if boundary_open:
        reasons.append("no rule at the page break")
    if key is not None and not new_key and prev_key:
        reasons.append("key cell empty")
    if key is not None and not prev_key and new_key and not new_filled:
        reasons.append("key cell above empty, rest of the new row empty")
    if filled and not new_filled and prev_filled:
        reasons.append("the always-filled cells are empty")
    if lower and (incomplete or unfinished):
        reasons.append("key cell starts in lower case, the row is incomplete")
    if unfinished and not starts_like_row:
        reasons.append("a cell above ends unfinished")
    dangling = [j for j in unfinished if _cell(prev, j).endswith(tuple(DASHES))]
    if dangling and incomplete:
        reasons.append("a cell above ends in a dash, the row is incomplete")
    if CODE_ONLY_RE.match(prev_key) and new_key and not ROW_START_CODE_RE.match(new_key):
        reasons.append("the key cell above holds only its numbering code")
    if reasons:
        return Continuation(True, tuple(reasons))
    # Weak evidence only: a new row, but say so.
    doubtful = lower or bool(unfinished) or (incomplete and not starts_like_row)
    return Continuation(False, (), doubtful)


def header_continues(
    header: list[str], new: list[str], *, header_bold: bool, new_bold: bool, boundary_open: bool = False,
    settings: RepairSettings = REPAIR_SETTINGS,
) -> Continuation:
    """Decide whether `new` (the first row on a page, the table having no data row
    yet) is the rest of the header row, broken by the page end (Word and LibreOffice
    let a header row break unless it is marked not to): the first lines of the header
    cells at the foot of one page, the rest at the top of the next.

    It is when it is set like the header (bold, or not, as the header is) and does
    not begin like a data row (a numbering code in its key cell), and: the header is
    bold (data rows are not), or the key cell is empty where the header's is filled,
    or the page break left the table open. Anything else is the first data row; a
    row that is styled like the header but begins with a code is doubtful."""
    if not any(clean_text(c) for c in new):
        return Continuation(False, ())
    key = key_column([header], settings)
    new_key, header_key = _cell(new, key), _cell(header, key)
    if bool(new_bold) != bool(header_bold):
        return Continuation(False, ())
    if ROW_START_CODE_RE.match(new_key):
        return Continuation(False, (), doubtful=header_bold)
    reasons: list[str] = []
    if header_bold:
        reasons.append("set in bold like the header")
    if key is not None and header_key and not new_key:
        reasons.append("key cell empty")
    if boundary_open:
        reasons.append("no rule at the page break")
    return Continuation(bool(reasons), tuple(reasons))


def merge_rows(
    prev: RawRow, new: list[str], page_no: int, ends_full: list[bool] | None = None, words: set[str] | None = None,
    confidence: list[float | None] | None = None, settings: RepairSettings = REPAIR_SETTINGS,
) -> tuple[RawRow, list[str], list[str]]:
    """`prev` with each cell's text of `new` appended, as a wrapped line would join (a
    new row; `prev` is left as it is). A cell above whose last line was one word
    filling it (`ends_full`, by column) may have been broken inside that word by the
    page end: decided as a word broken by the column edge (words.decide_word_break, with
    the document's vocabulary `words`). Also returns the words glued so, and the
    breaks decided by a guess. An OCR confidence is the lower of the two parts'."""
    n = max(len(prev.cells), len(new))
    cells = prev.cells + [""] * (n - len(prev.cells))
    glued: list[str] = []
    guessed: list[str] = []
    for j, text in enumerate(new):
        if text.strip():
            head, tail = cells[j].rstrip(), text.lstrip()
            if ends_full and j < len(ends_full) and ends_full[j] and head and goes_on(head, tail):
                cells[j], glued_here, guessed_here = resolve_word_breaks(
                    head + WORD_BREAK + tail, words or set(), settings)
                glued.extend(glued_here)
                guessed.extend(guessed_here)
            else:
                cells[j] = join_lines([cells[j], text])
    merged_confidence = prev.confidence
    if confidence is not None or prev.confidence is not None:
        a = (prev.confidence or []) + [None] * n
        b = (confidence or []) + [None] * n
        merged_confidence = [min((c for c in (a[j], b[j]) if c is not None), default=None) for j in range(n)]
    return dataclasses.replace(prev, cells=cells, page_to=page_no, confidence=merged_confidence), glued, guessed


def column_edges(fragment: Fragment) -> list[float]:
    """The x of the fragment's column rules (from the cell boxes when not given)."""
    if fragment.columns:
        return list(fragment.columns)
    row = fragment.rows[0]
    return [box[0] for box in row.cell_boxes] + [row.cell_boxes[-1][2]] if row.cell_boxes else []


def columns_match(a: list[float], b: list[float], settings: RepairSettings = REPAIR_SETTINGS) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= settings.column_match_tolerance for x, y in zip(a, b))


def align_columns(cells: list[str], edges: list[float], table_edges: list[float]) -> list[str]:
    """Cells of a fragment drawn with other column rules, moved to the table's columns
    by horizontal overlap (texts landing in one column are joined)."""
    out = [""] * (len(table_edges) - 1)
    for j, text in enumerate(cells):
        if not text.strip() or j + 1 >= len(edges):
            continue
        a, b = edges[j], edges[j + 1]
        overlaps = [max(0.0, min(b, table_edges[k + 1]) - max(a, table_edges[k])) for k in range(len(out))]
        k = max(range(len(out)), key=overlaps.__getitem__)
        out[k] = join_lines([out[k], text])
    return out


