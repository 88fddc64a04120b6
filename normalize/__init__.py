"""normalize: an ExtractedDocument in, typed records and findings out.

Pure: no I/O beyond the shipped municipality list. Every source row becomes a
record however broken it is; a value that cannot be read is kept raw beside a NULL
typed column, with a finding that says why.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import asdict

from extract.model import ExtractedDocument, RawTable
from extract.text import clean_text
from normalize.columns import extra_columns, group_column, header_conflicts, resolve_columns, table_kind
from normalize.conservation import balance, loaded_texts
from normalize.outside import outside_tables
from normalize.hierarchy import Node, infer_parents, reconcile
from normalize.fingerprint import document_fingerprint
from normalize.identity import read_identity
from normalize.ocr_checks import indicator_findings, schedule_findings
from normalize.model import (
    Activity,
    DocumentRecord,
    Finding,
    Indicator,
    NormalizedDocument,
    Party,
    TableRecord,
)
from normalize.parse import (
    MAX_DECIMAL,
    Parsed,
    code_level,
    fits_decimal,
    parse_amount,
    parse_date_range,
    parse_number,
    split_code,
)
from normalize.parties import municipality_in_text, split_parties
from normalize.tree import assign_tree

__all__ = ["normalize_document"]


def _cell(cells: list[str], col: int | None) -> str:
    return cells[col] if col is not None and col < len(cells) else ""


def table_kov(doc: ExtractedDocument, table: RawTable, kind: str) -> str | None:
    """The municipality a schedule table belongs to: the nearest heading above the
    table that names one (the KOV sections are headed "… pakkumine Tartu linnas").
    Indicator tables have no KOV; the caller falls back to the responsible cells."""
    if kind != "schedule":
        return None
    idx = next(
        (i for i, b in enumerate(doc.blocks) if b.kind == "table" and b.table_no == table.no),
        None,
    )
    if idx is not None:
        for block in reversed(doc.blocks[:idx]):
            if block.kind == "table":
                # Another schedule table above: its section has ended.
                continue
            if block.kind == "heading":
                kov = municipality_in_text(block.text)
                if kov:
                    return kov
                if block.level == 1:
                    break
    return None


def _responsible_kov(activities: list[Activity]) -> str | None:
    votes = Counter(
        kov for a in activities for (_, kov, kind) in split_parties(a.responsible) if kov
    )
    if not votes:
        return None
    kov, n = votes.most_common(1)[0]
    return kov if n * 2 > len(activities) else None


# Characters that change how a cell reads without being visible: C0/C1 controls
# (other than line breaks and tabs) and format characters such as the bidi overrides
# (U+202E makes "ELVL" display as "LVLE"), isolates, marks and zero-width ones.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\u00ad"}  # soft hyphen: Word's optional break


def _hidden_characters(text: str) -> list[str]:
    found = []
    for ch in text:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cf") and ch not in found:
            found.append(ch)
    return found


def _cell_findings(table_no: int, row_no: int, cells: list[str], findings: list[Finding]) -> None:
    """A cell with invisible control or bidi characters: kept as written, reported."""
    for cell in cells:
        hidden = _hidden_characters(cell or "")
        if hidden:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in hidden[:5])
            findings.append(
                Finding("control_character", "warning", f"the cell holds invisible characters: {names}",
                        table_no, row_no, cell)
            )


def _checked_number(parsed: Parsed, what: str, table_no: int, row_no: int, raw: str, findings: list[Finding]) -> Parsed:
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


def _date_findings(
    table_no: int, row_no: int, what: str, raw: str, parsed, findings: list[Finding]
) -> None:
    if parsed.problem:
        rule = "impossible_date" if "impossible" in parsed.problem else (
            "date_order" if "starts after" in parsed.problem else "unparseable_date"
        )
        findings.append(Finding(rule, "error", f"{what}: {parsed.problem}", table_no, row_no, raw))
    elif parsed.note:
        findings.append(Finding("date_format", "info", f"{what}: {parsed.note}", table_no, row_no, raw))


def _normalize_schedule(
    table: RawTable, columns: dict[str, int], kov: str | None, doc_rec: DocumentRecord, out: NormalizedDocument
) -> list[Activity]:
    acts: list[Activity] = []
    findings = out.findings
    for row_no, row in enumerate(table.rows, start=1):
        cells = row.cells
        activity_raw = _cell(cells, columns.get("activity"))
        frame_raw = _cell(cells, columns.get("frame"))
        period_raw = _cell(cells, columns.get("period"))
        amount_raw = _cell(cells, columns.get("amount"))
        resp_raw = _cell(cells, columns.get("responsible"))
        cl = split_code(activity_raw)
        frame = parse_date_range(frame_raw)
        period = parse_date_range(period_raw)
        amount = parse_amount(amount_raw)
        t = table.no
        amount = _checked_number(amount, "amount", t, row_no, amount_raw, findings)
        _cell_findings(t, row_no, cells, findings)
        _date_findings(t, row_no, "Tegevuse üldajaraam", frame_raw, frame, findings)
        _date_findings(t, row_no, "period in the plan year", period_raw, period, findings)
        if amount.problem:
            findings.append(Finding("unparseable_amount", "error", amount.problem, t, row_no, amount_raw))
        elif amount.note:
            findings.append(Finding("amount_format", "info", amount.note, t, row_no, amount_raw))
        if not clean_text(frame_raw):
            findings.append(Finding("empty_frame", "warning", "the Tegevuse üldajaraam cell is empty", t, row_no))
        if not clean_text(period_raw):
            findings.append(Finding("empty_period", "warning", "the plan-period cell is empty", t, row_no))
        if not clean_text(amount_raw):
            findings.append(Finding("empty_amount", "warning", "the planned-amount cell is empty", t, row_no))
        if not clean_text(resp_raw):
            findings.append(Finding("empty_responsible", "warning", "the responsible-party cell is empty", t, row_no))
        if not cl.label:
            findings.append(Finding("empty_label", "warning", "the activity has no label", t, row_no, activity_raw))
        if cl.glued:
            findings.append(Finding("code_glued", "info", f"code {cl.code} written against its label", t, row_no, activity_raw))
        if cl.trailing_dot and code_level(cl.code) and code_level(cl.code) > 1:
            findings.append(Finding("code_trailing_dot", "info", f"code written with a trailing dot: {cl.code}.", t, row_no, activity_raw))
        if cl.label.endswith(".."):
            findings.append(Finding("label_punctuation", "info", "label ends with a doubled full stop", t, row_no, cl.label))
        if period.value and doc_rec.plan_start and doc_rec.plan_end:
            pv = period.value
            if pv.start < doc_rec.plan_start or pv.end > doc_rec.plan_end:
                findings.append(
                    Finding(
                        "period_outside_plan",
                        "warning",
                        f"period {pv.start:%d.%m.%Y}-{pv.end:%d.%m.%Y} lies outside the plan period "
                        f"{doc_rec.plan_start:%d.%m.%Y}-{doc_rec.plan_end:%d.%m.%Y}",
                        t,
                        row_no,
                        period_raw,
                    )
                )
        if period.value and frame.value:
            if period.value.start < frame.value.start or period.value.end > frame.value.end:
                findings.append(
                    Finding("period_outside_frame", "warning", "the plan-year period lies outside the activity's framework period", t, row_no, f"{frame_raw} / {period_raw}")
                )
        acts.append(
            Activity(
                table_no=t,
                row_no=row_no,
                kov=kov,
                code=cl.code,
                label=cl.label,
                level=code_level(cl.code),
                parent_row_no=None,
                parent_code=None,
                frame_start=frame.value.start if frame.value else None,
                frame_end=frame.value.end if frame.value else None,
                period_start=period.value.start if period.value else None,
                period_end=period.value.end if period.value else None,
                amount_eur=amount.value,
                responsible=clean_text(resp_raw) or None,
                activity_raw=activity_raw,
                frame_raw=frame_raw or None,
                period_raw=period_raw or None,
                amount_raw=amount_raw or None,
                page_from=row.page_from,
                page_to=row.page_to,
            )
        )
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


def _normalize_indicators(table: RawTable, columns: dict[str, int], out: NormalizedDocument) -> list[Indicator]:
    inds = []
    out.findings.extend(indicator_findings(table, columns))  # OCR: low confidences
    gcol = group_column(table.header, columns)
    group = clean_text(table.header[gcol]) if gcol is not None else None
    for row_no, row in enumerate(table.rows, start=1):
        cells = row.cells
        if gcol is not None and clean_text(_cell(cells, gcol)):
            group = clean_text(_cell(cells, gcol))
        t1_raw = _cell(cells, columns.get("target_plan_year"))
        t2_raw = _cell(cells, columns.get("target_2029"))
        t1, t2 = parse_number(t1_raw), parse_number(t2_raw)
        for raw, parsed, what in ((t1_raw, t1, "plan-year target"), (t2_raw, t2, "2029 target")):
            if parsed.problem:
                out.findings.append(Finding("unparseable_target", "error", f"{what}: {parsed.problem}", table.no, row_no, raw))
        t1 = _checked_number(t1, "plan-year target", table.no, row_no, t1_raw, out.findings)
        t2 = _checked_number(t2, "2029 target", table.no, row_no, t2_raw, out.findings)
        _cell_findings(table.no, row_no, cells, out.findings)
        if t1.value is not None and t2.value is not None and t1.value > t2.value:
            out.findings.append(
                Finding("target_decreases", "info", f"plan-year target {t1.value} is higher than the 2029 target {t2.value}", table.no, row_no)
            )
        name = clean_text(_cell(cells, columns.get("indicator")))
        if not name:
            out.findings.append(Finding("empty_indicator", "warning", "the indicator's name is empty", table.no, row_no))
        inds.append(
            Indicator(
                table_no=table.no,
                row_no=row_no,
                group_label=group,
                indicator=name,
                unit=clean_text(_cell(cells, columns.get("unit"))) or None,
                target_plan_year=t1.value,
                target_2029=t2.value,
                explanation=clean_text(_cell(cells, columns.get("explanation"))) or None,
                target_plan_year_raw=t1_raw or None,
                target_2029_raw=t2_raw or None,
                page_from=row.page_from,
                page_to=row.page_to,
            )
        )
    return inds


def _extra_columns(table: RawTable, kind: str, columns: dict[str, int], gcol: int | None, out: NormalizedDocument) -> dict[int, str]:
    """Columns whose header names no warehouse column: column -> the key their cells
    are kept under in the rows' `extra`; each one reported."""
    used = set(columns.values()) | ({gcol} if gcol is not None else set())
    n_cols = max([len(table.header), *(len(r.cells) for r in table.rows)])
    extras = extra_columns(table.header, n_cols, used)
    for j, key in extras.items():
        out.findings.append(
            Finding(
                "unmapped_column",
                "info",
                f"column {j + 1} {key!r} of Tabel {table.no} names no warehouse column; its cells are kept "
                f"in {'activities' if kind == 'schedule' else 'indicators'}.extra[{key!r}]",
                table.no,
                None,
                key,
            )
        )
    return extras


