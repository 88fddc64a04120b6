"""Opening the warehouse: the writer's lock, copy and swap (`write_session`), and the
locked-down reading connection (`read_connection`). The schema is load/schema.py,
what a write does load/writer.py, the reading queries load/queries.py.

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
import shutil
import time
from collections.abc import Iterator
from glob import escape as glob_escape
from pathlib import Path

import duckdb

from load import bootstrap, migrations
from load.schema import create_schema, older_schema, stale_views
from load.writer import LoadResult, insert_document
from normalize.model import NormalizedDocument

# How often a waiting writer retries the lock, in seconds.
LOCK_POLL_SECONDS = 0.2


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or is not a DuckDB database."""


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
        self.refreshed = False  # views and comments (re)made: another release's were there

    def loaded_as(self, sha256: str | None) -> int | None:
        """The document_id already holding these bytes, if any (checked under the lock):
        any file of any version, as `loaded_documents` and `insert_document` look."""
        row = self.con.execute("SELECT document_id FROM document_files WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def load(self, doc: NormalizedDocument, *, force: bool = False) -> LoadResult:
        """Insert one document in one transaction; on any error nothing of it stays."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            result = insert_document(con, doc, force=force)
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
        # A new warehouse: a copy of an empty one built once (load/bootstrap.py).
        copied = not path.exists() and bootstrap.copy_empty(tmp, lambda con, _path: create_schema(con))
        try:
            con = duckdb.connect(str(tmp))
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: not a DuckDB warehouse ({exc})") from None
        ok = False
        try:
            refresh = stale_views(con)
            try:
                applied = create_schema(con)
            except migrations.SchemaTooNew as exc:
                raise WarehouseError(f"{path}: {exc}") from None
            if copied:
                bootstrap.stamp(con)
            session = WriteSession(con)
            session.upgraded = applied
            session.refreshed = refresh
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
    if older_schema(con):
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


def _connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=True, config=_READ_CONFIG)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open the warehouse read-only ({exc})") from None


def upgrade(db_path: str | Path, *, wait: float = 0.0) -> list[int]:
    """Bring a warehouse of an earlier release to this release's schema and views;
    the migrations applied (none when its tables are current)."""
    with write_session(db_path, wait=wait) as session:
        session.changed = bool(session.upgraded) or session.refreshed
        applied = session.upgraded
    return applied
