"""From per-page fragments and text lines to the document: blocks and whole tables.

Works only on what grid.py produced (table fragments with rows as drawn, and the text
lines outside tables, with position and boldness), never on a page's rendered text:

1. page furniture goes: lines in the top/bottom margin bands that are page numbers,
   or that repeat on many pages;
2. the remaining lines become blocks in reading order (page by page, top to bottom):
   a "Tabel N." line is a caption, bold text is a heading (level from its font size),
   anything else a paragraph; a bold block set centred is the document's title and
   stays a paragraph, as it is in the DOCX;
3. each fragment joins the table whose caption comes before it; a fragment with no
   caption since the previous fragment continues the previous table. The first row of
   a table is its header; a continuation drops leading rows that repeat the header
   and, when its first row is the rest of a row broken by the page end, glues it to
   the row above cell by cell.

Whatever cannot be decided safely becomes an `ExtractionNote`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from extract.captions import caption_number
from extract.model import Block, DroppedText, ExtractionNote, RawRow, RawTable
from extract.pdf.grid import CLOSING_PUNCTUATION, WORD_BREAK, Fragment, FragmentRow, PageLayout, TextLine, number_goes_on
from extract.text import DASHES, clean_text, join_lines

# --------------------------------------------------------------------- settings

# The top and bottom bands of a page (share of its height) where running headers,
# footers and page numbers live: a page number sits in the bottom ~6 % of the sample
# pages, a header in the top ~6 %. Body text may reach into a band (it starts 6.4 %
# from the top of the Letter rendering): a line there is dropped only when it is a
# page number or repeats, never for where it stands alone.
HEADER_BAND = 0.08
FOOTER_BAND = 0.10
# A line in a band that repeats (digits ignored) on at least this share of the pages
# is a running header/footer. Two pages at least: one page repeats nothing.
REPEAT_MIN_SHARE = 0.5
REPEAT_MIN_PAGES = 2
# A running header stands at the same height on every page, within this (pt).
FURNITURE_POSITION_TOLERANCE = 3.0
# A page number as printed: "7", "- 7 -", "7/30", "7 / 30", "Lk 7", "Page 7 of 30".
PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:lk|lehekülg|leht|page|p)\.?\s*)?[-\u2013\u2014(]?\s*\d{1,4}\s*[-\u2013\u2014)]?"
    r"(?:\s*(?:/|of|\u2013|-)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# Two lines belong to one paragraph when the white gap between them is under this
# share of the font size (a line gap is ~0.15-0.25 em, a paragraph gap ~0.75 em).
PARAGRAPH_GAP_RATIO = 0.5
# Lines whose font sizes differ by more than this (pt) are not one block.
SIZE_TOLERANCE = 0.5
# A bold block is centred (a title, not a section heading) when its lines' centres lie
# within this share of the text column's width of the column's centre, and its left
# edge is indented by more than the same share from the column's left edge.
CENTRE_TOLERANCE = 0.05
# The right edge of the text column: the line end that this share of lines stays
# within (full lines of justified or ragged prose reach the margin; a few lines, such
# as a right-aligned approval block, may stand out).
RIGHT_EDGE_QUANTILE = 0.9
# Header rows repeated on a continuation page: the row's text matches the table's
# header at least this well (rapidfuzz ratio, 0-100).
HEADER_REPEAT_MIN_RATIO = 90
# The rest of a word broken by the column edge is what did not fit of it: a few
# letters (1-3 in the samples: "l,", "de", "gu", "ike"). When the document prints
# neither the glued word nor the rest elsewhere, a rest this long or shorter is glued,
# a longer one read as a word of its own ("Planeeritav" | "maksumus").
WORD_BREAK_SHORT_REST = 3
# A head this long that begins a longer word the document prints is that word's start.
WORD_BREAK_MIN_STEM = 4
# A column is the table's key column when it is filled in more than this share of the
# rows (Tabel 17's merged group column is not: it is filled in its header only).
KEY_COLUMN_MIN_SHARE = 0.5
# Rows and the merged cells in them start at the same rule, within this (pt).
ROW_TOP_TOLERANCE = 1.0
# The column rules of one table drawn on two pages lie at the same x within this (pt).
COLUMN_MATCH_TOLERANCE = 3.0

# A cell left unfinished at a page break: it ends in a dash ("01.01.2025-",
# "Kohtla-"), a comma, semicolon or opening bracket, or a conjunction.
UNFINISHED_END_RE = re.compile(rf"(?:[{DASHES},;(]|\b(?:ja|ning|või|and|or))$")
# A numbering code at the start of a cell ("3.5.2.1.1 …", "1. …", "9 …"): how a new row
# of a schedule table begins.
ROW_START_CODE_RE = re.compile(r"^\d+(?:\.\d+)*\.?(?:\s|$)")
# A key cell holding nothing but such a code: its label went on to the next page.
CODE_ONLY_RE = re.compile(r"^\d+(?:\.\d+)*\.?$")


# ------------------------------------------------------------------ word breaks

_TOKEN_STRIP = "()[]{}«»„“”\"'’‘,.;:!?"
# A possible in-word break and the text on either side of it up to the next space or
# other possible break.
_BROKEN_RE = re.compile(rf"([^\s{WORD_BREAK}]*){WORD_BREAK}([^\s{WORD_BREAK}]*)")


def _word(token: str) -> str:
    return token.strip(_TOKEN_STRIP).lower()


def vocabulary(pages: list[PageLayout]) -> set[str]:
    """Every word the document prints whole (not at a possible in-word break)."""
    words: set[str] = set()

    def add(text: str) -> None:
        for token in text.split():
            if WORD_BREAK not in token:
                w = _word(token)
                if w:
                    words.add(w)

    for page in pages:
        for ln in page.lines:
            add(ln.text)
        for fr in page.fragments:
            for row in fr.rows:
                for cell in row.cells:
                    add(cell)
    return words


def glue_word_break(head: str, tail: str, words: set[str]) -> bool:
    """Whether the text either side of a possible in-word break is one word: the rest
    is closing punctuation, or the rest of a number or date; or the document prints
    the glued word elsewhere; or,
    when it prints the rest as a word of its own, not; or the head, not a word the
    document prints, is the beginning of a longer one ("kogemuskohtum" of
    "kogemuskohtumised"; "Partnerite" is a word, though "partneritega" begins so);
    failing all, a rest of a few letters is what did not fit of a long word, a longer
    one a word of its own. (A head printed as a word proves nothing: an inflected
    word begins with another, "kogemuskohtumiste" + "l"; nor does a rest of one
    letter printed alone: "graafilin" + "e".)"""
    if tail[:1] in CLOSING_PUNCTUATION or _word(head + tail) in words or number_goes_on(head, tail):
        return True
    rest, first = _word(tail), _word(head)
    if rest in words and len(rest) > 1:  # a single letter printed alone proves nothing
        return False
    if (
        len(first) >= WORD_BREAK_MIN_STEM
        and first not in words
        and any(len(w) > len(first) and w.startswith(first) for w in words)
    ):
        return True
    return len(rest) <= WORD_BREAK_SHORT_REST


def resolve_word_breaks(text: str, words: set[str], glued: list[str] | None = None) -> str:
    """Every line break grid.py marked as possibly inside a word, decided by
    `glue_word_break`; the words glued are added to `glued`."""
    while WORD_BREAK in text:
        m = _BROKEN_RE.search(text)
        head, tail = m[1], m[2]
        if glue_word_break(head, tail, words):
            joined = head + tail
            if glued is not None:
                glued.append(joined)
        else:
            joined = f"{head} {tail}"
        text = text[: m.start()] + joined + text[m.end() :]
    return text


def _resolve_fragments(pages: list[PageLayout], words: set[str]) -> list[ExtractionNote]:
    notes = []
    for page in pages:
        for fr in page.fragments:
            for row in fr.rows:
                for j, cell in enumerate(row.cells):
                    if WORD_BREAK not in cell:
                        continue
                    glued: list[str] = []
                    row.cells[j] = resolve_word_breaks(cell, words, glued)
                    notes.extend(
                        ExtractionNote(
                            "word_broken_at_column_edge",
                            f"a word broken by the column edge on page {fr.page_no} was joined: {g!r}",
                            "info",
                            page=fr.page_no,
                            raw_text=cell.replace(WORD_BREAK, "|")[:200],
                        )
                        for g in glued
                    )
    return notes


# ------------------------------------------------------------------- furniture


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_text(text)).lower()


def _in_band(line: TextLine, height: float) -> bool:
    return line.bottom <= height * HEADER_BAND or line.top >= height * (1 - FOOTER_BAND)


def drop_page_furniture(pages: list[PageLayout]) -> list[list[TextLine]]:
    """Each page's lines without its running header, footer and page number: lines in
    the margin bands that are page numbers, or that repeat (same text, digits aside,
    at the same height) on many pages. A caption is never furniture."""
    band: dict[str, list[tuple[int, float]]] = {}
    for k, page in enumerate(pages):
        for ln in page.lines:
            if _in_band(ln, page.height):
                band.setdefault(_furniture_key(ln.text), []).append((k, ln.top))
    repeat_min = max(REPEAT_MIN_PAGES, REPEAT_MIN_SHARE * len(pages))

    def repeats(key: str, top: float) -> bool:
        pages_with = {k for k, t in band.get(key, ()) if abs(t - top) <= FURNITURE_POSITION_TOLERANCE}
        return len(pages_with) >= repeat_min

    out = []
    for page in pages:
        kept = []
        for ln in page.lines:
            if _in_band(ln, page.height) and caption_number(ln.text) is None:
                text = clean_text(ln.text)
                if PAGE_NUMBER_RE.match(text) or repeats(_furniture_key(text), ln.top):
                    continue
            kept.append(ln)
        out.append(kept)
    return out


# ---------------------------------------------------------------------- blocks


@dataclass
class TextBlock:
    lines: list[TextLine]
    kind: str = "paragraph"  # paragraph | heading | caption
    level: int | None = None

    @property
    def text(self) -> str:
        return clean_text(join_lines([ln.text for ln in self.lines]))

    @property
    def page_no(self) -> int:
        return self.lines[0].page_no

    @property
    def top(self) -> float:
        return self.lines[0].top


def _same_block(prev: TextLine, line: TextLine) -> bool:
    if prev.page_no != line.page_no or prev.bold != line.bold:
        return False
    if abs(prev.size - line.size) > SIZE_TOLERANCE:
        return False
    if caption_number(line.text) is not None:
        return False  # a caption starts its own block (a long one may wrap on)
    return line.top - prev.bottom <= PARAGRAPH_GAP_RATIO * max(prev.size, line.size)


def text_column(lines: list[TextLine]) -> tuple[float, float]:
    """The body text's left and right edges: where most lines start, and where the
    longest lines end (justified or ragged, the full lines reach the right margin)."""
    if not lines:
        return 0.0, 0.0
    left = Counter(round(ln.x0) for ln in lines).most_common(1)[0][0]
    ends = sorted(ln.x1 for ln in lines)
    right = ends[min(len(ends) - 1, int(RIGHT_EDGE_QUANTILE * len(ends)))]
    return float(left), float(max(right, left))


def _is_centred(block: TextBlock, column: tuple[float, float]) -> bool:
    left, right = column
    width = right - left
    if width <= 0:
        return False
    centre = (left + right) / 2
    tol = CENTRE_TOLERANCE * width
    return all(
        abs((ln.x0 + ln.x1) / 2 - centre) <= tol and ln.x0 - left > tol for ln in block.lines
    )


def group_blocks(lines: list[TextLine], column: tuple[float, float]) -> list[TextBlock]:
    """Consecutive lines of one style and spacing as blocks, each typed."""
    blocks: list[TextBlock] = []
    for ln in lines:
        if blocks and _same_block(blocks[-1].lines[-1], ln):
            blocks[-1].lines.append(ln)
        else:
            blocks.append(TextBlock([ln]))
    for b in blocks:
        if caption_number(b.text) is not None:
            b.kind = "caption"
        elif all(ln.bold for ln in b.lines) and not _is_centred(b, column):
            b.kind = "heading"
    # Heading levels from font size: the largest heading size is level 1. One size
    # only says nothing about levels.
    levels: list[float] = []  # the distinct heading sizes, largest first
    for size in sorted((b.lines[0].size for b in blocks if b.kind == "heading"), reverse=True):
        if not levels or levels[-1] - size > SIZE_TOLERANCE:
            levels.append(size)
    if len(levels) > 1:
        for b in blocks:
            if b.kind == "heading":
                size = b.lines[0].size
                b.level = 1 + sum(1 for s in levels[1:] if s >= size - SIZE_TOLERANCE)
    return blocks


# ---------------------------------------------------------------------- tables


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


def _row_key(cells: list[str]) -> str:
    return " | ".join(clean_text(c) for c in cells)


def repeats_header(cells: list[str], header: list[str]) -> bool:
    """Whether a row (or header rows joined per column) is the table's header again."""
    if not any(clean_text(c) for c in cells):
        return False
    return fuzz.ratio(_row_key(cells), _row_key(header)) >= HEADER_REPEAT_MIN_RATIO


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


