"""Which column holds what: read from the header texts, not from positions.

Amended annexes and other renderings move, add or rename columns ("Planeeritav
maksumus 2025. aastal", "… tegevuskava aastal 2025 (eurodes)"), so each header cell
is matched against keyword patterns for the roles below. A table whose header does
not give every required role is reported and mapped by position.
"""

from __future__ import annotations

import re

from extract.text import clean_text

# role -> pattern over the lower-cased header text (hyphen line-joins removed).
SCHEDULE_ROLES: dict[str, re.Pattern[str]] = {
    "responsible": re.compile(r"vastutaja"),
    "amount": re.compile(r"maksumus|summa|eelarve|eurodes"),
    "period": re.compile(r"algus|lõppkuupäev|tegevuskava perioodil"),
    "frame": re.compile(r"üldajaraam|ajaraam|partnerlus"),
    "activity": re.compile(r"^tegevus(ed)?\b"),
}
INDICATOR_ROLES: dict[str, re.Pattern[str]] = {
    "unit": re.compile(r"mõõtühik|ühik"),
    "target_2029": re.compile(r"sihttase.*2029|2029"),
    "target_plan_year": re.compile(r"sihttase"),
    "explanation": re.compile(r"selgitus|kommentaar"),
    "indicator": re.compile(r"^indikaator$|^näitaja$|^indikaator\b"),
}
SCHEDULE_ORDER = ["activity", "frame", "period", "amount", "responsible"]
INDICATOR_ORDER = ["indicator", "unit", "target_plan_year", "target_2029", "explanation"]


def _key(text: str) -> str:
    # "tegevus-kava" was one word broken by a manual hyphen: match it as one.
    return clean_text(text).lower().replace("-", "")


def map_roles(header: list[str], roles: dict[str, re.Pattern[str]]) -> dict[str, int]:
    """role -> column index; each column takes the first role whose pattern it
    matches (the dict's order is the priority), each role at most one column."""
    found: dict[str, int] = {}
    for i, text in enumerate(header):
        key = _key(text)
        for role, pattern in roles.items():
            if role not in found and pattern.search(key):
                found[role] = i
                break
    return found


def table_kind(caption: str, header: list[str]) -> str:
    """'schedule' when the header has an amount and an activity column, 'indicator'
    when it has targets; the caption decides when the header says neither."""
    sched = map_roles(header, SCHEDULE_ROLES)
    ind = map_roles(header, INDICATOR_ROLES)
    if {"activity", "amount"} <= sched.keys():
        return "schedule"
    if {"indicator", "target_plan_year"} <= ind.keys() or "target_2029" in ind:
        return "indicator"
    cap = caption.lower()
    if "ajakava" in cap:
        return "schedule"
    if "näitaja" in cap or "indikaator" in cap:
        return "indicator"
    return "unknown"


def resolve_columns(header: list[str], kind: str) -> tuple[dict[str, int], list[str]]:
    """role -> column for a table of `kind`, and the roles that had to be placed by
    position because no header cell named them."""
    roles, order = (
        (SCHEDULE_ROLES, SCHEDULE_ORDER) if kind == "schedule" else (INDICATOR_ROLES, INDICATOR_ORDER)
    )
    found = map_roles(header, roles)
    missing = [r for r in order if r not in found]
    if missing:
        # Indicator tables may carry a leading group column (Tabel 17): positions
        # are counted from the right so the group column stays out of the way.
        offset = max(0, len(header) - len(order))
        for role in missing:
            pos = order.index(role) + offset
            if pos < len(header) and pos not in found.values():
                found[role] = pos
    return found, missing


def group_column(header: list[str], columns: dict[str, int]) -> int | None:
    """An indicator table's extra leading column (a group cell merged down the rows)."""
    used = set(columns.values())
    extra = [i for i in range(len(header)) if i not in used]
    return extra[0] if extra and extra[0] < min(used, default=0) else None
