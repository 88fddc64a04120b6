"""Indicator tables: one typed Indicator per row, under the group its first column
names (a merged group cell applies to the rows below it until the next)."""

from __future__ import annotations

from extract.model import RawTable
from extract.text import clean_text
from normalize.cells import cell, cell_findings, checked_number
from normalize.columns import group_column
from normalize.model import Finding, Indicator, NormalizedDocument
from normalize.ocr_checks import indicator_findings
from normalize.parse import parse_number


def normalize_indicators(table: RawTable, columns: dict[str, int], out: NormalizedDocument) -> list[Indicator]:
    inds = []
    out.findings.extend(indicator_findings(table, columns))  # OCR: low confidences
    gcol = group_column(table.header, columns)
    group = clean_text(table.header[gcol]) if gcol is not None else None
    for row_no, row in enumerate(table.rows, start=1):
        cells = row.cells
        if gcol is not None and clean_text(cell(cells, gcol)):
            group = clean_text(cell(cells, gcol))
        t1_raw = cell(cells, columns.get("target_plan_year"))
        t2_raw = cell(cells, columns.get("target_2029"))
        t1, t2 = parse_number(t1_raw), parse_number(t2_raw)
        for raw, parsed, what in ((t1_raw, t1, "plan-year target"), (t2_raw, t2, "2029 target")):
            if parsed.problem:
                out.findings.append(Finding("unparseable_target", "error", f"{what}: {parsed.problem}", table.no, row_no, raw))
        t1 = checked_number(t1, "plan-year target", table.no, row_no, t1_raw, out.findings)
        t2 = checked_number(t2, "2029 target", table.no, row_no, t2_raw, out.findings)
        cell_findings(table.no, row_no, cells, out.findings)
        if t1.value is not None and t2.value is not None and t1.value > t2.value:
            out.findings.append(
                Finding("target_decreases", "info", f"plan-year target {t1.value} is higher than the 2029 target {t2.value}", table.no, row_no)
            )
        name = clean_text(cell(cells, columns.get("indicator")))
        if not name:
            out.findings.append(Finding("empty_indicator", "warning", "the indicator's name is empty", table.no, row_no))
        inds.append(
            Indicator(
                table_no=table.no,
                row_no=row_no,
                group_label=group,
                indicator=name,
                unit=clean_text(cell(cells, columns.get("unit"))) or None,
                target_plan_year=t1.value,
                target_2029=t2.value,
                explanation=clean_text(cell(cells, columns.get("explanation"))) or None,
                target_plan_year_raw=t1_raw or None,
                target_2029_raw=t2_raw or None,
                page_from=row.page_from,
                page_to=row.page_to,
            )
        )
    return inds
