"""Findings for cells read by OCR: low confidence, and sums that point at misreads.

A scanned annex's numbers are as good as the OCR that read them. Two checks make sure
no misread amount reaches the warehouse without a finding on its row:

* a typed cell (amount, dates, code, target) whose least certain word is below
  LOW_CONFIDENCE gets `ocr_low_confidence`;
* an amount in no sum that closes (no parent and no children, or a parent whose own
  amount could not be read) gets `ocr_unchecked_amount` (info): only its confidence
  vouches for it;
* where a parent's amount differs from its children's sum, every amount in that sum
  (the parent's and each child's) is suspect: each row gets `ocr_suspect_amount`,
  and the parent's finding lists them from the least confident up. When changing the
  least confident amount alone closes the sum, and the value that does is a plausible
  misreading of what was read (same length, a digit or two apart), it is offered as
  a candidate. Nothing is ever corrected: the values stay as read.

Rows read without OCR (`RawRow.confidence` is None) get none of these.
"""

from __future__ import annotations

from decimal import Decimal

from extract.model import RawTable
from normalize.model import Activity, Finding, Reconciliation

# Tesseract's word confidence (0-100) under which a typed cell is reported. On the
# committed scan, cells read right are mostly at 90-97, the misreads mostly far below.
LOW_CONFIDENCE = 85.0
# A candidate differs from the amount as read in at most this many characters.
CANDIDATE_MAX_CHANGED = 2

SCHEDULE_FIELDS = {"amount": "planned amount", "frame": "Tegevuse üldajaraam", "period": "plan-year period", "activity": "activity (code)"}
INDICATOR_FIELDS = {"target_plan_year": "plan-year target", "target_2029": "2029 target"}


def _confidence(table: RawTable, row_no: int, col: int | None) -> float | None:
    row = table.rows[row_no - 1]
    if col is None or row.confidence is None or col >= len(row.confidence):
        return None
    return row.confidence[col]


def is_ocr(table: RawTable) -> bool:
    return any(r.confidence is not None for r in table.rows)


def low_confidence_findings(table: RawTable, columns: dict[str, int], fields: dict[str, str]) -> list[Finding]:
    out = []
    for row_no, row in enumerate(table.rows, start=1):
        for field, what in fields.items():
            col = columns.get(field)
            conf = _confidence(table, row_no, col)
            if conf is not None and conf < LOW_CONFIDENCE:
                out.append(
                    Finding(
                        "ocr_low_confidence",
                        "warning",
                        f"{what} read by OCR with confidence {conf:.0f} (< {LOW_CONFIDENCE:.0f}); check it on the scan",
                        table.no,
                        row_no,
                        row.cells[col] if col < len(row.cells) else None,
                    )
                )
    return out


def _fmt(v: Decimal | None) -> str:
    if v is None:
        return "?"
    s = f"{v:,.2f}".replace(",", " ").replace(".", ",")
    return s


def _plausible(read: str, candidate: Decimal) -> bool:
    """Whether `candidate` could be what the cell says where OCR read `read`: as many
    digits, at most CANDIDATE_MAX_CHANGED of them different."""
    a = [c for c in read if c.isdigit()]
    b = [c for c in f"{candidate:.2f}" if c.isdigit()]
    if len(b) == len(a) + 2 and "," not in read and "." not in read:
        b = b[:-2]  # read without decimals ("3300")
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= CANDIDATE_MAX_CHANGED


def reconciliation_findings(
    table: RawTable, amount_col: int | None, acts: list[Activity], recs: list[Reconciliation]
) -> list[Finding]:
    out = []
    by_row = {a.row_no: a for a in acts}
    flagged: set[int] = set()
    for rec in recs:
        if rec.status != "mismatch":
            continue
        rows = [rec.row_no] + [a.row_no for a in acts if a.parent_row_no == rec.row_no]
        conf = {r: _confidence(table, r, amount_col) for r in rows}
        ranked = sorted(rows, key=lambda r: (conf[r] if conf[r] is not None else -1.0, r))
        listing = ", ".join(
            f"row {r} ({_fmt(by_row[r].amount_eur)}, confidence {conf[r]:.0f})" if conf[r] is not None
            else f"row {r} ({_fmt(by_row[r].amount_eur)}, empty or unread)"
            for r in ranked
        )
        message = f"the sum does not close by {_fmt(rec.difference)}; likely misread, least confident first: {listing}"
        worst = ranked[0]
        read = by_row[worst].amount_raw or ""
        if worst == rec.row_no:
            candidate = rec.children_sum
        elif by_row[worst].amount_eur is not None:
            candidate = by_row[worst].amount_eur + rec.difference
        else:
            candidate = None
        if candidate is not None and candidate >= 0 and _plausible(read, candidate):
            message += f". Candidate: row {worst} read {read!r}; {_fmt(candidate)} would close the sum (not applied)"
        out.append(Finding("ocr_suspect_amount", "warning", message, table.no, rec.row_no, by_row[rec.row_no].amount_raw))
        flagged.add(rec.row_no)
        for r in rows[1:]:
            if r in flagged:
                continue
            flagged.add(r)
            out.append(
                Finding(
                    "ocr_suspect_amount",
                    "warning",
                    f"amount may be misread: the sum of row {rec.row_no} does not close by {_fmt(rec.difference)} "
                    f"(confidence here {conf[r]:.0f})" if conf[r] is not None else
                    f"amount may be misread: the sum of row {rec.row_no} does not close by {_fmt(rec.difference)}",
                    table.no,
                    r,
                    by_row[r].amount_raw,
                )
            )
    # An amount in no sum that closes (a row without parent or children, or under a
    # parent whose amount could not be read) has only its confidence to vouch for it:
    # say so, so that no amount from a scan stands unchecked unsaid.
    closing = {rec.row_no for rec in recs if rec.status == "ok"}
    for a in acts:
        if a.amount_eur is None or a.row_no in flagged or a.row_no in closing or a.parent_row_no in closing:
            continue
        conf = _confidence(table, a.row_no, amount_col)
        out.append(
            Finding(
                "ocr_unchecked_amount",
                "info",
                "amount read by OCR is in no sum that closes, so the arithmetic cannot check it"
                + (f" (confidence {conf:.0f})" if conf is not None else ""),
                table.no,
                a.row_no,
                a.amount_raw,
            )
        )
    return out


def schedule_findings(
    table: RawTable, columns: dict[str, int], acts: list[Activity], recs: list[Reconciliation]
) -> list[Finding]:
    if not is_ocr(table):
        return []
    return low_confidence_findings(table, columns, SCHEDULE_FIELDS) + reconciliation_findings(
        table, columns.get("amount"), acts, recs
    )


def indicator_findings(table: RawTable, columns: dict[str, int]) -> list[Finding]:
    if not is_ocr(table):
        return []
    return low_confidence_findings(table, columns, INDICATOR_FIELDS)
