"""Words into printed lines, and a table cell's lines into its text.

Pure functions on the page model's `Word`s, shared by grid.py (its cells and the text
outside tables) and camelot_engine.py (camelot's text lines as words):

* `group_lines`: words on one printed line (tops within a share of the font size);
* `line_text`: a line's words joined with the page model's gap rule;
* `cell_text`: a cell's lines joined as printed lines are, with `WORD_BREAK` where
  the column edge may have broken a word (decided later by words.py);
* `ends_full`: whether a cell's last line is one word filling it (the page end may
  have broken that word; stitch.merge_rows decides).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract.pdf.geometry import WORD_SETTINGS, Word
from extract.pdf.settings import GRID_SETTINGS, GridSettings
from extract.text import DASHES, join_lines

# A date, or a range of two, as the annex writes them: what a date cut short by the
# column edge and its rest make together.
_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}"
DATE_RE = re.compile(_DATE)
DATE_OR_RANGE_RE = re.compile(rf"{_DATE}(?:[{DASHES}]{_DATE})?")
# Marks a line break that may fall inside a word (GridSettings.word_break_max_slack).
# It is a zero-width space, so it is never mistaken for text; words.py resolves every one.
WORD_BREAK = "\u200b"
# Closing punctuation: what, besides a lower-case letter, the rest of a word broken by
# the column edge may start with on the next line.
CLOSING_PUNCTUATION = ")]}»”“’,.;:!?"


@dataclass(frozen=True)
class TextLine:
    """A line of running text outside any table."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page_no: int


def group_lines(words: list[Word], settings: GridSettings = GRID_SETTINGS) -> list[list[Word]]:
    """Words grouped into printed lines (tops within a share of the font size), top to
    bottom, each line's words left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            first = lines[-1][0]
            if w.top - first.top <= settings.line_top_tolerance * max(first.size, w.size, 1.0):
                lines[-1].append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def line_text(words: list[Word]) -> str:
    """A line's words joined: a space between words unless they abut (a font change
    inside one run of text; the gap rule of the page model, geometry.WordSettings)."""
    out = ""
    prev: Word | None = None
    for w in words:
        if prev is not None and w.x0 - prev.x1 > WORD_SETTINGS.word_gap(max(prev.size, w.size)):
            out += " "
        out += w.text
        prev = w
    return out


def _mean_glyph(w: Word) -> float:
    return (w.x1 - w.x0) / max(len(w.text), 1)


def _fills_line(line: list[Word], box: tuple[float, float, float, float], padding: float, glyph: float,
                settings: GridSettings) -> bool:
    """Whether `line` is one word filling the cell's line with no blank drawn after it
    (settings.word_break_max_slack): less room left than a glyph of width `glyph`
    (with room for a wide one) or a share of the font size."""
    if " " in line_text(line):
        return False
    last = line[-1]
    if last.space_after:
        return False  # the PDF draws the space: a break between words
    if last.text.endswith(tuple(DASHES)):
        return False  # a hyphen at the line end: join_lines joins it anyway
    size = max(last.size, 1.0)
    if padding > settings.max_cell_padding * size:
        return False  # not left-aligned: where the text could have ended is unknown
    slack = (box[2] - padding) - last.x1
    return slack < max(settings.word_break_max_slack * size, settings.wide_glyph_ratio * glyph)


def goes_on(head: str, tail: str) -> bool:
    """Whether `tail` may be the rest of a word `head` ends in: it starts in lower case
    or with closing punctuation, or a date cut short goes on in digits."""
    first = tail[:1]
    return first.islower() or first in CLOSING_PUNCTUATION or number_goes_on(head, tail)


def _maybe_broken_word(line: list[Word], nxt: list[Word], box: tuple[float, float, float, float], padding: float,
                       settings: GridSettings) -> bool:
    """Whether `line` may end in a word broken by the column edge: one word only,
    filling the line, the next line going on (`goes_on`). The glyph that went to the
    next line is not known: its word's mean glyph width stands for it."""
    rest = nxt[0]
    return _fills_line(line, box, padding, _mean_glyph(rest), settings) and goes_on(line[-1].text, rest.text)