def key_column(rows: list[list[str]]) -> int | None:
    """The first column filled in most rows: the one a new row always starts in."""
    if not rows:
        return None
    n_cols = max(len(r) for r in rows)
    for j in range(n_cols):
        filled = sum(1 for r in rows if j < len(r) and clean_text(r[j]))
        if filled > KEY_COLUMN_MIN_SHARE * len(rows):
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
    key = key_column(done)
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
    header: list[str], new: list[str], *, header_bold: bool, new_bold: bool, boundary_open: bool = False
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
    key = key_column([header])
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
    confidence: list[float | None] | None = None,
) -> list[str]:
    """Append each cell's text to the cell above, as a wrapped line would join. A cell
    above whose last line was one word filling it (`ends_full`, by column) may have
    been broken inside that word by the page end: decided as a word broken by the
    column edge (`glue_word_break`, with the document's vocabulary `words`). Returns
    the words glued so. An OCR confidence is the lower of the two parts'."""
    n = max(len(prev.cells), len(new))
    cells = prev.cells + [""] * (n - len(prev.cells))
    glued: list[str] = []
    for j, text in enumerate(new):
        if text.strip():
            head, tail = cells[j].rstrip(), text.lstrip()
            first = tail[:1]
            if (
                ends_full and j < len(ends_full) and ends_full[j] and head
                and (first.islower() or first in CLOSING_PUNCTUATION or number_goes_on(head, tail))
            ):
                cells[j] = resolve_word_breaks(head + WORD_BREAK + tail, words or set(), glued)
            else:
                cells[j] = join_lines([cells[j], text])
    prev.cells = cells
    prev.page_to = page_no
    if confidence is not None or prev.confidence is not None:
        a = (prev.confidence or []) + [None] * n
        b = (confidence or []) + [None] * n
        prev.confidence = [min((c for c in (a[j], b[j]) if c is not None), default=None) for j in range(n)]
    return glued


