"""load: the only code that talks to DuckDB.

Writing is arranged so that nothing an analyst does can break the nightly job and
nothing the job does can leave a half-written warehouse:

- writers take an exclusive lock on `<db>.lock` (fcntl); a second writer waits up to
  `wait` seconds, then gets `WarehouseBusy` with a clear message;
- the writer works on a copy (`<db>.tmp-<pid>`) and, once every file's transaction
  is committed and checkpointed, swaps it into place with an atomic rename. A reader
  holding the old file open read-only keeps reading the old version undisturbed (and
  does not hold the lock the writer needs); the next reader sees the new one;
- each document is loaded in one transaction: a failure rolls that document back
  and the others in the batch still load.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from normalize.model import NormalizedDocument

# How often a waiting writer retries the lock, in seconds.
LOCK_POLL_SECONDS = 0.2


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or is not a DuckDB database."""


def _sql(name: str) -> str:
    return resources.files("sql").joinpath(name).read_text("utf-8")


# The views and comments are applied only when this code's SQL differs from what
# built the warehouse (a fingerprint kept as the comment of the id sequence, out of
# analysts' sight): some 140 COMMENT statements cost more than the rest of a write.
_FINGERPRINTED = ("schema.sql", "views.sql", "comments.sql")


def _apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_sql("schema.sql"))
    fingerprint = "sql " + hashlib.sha256("\0".join(_sql(n) for n in _FINGERPRINTED).encode()).hexdigest()[:16]
    row = con.execute(
        "SELECT comment FROM duckdb_sequences() WHERE sequence_name = 'document_id_seq'"
    ).fetchone()
    if row is not None and row[0] == fingerprint:
        return
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


def _inherit_view_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A view column without a comment of its own takes the comment of the column of
    that name in the table the view reads (the first named in its definition), or
    else of any table: `latest_activities.amount_eur` means `activities.amount_eur`."""
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
    ).fetchall()
    comments: dict[tuple[str, str], str] = {
        (t, c): comment
        for t, c, comment in con.execute(
            """SELECT table_name, column_name, comment FROM duckdb_columns()
               WHERE schema_name = 'main' AND comment IS NOT NULL AND comment <> ''"""
        ).fetchall()
    }
    views = con.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY view_name"
    ).fetchall()
    definitions = {v: (sql or "").lower() for v, sql in views}
    names = [t for (t,) in tables] + list(definitions)
    # Views read views (latest_kov_totals reads kov_totals): resolve in order of
    # dependence by repeating until nothing more is filled in.
    for _ in range(len(definitions)):
        missing = con.execute(
            """SELECT c.table_name, c.column_name FROM duckdb_columns() c
               JOIN duckdb_views() v ON v.view_name = c.table_name AND v.schema_name = c.schema_name
               WHERE c.schema_name = 'main' AND NOT v.internal AND (c.comment IS NULL OR c.comment = '')"""
        ).fetchall()
        filled = False
        for view, column in missing:
            sql = definitions.get(view, "")
            # Relations the view reads, in the order they appear after FROM.
            sources = sorted(
                (n for n in names if n != view and re.search(rf"\b(from|join)\s+{n}\b", sql)),
                key=lambda n: re.search(rf"\b(from|join)\s+{n}\b", sql).start(),
            )
            comment = next(
                (comments[(src, column)] for src in sources if (src, column) in comments),
                None,
            ) or next((comments[(t, column)] for (t,) in tables if (t, column) in comments), None)
            if comment:
                escaped = comment.replace("'", "''")
                con.execute(f'COMMENT ON COLUMN "{view}"."{column}" IS \'{escaped}\'')
                comments[(view, column)] = comment
                filled = True
        if not filled:
            break


@dataclass
class LoadResult:
    document_id: int
    version: int
    annex_key: str
    replaced: bool  # --force replaced an earlier load of the same bytes


def _lock(path: Path, wait: float):
    lock_path = path.with_name(path.name + ".lock")
    fh = open(lock_path, "a+")
    deadline = time.monotonic() + max(wait, 0)
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fh
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.close()
                raise WarehouseBusy(
                    f"{path}: another process is writing the warehouse; "
                    f"try again later or pass --wait SECONDS"
                ) from None
            time.sleep(LOCK_POLL_SECONDS)


class WriteSession:
    """An open copy of the warehouse being written; see `write_session`."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.changed = False  # only a session that loaded something replaces the file

    def load(self, doc: NormalizedDocument, *, force: bool = False, extra: dict | None = None) -> LoadResult:
        """Insert one document in one transaction; on any error nothing of it stays."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            result = _insert_document(con, doc, force=force, extra=extra or {})
            con.execute("COMMIT")
            self.changed = True
            return result
        except BaseException:
            con.execute("ROLLBACK")
            raise


@contextlib.contextmanager
def write_session(db_path: str | Path, *, wait: float = 0.0) -> Iterator[WriteSession]:
    """Lock, copy, write, swap. If the body raises, the warehouse stays as it was."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(path, wait)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        for stale in (tmp, Path(str(tmp) + ".wal")):
            stale.unlink(missing_ok=True)
        if path.exists():
            shutil.copyfile(path, tmp)
        try:
            con = duckdb.connect(str(tmp))
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: not a DuckDB warehouse ({exc})") from None
        ok = False
        try:
            _apply_schema(con)
            session = WriteSession(con)
            yield session
            con.execute("CHECKPOINT")
            ok = session.changed
        finally:
            con.close()
        if ok:
            os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
        lock.close()


