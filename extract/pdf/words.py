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
    """Every word the document prints whole: not at a possible in-word break, nor
    where a row broken by the page end may have cut one (the first word of a table
    fragment's first row, the last of a last-row cell ending full), lest the halves of
    "graafili" | "ne" vouch for each other."""
    words: set[str] = set()

    def add(tokens: list[str]) -> None:
        for token in tokens:
            if WORD_BREAK not in token:
                w = _word(token)
                if w:
                    words.add(w)

    for page in pages:
        for ln in page.lines:
            add(ln.text.split())
        for fr in page.fragments:
            last = len(fr.rows) - 1
            for i, row in enumerate(fr.rows):
                for j, cell in enumerate(row.cells):
                    tokens = cell.split()
                    if i == 0:
                        tokens = tokens[1:]
                    if i == last and j < len(row.ends_full) and row.ends_full[j]:
                        tokens = tokens[:-1]
                    add(tokens)
    return words


def decide_word_break(
    head: str, tail: str, words: set[str], settings: RepairSettings = REPAIR_SETTINGS
) -> tuple[bool, bool]:
    """(glued, guessed): whether the text either side of a possible in-word break is
    one word, and whether that was guessed from the rest's length alone.

    One word when the rest is closing punctuation, or the rest of a number or date; or
    the document prints the glued word elsewhere; two when it prints the rest as a
    word of its own; one when the head, not a word the document prints, is the
    beginning of a longer one ("kogemuskohtum" of "kogemuskohtumised"; "Partnerite" is
    a word, though "partneritega" begins so). Failing all, a guess: a rest of a few
    letters is what did not fit of a long word, a longer one a word of its own. (A
    head printed as a word proves nothing: an inflected word begins with another,
    "kogemuskohtumiste" + "l"; nor does a rest of one letter printed alone:
    "graafilin" + "e".)"""
    if tail[:1] in CLOSING_PUNCTUATION or _word(head + tail) in words or number_goes_on(head, tail):
        return True, False
    rest, first = _word(tail), _word(head)
    if rest in words and len(rest) > 1:  # a single letter printed alone proves nothing
        return False, False
    if (
        len(first) >= settings.word_break_min_stem
        and first not in words
        and any(len(w) > len(first) and w.startswith(first) for w in words)
    ):
        return True, False
    return len(rest) <= settings.word_break_short_rest, True


def resolve_word_breaks(
    text: str, words: set[str], settings: RepairSettings = REPAIR_SETTINGS
) -> tuple[str, list[str], list[str]]:
    """Every line break grid.py marked as possibly inside a word, decided by
    `decide_word_break`: the text, the words glued, and the breaks decided by a guess
    (each as "head|rest read as …", for a note the analyst can check)."""
    glued: list[str] = []
    guessed: list[str] = []
    while WORD_BREAK in text:
        m = _BROKEN_RE.search(text)
        head, tail = m[1], m[2]
        one, guess = decide_word_break(head, tail, words, settings)
        if one:
            joined = head + tail
            glued.append(joined)
        else:
            joined = f"{head} {tail}"
        if guess:
            other = f"{head} {tail}" if one else head + tail
            guessed.append(f"{head}|{tail} read as {joined!r}, not {other!r}")
        text = text[: m.start()] + joined + text[m.end() :]
    return text, glued, guessed


def guessed_note(guess: str, page_no: int, **where) -> ExtractionNote:
    """An in-word break decided by the rest's length alone: the reading taken and the
    other, so that a wrong one is found by looking, not by chance."""
    return ExtractionNote(
        "word_break_guessed",
        f"a line break on page {page_no} may or may not be inside a word: {guess} "
        "(the document prints neither the glued word nor the rest elsewhere)",
        "info",
        page=page_no,
        **where,
    )


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
                        text, glued, guessed = resolve_word_breaks(cell, words, settings)
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
                        notes.extend(guessed_note(g, fr.page_no, raw_text=cell.replace(WORD_BREAK, "|")[:200])
                                     for g in guessed)
                        cell = text
                    cells.append(cell)
                rows.append(dataclasses.replace(row, cells=cells))
            fragments.append(dataclasses.replace(fr, rows=rows))
        out.append(dataclasses.replace(page, fragments=fragments))
    return out, notes
