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
from glob import escape as glob_escape
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from load import bootstrap, bulk, migrations
from load.versions import ORDER_RULES
from load.versions import best_file as _best_file
from load.versions import renumber as _renumber
from normalize.fingerprint import document_fingerprint
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


def _apply_schema(con: duckdb.DuckDBPyConnection, path: Path | str = "warehouse") -> list[int]:
    """Create, or upgrade in place (load/migrations.py), then (re)create the views and
    comments when they changed; the migrations applied."""
    try:
        applied = migrations.apply(con, _sql("schema.sql"))
    except migrations.SchemaTooNew as exc:
        raise WarehouseError(f"{path}: {exc}") from None
    fingerprint = "sql " + hashlib.sha256("\0".join(_sql(n) for n in _FINGERPRINTED).encode()).hexdigest()[:16]
    row = con.execute(
        "SELECT comment FROM duckdb_sequences() WHERE sequence_name = 'document_id_seq'"
    ).fetchone()
    if row is not None and row[0] == fingerprint:
        return applied
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


@dataclass
class LoadResult:
    document_id: int
    version: int
    annex_key: str
    replaced: bool  # --force replaced an earlier load of the same bytes
    new_version: bool = True  # False: another file of a version already loaded


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
        self.upgraded: list[int] = []  # schema migrations applied to this copy

    def loaded_as(self, sha256: str | None) -> int | None:
        """The document_id already holding these bytes, if any (checked under the lock):
        any file of any version, as `loaded_documents` and `_insert_document` look."""
        row = self.con.execute("SELECT document_id FROM document_files WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def load(self, doc: NormalizedDocument, *, force: bool = False) -> LoadResult:
        """Insert one document in one transaction; on any error nothing of it stays."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            result = _insert_document(con, doc, force=force)
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
        copied = not path.exists() and bootstrap.copy_empty(tmp, _apply_schema)  # a new warehouse (load/bootstrap.py)
        try:
            con = duckdb.connect(str(tmp))
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: not a DuckDB warehouse ({exc})") from None
        ok = False
        try:
            applied = _apply_schema(con, path)
            if copied:
                bootstrap.stamp(con)
            session = WriteSession(con)
            session.upgraded = applied
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


_CONTENT_TABLES = ("annex_tables", "activities", "indicators", "activity_parties", "reconciliation_checks", "text_balance")


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




def _insert_document(con, doc: NormalizedDocument, *, force: bool) -> LoadResult:
    """Record one file: a new version when its content (fingerprint) is new, else
    another file of the version that says the same. See load/versions.py."""
    d = doc.document
    container = doc.container.kind if doc.container else None
    member = doc.container.member if doc.container else None
    fingerprint = d.fingerprint or document_fingerprint(doc)
    annex_key = d.annex_key
    replaced = False
    # (an older warehouse's files are in document_files too: migration 002 ran first)
    old = con.execute("SELECT document_id FROM document_files WHERE sha256 = ?", [d.sha256]).fetchone()
    old_id = old[0] if old else None
    if old_id is not None:
        if not force:
            raise ValueError(f"{d.file_name}: already loaded as document {old_id}")
        _detach_file(con, d.sha256)
        replaced = True
    same = con.execute("SELECT document_id FROM documents WHERE fingerprint = ?", [fingerprint]).fetchone()
    orphan = old_id is not None and not _has_files(con, old_id)
    renumber_keys = {annex_key}
    if same is not None:
        document_id, new_version = same[0], False
        if orphan and old_id != document_id:
            renumber_keys.add(_delete_document(con, old_id))
    else:
        new_version = True
        if orphan:
            # --force on a file that now reads differently: the version keeps its id.
            document_id = old_id
            renumber_keys.add(_annex_key_of(con, document_id))
            con.execute(
                """UPDATE documents SET annex_key = ?, title = ?, directive_no = ?, directive_date = ?,
                       plan_start = ?, plan_end = ?, amended_by_no = ?, amended_by_date = ?, fingerprint = ?
                   WHERE document_id = ?""",
                [annex_key, d.title, d.directive_no, d.directive_date, d.plan_start, d.plan_end,
                 d.amended_by_no, d.amended_by_date, fingerprint, document_id],
            )
            _delete_content(con, document_id)
        else:
            document_id = con.execute(
                """INSERT INTO documents (annex_key, version, file_name, sha256, source_format, engine,
                       container, title, directive_no, directive_date, plan_start, plan_end,
                       amended_by_no, amended_by_date, page_count, fingerprint)
                   VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING document_id""",
                [
                    annex_key, d.file_name, d.sha256, d.source_format, d.engine,
                    container, d.title, d.directive_no, d.directive_date, d.plan_start,
                    d.plan_end, d.amended_by_no, d.amended_by_date, d.page_count, fingerprint,
                ],
            ).fetchone()[0]
    con.execute(
        """INSERT INTO document_files (sha256, document_id, file_name, source_format, container, member, engine, page_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [d.sha256, document_id, d.file_name, d.source_format, container, member,
         d.engine, d.page_count],
    )
    s_fields = ["signer", "signing_time", "intact", "covers_whole_file", "container", "note", "personal_code"]
    sigs = [(document_id, *[getattr(s, f) for f in s_fields], d.sha256) for s in doc.signatures]
    _insert_many(con, "signatures", [*s_fields, "sha256"], sigs)
    f_fields = ["table_no", "row_no", "rule", "severity", "message", "raw_text"]
    file_findings = list(doc.file_findings)
    _insert_many(con, "validation_issues", [*f_fields, "sha256"],
                 [(document_id, *[getattr(f, k) for k in f_fields], d.sha256) for f in file_findings])
    if new_version or _best_file(con, document_id) == d.sha256:
        # This file's reading becomes the version's rows (the same values, by the
        # fingerprint; pages and raw cells are the best file's).
        if not new_version:
            _delete_content(con, document_id)
            con.execute(
                """UPDATE documents SET file_name = ?, sha256 = ?, source_format = ?, engine = ?,
                       container = ?, page_count = ? WHERE document_id = ?""",
                [d.file_name, d.sha256, d.source_format, d.engine, container, d.page_count, document_id],
            )
        elif orphan:
            con.execute(
                "UPDATE documents SET file_name = ?, sha256 = ?, source_format = ?, engine = ?, container = ?, page_count = ? WHERE document_id = ?",
                [d.file_name, d.sha256, d.source_format, d.engine, container, d.page_count, document_id],
            )
        about_file = {id(f) for f in file_findings}  # the same objects: no field-by-field compare
        content_findings = [f for f in doc.findings if id(f) not in about_file]
        _insert_content(con, document_id, doc, content_findings)
    for key in renumber_keys:
        if key is not None:
            _renumber(con, key)
    version = con.execute("SELECT version FROM documents WHERE document_id = ?", [document_id]).fetchone()[0]
    return LoadResult(document_id, version, annex_key, replaced, new_version)


def _insert_content(con, document_id: int, doc: NormalizedDocument, findings) -> None:
    def rows(items, fields):
        return [(document_id, *[getattr(i, f) for f in fields]) for i in items]

    t_fields = ["table_no", "caption", "kind", "kov", "header", "page_from", "page_to", "row_count", "unmapped_headers"]
    _insert_many(con, "annex_tables", t_fields, rows(doc.tables, t_fields))
    act_fields = [
        "table_no", "row_no", "kov", "code", "label", "level", "parent_row_no", "parent_code",
        "frame_start", "frame_end", "period_start", "period_end", "amount_eur", "responsible",
        "activity_raw", "frame_raw", "period_raw", "amount_raw", "page_from", "page_to", "extra",
        "depth", "is_leaf", "path",
    ]
    _insert_many(con, "activities", act_fields, rows(doc.activities, act_fields))
    ind_fields = [
        "table_no", "row_no", "group_label", "indicator", "unit", "target_plan_year", "target_2029",
        "explanation", "target_plan_year_raw", "target_2029_raw", "page_from", "page_to", "extra",
    ]
    _insert_many(con, "indicators", ind_fields, rows(doc.indicators, ind_fields))
    b_fields = ["table_no", "source_words", "loaded_words", "explained_words", "unexplained_words", "dropped_sample", "reasons"]
    _insert_many(con, "text_balance", [*b_fields[:-1], "drop_reasons"], rows(doc.text_balance, b_fields))
    f_fields = ["table_no", "row_no", "rule", "severity", "message", "raw_text"]
    _insert_many(con, "validation_issues", f_fields, rows(findings, f_fields))
    p_fields = ["table_no", "row_no", "party", "kov", "party_kind"]
    _insert_many(con, "activity_parties", p_fields, rows(doc.parties, p_fields))
    r_fields = ["table_no", "row_no", "code", "amount_eur", "children_sum", "children", "difference", "status"]
    _insert_many(con, "reconciliation_checks", r_fields, rows(doc.reconciliation, r_fields))


def _delete_content(con, document_id: int) -> None:
    """The rows read from a version's file, and the findings about them (not the
    findings about a file, such as its signature)."""
    for table in _CONTENT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute(
        f"DELETE FROM validation_issues WHERE document_id = ? AND sha256 IS NULL "
        f"AND rule NOT IN ({', '.join(repr(r) for r in ORDER_RULES)})",
        [document_id],
    )


def _detach_file(con, sha256: str) -> None:
    con.execute("DELETE FROM signatures WHERE sha256 = ?", [sha256])
    con.execute("DELETE FROM validation_issues WHERE sha256 = ?", [sha256])
    con.execute("DELETE FROM document_files WHERE sha256 = ?", [sha256])
    # If it was the file a version's rows were read from and the version has other
    # files, name the best of those (the rows say the same, by the fingerprint).
    row = con.execute("SELECT document_id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
    if row is not None and (best := _best_file(con, row[0])) is not None:
        f = con.execute(
            "SELECT file_name, sha256, source_format, engine, container, page_count FROM document_files WHERE sha256 = ?",
            [best],
        ).fetchone()
        con.execute(
            """UPDATE documents SET file_name = ?, sha256 = ?, source_format = ?, engine = ?, container = ?,
                   page_count = ? WHERE document_id = ?""",
            [*f, row[0]],
        )


def _has_files(con, document_id: int) -> bool:
    return con.execute("SELECT count(*) FROM document_files WHERE document_id = ?", [document_id]).fetchone()[0] > 0


def _annex_key_of(con, document_id: int) -> str | None:
    row = con.execute("SELECT annex_key FROM documents WHERE document_id = ?", [document_id]).fetchone()
    return row[0] if row else None


def _delete_document(con, document_id: int) -> str | None:
    """Remove a version left without files; returns its annex_key to renumber."""
    key = _annex_key_of(con, document_id)
    _delete_content(con, document_id)
    for table in ("validation_issues", "signatures", "document_files"):
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute("DELETE FROM documents WHERE document_id = ?", [document_id])
    return key


def _insert_many(con, table: str, fields: list[str], rows: list[tuple]) -> None:
    """Insert rows in one statement (load/bulk.py): DuckDB's executemany runs the
    statement once per row, which was a third of an ingest's time."""
    bulk.insert_many(con, table, ["document_id", *fields], rows)


# ------------------------------------------------------------------ reading

# A reading connection can touch no file but the warehouse: DuckDB's own switches, set
# before any caller's statement runs and then locked, so no statement can undo them.
# `read_dirs` opens folders an analyst named for reading their own files (DuckDB would
# also let COPY write there, which `analyst_query` refuses by statement type);
# `write_dir` is for `export` alone.
_READ_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "temp_directory": "",  # no spill files beside the warehouse
}


@contextlib.contextmanager
def read_connection(
    db_path: str | Path, *, read_dirs: tuple[str | Path, ...] = (), write_dir: str | Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that cannot write or read any other file."""
    path = Path(db_path)
    if not path.exists():
        raise WarehouseError(f"{path}: no warehouse here yet (run `extract FILE --db {path}` first)")
    con = _connect_read_only(path)
    if _older_schema(con):
        # A warehouse of an earlier release: upgrade it in place once (as a writer,
        # under the lock), then read. If that is not possible now (another writer,
        # no write permission), read it as it is.
        con.close()
        with contextlib.suppress(WarehouseBusy, WarehouseError, OSError):
            upgrade(path)
        con = _connect_read_only(path)
    try:
        allowed = [str(Path(d).resolve()) + os.sep for d in (*read_dirs, *([write_dir] if write_dir else []))]
        if allowed:
            con.execute("SET allowed_directories = ?", [allowed])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


# What `extract sql` runs: statements that read. Everything else (COPY, EXPORT, ATTACH,
# DETACH, SET/USE, INSTALL/LOAD, DDL and DML) is refused before DuckDB sees it; the
# locked connection above is the barrier, this gives the analyst a clear message.
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
                    f"{kind} is not allowed: `extract sql` only reads "
                    f"({', '.join(sorted(ANALYST_STATEMENTS))}); use `extract export` to write files"
                )
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()


def _connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=True, config=_READ_CONFIG)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open the warehouse read-only ({exc})") from None


def _older_schema(con) -> bool:
    try:
        version = migrations.current_version(con)
    except duckdb.Error:
        return False
    return version is not None and version < migrations.latest_version()


def upgrade(db_path: str | Path, *, wait: float = 0.0) -> list[int]:
    """Bring a warehouse of an earlier release to this release's schema; the
    migrations applied (none when it is current)."""
    with write_session(db_path, wait=wait) as session:
        session.changed = bool(session.upgraded)
        applied = session.upgraded
    return applied


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
