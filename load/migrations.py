"""Schema versions: a new warehouse is created at the latest one, an older one is
upgraded in place, in the writer's copy, before anything is loaded.

- `schema_version` records every migration applied (a warehouse without it but
  with `documents` was made by the first release: version 1).
- sql/migrations/NNN_name.sql are the steps, applied in number order, each at most
  once. Write them so that they are no-ops on a warehouse that sql/schema.sql
  already created at the latest version (ADD COLUMN IF NOT EXISTS, CREATE … IF NOT
  EXISTS), and add the same change to sql/schema.sql. A step that needs Python
  (recomputing values) registers a function in `PYTHON_STEPS` under its number;
  it runs right after the step's SQL.
- A warehouse newer than this code (a later schema version) is refused rather
  than written with a schema this code does not know.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable
from importlib import resources

import duckdb

from load.versions import renumber
from normalize.fingerprint import ACTIVITY_FIELDS, IDENTITY_FIELDS, INDICATOR_FIELDS, TABLE_FIELDS, fingerprint_of

_NAME = re.compile(r"^(\d{3})_[\w-]+\.sql$")


@functools.cache  # read once per process: every reading connection asks for the latest
def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration, in order."""
    root = resources.files("sql").joinpath("migrations")
    out = []
    for entry in root.iterdir():
        m = _NAME.match(entry.name)
        if m:
            out.append((int(m[1]), entry.name, entry.read_text("utf-8")))
    return sorted(out)


def latest_version() -> int:
    return max([1, *(n for n, _, _ in migrations())])


def current_version(con) -> int | None:
    """The warehouse's schema version; None for an empty database."""
    # Plain queries rather than the catalog views: this runs on every connection.
    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
        if row[0] is not None:
            return row[0]
    except duckdb.CatalogException:
        pass
    try:
        con.execute("SELECT 1 FROM documents LIMIT 0")
        return 1
    except duckdb.CatalogException:
        return None


class SchemaTooNew(RuntimeError):
    """The warehouse was written by a newer release."""


def apply(con, schema_sql: str) -> list[int]:
    """Bring the warehouse to the latest schema; the migrations applied."""
    version = current_version(con)
    latest = latest_version()
    if version is None:
        con.execute(schema_sql)
        con.execute(
            "INSERT INTO schema_version (version, note) VALUES (?, 'created at this version')", [latest]
        )
        return []
    if version > latest:
        raise SchemaTooNew(f"schema version {version}, newer than this release's {latest}; upgrade annex-etl")
    applied = []
    if version < latest:
        con.execute(schema_sql)  # new tables (CREATE … IF NOT EXISTS); columns come from the steps
        if version == 1:
            con.execute("INSERT INTO schema_version (version, note) VALUES (1, 'first release, before schema versions')")
        for number, name, sql in migrations():
            if number <= version:
                continue
            con.execute(sql)
            if number in PYTHON_STEPS:
                PYTHON_STEPS[number](con)
            con.execute("INSERT INTO schema_version (version, note) VALUES (?, ?)", [number, name])
            applied.append(number)
    return applied


# ------------------------------------------------------------------ 002

def _stored_fingerprint(con, document_id: int) -> str:
    identity = con.execute(
        f"SELECT {', '.join(IDENTITY_FIELDS)} FROM documents WHERE document_id = ?", [document_id]
    ).fetchone()

    def rows(table, fields):
        return con.execute(f"SELECT {', '.join(fields)} FROM {table} WHERE document_id = ?", [document_id]).fetchall()

    return fingerprint_of(
        identity, rows("annex_tables", TABLE_FIELDS), rows("activities", ACTIVITY_FIELDS),
        rows("indicators", INDICATOR_FIELDS),
    )


def _versions_by_content(con) -> None:
    """Fingerprint every version; fold copies of one content into its first
    version (their files, signatures and file findings move there; their rows,
    identical by the fingerprint, go); give unreadable identities a key of their
    own; renumber every annex's versions by the document."""
    docs = con.execute("SELECT document_id, annex_key FROM documents ORDER BY document_id").fetchall()
    by_fp: dict[str, list[int]] = defaultdict(list)
    for document_id, annex_key in docs:
        fp = _stored_fingerprint(con, document_id)
        by_fp[fp].append(document_id)
        con.execute("UPDATE documents SET fingerprint = ? WHERE document_id = ?", [fp, document_id])
        if "?" in annex_key and "#" not in annex_key:
            key = f"{annex_key}#{fp[:16]}"
            con.execute("UPDATE documents SET annex_key = ? WHERE document_id = ?", [key, document_id])
            con.execute(
                """INSERT INTO validation_issues (document_id, rule, severity, message) VALUES (?, 'identity_unknown', 'warning', ?)""",
                [document_id, f"the annex's identity could not be read; it is kept apart under its own key {key}"],
            )
    for ids in by_fp.values():
        keep, *copies = ids
        for copy in copies:
            for table in ("document_files", "signatures"):
                con.execute(f"UPDATE {table} SET document_id = ? WHERE document_id = ?", [keep, copy])
            con.execute(
                "UPDATE validation_issues SET document_id = ? WHERE document_id = ? AND sha256 IS NOT NULL", [keep, copy]
            )
            for table in ("annex_tables", "activities", "indicators", "activity_parties",
                          "reconciliation_checks", "validation_issues"):
                con.execute(f"DELETE FROM {table} WHERE document_id = ?", [copy])
            con.execute("DELETE FROM documents WHERE document_id = ?", [copy])
    for (key,) in con.execute("SELECT DISTINCT annex_key FROM documents").fetchall():
        renumber(con, key)


PYTHON_STEPS: dict[int, Callable] = {2: _versions_by_content}
