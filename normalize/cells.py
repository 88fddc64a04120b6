"""Checks every row kind shares: a cell by column, hidden characters, numbers the
warehouse can hold, date findings."""

from __future__ import annotations

import unicodedata

from normalize.model import Finding
from normalize.parse import MAX_DECIMAL, Parsed, fits_decimal


def cell(cells: list[str], col: int | None) -> str:
    return cells[col] if col is not None and col < len(cells) else ""


# Characters that change how a cell reads without being visible: C0/C1 controls
# (other than line breaks and tabs) and format characters such as the bidi overrides
# (U+202E makes "ELVL" display as "LVLE"), isolates, marks and zero-width ones.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\u00ad"}  # soft hyphen: Word's optional break


def _hidden_characters(text: str) -> list[str]:
    if text.isprintable():  # no character of category C* or Z* but the space: most cells, at C speed
        return []
    found = []
    for ch in text:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cf") and ch not in found:
            found.append(ch)
    return found


def cell_findings(table_no: int, row_no: int, cells: list[str], findings: list[Finding]) -> None:
    """A cell with invisible control or bidi characters: kept as written, reported."""
    for cell in cells:
        hidden = _hidden_characters(cell or "")
        if hidden:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in hidden[:5])
            findings.append(
                Finding("control_character", "warning", f"the cell holds invisible characters: {names}",
                        table_no, row_no, cell)
            )


def checked_number(parsed: Parsed, what: str, table_no: int, row_no: int, raw: str, findings: list[Finding]) -> Parsed:
    """A negative value is reported; one the DECIMAL(14, 2) column cannot hold is
    kept raw only (typed value None), with an error finding."""
    value = parsed.value
    if value is None:
        return parsed
    if not fits_decimal(value):
        findings.append(
            Finding("value_out_of_range", "error",
                    f"{what} {value} is beyond what the warehouse holds (±{MAX_DECIMAL}); kept as written",
                    table_no, row_no, raw)
        )
        return Parsed(None, None, parsed.note)
    if value < 0:
        rule = "negative_amount" if what == "amount" else "negative_target"
        findings.append(Finding(rule, "error", f"{what} is negative: {value}", table_no, row_no, raw))
    return parsed


def date_findings(
    table_no: int, row_no: int, what: str, raw: str, parsed, findings: list[Finding]
) -> None:
    if parsed.problem:
        rule = "impossible_date" if "impossible" in parsed.problem else (
            "date_order" if "starts after" in parsed.problem else "unparseable_date"
        )
        findings.append(Finding(rule, "error", f"{what}: {parsed.problem}", table_no, row_no, raw))
    elif parsed.note:
        findings.append(Finding("date_format", "info", f"{what}: {parsed.note}", table_no, row_no, raw))