def column_edges(fragment: Fragment) -> list[float]:
    """The x of the fragment's column rules (from the cell boxes when not given)."""
    if fragment.columns:
        return list(fragment.columns)
    row = fragment.rows[0]
    return [box[0] for box in row.cell_boxes] + [row.cell_boxes[-1][2]] if row.cell_boxes else []


def columns_match(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= COLUMN_MATCH_TOLERANCE for x, y in zip(a, b))


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


# -------------------------------------------------------------------- document


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


def assemble(pages: list[PageLayout]) -> Assembled:
    """The document's blocks and logical tables from its pages' layouts."""
    words = vocabulary(pages)
    notes = _resolve_fragments(pages, words)
    for page in pages:
        page.fragments = [fr for fr in (_trim_empty_rows(f) for f in page.fragments) if fr.rows]
    kept_lines = drop_page_furniture(pages)
    all_lines = [ln for lines in kept_lines for ln in lines]
    text_blocks = group_blocks(all_lines, text_column(all_lines))

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
            current = _start_table(no, caption, fr, notes)
            tables.append(current)
            blocks.append(Block("table", caption, page=fr.page_no, table_no=no))
        elif current is None or (text_since_fragment and not columns_match(column_edges(fr), current.column_edges)):
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
            _continue_table(current, fr, prev_fragment, notes, words)
        text_since_fragment = False
        prev_fragment = fr
    if pending is not None:
        notes.append(_caption_without_table(*pending))
    return Assembled(blocks, [t.build() for t in tables], notes)


