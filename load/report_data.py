"""Everything `extract report` shows, read from the warehouse in one read-only
connection. All of the report's SQL is here (and in load/diff.py), so a change to
the schema or the views is adapted in this one module; report/ only shapes and
renders the plain dicts returned.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from load.diff import diff_in
from load.queries import resolve_document
from load.warehouse import read_connection

DOCUMENT_COLUMNS = [
    "document_id", "annex_key", "version", "file_name", "sha256", "source_format", "engine",
    "container", "title", "directive_no", "directive_date", "plan_start", "plan_end",
    "amended_by_no", "amended_by_date", "page_count", "ingested_at",
]


def _dicts(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def report_data(db_path: str | Path, annex_key: str | None = None, document_id: int | None = None) -> dict:
    """The report's facts about one document version and its annex, as plain dicts."""
    with read_connection(db_path) as con:
        doc_id = resolve_document(con, annex_key, document_id)
        cols = ", ".join(DOCUMENT_COLUMNS)
        document = _dicts(con.execute(f"SELECT {cols} FROM documents WHERE document_id = ?", [doc_id]))[0]
        versions = _dicts(con.execute(
            f"SELECT {cols} FROM documents WHERE annex_key = ? ORDER BY version", [document["annex_key"]]
        ))
        # A version may have come in several files (a DOCX, its PDF, a signed copy, a
        # copy in a container): each with its own sha256 and signatures.
        files = _dicts(con.execute(
            """SELECT f.document_id, f.sha256, f.file_name, f.source_format, f.container, f.member,
                      f.engine, f.page_count, f.ingested_at
               FROM document_files f JOIN documents d USING (document_id)
               WHERE d.annex_key = ? ORDER BY f.document_id, f.ingested_at, f.sha256""",
            [document["annex_key"]],
        ))
        signatures = _dicts(con.execute(
            """SELECT s.document_id, s.sha256, s.signer, s.signing_time, s.intact, s.covers_whole_file,
                      s.container, s.note
               FROM signatures s JOIN documents d USING (document_id)
               WHERE d.annex_key = ? ORDER BY s.document_id, s.signing_time NULLS LAST""",
            [document["annex_key"]],
        ))
        for f in files:
            f["signatures"] = [s for s in signatures if s["sha256"] == f["sha256"]]
        for v in versions:
            v["files"] = [f for f in files if f["document_id"] == v["document_id"]]
            # The version's own signature state is that of the file its rows were read from.
            v["signatures"] = [s for s in signatures if s["sha256"] == v["sha256"]]
        previous = con.execute(
            "SELECT document_id FROM documents WHERE annex_key = ? AND version < ? ORDER BY version DESC LIMIT 1",
            [document["annex_key"], document["version"]],
        ).fetchone()
        previous_id = previous[0] if previous else None
        return {
            "document": document,
            "versions": versions,
            "previous_id": previous_id,
            # What changed since the previous version, and that version's budget.
            "previous": None if previous_id is None else {
                "diff": diff_in(con, previous_id, doc_id), "budget": budget(con, previous_id)},
            "tables": _dicts(con.execute(
                """SELECT table_no, caption, kind, kov, page_from, page_to, row_count
                   FROM annex_tables WHERE document_id = ? ORDER BY table_no""", [doc_id])),
            "activities": _activities(con, doc_id),
            "indicators": _dicts(con.execute(
                """SELECT table_no, row_no, group_label, indicator, unit, target_plan_year, target_2029,
                          explanation, target_plan_year_raw, target_2029_raw, page_from, page_to
                   FROM indicators WHERE document_id = ? ORDER BY table_no, row_no""", [doc_id])),
            "budget": budget(con, doc_id),
            "findings": _dicts(con.execute(
                # The page of a finding: its row's, else its table's.
                """SELECT v.table_no, v.row_no, v.severity, v.rule, v.message, v.raw_text,
                          a.code, coalesce(a.label, i.indicator) AS label,
                          coalesce(a.page_from, i.page_from, t.page_from) AS page_from,
                          coalesce(a.page_to, i.page_to, t.page_to) AS page_to
                   FROM validation_issues v
                   LEFT JOIN activities a ON a.document_id = v.document_id AND a.table_no = v.table_no
                                         AND a.row_no = v.row_no
                   LEFT JOIN indicators i ON i.document_id = v.document_id AND i.table_no = v.table_no
                                         AND i.row_no = v.row_no
                   LEFT JOIN annex_tables t ON t.document_id = v.document_id AND t.table_no = v.table_no
                   WHERE v.document_id = ?
                   ORDER BY v.table_no NULLS FIRST, v.row_no NULLS FIRST, v.rule""", [doc_id])),
            "reconciliation": _dicts(con.execute(
                """SELECT r.table_no, r.row_no, r.code, a.label, r.amount_eur, r.children_sum, r.children,
                          r.difference, r.status, a.page_from, a.page_to
                   FROM reconciliation r
                   LEFT JOIN activities a USING (document_id, table_no, row_no)
                   WHERE r.document_id = ? ORDER BY r.table_no, r.row_no""", [doc_id])),
        }


def _activities(con, doc_id: int) -> list[dict]:
    return _dicts(con.execute(
        """SELECT table_no, row_no, kov, code, label, level, parent_row_no, frame_start, frame_end,
                  period_start, period_end, amount_eur, responsible, frame_raw, period_raw, amount_raw,
                  page_from, page_to
           FROM activities WHERE document_id = ? ORDER BY table_no, row_no""", [doc_id]))


def budget(con, doc_id: int) -> dict:
    """Planned amounts: each partner KOV's total row (the `kov_totals` view, as
    `extract diff` uses) and the implementer's, the sum of the top-level rows of the
    schedule tables without a KOV. Top-level rows without an amount are counted, so
    the report can say a total is incomplete instead of showing it as whole."""
    partners = _dicts(con.execute(
        "SELECT kov, list(table_no ORDER BY table_no) AS tables, sum(total_eur) AS total_eur "
        "FROM kov_totals WHERE document_id = ? GROUP BY kov ORDER BY min(table_no)", [doc_id]))
    implementer = con.execute(
        """SELECT list(DISTINCT a.table_no ORDER BY a.table_no), sum(a.amount_eur), count(*) FILTER (a.amount_eur IS NULL)
           FROM activities a JOIN annex_tables t USING (document_id, table_no)
           WHERE a.document_id = ? AND t.kind = 'schedule' AND t.kov IS NULL AND a.parent_row_no IS NULL""",
        [doc_id],
    ).fetchone()
    partner_gaps = con.execute(
        """SELECT count(*) FROM annex_tables t
           WHERE t.document_id = ? AND t.kind = 'schedule' AND t.kov IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM kov_totals k WHERE k.document_id = t.document_id
                             AND k.table_no = t.table_no AND k.total_eur IS NOT NULL)""",
        [doc_id],
    ).fetchone()[0]
    name = con.execute(
        "SELECT party FROM activity_parties WHERE document_id = ? AND party_kind = 'implementer' "
        "GROUP BY party ORDER BY count(*) DESC, party LIMIT 1", [doc_id]).fetchone()
    return {
        "partners": partners,
        "implementer": {
            "name": name[0] if name else None,
            "tables": implementer[0] or [],
            "total_eur": implementer[1] if implementer[1] is not None else Decimal(0),
            "rows_without_amount": implementer[2],
        },
        # Partner schedule tables whose KOV total row is missing or has no amount.
        "partner_tables_without_total": partner_gaps,
    }
