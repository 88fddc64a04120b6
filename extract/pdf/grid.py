"""Ruled tables on one page: from ruling edges and words to table fragments.

Pure functions on a `PageGeometry`, each named for one geometric idea:

* `snap_edges` / `join_edges`: rules drawn as several touching or slightly offset
  segments become one rule per line (a producer may draw each cell's border on its
  own, or a border as a thin filled rectangle);
* `find_table_regions`: the connected sets of horizontal and vertical rules, one per
  ruled table on the page;
* `close_open_sides`: a table cut by the page end may have no rule under its last row
  (or over its first): the vertical rules say where it ends;
* `cell_grid`: rows between horizontal rules, columns between vertical rules, cells
  merged where the rule between two grid positions is missing (spanning cells);
* `assign_words`: each word goes to the cell holding its centre (for a word straying
  over a border, the cell holding most of it);
* `fragment_from_grid`: a cell's words grouped into lines and the lines joined as
  printed lines are (lines.py), per grid row; camelot_engine.py builds its
  fragments here too.

The result per page is a `PageLayout`: its table `Fragment`s (one per ruled table on
the page, rows as drawn) and the `TextLine`s outside any table.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from extract.pdf.geometry import Edge, PageGeometry, Word
# Lines and cell text (lines.py); WORD_BREAK, TextLine, cell_text, group_lines are
# imported from here too by the engines and tests.
from extract.pdf.lines import (  # noqa: F401
    WORD_BREAK,
    TextLine,
    cell_text,
    ends_full,
    group_lines,
    join_cell_lines,
    mostly_bold,
    padding_of,
    text_lines,
)
from extract.pdf.settings import GRID_SETTINGS, GridSettings
from extract.text import clean_text

# The tolerances (snap, join, cover, line, word-break slack, ...) are GridSettings
# fields (settings.py), passed to every function that uses one.


@dataclass
class FragmentRow:
    """One grid row of a table fragment. `cells` has one text per grid column; a
    position covered by a merged cell (from the left or from above) is "". `spans`
    gives (columns, rows) for a cell's top-left position and (0, 0) for a covered one;
    `cell_boxes` the box (x0, top, x1, bottom) of the cell owning each position."""

    cells: list[str]
    top: float
    bottom: float
    cell_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    bold: bool = False  # every filled cell of the row set in bold (a header row, often)
    # Per position: the cell's last line is one word filling the line (the word may go
    # on at the top of the next page, when the row is continued there).
    ends_full: list[bool] = field(default_factory=list)
    # Per position, the lowest OCR confidence (0-100) of the cell's words; empty when
    # the text was drawn as text (no OCR).
    confidence: list[float | None] = field(default_factory=list)


@dataclass
class Fragment:
    """The part of a ruled table drawn on one page. `open_top` / `open_bottom`: the
    page has no rule over the first / under the last row (the table is cut there)."""

    page_no: int
    bbox: tuple[float, float, float, float]
    rows: list[FragmentRow]
    open_top: bool = False
    open_bottom: bool = False
    columns: list[float] = field(default_factory=list)  # x of the column rules
    # Every word inside the ruled region as the page draws it (before cells are read),
    # for the text balance normalize keeps (see RawTable.source_words); None: not counted.
    source_words: list[str] | None = None

    @property
    def n_cols(self) -> int:
        return len(self.rows[0].cells) if self.rows else 0


@dataclass
class PageLayout:
    page_no: int
    width: float
    height: float
    fragments: list[Fragment]
    lines: list[TextLine]


# ---------------------------------------------------------------------------- edges


def _cluster(values: list[float], tolerance: float) -> list[list[int]]:
    """Indices of `values` grouped so that sorted neighbours closer than `tolerance`
    share a group."""
    order = sorted(range(len(values)), key=values.__getitem__)
    groups: list[list[int]] = []
    last = None
    for i in order:
        if last is None or values[i] - last > tolerance:
            groups.append([])
        groups[-1].append(i)
        last = values[i]
    return groups


def snap_edges(edges: list[Edge], settings: GridSettings = GRID_SETTINGS) -> list[Edge]:
    """Horizontal rules at nearly the same y moved to their mean y; vertical rules at
    nearly the same x to their mean x."""
    tolerance = settings.snap_tolerance
    out: list[Edge] = []
    for orient in ("h", "v"):
        group = [e for e in edges if e.orientation == orient]
        pos = [e.top if orient == "h" else e.x0 for e in group]
        for idx in _cluster(pos, tolerance):
            mean = sum(pos[i] for i in idx) / len(idx)
            for i in idx:
                e = group[i]
                out.append(Edge.horizontal(mean, e.x0, e.x1) if orient == "h" else Edge.vertical(mean, e.top, e.bottom))
    return out


def join_edges(edges: list[Edge], settings: GridSettings = GRID_SETTINGS) -> list[Edge]:
    """Collinear rules that overlap or nearly touch joined into one (after snapping,
    collinear means exactly equal position)."""
    tolerance = settings.join_tolerance
    out: list[Edge] = []
    by_line: dict[tuple[str, float], list[Edge]] = {}
    for e in edges:
        by_line.setdefault((e.orientation, e.top if e.orientation == "h" else e.x0), []).append(e)
    for (orient, pos), group in by_line.items():
        spans = sorted((e.x0, e.x1) if orient == "h" else (e.top, e.bottom) for e in group)
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + tolerance:
                end = max(end, b)
            else:
                out.append(Edge.horizontal(pos, start, end) if orient == "h" else Edge.vertical(pos, start, end))
                start, end = a, b
        out.append(Edge.horizontal(pos, start, end) if orient == "h" else Edge.vertical(pos, start, end))
    return out


class DisjointSets:
    """Union-find over 0..n-1 (path halving; a union keeps the smaller root, so a
    set's id is its smallest member): the one used for connected rules and merged
    cells alike."""

    def __init__(self, n: int):
        self.parent = list(range(max(n, 0)))

    def find(self, k: int) -> int:
        parent = self.parent
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _touch(h: Edge, v: Edge, tol: float) -> bool:
    return h.x0 - tol <= v.x0 <= h.x1 + tol and v.top - tol <= h.top <= v.bottom + tol


def find_table_regions(edges: list[Edge], settings: GridSettings = GRID_SETTINGS) -> list[list[Edge]]:
    """The connected groups of rules (a horizontal and a vertical rule are connected
    where they touch) that have enough vertical rules to be a table, top to bottom."""
    hs = [e for e in edges if e.orientation == "h"]
    vs = [e for e in edges if e.orientation == "v"]
    sets = DisjointSets(len(hs) + len(vs))
    # Vertical rules sorted by x: each horizontal rule only meets those within its
    # x-extent (keeps pages with many drawn segments fast).
    v_order = sorted(range(len(vs)), key=lambda j: vs[j].x0)
    v_xs = [vs[j].x0 for j in v_order]
    tol = settings.intersection_tolerance
    for i, h in enumerate(hs):
        lo, hi = bisect_left(v_xs, h.x0 - tol), bisect_right(v_xs, h.x1 + tol)
        for j in v_order[lo:hi]:
            if _touch(h, vs[j], tol):
                sets.union(i, len(hs) + j)
    groups: dict[int, list[Edge]] = {}
    for k, e in enumerate(hs + vs):
        groups.setdefault(sets.find(k), []).append(e)
    regions = [
        g for g in groups.values()
        if len({e.x0 for e in g if e.orientation == "v"}) >= settings.min_vertical_rules
    ]
    return sorted(regions, key=lambda g: min(e.top for e in g))


def close_open_sides(region: list[Edge], settings: GridSettings = GRID_SETTINGS) -> tuple[list[Edge], bool, bool]:
    """Add a horizontal rule where the vertical rules end beyond the last (or before
    the first) horizontal rule; say whether the bottom / top had to be closed."""
    tolerance = settings.snap_tolerance
    vs = [e for e in region if e.orientation == "v"]
    hs = [e for e in region if e.orientation == "h"]
    left, right = min(e.x0 for e in vs), max(e.x0 for e in vs)
    v_top, v_bottom = min(e.top for e in vs), max(e.bottom for e in vs)
    h_ys = [e.top for e in hs]
    out = list(region)
    open_top = open_bottom = False
    if not h_ys or min(h_ys) > v_top + tolerance:
        out.append(Edge.horizontal(v_top, left, right))
        open_top = True
    if not h_ys or max(h_ys) < v_bottom - tolerance:
        out.append(Edge.horizontal(v_bottom, left, right))
        open_bottom = True
    return out, open_top, open_bottom


# ----------------------------------------------------------------------------- grid


@dataclass
class CellGrid:
    """Row rules `ys` and column rules `xs` of a region, and for every grid position
    (row, col) the id of the cell it belongs to (merged cells share an id)."""

    ys: list[float]
    xs: list[float]
    owner: list[list[int]]

    def cell_positions(self) -> dict[int, list[tuple[int, int]]]:
        out: dict[int, list[tuple[int, int]]] = {}
        for i, row in enumerate(self.owner):
            for j, cid in enumerate(row):
                out.setdefault(cid, []).append((i, j))
        return out

    def cell_boxes(self) -> dict[int, tuple[tuple[float, float, float, float], tuple[int, int, int, int]]]:
        """Per cell id: its box (x0, top, x1, bottom) and where it lies (first row,
        first column, columns spanned, rows spanned)."""
        out = {}
        for cid, pos in self.cell_positions().items():
            i0, i1 = min(p[0] for p in pos), max(p[0] for p in pos)
            j0, j1 = min(p[1] for p in pos), max(p[1] for p in pos)
            box = (self.xs[j0], self.ys[i0], self.xs[j1 + 1], self.ys[i1 + 1])
            out[cid] = (box, (i0, j0, j1 - j0 + 1, i1 - i0 + 1))
        return out

    def locate(self, x: float, y: float) -> tuple[int, int] | None:
        """The grid position holding the point, or None outside the grid."""
        if len(self.xs) < 2 or len(self.ys) < 2:
            return None
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        j = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        i = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        return i, j


def _distinct(values: list[float], tolerance: float) -> list[float]:
    return [sum(values[i] for i in g) / len(g) for g in _cluster(values, tolerance)]


def rule_coverage(edges: list[Edge], a: float, b: float) -> float:
    """Share of the interval [a, b] covered by the edges' extents (along their length)."""
    if b <= a:
        return 0.0
    spans = sorted(
        (max(a, lo), min(b, hi))
        for lo, hi in ((e.x0, e.x1) if e.orientation == "h" else (e.top, e.bottom) for e in edges)
        if min(b, hi) > max(a, lo)
    )
    covered, end = 0.0, a
    for lo, hi in spans:
        lo = max(lo, end)
        if hi > lo:
            covered += hi - lo
            end = hi
    return covered / (b - a)


def merge_positions(n_rows: int, n_cols: int, joined_right, joined_down) -> list[list[int]]:
    """For every grid position (row, col) the id of the merged cell it belongs to (the
    row-major index of the cell's top-left position). `joined_right(i, j)` says there
    is no rule between (i, j) and (i, j+1); `joined_down(i, j)`, none between (i, j)
    and (i+1, j). Union-find, so L-shaped joins settle on one id."""
    sets = DisjointSets(n_rows * n_cols)
    for i in range(n_rows):
        for j in range(n_cols):
            k = i * n_cols + j
            if j + 1 < n_cols and joined_right(i, j):
                sets.union(k, k + 1)
            if i + 1 < n_rows and joined_down(i, j):
                sets.union(k, k + n_cols)
    return [[sets.find(i * n_cols + j) for j in range(n_cols)] for i in range(n_rows)]


def cell_grid(region: list[Edge], settings: GridSettings = GRID_SETTINGS) -> CellGrid:
    """The grid of a closed region and its merged cells: two neighbouring positions
    are one cell unless a rule covers most of the side between them."""
    tolerance, cover = settings.snap_tolerance, settings.separator_min_cover
    ys = _distinct([e.top for e in region if e.orientation == "h"], tolerance)
    xs = _distinct([e.x0 for e in region if e.orientation == "v"], tolerance)
    h_at = {y: [e for e in region if e.orientation == "h" and abs(e.top - y) <= tolerance] for y in ys}
    v_at = {x: [e for e in region if e.orientation == "v" and abs(e.x0 - x) <= tolerance] for x in xs}
    owner = merge_positions(
        len(ys) - 1,
        len(xs) - 1,
        joined_right=lambda i, j: rule_coverage(v_at[xs[j + 1]], ys[i], ys[i + 1]) < cover,
        joined_down=lambda i, j: rule_coverage(h_at[ys[i + 1]], xs[j], xs[j + 1]) < cover,
    )
    return CellGrid(ys, xs, owner)


# ----------------------------------------------------------------------------- page


def assign_words(grid: CellGrid, words: list[Word]) -> tuple[dict[int, list[Word]], list[Word]]:
    """Each word inside the grid to the cell holding its centre (a word straying over
    a border is in the cell holding most of it); the words outside the grid apart."""
    cells: dict[int, list[Word]] = {}
    rest: list[Word] = []
    for w in words:
        pos = grid.locate(w.xc, w.yc)
        if pos is None:
            rest.append(w)
        else:
            cells.setdefault(grid.owner[pos[0]][pos[1]], []).append(w)
    return cells, rest


def _below_a_blank(words: list[Word], row_top: float, settings: GridSettings) -> list[Word]:
    """Of the words in a row cut open by the page end, those of its last line when it
    stands under a blank of more than settings.open_row_max_blank lines (from the text
    above, or from the row's top rule): a cell's text starts at its top and runs on
    without such a gap, and a producer that draws the cut-open borders down into the
    page margin (Chromium) draws them around the page number there."""
    lines = group_lines(words, settings)
    if not lines:
        return []
    last = lines[-1]
    above = max((w.bottom for line in lines[:-1] for w in line), default=row_top)
    size = max(max(w.size for w in last), 1.0)
    return last if min(w.top for w in last) - above > settings.open_row_max_blank * size else []


def fragment_from_grid(
    grid: CellGrid,
    cells: dict[int, list[Word]],
    page_no: int,
    *,
    open_top: bool,
    open_bottom: bool,
    settings: GridSettings = GRID_SETTINGS,
    texts: dict[int, str] | None = None,
    mark_full: bool = True,
    source: list[str] | None = None,
) -> Fragment:
    """The fragment of a cell grid whose cells hold `cells` (cell id -> its words, or
    text lines as words): per grid row the texts (`cell_text`, or `texts[cid]` when
    given), cell boxes, spans, boldness, OCR confidence and, with `mark_full`, whether
    a cell's last line is one word filling it. grid.py and camelot_engine.py both
    build their fragments here."""
    placed = grid.cell_boxes()
    rows = []
    for i, owners in enumerate(grid.owner):
        row_texts, row_boxes, row_spans, confs, full = [], [], [], [], []
        bold_cells = filled_cells = 0
        for j, cid in enumerate(owners):
            box, (i0, j0, ncols, nrows) = placed[cid]
            origin = (i0, j0) == (i, j)
            cell_words = cells.get(cid, []) if origin else []
            lines = group_lines(cell_words, settings)
            padding = padding_of(cell_words, box) if cell_words else 0.0
            if not origin:
                row_texts.append("")
            elif texts is not None:
                row_texts.append(texts[cid])
            else:
                row_texts.append(join_cell_lines(lines, box, padding, settings) if lines else "")
            confs.append(min((w.conf for w in cell_words if w.conf is not None), default=None))
            full.append(ends_full(lines, box, padding, settings))
            row_boxes.append(box)
            row_spans.append((ncols, nrows) if origin else (0, 0))
            if cell_words:
                filled_cells += 1
                bold_cells += mostly_bold(cell_words)
        bold = filled_cells > 0 and bold_cells == filled_cells
        rows.append(FragmentRow(row_texts, grid.ys[i], grid.ys[i + 1], row_boxes, row_spans, bold,
                                full if mark_full else []))
        if any(c is not None for c in confs):
            rows[-1].confidence = confs
    bbox = (grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1])
    return Fragment(page_no, bbox, rows, open_top, open_bottom, list(grid.xs), source)