def _caption_without_table(no: int, caption: str) -> ExtractionNote:
    return ExtractionNote(
        "caption_without_table", f"no ruled table follows the caption {caption!r}", "error", table_no=no
    )


def _trim_empty_rows(fr: Fragment) -> Fragment:
    """A fragment without its empty grid rows (slivers between doubled rules, spacer
    rows): a row with no text is no row of the annex."""
    fr.rows = [r for r in fr.rows if any(c.strip() for c in r.cells)]
    return fr


def _fragment_rows(table: TableBuilder, fr: Fragment, notes: list[ExtractionNote]) -> list[list[str]]:
    """The fragment's rows as cell lists in the table's columns."""
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
        return [align_columns(r.cells, edges, table.column_edges) for r in fr.rows]
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
    return [list(r.cells) for r in fr.rows]


def _start_table(no: int, caption: str, fr: Fragment, notes: list[ExtractionNote]) -> TableBuilder:
    table = TableBuilder(no, caption, page_from=fr.page_no, page_to=fr.page_no)
    table.count_words(fr)
    table.header_rows = header_row_count(fr.rows)
    rows = _fragment_rows(table, fr, notes)
    table.column_edges = column_edges(fr)
    table.header = join_columns(rows[: table.header_rows])
    table.header_bold = all(r.bold for r in fr.rows[: table.header_rows])
    targets: list[int | None] = [None] * table.header_rows
    for k, cells in enumerate(rows[table.header_rows :], start=table.header_rows):
        targets.append(len(table.rows))
        _append_row(table, cells, fr.page_no, notes, _row_confidence(fr, k, len(cells)))
    table.cut_cells = _cut_cells(fr, targets)
    return table


