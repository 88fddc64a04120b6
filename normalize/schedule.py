"""Schedule tables (Tegevuste ajakava): one typed Activity per row, each row put
through ROW_CHECKS (small functions, one rule or a few of a kind each), then the
table's checks: a framework period unlike the rest, the hierarchy and the sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extract.model import RawTable
from extract.text import clean_text
from normalize.cells import cell, cell_findings, checked_number, date_findings
from normalize.hierarchy import Node, infer_parents, reconcile
from normalize.model import Activity, DocumentRecord, Finding, NormalizedDocument, Party
from normalize.ocr_checks import schedule_findings
from normalize.parse import MAX_DECIMAL, CodeLabel, Parsed, code_level, fits_decimal, parse_amount, parse_date_range, split_code
from normalize.parties import split_parties
from normalize.tree import assign_tree


@dataclass
class ScheduleRow:
    """One row as written and as read, for the checks."""

    table_no: int
    row_no: int
    cells: list[str]
    activity_raw: str
    frame_raw: str
    period_raw: str
    amount_raw: str
    responsible_raw: str
    code: CodeLabel
    frame: Parsed
    period: Parsed
    amount: Parsed  # after checked_number: None when no column can hold it
    plan: DocumentRecord

    def finding(self, rule: str, severity: str, message: str, raw: str | None = None) -> Finding:
        return Finding(rule, severity, message, self.table_no, self.row_no, raw)


Check = Callable[[ScheduleRow], Iterator[Finding]]


def hidden_characters(r: ScheduleRow) -> Iterator[Finding]:
    found: list[Finding] = []
    cell_findings(r.table_no, r.row_no, r.cells, found)
    yield from found


def dates_as_written(r: ScheduleRow) -> Iterator[Finding]:
    found: list[Finding] = []
    date_findings(r.table_no, r.row_no, "Tegevuse üldajaraam", r.frame_raw, r.frame, found)
    date_findings(r.table_no, r.row_no, "period in the plan year", r.period_raw, r.period, found)
    yield from found


def amount_as_written(r: ScheduleRow) -> Iterator[Finding]:
    if r.amount.problem:
        yield r.finding("unparseable_amount", "error", r.amount.problem, r.amount_raw)
    elif r.amount.note:
        yield r.finding("amount_format", "info", r.amount.note, r.amount_raw)


def empty_cells(r: ScheduleRow) -> Iterator[Finding]:
    if not clean_text(r.frame_raw):
        yield r.finding("empty_frame", "warning", "the Tegevuse üldajaraam cell is empty")
    if not clean_text(r.period_raw):
        yield r.finding("empty_period", "warning", "the plan-period cell is empty")
    if not clean_text(r.amount_raw):
        yield r.finding("empty_amount", "warning", "the planned-amount cell is empty")
    if not clean_text(r.responsible_raw):
        yield r.finding("empty_responsible", "warning", "the responsible-party cell is empty")
    if not r.code.label:
        yield r.finding("empty_label", "warning", "the activity has no label", r.activity_raw)


def code_as_written(r: ScheduleRow) -> Iterator[Finding]:
    cl = r.code
    if cl.glued:
        yield r.finding("code_glued", "info", f"code {cl.code} written against its label", r.activity_raw)
    if cl.trailing_dot and code_level(cl.code) and code_level(cl.code) > 1:
        yield r.finding("code_trailing_dot", "info", f"code written with a trailing dot: {cl.code}.", r.activity_raw)


def label_punctuation(r: ScheduleRow) -> Iterator[Finding]:
    if r.code.label.endswith(".."):
        yield r.finding("label_punctuation", "info", "label ends with a doubled full stop", r.code.label)


def period_outside_plan(r: ScheduleRow) -> Iterator[Finding]:
    pv, plan = r.period.value, r.plan
    if pv and plan.plan_start and plan.plan_end and (pv.start < plan.plan_start or pv.end > plan.plan_end):
        yield r.finding(
            "period_outside_plan",
            "warning",
            f"period {pv.start:%d.%m.%Y}-{pv.end:%d.%m.%Y} lies outside the plan period "
            f"{plan.plan_start:%d.%m.%Y}-{plan.plan_end:%d.%m.%Y}",
            r.period_raw,
        )


def period_outside_frame(r: ScheduleRow) -> Iterator[Finding]:
    pv, fv = r.period.value, r.frame.value
    if pv and fv and (pv.start < fv.start or pv.end > fv.end):
        yield r.finding("period_outside_frame", "warning", "the plan-year period lies outside the activity's framework period",
                        f"{r.frame_raw} / {r.period_raw}")


# In this order (the order findings are reported in).
ROW_CHECKS: list[Check] = [
    hidden_characters,
    dates_as_written,
    amount_as_written,
    empty_cells,
    code_as_written,
    label_punctuation,
    period_outside_plan,
    period_outside_frame,
]


def read_row(table_no: int, row_no: int, cells: list[str], columns: dict[str, int], plan: DocumentRecord,
             findings: list[Finding]) -> ScheduleRow:
    amount_raw = cell(cells, columns.get("amount"))
    amount = checked_number(parse_amount(amount_raw), "amount", table_no, row_no, amount_raw, findings)
    activity_raw = cell(cells, columns.get("activity"))
    frame_raw, period_raw = cell(cells, columns.get("frame")), cell(cells, columns.get("period"))
    return ScheduleRow(
        table_no, row_no, cells, activity_raw, frame_raw, period_raw, amount_raw, cell(cells, columns.get("responsible")),
        split_code(activity_raw), parse_date_range(frame_raw), parse_date_range(period_raw), amount, plan,
    )


def activity(r: ScheduleRow, kov: str | None, page_from: int | None, page_to: int | None) -> Activity:
    frame, period = r.frame.value, r.period.value
    return Activity(
        table_no=r.table_no,
        row_no=r.row_no,
        kov=kov,
        code=r.code.code,
        label=r.code.label,
        level=code_level(r.code.code),
        parent_row_no=None,
        parent_code=None,
        frame_start=frame.start if frame else None,
        frame_end=frame.end if frame else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        amount_eur=r.amount.value,
        responsible=clean_text(r.responsible_raw) or None,
        activity_raw=r.activity_raw,
        frame_raw=r.frame_raw or None,
        period_raw=r.period_raw or None,
        amount_raw=r.amount_raw or None,
        page_from=page_from,
        page_to=page_to,
    )


def rows_outside_total(table_no: int, acts: list[Activity]) -> list[Finding]:
    """A partner table's total is its top row with rows under it (the `kov_totals`
    view); an amount on another top-level row is in no total, so the KOV's total read
    from the warehouse leaves it out: said, not left to be noticed. (The implementer's
    tables have no such total: "Elluviija otsesed personalikulud" stands beside 3.5.1.1.)"""
    top = [a for a in acts if a.parent_row_no is None]
    totals = [a for a in top if not a.is_leaf]  # is_leaf: set by assign_tree
    if not totals:
        return []
    return [
        Finding(
            "row_outside_total",
            "warning",
            f"an amount of {a.amount_eur} on a row under no other row"
            + (", a second total" if not a.is_leaf else "")
            + f": not in the table's total (row {totals[0].row_no}, {totals[0].code or 'no code'})",
            table_no,
            a.row_no,
            a.activity_raw[:200] or None,
        )
        for a in top
        if a is not totals[0] and a.amount_eur is not None
    ]


def normalize_schedule(
    table: RawTable, columns: dict[str, int], kov: str | None, doc_rec: DocumentRecord, out: NormalizedDocument
) -> list[Activity]:
    acts: list[Activity] = []
    findings = out.findings
    for row_no, row in enumerate(table.rows, start=1):
        r = read_row(table.no, row_no, row.cells, columns, doc_rec, findings)
        for check in ROW_CHECKS:
            findings.extend(check(r))
        acts.append(activity(r, kov, row.page_from, row.page_to))
    # A framework period unlike the rest of the table's (Tabel 10 row 13).
    frames = Counter((a.frame_start, a.frame_end) for a in acts if a.frame_start)
    if len(frames) > 1:
        (common, n), = frames.most_common(1)
        if n * 2 > len(acts):
            for a in acts:
                if a.frame_start and (a.frame_start, a.frame_end) != common:
                    findings.append(
                        Finding(
                            "frame_differs",
                            "info",
                            f"framework period differs from the table's usual {common[0]:%d.%m.%Y}-{common[1]:%d.%m.%Y}",
                            a.table_no,
                            a.row_no,
                            a.frame_raw,
                        )
                    )
    # Hierarchy and reconciliation.
    nodes = [Node(a.row_no, a.code, a.amount_eur, a.label) for a in acts]
    findings.extend(infer_parents(table.no, nodes))
    by_row = {a.row_no: a for a in acts}
    for a, n in zip(acts, nodes):
        a.parent_row_no = n.parent
        a.parent_code = by_row[n.parent].code if n.parent else None
    assign_tree(acts)
    if kov is not None:  # a partner's table: its total is the KOV's (kov_totals)
        findings.extend(rows_outside_total(table.no, acts))
    recs = reconcile(table.no, nodes)
    findings.extend(schedule_findings(table, columns, acts, recs))  # OCR: confidences, misreads
    for rec in recs:
        if not (fits_decimal(rec.children_sum) and fits_decimal(rec.difference)):
            # The sum is right (Decimal), but no column can hold it: reported, not stored.
            findings.append(
                Finding(
                    "sum_out_of_range",
                    "error",
                    f"the sum of the {rec.children} children, {rec.children_sum}, or its difference from the "
                    f"row's amount is beyond what the warehouse holds (±{MAX_DECIMAL}); not reconciled",
                    table.no,
                    rec.row_no,
                    rec.code,
                )
            )
            continue
        out.reconciliation.append(rec)
        if rec.status == "mismatch":
            findings.append(
                Finding(
                    "reconciliation",
                    "error",
                    f"row amount {rec.amount_eur} differs from the sum of its {rec.children} children "
                    f"{rec.children_sum} by {rec.difference}",
                    table.no,
                    rec.row_no,
                    rec.code,
                )
            )
    for a in acts:
        for party, pkov, kind in split_parties(a.responsible):
            out.parties.append(Party(a.table_no, a.row_no, party, pkov, kind))
    return acts
