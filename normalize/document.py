"""The document: identity, each table to its kind's rows, text balance, and the
findings about the whole (missing tables, identity unknown).

Pure: no I/O beyond the shipped municipality list. Every source row becomes a
record however broken it is; a value that cannot be read is kept raw beside a NULL
typed column, with a finding that says why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from extract.model import ExtractedDocument, RawTable
from extract.text import clean_text
from normalize.cells import cell
from normalize.columns import extra_columns, group_column, header_conflicts, resolve_columns, table_kind
from normalize.conservation import balance, loaded_texts
from normalize.fingerprint import document_fingerprint
from normalize.identity import read_identity
from normalize.indicators import normalize_indicators
from normalize.model import Activity, DocumentRecord, Finding, NormalizedDocument, TableRecord
from normalize.outside import outside_tables
from normalize.parties import municipality_in_text, split_parties
from normalize.schedule import normalize_schedule
from normalize.signatures import signature_findings


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
        rec.extra = {key: (cell(row.cells, j) if clean_text(cell(row.cells, j)) else None) for j, key in extras.items()}


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
            acts = normalize_schedule(table, columns, kov, rec, out)
            if kov is None:
                guessed = _responsible_kov(acts)
                if guessed:
                    kov = guessed
                    for a in acts:
                        a.kov = kov
            _attach_extras(acts, table, extras)
            out.activities.extend(acts)
        elif kind == "indicator":
            inds = normalize_indicators(table, columns, out)
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
    out.container, out.signatures = doc.container, list(doc.signatures or [])
    out.file_findings = signature_findings(out.signatures)
    out.findings.extend(out.file_findings)
    return out
