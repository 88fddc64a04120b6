"""The engine-neutral page model every PDF engine produces.

An engine (pdfplumber, pypdfium2, …) reads a page into a `PageGeometry`: the page's
words with their boxes and fonts, and the straight ruling segments (`Edge`) drawn on
it. Everything after that (grid.py, repair.py) works on this model only, so an engine
is interchangeable as long as it fills it the same way. Coordinates are PDF points
with the origin at the page's top left, y growing downwards (pdfplumber's `top`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

# A font whose name says it is bold ("LiberationSerif-Bold", "DejaVu-Sans-Bold-Semi-
# Condensed", "Arial,Bold", "…-Black", "…-Heavy"). "Semi-Condensed" alone is not bold.
BOLD_FONT_RE = re.compile(r"bold|black|heavy", re.IGNORECASE)

# A rectangle thinner than this (pt) in one direction is a ruling drawn as a filled bar,
# not a box: it stands for one edge along its centre line. Borders of 0.25-1.5 pt are
# what office programs draw; 2 pt leaves room without taking a shaded cell for a rule.
THIN_RECT_MAX = 2.0

# A segment shorter than this (pt) is a dot or a joint, not a ruling.
MIN_EDGE_LENGTH = 1.0


@dataclass(frozen=True)
class WordSettings:
    """How every engine cuts a page's characters into `Word`s: part of the page model's
    contract, so that the engines agree whatever the producer wrote.

    Word boundaries come from the glyphs' geometry: a blank character the PDF draws
    ends a word, and so does a gap between two glyph boxes on a line wider than
    `gap_ratio` of the font size, whether or not a space glyph is drawn there
    (Chromium/Skia writes none PDFium reports; a fixed 3 pt, pdfplumber's default, runs
    "Tabel 1." together at 10 pt, where a space is 2.8 pt)."""

    # A space is 0.22-0.32 em in text fonts (Carlito 0.226, Times 0.25, Arial 0.278,
    # DejaVu Sans 0.318) and justification only widens it; kerning moves glyphs of
    # one word by a few hundredths of an em. pdfplumber's `x_tolerance_ratio`.
    gap_ratio: float = 0.15
    # Characters whose tops differ by at most this (pt) are on one line
    # (pdfplumber's `y_tolerance`; for text that is not upright, its `x_tolerance`).
    line_tolerance: float = 3.0
    # A blank character whose left edge is within this distance (pt) of a word's right
    # edge, on the same line, follows that word (`Word.space_after`).
    space_after_tolerance: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.gap_ratio < 1:
            raise ValueError(f"gap_ratio must be between 0 and 1 (a share of the font size), not {self.gap_ratio}")
        for name in ("line_tolerance", "space_after_tolerance"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")

    def word_gap(self, size: float) -> float:
        """The widest gap (pt) inside a word set in this font size."""
        return self.gap_ratio * max(size, 1.0)


WORD_SETTINGS = WordSettings()


def blank_index(blanks: Iterable[tuple[float, float]]) -> dict[int, list[float]]:
    """The left edges of a page's drawn blank characters, given as (x0, top), by
    rounded top: what `has_blank_after` looks in."""
    out: dict[int, list[float]] = {}
    for x0, top in blanks:
        out.setdefault(round(top), []).append(x0)
    return out


def has_blank_after(
    blanks: dict[int, list[float]], top: float, x1: float, settings: WordSettings = WORD_SETTINGS
) -> bool:
    """`Word.space_after`: a drawn blank starts within `space_after_tolerance` of the
    word's right edge, its top rounding to the word's row or a neighbour."""
    row = round(top)
    tol = settings.space_after_tolerance
    for r in (row - 1, row, row + 1):
        for x in blanks.get(r, ()):
            if -tol <= x - x1 <= tol:
                return True
    return False


def is_bold_font(fontname: str | None) -> bool:
    return bool(fontname) and bool(BOLD_FONT_RE.search(fontname.split("+")[-1]))


@dataclass(frozen=True)
class Word:
    """A run of characters with no space between them, on one line, in one font (cut
    by `WordSettings`). `space_after`: the PDF draws a blank character right after the word (some
    producers draw the space at a line end when it fits; a word broken by the column
    edge never has one). `conf`: how sure OCR is of the word (0-100); None for text
    drawn as text."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fontname: str = ""
    size: float = 0.0
    bold: bool = False
    space_after: bool = False
    conf: float | None = None

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Edge:
    """A horizontal ("h": top == bottom) or vertical ("v": x0 == x1) ruling segment."""

    orientation: Literal["h", "v"]
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def length(self) -> float:
        return self.x1 - self.x0 if self.orientation == "h" else self.bottom - self.top

    @staticmethod
    def horizontal(y: float, x0: float, x1: float) -> "Edge":
        return Edge("h", min(x0, x1), max(x0, x1), y, y)

    @staticmethod
    def vertical(x: float, top: float, bottom: float) -> "Edge":
        return Edge("v", x, x, min(top, bottom), max(top, bottom))


@dataclass
class PageGeometry:
    """One page: 1-based number, size, words and ruling edges."""

    page_no: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def edges_from_segment(x0: float, top: float, x1: float, bottom: float) -> list[Edge]:
    """A drawn line from (x0, top) to (x1, bottom): one edge if it is axis-parallel."""
    if abs(top - bottom) <= THIN_RECT_MAX / 2 and abs(x1 - x0) >= MIN_EDGE_LENGTH:
        return [Edge.horizontal((top + bottom) / 2, x0, x1)]
    if abs(x1 - x0) <= THIN_RECT_MAX / 2 and abs(bottom - top) >= MIN_EDGE_LENGTH:
        return [Edge.vertical((x0 + x1) / 2, top, bottom)]
    return []  # a diagonal: not a ruling


def edges_from_rect(x0: float, top: float, x1: float, bottom: float, *, stroked: bool) -> list[Edge]:
    """A rectangle as ruling edges. A thin one (filled or stroked) is a single rule
    along its centre line; a larger stroked one is a box with four sides; a larger
    filled-only one is shading, not a border."""
    w, h = abs(x1 - x0), abs(bottom - top)
    x0, x1 = min(x0, x1), max(x0, x1)
    top, bottom = min(top, bottom), max(top, bottom)
    if h <= THIN_RECT_MAX and w >= MIN_EDGE_LENGTH and w > h:
        return [Edge.horizontal((top + bottom) / 2, x0, x1)]
    if w <= THIN_RECT_MAX and h >= MIN_EDGE_LENGTH and h > w:
        return [Edge.vertical((x0 + x1) / 2, top, bottom)]
    if w < MIN_EDGE_LENGTH or h < MIN_EDGE_LENGTH or not stroked:
        return []
    return [
        Edge.horizontal(top, x0, x1),
        Edge.horizontal(bottom, x0, x1),
        Edge.vertical(x0, top, bottom),
        Edge.vertical(x1, top, bottom),
    ]


class PdfUnreadable(Exception):
    """The engine could not parse the file (truncated, garbage, broken structure)."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class OcrUnavailable(Exception):
    """Tesseract (or its Estonian model) is not installed (ocr_engine.py)."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class PdfEncrypted(Exception):
    """The file is encrypted and no password, or a wrong one, was given."""
