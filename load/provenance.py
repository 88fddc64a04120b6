"""Everything the warehouse knows about one row, read in one connection
(`extract show`): the document and file, the table, the row with its raw and typed
columns, parties, findings and reconciliation."""

from __future__ import annotations

from pathlib import Path

from load.queries import resolve_document
from load.warehouse import read_connection


def _one(con, sql: str, params: list) -> dict | None:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row)) if row else None


def _all(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def row_provenance(db_path: str | Path, table_no: int, row_no: int, document_id: int | None) -> dict:
    """LookupError when the document, table or row does not exist. Without a
    document id: the newest version of the annex ingested last."""
    with read_connection(db_path) as con:
        document_id = resolve_document(con, None, document_id)
        doc = _one(con, """SELECT document_id, annex_key, version, file_name, container, source_format, engine,
                                  sha256, directive_no, amended_by_no FROM documents WHERE document_id = ?""",
                   [document_id])
        table = _one(con, "SELECT table_no, caption, kind, kov, header FROM annex_tables "
                          "WHERE document_id = ? AND table_no = ?", [document_id, table_no])
        if table is None:
            raise LookupError(f"document {document_id} has no Tabel {table_no}")
        relation = "activities" if table["kind"] == "schedule" else "indicators"
        key = [document_id, table_no, row_no]
        row = _one(con, f"SELECT * FROM {relation} WHERE document_id = ? AND table_no = ? AND row_no = ?", key)
        if row is None:
            raise LookupError(f"Tabel {table_no} of document {document_id} has no row {row_no}")
        return {
            "document": doc,
            "table": table,
            "row": row,
            "parties": _all(con, "SELECT party, kov, party_kind FROM activity_parties "
                                 "WHERE document_id = ? AND table_no = ? AND row_no = ?", key),
            "findings": _all(con, "SELECT severity, rule, message, raw_text FROM validation_issues "
                                  "WHERE document_id = ? AND table_no = ? AND row_no = ? ORDER BY rule", key),
            "reconciliation": _one(con, "SELECT amount_eur, children_sum, children, difference, status "
                                        "FROM reconciliation_checks "
                                        "WHERE document_id = ? AND table_no = ? AND row_no = ?", key),
        }