def fragment_from_region(
    region: list[Edge], words: list[Word], page_no: int, settings: GridSettings = GRID_SETTINGS
) -> tuple[Fragment, list[Word]]:
    """The fragment a region draws, filled with the words inside it; and the words
    that are not inside it."""
    closed, open_top, open_bottom = close_open_sides(region, settings)
    grid = cell_grid(closed, settings)
    cells, rest = assign_words(grid, words)
    if open_bottom and grid.owner:
        last_row = {cid for cid in grid.owner[-1]}
        stray = _below_a_blank([w for cid in last_row for w in cells.get(cid, ())], grid.ys[-2], settings)
        if stray:
            gone = set(map(id, stray))
            for cid in last_row:
                cells[cid] = [w for w in cells.get(cid, ()) if id(w) not in gone]
            rest = rest + stray
    inside = [w for ws in cells.values() for w in ws]
    fragment = fragment_from_grid(
        grid, cells, page_no, open_top=open_top, open_bottom=open_bottom, settings=settings,
        source=source_words(inside),
    )
    return fragment, rest


def source_words(words: list[Word]) -> list[str]:
    """The words' texts as whitespace-separated tokens, top to bottom."""
    return [t for w in sorted(words, key=lambda w: (w.top, w.x0)) for t in clean_text(w.text).split()]


def page_layout(page: PageGeometry, settings: GridSettings = GRID_SETTINGS) -> PageLayout:
    """A page's table fragments (top to bottom) and the text lines outside them."""
    edges = join_edges(snap_edges(page.edges, settings), settings)
    fragments: list[Fragment] = []
    words = list(page.words)
    for region in find_table_regions(edges, settings):
        fragment, words = fragment_from_region(region, words, page.page_no, settings)
        if fragment.rows:
            fragments.append(fragment)
    return PageLayout(page.page_no, page.width, page.height, fragments, text_lines(words, page.page_no, settings))
