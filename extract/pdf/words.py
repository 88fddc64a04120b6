"""Words broken by a column edge: the document's vocabulary decides each break grid.py
marked (`grid.WORD_BREAK`) as a break inside a word (glued) or between two words.

A word too long for its column is broken inside the word with no hyphen; grid.py can
only see that a line holds one word filling it. Whether "koostöövõrgust" + "ike" is
one word is decided here, with every word the document prints whole elsewhere.
"""

from __future__ import annotations

import dataclasses
import re

from extract.model import ExtractionNote
from extract.pdf.grid import PageLayout
from extract.pdf.lines import CLOSING_PUNCTUATION, WORD_BREAK, number_goes_on
from extract.pdf.settings import REPAIR_SETTINGS, RepairSettings

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


def glue_word_break(head: str, tail: str, words: set[str], settings: RepairSettings = REPAIR_SETTINGS) -> bool:
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
        len(first) >= settings.word_break_min_stem
        and first not in words
        and any(len(w) > len(first) and w.startswith(first) for w in words)
    ):
        return True
    return len(rest) <= settings.word_break_short_rest


def resolve_word_breaks(
    text: str, words: set[str], settings: RepairSettings = REPAIR_SETTINGS
) -> tuple[str, list[str]]:
    """Every line break grid.py marked as possibly inside a word, decided by
    `glue_word_break`: the text, and the words glued."""
    glued: list[str] = []
    while WORD_BREAK in text:
        m = _BROKEN_RE.search(text)
        head, tail = m[1], m[2]
        if glue_word_break(head, tail, words, settings):
            joined = head + tail
            glued.append(joined)
        else:
            joined = f"{head} {tail}"
        text = text[: m.start()] + joined + text[m.end() :]
    return text, glued


def resolve_fragments(
    pages: list[PageLayout], words: set[str], settings: RepairSettings = REPAIR_SETTINGS
) -> tuple[list[PageLayout], list[ExtractionNote]]:
    """The pages with every marked break in their table cells decided (new layouts;
    the given ones are left as they are), and a note per word glued."""
    notes: list[ExtractionNote] = []
    out = []
    for page in pages:
        fragments = []
        for fr in page.fragments:
            rows = []
            for row in fr.rows:
                cells = []
                for cell in row.cells:
                    if WORD_BREAK in cell:
                        text, glued = resolve_word_breaks(cell, words, settings)
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
                        cell = text
                    cells.append(cell)
                rows.append(dataclasses.replace(row, cells=cells))
            fragments.append(dataclasses.replace(fr, rows=rows))
        out.append(dataclasses.replace(page, fragments=fragments))
    return out, notes
