"""The text outside tables: page furniture dropped, the rest as typed blocks.

1. page furniture goes: lines in the top/bottom margin bands that are page numbers,
   or that repeat on many pages;
2. the remaining lines become blocks in reading order (page by page, top to bottom):
   a "Tabel N." line is a caption, bold text is a heading (level from its font size),
   anything else a paragraph; a bold block set centred is the document's title and
   stays a paragraph, as it is in the DOCX.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract.captions import caption_number
from extract.pdf.grid import PageLayout
from extract.pdf.lines import TextLine
from extract.pdf.settings import REPAIR_SETTINGS, RepairSettings
from extract.text import clean_text, join_lines

# A page number as printed: "7", "- 7 -", "7/30", "7 / 30", "Lk 7", "Page 7 of 30".
PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:lk|lehekülg|leht|page|p)\.?\s*)?[-\u2013\u2014(]?\s*\d{1,4}\s*[-\u2013\u2014)]?"
    r"(?:\s*(?:/|of|\u2013|-)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_text(text)).lower()


def _in_band(line: TextLine, height: float, settings: RepairSettings) -> bool:
    return line.bottom <= height * settings.header_band or line.top >= height * (1 - settings.footer_band)


def drop_page_furniture(pages: list[PageLayout], settings: RepairSettings = REPAIR_SETTINGS) -> list[list[TextLine]]:
    """Each page's lines without its running header, footer and page number: lines in
    the margin bands that are page numbers, or that repeat (same text, digits aside,
    at the same height) on many pages. A caption is never furniture."""
    band: dict[str, list[tuple[int, float]]] = {}
    for k, page in enumerate(pages):
        for ln in page.lines:
            if _in_band(ln, page.height, settings):
                band.setdefault(_furniture_key(ln.text), []).append((k, ln.top))
    repeat_min = max(settings.repeat_min_pages, settings.repeat_min_share * len(pages))

    def repeats(key: str, top: float) -> bool:
        pages_with = {k for k, t in band.get(key, ()) if abs(t - top) <= settings.furniture_position_tolerance}
        return len(pages_with) >= repeat_min

    out = []
    for page in pages:
        kept = []
        for ln in page.lines:
            if _in_band(ln, page.height, settings) and caption_number(ln.text) is None:
                text = clean_text(ln.text)
                if PAGE_NUMBER_RE.match(text) or repeats(_furniture_key(text), ln.top):
                    continue
            kept.append(ln)
        out.append(kept)
    return out


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


def _same_block(prev: TextLine, line: TextLine, settings: RepairSettings) -> bool:
    if prev.page_no != line.page_no or prev.bold != line.bold:
        return False
    if abs(prev.size - line.size) > settings.size_tolerance:
        return False
    if caption_number(line.text) is not None:
        return False  # a caption starts its own block (a long one may wrap on)
    return line.top - prev.bottom <= settings.paragraph_gap_ratio * max(prev.size, line.size)


def text_column(lines: list[TextLine], settings: RepairSettings = REPAIR_SETTINGS) -> tuple[float, float]:
    """The body text's left and right edges: where most lines start, and where the
    longest lines end (justified or ragged, the full lines reach the right margin)."""
    if not lines:
        return 0.0, 0.0
    left = Counter(round(ln.x0) for ln in lines).most_common(1)[0][0]
    ends = sorted(ln.x1 for ln in lines)
    right = ends[min(len(ends) - 1, int(settings.right_edge_quantile * len(ends)))]
    return float(left), float(max(right, left))


def _is_centred(lines: list[TextLine], column: tuple[float, float], settings: RepairSettings) -> bool:
    left, right = column
    width = right - left
    if width <= 0:
        return False
    centre = (left + right) / 2
    tol = settings.centre_tolerance * width
    return all(abs((ln.x0 + ln.x1) / 2 - centre) <= tol and ln.x0 - left > tol for ln in lines)


def group_blocks(
    lines: list[TextLine], column: tuple[float, float], settings: RepairSettings = REPAIR_SETTINGS
) -> list[TextBlock]:
    """Consecutive lines of one style and spacing as blocks, each typed."""
    groups: list[list[TextLine]] = []
    for ln in lines:
        if groups and _same_block(groups[-1][-1], ln, settings):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    blocks = []
    for g in groups:
        b = TextBlock(g)
        if caption_number(b.text) is not None:
            b.kind = "caption"
        elif all(ln.bold for ln in g) and not _is_centred(g, column, settings):
            b.kind = "heading"
        blocks.append(b)
    # Heading levels from font size: the largest heading size is level 1. One size
    # only says nothing about levels.
    levels: list[float] = []  # the distinct heading sizes, largest first
    for size in sorted((b.lines[0].size for b in blocks if b.kind == "heading"), reverse=True):
        if not levels or levels[-1] - size > settings.size_tolerance:
            levels.append(size)
    if len(levels) > 1:
        for b in blocks:
            if b.kind == "heading":
                size = b.lines[0].size
                b.level = 1 + sum(1 for s in levels[1:] if s >= size - settings.size_tolerance)
    return blocks
