"""The warehouse's schema: tables (sql/schema.sql, upgraded by load/migrations.py),
views (sql/views.sql) and their comments (sql/comments.sql), applied to a connection
by `create_schema` whenever a writer opens the warehouse."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import duckdb

from load import migrations


def _sql(name: str) -> str:
    return resources.files("sql").joinpath(name).read_text("utf-8")


# The views and comments are applied only when this code's SQL differs from what
# built the warehouse (a fingerprint kept as the comment of the id sequence, out of
# analysts' sight): some 140 COMMENT statements cost more than the rest of a write.
_FINGERPRINTED = ("schema.sql", "views.sql", "comments.sql")


def create_schema(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Create the warehouse's tables, or upgrade them in place (load/migrations.py;
    migrations.SchemaTooNew for a warehouse of a later release), then (re)create the
    views and comments when they changed; the migrations applied."""
    applied = migrations.apply(con, _sql("schema.sql"))
    if not stale_views(con):
        return applied
    fingerprint = _fingerprint()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_sql("views.sql"))
        con.execute(_sql("comments.sql"))
        _inherit_view_comments(con)
        con.execute(f"COMMENT ON SEQUENCE document_id_seq IS '{fingerprint}'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return applied


def _fingerprint() -> str:
    return "sql " + hashlib.sha256("\0".join(_sql(n) for n in _FINGERPRINTED).encode()).hexdigest()[:16]


def stale_views(con) -> bool:
    """The views and comments were made by other SQL than this code's (an earlier
    release: a view it lacks, such as check_findings, would be missing)."""
    try:
        row = con.execute(
            "SELECT comment FROM duckdb_sequences() WHERE sequence_name = 'document_id_seq'"
        ).fetchone()
    except duckdb.Error:
        return False
    return row is None or row[0] != _fingerprint()


def _inherit_view_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A view column without a comment of its own takes the comment of the column of
    that name in the relation the view reads (the first named in its definition), or
    else of any table: `latest_activities.amount_eur` means `activities.amount_eur`.
    Worked out in Python from three catalog reads, written in one batch (on a new
    warehouse this ran a query per column and was a third of a first load)."""
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
    ).fetchall()]
    definitions = {v: (sql or "").lower() for v, sql in con.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY view_name"
    ).fetchall()}
    comments: dict[tuple[str, str], str] = {}
    missing: list[tuple[str, str]] = []
    for relation, column, comment in con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY column_index"
    ).fetchall():
        if comment:
            comments[(relation, column)] = comment
        elif relation in definitions:
            missing.append((relation, column))
    names = tables + list(definitions)
    sources: dict[str, list[str]] = {}
    for view, sql in definitions.items():
        # Relations the view reads, in the order they appear after FROM / JOIN.
        found = [(m.start(), n) for n in names if n != view
                 for m in [re.search(rf"\b(from|join)\s+{n}\b", sql)] if m]
        sources[view] = [n for _, n in sorted(found)]
    statements = []
    # Views read views (latest_kov_totals reads kov_totals): repeat until nothing
    # more is filled in.
    while missing:
        left = []
        for view, column in missing:
            comment = next(
                (comments[(src, column)] for src in sources[view] if (src, column) in comments), None
            ) or next((comments[(t, column)] for t in tables if (t, column) in comments), None)
            if comment:
                comments[(view, column)] = comment
                escaped = comment.replace("'", "''")
                statements.append(f'COMMENT ON COLUMN "{view}"."{column}" IS \'{escaped}\';')
            else:
                left.append((view, column))
        if len(left) == len(missing):
            break
        missing = left
    if statements:
        con.execute("\n".join(statements))


def older_schema(con) -> bool:
    """The warehouse was written by an earlier release (a migration is due, or its
    views are not this release's)."""
    try:
        version = migrations.current_version(con)
    except duckdb.Error:
        return False
    if version is None:
        return False
    return version < migrations.latest_version() or stale_views(con)
