"""`extract sql` cannot write: not a file, not another database, not the warehouse.

Each attack from the adversarial pass (issue 17) is run twice: through the CLI (where
the statement-type check refuses it with a message) and straight on the locked
connection (so DuckDB's own switches are shown to hold without that check). After
each, the warehouse is byte-identical and nothing new is in its folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from load import read_connection
from tests.conftest import SAMPLES, run_cli


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wh")
    db = folder / "annex.duckdb"
    r = run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "-q")
    assert r.exit_code == 0, r.output
    return db


def _state(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def _attacks(db: Path) -> dict[str, str]:
    d = db.parent
    return {
        "copy to a file": f"COPY (SELECT 1 AS a) TO '{d / 'out.csv'}'",
        "copy over the warehouse": f"COPY (SELECT 'x' AS a) TO '{db}' (FORMAT csv)",
        "copy a .pth into site-packages": f"COPY (SELECT 'import os' AS a) TO '{d / 'x.pth'}' (HEADER false)",
        "export database": f"EXPORT DATABASE '{d / 'dump'}'",
        "attach another file and write": f"ATTACH '{d / 'other.duckdb'}' AS o; CREATE TABLE o.t AS SELECT 1 AS a",
        "re-attach the warehouse read-write": (
            f"ATTACH '{d / 'other.duckdb'}' AS o; USE o; DETACH annex; "
            f"ATTACH '{db}' AS w2; INSERT INTO w2.documents (document_id) VALUES (999)"
        ),
        "switch access back on": f"SET enable_external_access = true; COPY (SELECT 1 AS a) TO '{d / 'out2.csv'}'",
        "unlock the configuration": "SET lock_configuration = false",
        "read a file outside": "SELECT * FROM read_csv('/etc/passwd')",
        "install an extension": "INSTALL httpfs",
        "load an extension": "LOAD httpfs",
        "a read, then a write": f"SELECT 1; COPY (SELECT 1 AS a) TO '{d / 'out3.csv'}'",
        "delete rows": "DELETE FROM documents",
        "profile output to a file": f"PRAGMA enable_profiling = 'json'; PRAGMA profile_output = '{d / 'prof.json'}'; SELECT 1",
    }


@pytest.mark.parametrize("name", list(_attacks(Path("/x/annex.duckdb"))))
def test_cli_refuses_and_nothing_changes(warehouse, name):
    before = _state(warehouse.parent)
    r = run_cli("sql", _attacks(warehouse)[name], "--db", str(warehouse))
    assert r.exit_code == 1, (name, r.output)
    # One error, whole: DuckDB's message may run over several lines (issue 13).
    assert r.output.startswith("error: "), r.output
    assert r.output.count("error: ") == 1
    assert _state(warehouse.parent) == before, name


@pytest.mark.parametrize("name", list(_attacks(Path("/x/annex.duckdb"))))
def test_locked_connection_holds_without_the_statement_check(warehouse, name):
    """DuckDB's switches alone stop every attack (the type check is only the message)."""
    before = _state(warehouse.parent)
    with read_connection(warehouse) as con:
        with pytest.raises(duckdb.Error):
            for statement in con.extract_statements(_attacks(warehouse)[name]):
                con.execute(statement)
    assert _state(warehouse.parent) == before, name


def test_reads_still_work(warehouse):
    r = run_cli("sql", "SELECT count(*) AS n FROM annex_tables", "--db", str(warehouse), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"n": 17}]
    for statement in ("EXPLAIN SELECT 1", "PRAGMA database_list", "DESCRIBE activities",
                      "SHOW TABLES", "WITH a AS (SELECT 2 AS x) SELECT x FROM a"):
        r = run_cli("sql", statement, "--db", str(warehouse))
        assert r.exit_code == 0, (statement, r.output)


def test_read_dir_opens_one_folder_for_reading_only(warehouse, tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "targets.csv").write_text("kov,target\nTartu linn,7\n", encoding="utf-8")
    q = f"SELECT kov, target FROM read_csv('{own / 'targets.csv'}')"
    r = run_cli("sql", q, "--db", str(warehouse), "--json")
    assert r.exit_code == 1 and "disabled" in r.output, r.output  # not without the option
    r = run_cli("sql", q, "--db", str(warehouse), "--json", "--read-dir", str(own))
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"kov": "Tartu linn", "target": 7}]
    before = _state(own)
    r = run_cli("sql", f"COPY (SELECT 1 AS a) TO '{own / 'w.csv'}'", "--db", str(warehouse), "--read-dir", str(own))
    assert r.exit_code == 1
    assert _state(own) == before
    r = run_cli("sql", f"SELECT * FROM read_csv('{own}/../../../etc/passwd')", "--db", str(warehouse), "--read-dir", str(own))
    assert r.exit_code == 1


def test_export_writes_only_its_folder(warehouse, tmp_path):
    out = tmp_path / "export"
    r = run_cli("export", "--db", str(warehouse), "--format", "csv", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert (out / "activities.csv").exists()
    assert not list(tmp_path.glob("*.csv"))


def test_a_statement_that_starts_with_a_comment_is_a_statement(warehouse):
    r = run_cli("sql", "-- how many tables\nSELECT count(*) AS n FROM annex_tables", "--db", str(warehouse), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"n": 17}]
    r = run_cli("sql", "--jsn", "--db", str(warehouse))  # a mistyped option stays an error
    assert r.exit_code == 2