def _cut_cells(fr: Fragment, targets: list[int | None]) -> dict[int, int | None]:
    """Columns whose cell in the fragment's last row is a merged cell coming down
    from a row above (cut by the page end), and where that cell's text went: a table
    row index, or None for the header. `targets` maps the fragment's rows."""
    last = fr.rows[-1]
    out: dict[int, int | None] = {}
    for j, (span, box) in enumerate(zip(last.spans, last.cell_boxes)):
        starts_here = j == 0 or last.cell_boxes[j - 1] != box
        if span != (0, 0) or not starts_here or box[1] >= last.top - ROW_TOP_TOLERANCE:
            continue
        origin = next((i for i, r in enumerate(fr.rows) if abs(r.top - box[1]) <= ROW_TOP_TOLERANCE), None)
        if origin is not None and origin < len(targets):
            out[j] = targets[origin]
    return out


def _continue_cut_cells(table: TableBuilder, first: list[str], page_no: int, notes: list[ExtractionNote]) -> None:
    """Text at the top of a page in a column whose merged cell the page end cut: the
    rest of that cell (moved to where its text is), or the same text again (dropped)."""
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
    table: TableBuilder, cells: list[str], page_no: int, notes: list[ExtractionNote],
    confidence: list[float | None] | None = None,
) -> None:
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


def _repeated_header_rows(rows: list[list[str]], table: TableBuilder) -> int:
    """How many leading rows of a continuation repeat the table's header."""
    k = table.header_rows
    if k > 1 and len(rows) >= k and repeats_header(join_columns(rows[:k]), table.header):
        return k
    n = 0
    while n < len(rows) and repeats_header(rows[n], table.header):
        n += 1
    return n


def _continue_table(
    table: TableBuilder, fr: Fragment, prev_fr: Fragment | None, notes: list[ExtractionNote], words: set[str] | None = None
) -> None:
    all_rows = _fragment_rows(table, fr, notes)
    table.count_words(fr)
    dropped = _repeated_header_rows(all_rows, table)
    table.dropped.extend(
        DroppedText(text, "repeated_header", fr.page_no) for r in all_rows[:dropped] for text in r if text.strip()
    )
    rows = all_rows[dropped:]
    targets: list[int | None] = [None] * dropped
    table.page_to = fr.page_no
    if not rows:
        return
    first = rows[0]
    _continue_cut_cells(table, first, fr.page_no, notes)
    if not table.rows and any(c.strip() for c in first):
        boundary_open = fr.open_top or (prev_fr is not None and prev_fr.open_bottom)
        decision = header_continues(
            table.header, first, header_bold=table.header_bold, new_bold=fr.rows[dropped].bold,
            boundary_open=boundary_open,
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
        decision = row_continues([r.cells for r in table.rows], prev.cells, first, boundary_open=boundary_open)
        if decision.continues:
            full = prev_fr.rows[-1].ends_full if prev_fr is not None and prev_fr.rows else None
            if full is not None and len(full) != len(prev.cells):
                full = None  # drawn with other columns: positions do not match
            for g in merge_rows(prev, first, fr.page_no, full, words,
                                confidence=_row_confidence(fr, dropped, len(first))):
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
            _append_row(table, cells, fr.page_no, notes, _row_confidence(fr, k, len(cells)))
        else:
            targets.append(len(table.rows) - 1 if table.rows else None)
    table.cut_cells = _cut_cells(fr, targets)
