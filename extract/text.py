"""Text of cells and lines as read from a document: whitespace and line joins."""

from __future__ import annotations

import unicodedata

# Characters that stand for a space inside numbers and between words: the
# no-break space and the narrow no-break space are what Word puts in "93 988,53".
SPACES = "\u00a0\u202f\u2007\u2009\u200a"
# Dashes seen between the two dates of a range: hyphen, en dash, em dash, minus.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def clean_text(text: str | None) -> str:
    """Whitespace collapsed to single spaces; unicode normalised to NFC."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    for ch in SPACES:
        text = text.replace(ch, " ")
    return " ".join(text.split())


# A hyphen at a line end followed by one of these words is a suspended compound
# ("Põhja- ja Lõuna-Eesti", "kvalitatiiv- kui ka kvantitatiivuuringu"): the space stays.
SUSPENDED_HYPHEN_NEXT = ("ja", "ning", "või", "ega", "kui", "and", "or")


def join_lines(lines: list[str]) -> str:
    """Join a cell's wrapped lines: a line ending in a hyphen joins the next without
    a space ("Põhja-" + "Eestis" -> "Põhja-Eestis", "01.01.2023-" + "31.10.2029"),
    every other break becomes one space. The annex is not auto-hyphenated, so the
    hyphen is always kept. A hyphen before "ja"/"ning"/… is a suspended compound
    ("Põhja- ja Lõuna-Eesti") and keeps its space."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif (
            out.endswith(tuple(DASHES))
            and not out.endswith(" " + out[-1])
            and line.split(" ", 1)[0].lower() not in SUSPENDED_HYPHEN_NEXT
        ):
            out += line
        else:
            out += " " + line
    return out
