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
import os
from glob import escape as glob_escape
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


def _apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_sql("schema.sql"))
    con.execute(_sql("views.sql"))


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

    def loaded_as(self, sha256: str | None) -> int | None:
        """The document_id already holding these bytes, if any (checked under the lock)."""
        row = self.con.execute("SELECT document_id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

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
        _remove_dead_copies(path)
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


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _remove_dead_copies(path: Path) -> None:
    """The copies (and their .wal) of writers that were killed before they could
    remove them: only those whose process is gone, so a live writer's is never touched."""
    prefix = f"{path.name}.tmp-"
    for leftover in path.parent.glob(f"{glob_escape(prefix)}*"):
        pid = leftover.name[len(prefix):].removesuffix(".wal")
        if pid.isdigit() and int(pid) != os.getpid() and _pid_gone(int(pid)):
            leftover.unlink(missing_ok=True)


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
    s_fields = ["signer", "signing_time", "intact", "covers_whole_file", "container", "note"]
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
        try:
            con.unregister("_batch")
        except duckdb.Error:  # the transaction already failed: keep the insert's own error
            pass


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


def export_relations(db_path: str | Path, names, out_dir: Path, fmt: str) -> list[tuple[str, Path, int]]:
    """COPY each named table or view to `out_dir/<name>.<fmt>`; [(name, path, rows)]."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with read_connection(db_path) as con:
        existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for name in names:
            if name not in existing:
                continue
            target = out_dir / f"{name}.{fmt}"
            options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
            con.execute(f"COPY (SELECT * FROM {name}) TO '{target.as_posix()}' {options}")
            n = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            written.append((name, target, n))
    return written