def _attach_extras(records: list, table: RawTable, extras: dict[int, str]) -> None:
    if not extras:
        return
    for rec, row in zip(records, table.rows):
        rec.extra = {key: (_cell(row.cells, j) if clean_text(_cell(row.cells, j)) else None) for j, key in extras.items()}


def _balance_text(table: RawTable, table_rec: TableRecord, acts, inds, group_header: str | None, out: NormalizedDocument) -> None:
    """Every word of the table's source against the words loaded (see conservation.py)."""
    b = balance(table.no, table.source_words, table.dropped, loaded_texts(table_rec, acts, inds, group_header))
    out.text_balance.append(b)
    if b.unexplained_words:
        out.findings.append(
            Finding(
                "text_dropped",
                "warning",
                f"{b.unexplained_words} of the {b.source_words} words in Tabel {table.no} of the source "
                "reach no column of the warehouse and no recorded reason covers them",
                table.no,
                None,
                b.dropped_sample,
            )
        )


def normalize_document(doc: ExtractedDocument, sha256: str, file_name: str) -> NormalizedDocument:
    rec = DocumentRecord(
        file_name=file_name,
        sha256=sha256,
        source_format=doc.source_format,
        engine=doc.engine,
        page_count=doc.page_count,
        **asdict(read_identity(doc)),
    )
    out = NormalizedDocument(document=rec)
    for note in doc.notes:
        out.findings.append(
            Finding(note.rule, note.severity, note.message, note.table_no, note.row_no, note.raw_text)
        )
    if rec.directive_no is None:
        out.findings.append(Finding("no_directive", "warning", "no 'käskkirjaga nr N' approval line found"))
    if rec.plan_start is None:
        out.findings.append(Finding("no_plan_period", "warning", "no plan period ('perioodil DD.MM.YYYY – DD.MM.YYYY') in the title"))
    seen: dict[int, RawTable] = {}
    for table in doc.tables:
        if table.no in seen:
            # Two captions with one number: the rows of the second cannot be told
            # apart from the first's in the warehouse, so they are reported, not merged.
            out.findings.append(
                Finding(
                    "duplicate_table",
                    "error",
                    f"a second 'Tabel {table.no}.' (pages {table.page_from}–{table.page_to}) with "
                    f"{len(table.rows)} rows was not loaded",
                    table.no,
                    None,
                    table.caption,
                )
            )
            continue
        seen[table.no] = table
    for table in sorted(seen.values(), key=lambda t: t.no):
        kind = table_kind(table.caption, table.header)
        columns, missing = resolve_columns(table.header, kind) if kind != "unknown" else ({}, [])
        if missing:
            out.findings.append(
                Finding("header_by_position", "warning", f"header names no column for {', '.join(missing)}; placed by position", table.no, None, " | ".join(table.header))
            )
        for rule, message in header_conflicts(table.header, kind, columns) if kind != "unknown" else ():
            out.findings.append(Finding(rule, "warning", message, table.no, None, " | ".join(table.header)))
        gcol = group_column(table.header, columns) if kind == "indicator" else None
        extras = _extra_columns(table, kind, columns, gcol, out) if kind != "unknown" else {}
        kov = table_kov(doc, table, kind)
        acts, inds = [], []
        if kind == "schedule":
            acts = _normalize_schedule(table, columns, kov, rec, out)
            if kov is None:
                guessed = _responsible_kov(acts)
                if guessed:
                    kov = guessed
                    for a in acts:
                        a.kov = kov
            _attach_extras(acts, table, extras)
            out.activities.extend(acts)
        elif kind == "indicator":
            inds = _normalize_indicators(table, columns, out)
            _attach_extras(inds, table, extras)
            out.indicators.extend(inds)
        else:
            out.findings.append(Finding("unknown_table", "warning", f"cannot tell whether {table.caption!r} is a schedule or indicator table", table.no))
        table_rec = TableRecord(
            table_no=table.no,
            caption=clean_text(table.caption),
            kind=kind,
            kov=kov,
            header=[clean_text(h) for h in table.header],
            page_from=table.page_from,
            page_to=table.page_to,
            row_count=len(table.rows),
            unmapped_headers=list(extras.values()),
        )
        out.tables.append(table_rec)
        group_header = clean_text(table.header[gcol]) if gcol is not None else None
        _balance_text(table, table_rec, acts, inds, group_header, out)
    out.findings.extend(outside_tables(doc, out))
    numbers = sorted(t.no for t in doc.tables)
    if numbers:
        missing_nos = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        for no in missing_nos:
            out.findings.append(Finding("missing_table", "error", f"Tabel {no} was not found", no))
    rec.fingerprint = document_fingerprint(out)
    if missing := rec.missing_identity():
        out.findings.append(Finding(
            "identity_unknown", "warning",
            f"could not read the {', '.join(missing)}; this file's annex is kept apart under its own key "
            f"{rec.annex_key} and is never made a version of another annex",
        ))
    return out

