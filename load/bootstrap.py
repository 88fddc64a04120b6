"""A new warehouse starts as a copy of an empty one, built once per schema.

Creating the schema of a new warehouse (tables, views and the ~400 comments that
explain every column) cost more than loading an annex into it. The empty warehouse
is built once, by the same code (`schema.create_schema`, passed in), into the user's cache
directory, under a name that changes with anything that could change it (the SQL,
the code that applies it, DuckDB's version); a new warehouse is a copy of it. The
write then goes on as for any warehouse: the schema is checked (migrations, the SQL
fingerprint) and left as it is.

Anything wrong with the cache (not writable, a file that is not a warehouse) only
means the schema is created in place as before: `copy_empty` says False.

    ANNEX_CACHE_DIR   where the empty warehouse is kept (default
                      $XDG_CACHE_HOME/annex-etl, else ~/.cache/annex-etl)
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

import duckdb

PREFIX = "empty-warehouse-"


def cache_dir() -> Path:
    if os.environ.get("ANNEX_CACHE_DIR"):
        return Path(os.environ["ANNEX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "annex-etl"


def _key() -> str:
    """Changes with the SQL, the code that applies it (load/) and DuckDB's version."""
    h = hashlib.sha256(duckdb.__version__.encode())
    sql = resources.files("sql")
    for part in sorted([*sql.iterdir(), *sql.joinpath("migrations").iterdir()], key=lambda p: p.name):
        if part.name.endswith(".sql"):
            h.update(part.name.encode() + b"\0" + part.read_bytes())
    for code in sorted(Path(__file__).resolve().parent.glob("*.py")):  # all of load/, however it is split
        h.update(code.name.encode() + b"\0" + code.read_bytes())
    return h.hexdigest()[:20]


def _build(target: Path, apply_schema) -> bytes:
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        con = duckdb.connect(str(tmp))
        try:
            apply_schema(con, tmp)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        data = tmp.read_bytes()
        # Its digest beside it: a copy is made only of the bytes that were built.
        _digest_file(target).write_text(hashlib.sha256(data).hexdigest())
        os.replace(tmp, target)  # whole or not at all, whoever builds it at the same time
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    for old in target.parent.glob(f"{PREFIX}*"):  # those of other code versions
        if not old.name.startswith(target.name):
            old.unlink(missing_ok=True)
    return data


def _digest_file(template: Path) -> Path:
    return template.with_name(template.name + ".sha256")


def _cached(template: Path) -> bytes | None:
    """The template's bytes if they are the ones built (else None: build it again)."""
    try:
        data = template.read_bytes()
        if hashlib.sha256(data).hexdigest() == _digest_file(template).read_text().strip():
            return data
    except OSError:
        pass
    return None


def stamp(con) -> None:
    """On the copy, once open: its schema was created now, for this warehouse."""
    con.execute("UPDATE schema_version SET applied_at = current_timestamp")


def copy_empty(dest: Path, apply_schema) -> bool:
    """Put an empty warehouse of the current schema at `dest` (which must not exist);
    False when it cannot, with nothing left at `dest`. `apply_schema(con, path)` builds
    the schema (load.warehouse's, passed in: this module is below it). The caller opens
    the copy and calls `stamp`."""
    try:
        d = cache_dir()
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        template = d / f"{PREFIX}{_key()}.duckdb"
        data = _cached(template)
        if data is None:
            data = _build(template, apply_schema)
        with open(dest, "xb") as fh:
            fh.write(data)
        return True
    except Exception:  # noqa: BLE001 - then the schema is created in place, which reports its own error
        for leftover in (dest, Path(f"{dest}.wal")):
            leftover.unlink(missing_ok=True)
        return False
