"""camelot (lattice) -> table fragments for the shared repair stage.

camelot finds the ruled tables of a page by itself (it renders the page and finds the
rules in the image, adding the PDF's vector lines) and fills their cells with the text
lines of its PDF parser (playa, pdfminer's layout model). This module turns each
camelot table into a `grid.Fragment`, so `repair.assemble` reads camelot's tables as
it reads grid.py's: page number, bounding box, column rules, and per grid row the
cell texts, the cell boxes, the spans of merged cells and whether the row is bold.

    camelot.read_pdf(lattice)  ->  tables: rows, columns, cells with their rule flags
    fragment_from_table        ->  Fragment per table       (+ PageGeometry: rules)
    camelot_layouts            ->  PageLayout per page      (+ PageGeometry: text lines)

What camelot does not report comes from the page's `PageGeometry` (the same file read
by a geometry engine): the text outside the tables (captions, headings, paragraphs:
the page's words outside every camelot table, grouped into lines by grid.py's rules),
and whether the page draws a rule over / under a table (camelot closes every table
itself, so a table cut by the page end looks closed in its output; repair wants to
know it was open).

A cell's text is camelot's: its text lines, joined by grid.py's rules
(`lines.cell_text`): a hyphen at a line end joins, and a line that may end in a word
broken by the column edge is marked (`lines.WORD_BREAK`) for words.py to decide. That
mark needs where the line ends, so the lines are taken with their boxes from the
table's `textlines`, not from the cell's bare string (which, joined with join_lines
only, leaves "kohanemisteekonda de" and "Lõimumiskoda )" on the sample).

Coordinates: camelot works in PDF points with the origin at the bottom left; the page
model (geometry.py) at the top left: y is turned with the page height.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.pdf.geometry import Edge, PageGeometry, PdfUnreadable, Word, is_bold_font
from extract.pdf.grid import CellGrid, Fragment, PageLayout, fragment_from_grid, merge_positions, rule_coverage, source_words
from extract.pdf.lines import WORD_BREAK, cell_text, text_lines
from extract.pdf.settings import GRID_SETTINGS, GridSettings
from extract.text import join_lines

NAME = "camelot"

# camelot's table finder: "lattice" reads ruled tables (the annex's are all ruled).
FLAVOR = "lattice"
# How lattice finds the rules: "combined" (camelot's default) renders each page and
# finds the lines in the image, adding the PDF's vector lines; "vector" reads only the
# vector lines (no rendering; ~6x faster on the samples and the same tables there).
# The default keeps camelot's own, image-based view of the page: that independence
# from the geometry engines is what a second engine is for.
LINE_ENGINE = "combined"
# A wide gap inside a text line (a tab after a numbering code: "3.5.2.1.1      KOV-s")
# comes from the parser as a run of blanks; grid.py writes one space between two
# words however far apart they stand.
SPACE_RUN_RE = re.compile(" {2,}")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (page model)


# ----------------------------------------------------------------------- camelot


@contextmanager
def _readable_copy(path: str | Path, password: str | None) -> Iterator[str]:
    """The file for camelot to read. camelot takes a password for the text but
    renders the pages (lattice's rule finder) from the file without it, which fails on
    an encrypted file; so an encrypted file is opened here with its password and
    camelot reads a decrypted temporary copy. Raises PdfEncrypted for a missing or
    wrong password and PdfUnreadable for a file pdfium cannot open."""
    import pypdfium2 as pdfium

    from extract.pdf.pdfium import open_pdfium

    pdf = open_pdfium(path, password)
    if not password:
        pdf.close()
        yield str(path)
        return
    with tempfile.TemporaryDirectory(prefix="camelot-") as tmp:
        copy = Path(tmp) / "decrypted.pdf"
        try:
            pdf.save(str(copy), flags=pdfium.raw.FPDF_REMOVE_SECURITY)
        finally:
            pdf.close()
        yield str(copy)


def _read_tables(path: str | Path, password: str | None) -> list:
    """camelot's lattice tables on every page of the file."""
    import camelot
    from playa.exceptions import PDFException

    with _readable_copy(path, password) as readable, warnings.catch_warnings():
        # "No tables found on page-N": a page of running text is no error here.
        warnings.simplefilter("ignore")
        try:
            return list(camelot.read_pdf(readable, pages="all", flavor=FLAVOR, engine=LINE_ENGINE))
        except PDFException as exc:  # camelot's parser gave up on the file's structure
            raise PdfUnreadable(f"camelot: {exc}") from None


# ------------------------------------------------------------------------- cells


def _merged_cells(table) -> list[list[int]]:
    """For every grid position (row, col) the id of the cell it belongs to: camelot
    marks each position's sides that have a rule (`left`, `right`, `top`, `bottom`);
    a missing rule between two positions joins them into one merged cell. A cell's id
    is the row-major index of its top-left position."""
    cells = table.cells
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    # camelot sets a rule on both positions it separates; either missing joins.
    return merge_positions(
        n_rows,
        n_cols,
        joined_right=lambda i, j: not (cells[i][j].right and cells[i][j + 1].left),
        joined_down=lambda i, j: not (cells[i][j].bottom and cells[i + 1][j].top),
    )


def _line_word(textline, height: float) -> Word | None:
    """One of camelot's text lines (an `LTTextLineHorizontal`) as a single `Word` of
    the page model spanning the whole line: its text, box, main font and size, whether
    it is mostly bold, and whether the PDF draws a blank at its end. grid.py's line
    rules look only at a line's text, right end, last word and size, so a line-long
    Word is all they need."""
    raw = textline.get_text().rstrip("\n")
    text = SPACE_RUN_RE.sub(" ", raw.strip())
    if not text:
        return None
    chars = [c for c in textline if hasattr(c, "fontname")]  # LTChar, not LTAnno
    sizes = Counter(round(c.size, 1) for c in chars)
    fonts = Counter(c.fontname for c in chars)
    bold_chars = sum(1 for c in chars if is_bold_font(c.fontname))
    x0, y0, x1, y1 = textline.bbox
    return Word(
        text=text,
        x0=x0,
        x1=x1,
        top=height - y1,
        bottom=height - y0,
        fontname=fonts.most_common(1)[0][0] if fonts else "",
        size=sizes.most_common(1)[0][0] if sizes else 0.0,
        bold=bold_chars * 2 > len(chars),
        space_after=raw.endswith(" "),
    )


def _compact(text: str) -> str:
    return "".join(text.replace(WORD_BREAK, "").split())


def _inside(w: Word, box: Box) -> bool:
    return box[0] <= w.xc <= box[2] and box[1] <= w.yc <= box[3]


def _cell_text(raw: str, lines: list[Word], box: Box, settings: GridSettings) -> str:
    """A cell's text: camelot's text lines inside the cell's box joined by grid.py's
    rules (`grid.cell_text`). If those lines do not spell camelot's own text for the
    cell (camelot put a line straying over a border into another cell), camelot's
    text is kept as it is, its lines joined with join_lines only."""
    if lines:
        text = cell_text(lines, box, settings)
        if _compact(text) == _compact(raw):
            return text
    return join_lines(raw.split("\n"))


def _ruled(edges: list[Edge], y: float, x0: float, x1: float, settings: GridSettings) -> bool:
    """Whether the page draws a horizontal rule at `y` over most of [x0, x1] (its
    segments together: WeasyPrint draws each cell's border on its own). camelot places
    rules from a raster of the page (300 dpi) merged with the PDF's vector lines: its
    positions lie up to ~0.7 pt off the drawn rules (seen on all three renderings), so
    a rule of the page and one of camelot's are the same rule within grid.py's
    snapping tolerance (3 pt by default, far under the ~14 pt of the lowest row)."""
    at = [e for e in edges if e.orientation == "h" and abs(e.top - y) <= settings.snap_tolerance]
    return rule_coverage(at, x0, x1) >= settings.separator_min_cover


def fragment_from_table(table, page: PageGeometry, settings: GridSettings = GRID_SETTINGS) -> Fragment:
    """One camelot table (`camelot.core.Table`) on `page` as a Fragment, built as
    grid.py builds its own (`grid.fragment_from_grid`) from camelot's grid: a
    FragmentRow per camelot row; a merged cell's text, box and (columns, rows) span at
    its top-left position, "" / its box / (0, 0) at the positions it covers;
    `open_top` / `open_bottom` when the page draws no rule along the table's top /
    bottom side."""
    height = page.height
    # camelot's rows run top to bottom as (y top, y bottom), its columns left to right.
    ys = [height - table.rows[0][0]] + [height - r[1] for r in table.rows]
    xs = [table.cols[0][0]] + [c[1] for c in table.cols]
    lines = [w for w in (_line_word(t, height) for t in table.textlines or ()) if w is not None]
    grid = CellGrid(ys, xs, _merged_cells(table))
    cell_lines: dict[int, list[Word]] = {}
    texts: dict[int, str] = {}
    positions = grid.cell_positions()
    for cid, (box, _) in grid.cell_boxes().items():
        # camelot moves a merged cell's text to its top-left position (its default
        # shift_text "l", "t"); every position's text is gathered anyway, in order.
        raw = "\n".join(table.cells[i][j].text for i, j in sorted(positions[cid]))
        cell_lines[cid] = [w for w in lines if _inside(w, box)]
        texts[cid] = _cell_text(raw, cell_lines[cid], box, settings)
    return fragment_from_grid(
        grid, cell_lines, page.page_no,
        open_top=not _ruled(page.edges, ys[0], xs[0], xs[-1], settings),
        open_bottom=not _ruled(page.edges, ys[-1], xs[0], xs[-1], settings),
        # Not marked for camelot (as before this routine was shared): its cell
        # "words" are whole text lines, not the words the test was tuned on.
        settings=settings, texts=texts, mark_full=False,
    )


# ------------------------------------------------------------------------- pages


def camelot_layouts(
    path: str | Path, geometry_pages: Iterable[PageGeometry], *, password: str | None = None,
    settings: GridSettings = GRID_SETTINGS,
) -> list[PageLayout]:
    """Every page of the file as a `PageLayout`, in the order of `geometry_pages`:
    camelot's lattice tables on the page as fragments (top to bottom), and the page's
    words outside them as text lines (a page without tables has only lines).

    `geometry_pages` are the same file's pages read by a geometry engine: the words
    outside the tables and the ruling edges (for open_top / open_bottom) come from
    them. `password` opens an encrypted file. Raises PdfEncrypted / PdfUnreadable as
    the geometry engines do."""
    by_page: dict[int, list] = {}
    for t in _read_tables(path, password):
        by_page.setdefault(int(t.page), []).append(t)
    layouts = []
    for page in geometry_pages:
        fragments = [fragment_from_table(t, page, settings) for t in by_page.get(page.page_no, [])]
        fragments = [
            # The words of the geometry engine inside camelot's region: a count
            # independent of camelot's own text, for the text balance.
            dataclasses.replace(f, source_words=source_words([w for w in page.words if _inside(w, f.bbox)]))
            for f in sorted((f for f in fragments if f.rows), key=lambda f: f.bbox[1])
        ]
        words = [w for w in page.words if not any(_inside(w, f.bbox) for f in fragments)]
        layouts.append(PageLayout(page.page_no, page.width, page.height, fragments,
                                  text_lines(words, page.page_no, settings)))
    return layouts