def _insert_document(con, doc: NormalizedDocument, *, force: bool, extra: dict) -> LoadResult:
    d = doc.document
    replaced = False
    old = con.execute("SELECT document_id, version FROM documents WHERE sha256 = ?", [d.sha256]).fetchone()
    if old is not None:
        if not force:
            raise ValueError(f"{d.file_name}: already loaded as document {old[0]}")
        _delete_document(con, old[0])
        replaced = True
    annex_key = d.annex_key
    if old is not None:
        version = old[1]
    else:
        version = con.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM documents WHERE annex_key = ?", [annex_key]
        ).fetchone()[0]
    document_id = con.execute(
        """INSERT INTO documents (annex_key, version, file_name, sha256, source_format, engine,
               container, title, directive_no, directive_date, plan_start, plan_end,
               amended_by_no, amended_by_date, page_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING document_id""",
        [
            annex_key, version, d.file_name, d.sha256, d.source_format, d.engine,
            extra.get("container"), d.title, d.directive_no, d.directive_date, d.plan_start,
            d.plan_end, d.amended_by_no, d.amended_by_date, d.page_count,
        ],
    ).fetchone()[0]

    def rows(items, fields):
        return [(document_id, *[getattr(i, f) for f in fields]) for i in items]

    _insert_many(con, "annex_tables", ["table_no", "caption", "kind", "kov", "header", "page_from", "page_to", "row_count"], rows(doc.tables, ["table_no", "caption", "kind", "kov", "header", "page_from", "page_to", "row_count"]))
    act_fields = [
        "table_no", "row_no", "kov", "code", "label", "level", "parent_row_no", "parent_code",
        "frame_start", "frame_end", "period_start", "period_end", "amount_eur", "responsible",
        "activity_raw", "frame_raw", "period_raw", "amount_raw", "page_from", "page_to",
        "depth", "is_leaf", "path",
    ]
    _insert_many(con, "activities", act_fields, rows(doc.activities, act_fields))
    ind_fields = [
        "table_no", "row_no", "group_label", "indicator", "unit", "target_plan_year", "target_2029",
        "explanation", "target_plan_year_raw", "target_2029_raw", "page_from", "page_to",
    ]
    _insert_many(con, "indicators", ind_fields, rows(doc.indicators, ind_fields))
    f_fields = ["table_no", "row_no", "rule", "severity", "message", "raw_text"]
    _insert_many(con, "validation_issues", f_fields, rows(doc.findings, f_fields))
    p_fields = ["table_no", "row_no", "party", "kov", "party_kind"]
    _insert_many(con, "activity_parties", p_fields, rows(doc.parties, p_fields))
    r_fields = ["table_no", "row_no", "code", "amount_eur", "children_sum", "children", "difference", "status"]
    _insert_many(con, "reconciliation_checks", r_fields, rows(doc.reconciliation, r_fields))
    s_fields = ["signer", "signing_time", "intact", "covers_whole_file", "container", "note", "personal_code"]
    _insert_many(con, "signatures", s_fields, rows(extra.get("signatures", []), s_fields))
    return LoadResult(document_id, version, annex_key, replaced)


_DOCUMENT_TABLES = (
    "annex_tables", "activities", "indicators", "validation_issues",
    "activity_parties", "reconciliation_checks", "signatures",
)


def _delete_document(con, document_id: int) -> None:
    for table in _DOCUMENT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute("DELETE FROM documents WHERE document_id = ?", [document_id])


def _insert_many(con, table: str, fields: list[str], rows: list[tuple]) -> None:
    """Insert rows in one statement through Arrow: DuckDB's executemany runs the
    statement once per row, which was a third of an ingest's time."""
    if not rows:
        return
    names = ["document_id", *fields]
    batch = pa.table({name: pa.array(list(col)) for name, col in zip(names, zip(*rows))})
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM _batch")
    finally:
        con.unregister("_batch")


# ------------------------------------------------------------------ reading

@contextlib.contextmanager
def read_connection(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; the views are whatever the last writer created."""
    path = Path(db_path)
    if not path.exists():
        raise WarehouseError(f"{path}: no warehouse here yet (run `extract FILE --db {path}` first)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open the warehouse read-only ({exc})") from None
    try:
        yield con
    finally:
        con.close()


def loaded_documents(db_path: str | Path, sha256s) -> dict[str, int]:
    """sha256 -> document_id for those of `sha256s` already loaded; one read-only
    connection, no lock, no writing (the nightly skip check and `diff FILE`)."""
    path, wanted = Path(db_path), [s for s in set(sha256s) if s]
    if not path.exists() or not wanted:
        return {}
    with read_connection(path) as con:
        try:
            rows = con.execute(
                "SELECT sha256, document_id FROM documents WHERE list_contains(?, sha256)", [wanted]
            ).fetchall()
        except duckdb.CatalogException:  # a warehouse file without our tables yet
            return {}
    return dict(rows)


def query(db_path: str | Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Run one statement read-only; (column names, rows)."""
    with read_connection(db_path) as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()


def _relations(con) -> list[str]:
    """Every table, then every view, of the warehouse."""
    return [r[0] for r in con.execute(
        """SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'
           UNION ALL
           SELECT view_name FROM (SELECT view_name FROM duckdb_views()
                                  WHERE schema_name = 'main' AND NOT internal ORDER BY view_name)"""
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
    with read_connection(db_path) as con:
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
