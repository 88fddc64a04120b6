"""Reading the warehouse: an analyst's statement (`extract sql`), the nightly skip
check, the relations to export, and what the commands show, each through one
read-only connection (load/warehouse.read_connection)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from load.warehouse import read_connection


def resolve_document(con, annex_key: str | None, document_id: int | None) -> int:
    """The document to report on: the one named, the newest version of the annex
    named, or the newest version of the most recently ingested annex."""
    if document_id is not None:
        if con.execute("SELECT 1 FROM documents WHERE document_id = ?", [document_id]).fetchone() is None:
            raise LookupError(f"no document {document_id} in the warehouse (see `extract versions`)")
        return document_id
    if annex_key is None:
        # The annex of the file ingested last: a new file of a version already loaded
        # (the PDF of a DOCX) adds a document_files row, not a document.
        row = con.execute(
            "SELECT d.annex_key FROM document_files f JOIN documents d USING (document_id) "
            "ORDER BY f.ingested_at DESC, d.document_id DESC LIMIT 1"
        ).fetchone() or con.execute(
            "SELECT annex_key FROM documents ORDER BY ingested_at DESC, document_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise LookupError("the warehouse holds no documents")
        annex_key = row[0]
    row = con.execute(
        "SELECT document_id FROM documents WHERE annex_key = ? ORDER BY version DESC LIMIT 1", [annex_key]
    ).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in con.execute("SELECT DISTINCT annex_key FROM documents ORDER BY 1").fetchall())
        raise LookupError(f"no annex {annex_key!r} in the warehouse (known: {known or 'none'})")
    return row[0]


# What `extract sql` runs: statements that read. Everything else (COPY, EXPORT, ATTACH,
# DETACH, SET/USE, INSTALL/LOAD, DDL and DML) is refused before DuckDB sees it; the
# locked connection (read_connection) is the barrier, this gives the analyst a clear message.
ANALYST_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "PRAGMA", "CALL"})


class StatementRefused(ValueError):
    """`extract sql` was given a statement that is not a read."""


def analyst_query(
    db_path: str | Path, sql: str, read_dirs: tuple[str | Path, ...] = ()
) -> tuple[list[str], list[tuple]]:
    """Run an analyst's statement(s) read-only; the last one's (column names, rows)."""
    with read_connection(db_path, read_dirs=read_dirs) as con:
        statements = con.extract_statements(sql)
        if not statements:
            raise StatementRefused("no statement to run")
        for st in statements:
            kind = st.type.name
            if kind not in ANALYST_STATEMENTS:
                raise StatementRefused(
                    f"{kind} is not allowed: `extract sql` only reads (SELECT, WITH, DESCRIBE, SHOW, "
                    "SUMMARIZE, EXPLAIN, PRAGMA, CALL); use `extract export` to write files"
                )
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()


def loaded_documents(db_path: str | Path, sha256s) -> dict[str, int]:
    """sha256 -> document_id for those of `sha256s` already loaded; one read-only
    connection, no lock, no writing (the nightly skip check and `diff FILE`)."""
    path, wanted = Path(db_path), [s for s in set(sha256s) if s]
    if not path.exists() or not wanted:
        return {}
    with read_connection(path) as con:
        # Every file of every version; a warehouse not yet upgraded has only documents.
        for table in ("document_files", "documents"):
            try:
                rows = con.execute(
                    f"SELECT sha256, document_id FROM {table} WHERE list_contains(?, sha256)", [wanted]
                ).fetchall()
                return dict(rows)
            except duckdb.CatalogException:  # a warehouse file without this table yet
                continue
    return {}


def query(db_path: str | Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Run one statement read-only; (column names, rows)."""
    with read_connection(db_path) as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()


def _relations(con) -> list[str]:
    """Every table, then every view, of the warehouse."""
    return [r[0] for r in con.execute(
        """SELECT name FROM (
               SELECT 0 AS k, table_name AS name FROM duckdb_tables() WHERE schema_name = 'main'
               UNION ALL
               SELECT 1, view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal)
           ORDER BY k, name"""
    ).fetchall()]


def _select(con, name: str, exclude: set[str]) -> tuple[str, list[str]]:
    """SELECT of a relation without the excluded columns; (sql, column names)."""
    cols = [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()]
    kept = [c for c in cols if c not in exclude]
    return f'SELECT {", ".join(chr(34) + c + chr(34) for c in kept)} FROM "{name}"', kept


