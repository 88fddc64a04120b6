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
    # A target that is not the 2029 one: "Sihttase (2029)" names one column only.
    "target_plan_year": re.compile(r"sihttase(?!.*2029)"),
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


def roles_of(kind: str) -> dict[str, re.Pattern[str]]:
    return SCHEDULE_ROLES if kind == "schedule" else INDICATOR_ROLES


def header_conflicts(header: list[str], kind: str, columns: dict[str, int]) -> list[tuple[str, str]]:
    """What is doubtful about how the header was read, as (rule, message):
    'ambiguous_header', a header cell that names two warehouse columns;
    'duplicate_column', a warehouse column that two header cells name. The mapping
    itself (priority order, first cell wins) stays as it is."""
    roles = roles_of(kind)
    by_role: dict[str, list[int]] = {}
    out = []
    for i, text in enumerate(header):
        key = _key(text)
        names = [role for role, pattern in roles.items() if pattern.search(key)]
        for role in names:
            by_role.setdefault(role, []).append(i)
        if len(names) > 1:
            taken = next((r for r, c in columns.items() if c == i), None)
            out.append((
                "ambiguous_header",
                f"header {clean_text(text)!r} (column {i + 1}) names {' and '.join(names)}; "
                f"read as {taken or 'neither'}",
            ))
    for role, cells in by_role.items():
        if len(cells) > 1:
            named = ", ".join(f"{i + 1} ({clean_text(header[i])!r})" for i in cells)
            kept = columns.get(role)
            out.append((
                "duplicate_column",
                f"{role} is named by columns {named}; column {kept + 1 if kept is not None else '?'} is read "
                f"as {role}, the others as what else they name or as extra columns",
            ))
    return out


def extra_columns(header: list[str], n_cols: int, used: set[int]) -> dict[int, str]:
    """Columns that name no warehouse column -> the key their cells are kept under
    (the header text; 'column N' for an empty header; made unique by position)."""
    out: dict[int, str] = {}
    for j in range(n_cols):
        if j in used:
            continue
        key = clean_text(header[j]) if j < len(header) else ""
        key = key or f"column {j + 1}"
        if key in out.values():
            key = f"{key} (column {j + 1})"
        out[j] = key
    return out
