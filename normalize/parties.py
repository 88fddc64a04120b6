"""Who is responsible: municipalities, the implementer (ELVL) and everyone else.

A responsible cell names one or more parties ("ELVL ja Tallinn", "ELVL, graafiline
disainer, partnerid"). Municipality names are matched against the shipped list of
Estonia's 79 municipalities with their inflected forms, then with rapidfuzz for
small misspellings; a name that matches nothing is kept as written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from extract.text import clean_text

# Minimum rapidfuzz ratio (0-100) for a misspelt municipality name to count as a
# match. High on purpose: "Tartu vald" vs "Tartu linn" scores about 70.
FUZZY_MATCH_MIN_SCORE = 90

IMPLEMENTER = "ELVL"
_IMPLEMENTER_NAMES = (
    "eesti linnade ja valdade liit",
    "eesti linnade ja valdade liidu",
    "linnade ja valdade liit",
    "elvl",
    "elluviija",
)
# Separators between parties; "ja"/"ning" only as whole words.
_SPLIT_RE = re.compile(r"\s*(?:[,;/&+]|\bja\b|\bning\b|\bkoos\b)\s*", re.IGNORECASE)

# Inflections of "linn"/"vald" in which a municipality is named in the annex's prose,
# headings and cells (nominative, genitive, inessive, adessive, allative, elative).
_CASE_ENDINGS = {
    "linn": ["linn", "linna", "linnas", "linnale", "linnal", "linnast", "linnavalitsus"],
    "vald": ["vald", "valla", "vallas", "vallale", "vallal", "vallast", "vallavalitsus"],
}


@dataclass(frozen=True)
class Municipality:
    name: str
    type: str
    stem: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    text = resources.files("normalize").joinpath("data/municipalities.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        Municipality(r["name"], r["type"], r["stem"], tuple(filter(None, r["aliases"].split("|"))))
        for r in rows
    )


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """lower-cased alias -> official name. A bare stem ("Tartu") means the town when
    both a town and a rural municipality share it, as in the annex."""
    out: dict[str, str] = {}
    # Rural municipalities first, so that towns overwrite a shared bare stem.
    for m in sorted(municipalities(), key=lambda m: m.type != "vald"):
        for ending in _CASE_ENDINGS.get(m.type, []):
            out[f"{m.stem} {ending}".lower()] = m.name
        out[m.stem.lower()] = m.name
        out[m.name.lower()] = m.name
        for alias in m.aliases:
            out[alias.lower()] = m.name
    return out


def match_municipality(text: str) -> str | None:
    """The official name of the municipality `text` names, or None."""
    key = clean_text(text).strip(" .").lower()
    if not key:
        return None
    aliases = _aliases()
    if key in aliases:
        return aliases[key]
    best = process.extractOne(key, aliases.keys(), scorer=fuzz.ratio)
    if best and best[1] >= FUZZY_MATCH_MIN_SCORE:
        return aliases[best[0]]
    return None


_MENTION_RE = re.compile(
    r"\b([A-ZÕÄÖÜŠŽ][\wõäöüšž]+(?:-[A-ZÕÄÖÜŠŽ][\wõäöüšž]+)?)\s+(linn\w*|vall\w*|vald)\b"
)
_TALLINN_RE = re.compile(r"\bTallinn(?:a|as)?\b")


def municipality_in_text(text: str) -> str | None:
    """The municipality a heading or caption names ("… pakkumine Tartu linnas")."""
    for m in _MENTION_RE.finditer(text):
        found = match_municipality(f"{m.group(1)} {m.group(2)}")
        if found:
            return found
    if _TALLINN_RE.search(text):
        return "Tallinn"
    return None


def is_implementer(text: str) -> bool:
    return clean_text(text).lower().strip(" .") in _IMPLEMENTER_NAMES


def split_parties(text: str | None) -> list[tuple[str, str | None, str]]:
    """[(party as written, official municipality or None, kind), …]."""
    raw = clean_text(text)
    if not raw:
        return []
    # Protect the implementer's full name from the split at "ja".
    protected = re.sub(
        r"eesti linnade ja valdade lii(?:t|du)", IMPLEMENTER, raw, flags=re.IGNORECASE
    )
    out = []
    for part in filter(None, (p.strip(" .") for p in _SPLIT_RE.split(protected))):
        if is_implementer(part):
            out.append((part, None, "implementer"))
            continue
        kov = match_municipality(part)
        out.append((part, kov, "municipality" if kov else "other"))
    return out