def export_relations(db_path: str | Path, names, out_dir: Path, fmt: str,
                     exclude: set[str] = frozenset()) -> list[tuple[str, Path, int]]:
    """COPY each table and view (all when `names` is None) to `out_dir/<name>.<fmt>`,
    without the `exclude`d columns; [(name, path, rows)]."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with read_connection(db_path, write_dir=out_dir) as con:
        existing = _relations(con)
        for name in existing if names is None else [n for n in names if n in existing]:
            target = out_dir / f"{name}.{fmt}"
            select, _ = _select(con, name, set(exclude))
            options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
            con.execute(f"COPY ({select}) TO '{target.as_posix()}' {options}")
            n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            written.append((name, target, n))
    return written


def read_relations(db_path: str | Path, exclude: set[str] = frozenset()) -> Iterator[tuple[str, list[str], list[str], list[tuple]]]:
    """Every table and view: (name, column names, DuckDB types, rows), one read-only
    connection; values keep their types (DECIMAL as Decimal, DATE as date)."""
    with read_connection(db_path) as con:
        for name in _relations(con):
            select, cols = _select(con, name, set(exclude))
            cur = con.execute(select)
            types = [str(d[1]) for d in cur.description]
            yield name, cols, types, cur.fetchall()


def _rows(cur) -> tuple[list[str], list[tuple]]:
    return [d[0] for d in cur.description], cur.fetchall()


def check_rows(db_path: str | Path, document_id: int | None, min_rank: int = 0) -> dict:
    """What `extract check` shows, read in one connection from the views: the
    documents checked (the one named, else the newest version of each annex) and
    their findings (`check_findings`, severity_rank >= min_rank), `reconciliation`
    and `table_text_conservation`, each as (column names, rows). LookupError for a
    document that is not loaded."""
    with read_connection(db_path) as con:
        if document_id is not None:
            docs = [resolve_document(con, None, document_id)]
        else:
            docs = [r[0] for r in con.execute("SELECT document_id FROM latest_documents ORDER BY document_id").fetchall()]
        by_document = "WHERE list_contains(?, document_id)"
        return {
            "documents": docs,
            "findings": _rows(con.execute(
                f"SELECT * EXCLUDE (severity_rank) FROM check_findings {by_document} AND severity_rank >= ? "
                "ORDER BY document_id, table_no NULLS FIRST, row_no NULLS FIRST, rule", [docs, min_rank])),
            "reconciliation": _rows(con.execute(
                f"SELECT * FROM reconciliation {by_document} ORDER BY document_id, table_no, row_no", [docs])),
            "conservation": _rows(con.execute(
                f"SELECT * FROM table_text_conservation {by_document} ORDER BY document_id, table_no", [docs])),
        }


def kov_totals(db_path: str | Path, document_ids) -> dict[int, list[dict]]:
    """document_id -> [{table_no, kov, total_eur}] for each partner schedule table, in
    table order: its total from the `kov_totals` view (the one rule, sql/views.sql),
    or None when the table has no total row or its total has no amount, so that no
    sum is shown whole when a part of it is missing."""
    ids = list(document_ids)
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    with read_connection(db_path) as con:
        for doc, table_no, kov, total in con.execute(
            """SELECT t.document_id, t.table_no, t.kov,
                      CASE WHEN count(k.total_eur) = count(*) THEN sum(k.total_eur) END
               FROM annex_tables t
               LEFT JOIN kov_totals k USING (document_id, table_no)
               WHERE list_contains(?, t.document_id) AND t.kind = 'schedule' AND t.kov IS NOT NULL
               GROUP BY t.document_id, t.table_no, t.kov
               ORDER BY t.document_id, t.table_no""",
            [ids],
        ).fetchall():
            out[doc].append({"table_no": table_no, "kov": kov, "total_eur": total})
    return out


def describe(db_path: str | Path, name: str | None = None):
    """`extract schema`: the tables and views with their comments, and the columns
    of `name` (none when it is None or unknown), each as (column names, rows); one
    connection, from DuckDB's catalog, where the COMMENTs of sql/comments.sql live."""
    with read_connection(db_path) as con:
        objects = _rows(con.execute(
            """SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables() WHERE schema_name = 'main'
               UNION ALL
               SELECT view_name, 'view', comment FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
               ORDER BY kind, name"""))
        columns = _rows(con.execute(
            """SELECT column_name AS "column", data_type AS type, comment
               FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?
               ORDER BY column_index""", [name]))
    return objects, columns