def number_goes_on(head: str, tail: str) -> bool:
    """Whether a date broken by the column edge goes on in `tail`: the last word of
    `head`, not a whole date itself, and the first of `tail` make a date or a range
    ("01.01.2023-31.10.20" + "29", "01.01.2024-31.1" + "0.2030", "31.12." + "2025";
    "01.10.2025" + "31.01.2026" are two dates)."""
    h, t = head.split(), tail.split()
    if not h or not t or not t[0][:1].isdigit() or DATE_RE.fullmatch(h[-1]):
        return False
    return bool(DATE_OR_RANGE_RE.fullmatch((h[-1] + t[0]).rstrip(".,;:)")))


def padding_of(words: list[Word], box: tuple[float, float, float, float]) -> float:
    """How far a cell's text starts from the cell's left rule."""
    return min(w.x0 for w in words) - box[0]


def ends_full(lines: list[list[Word]], box: tuple[float, float, float, float], padding: float,
              settings: GridSettings = GRID_SETTINGS) -> bool:
    """Whether a cell's last line is one word filling the line, with no blank drawn
    after it (the next line unknown: the word's own mean glyph width stands for the
    glyph that did not fit)."""
    return bool(lines) and _fills_line(lines[-1], box, padding, _mean_glyph(lines[-1][-1]), settings)


def join_cell_lines(lines: list[list[Word]], box: tuple[float, float, float, float] | None, padding: float,
                    settings: GridSettings) -> str:
    """`cell_text` of lines already grouped (a cell's lines are grouped once)."""
    texts = [line_text(line) for line in lines]
    if len(lines) == 1:
        return texts[0]
    merged = [texts[0]]
    for prev, line, text in zip(lines, lines[1:], texts[1:]):
        if box is not None and _maybe_broken_word(prev, line, box, padding, settings):
            merged[-1] += WORD_BREAK + text
        elif prev[-1].space_after and prev[-1].text.endswith(tuple(DASHES)):
            # "01.01.2025- " + "31.12.2025": the PDF draws the space after the dash,
            # so the text has one; join_lines would glue the two.
            merged[-1] += " " + text
        else:
            merged.append(text)
    return join_lines(merged)


def cell_text(words: list[Word], box: tuple[float, float, float, float] | None = None,
              settings: GridSettings = GRID_SETTINGS) -> str:
    """A cell's words as text: lines joined as printed lines are (join_lines), with a
    WORD_BREAK where the column edge may have broken a word."""
    lines = group_lines(words, settings)
    if not lines:
        return ""
    padding = padding_of(words, box) if box is not None else 0.0
    return join_cell_lines(lines, box, padding, settings)


def mostly_bold(words: list[Word]) -> bool:
    bold = sum(len(w.text) for w in words if w.bold)
    return bold * 2 > sum(len(w.text) for w in words)


def text_line_of(words: list[Word], page_no: int) -> TextLine:
    chars = Counter()
    bold_chars = 0
    for w in words:
        chars[round(w.size, 1)] += len(w.text)
        bold_chars += len(w.text) if w.bold else 0
    total = sum(chars.values())
    return TextLine(
        text=line_text(words),
        x0=min(w.x0 for w in words),
        x1=max(w.x1 for w in words),
        top=min(w.top for w in words),
        bottom=max(w.bottom for w in words),
        size=chars.most_common(1)[0][0],
        bold=bold_chars * 2 > total,
        page_no=page_no,
    )


def text_lines(words: list[Word], page_no: int, settings: GridSettings = GRID_SETTINGS) -> list[TextLine]:
    """Words outside every table as the page's text lines, top to bottom."""
    return [text_line_of(line, page_no) for line in group_lines(words, settings)]
