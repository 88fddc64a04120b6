"""Helpers for the version tests: cached extraction, a v1 warehouse from its dump,
and a warehouse's logical content (what it says, without surrogate ids and times)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1_DUMP = FIXTURES / "warehouse-v1"


def build_v1_warehouse(target: Path) -> Path:
    """Recreate the warehouse the release before schema versions wrote (fd91a28)
    from its EXPORT DATABASE dump (tests/fixtures/make_v1_warehouse.sh)."""
    con = duckdb.connect(str(target))
    try:
        pending = [s.strip() for s in (V1_DUMP / "schema.sql").read_text("utf-8").split(";\n") if s.strip()]
        # The dump lists views alphabetically; create each once what it reads exists.
        for _ in range(len(pending)):
            left = []
            for stmt in pending:
                try:
                    con.execute(stmt)
                except duckdb.CatalogException:
                    left.append(stmt)
            pending = left
            if not pending:
                break
        assert not pending, pending
        load = (V1_DUMP / "load.sql").read_text("utf-8")
        load = re.sub(r"'[^']*warehouse-v1/", f"'{V1_DUMP.as_posix()}/", load)
        con.execute(load)
    finally:
        con.close()
    return target


# Columns that name a row's place in this warehouse rather than what it says.
_SURROGATE = {"document_id", "ingested_at", "applied_at"}


def logical_content(db: Path) -> dict[str, list[tuple]]:
    """Every table, rows sorted, document_id replaced by (annex_key, version),
    insertion times left out: two warehouses that say the same compare equal."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [t]
            ).fetchall()]
            keep = [c for c in cols if c not in _SURROGATE]
            sel = ", ".join(f"x.{c}" for c in keep)
            if "document_id" in cols:
                sql = f"SELECT d.annex_key, d.version, {sel} FROM {t} x JOIN documents d USING (document_id)"
            else:
                sql = f"SELECT {sel} FROM {t} x"
            out[t] = sorted(con.execute(sql).fetchall(), key=repr)
        return out
    finally:
        con.close()


def cached_process_file(cache: dict):
    """A stand-in for pipeline.file.process_file that extracts each distinct file
    (by sha256) once per test session."""
    from pipeline.file import process_file
    from extract.reader import sha256_of

    def process(path, opts, sha256=None):
        sha = sha256 or sha256_of(path)
        if sha not in cache:
            cache[sha] = process_file(path, opts, sha)
        done = copy.deepcopy(cache[sha])
        done.path = str(path)
        return done

    return process


@pytest.fixture
def cached(monkeypatch, extraction_cache):
    """The CLI, with each distinct file extracted once per session (in this process:
    a worker would not see the cache)."""
    from tests.conftest import workers_in_process

    workers_in_process(monkeypatch, cached_process_file(extraction_cache))
