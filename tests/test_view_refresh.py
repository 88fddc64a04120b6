"""A warehouse whose views were made by an earlier release (a view this release reads,
such as check_findings, missing) is brought to this release's views on first read,
so that a command reading the new view answers instead of failing."""

from __future__ import annotations

import json

import duckdb

from load.schema import create_schema
from tests.conftest import run_cli


def test_views_of_an_earlier_release_are_remade_on_read(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    create_schema(con)
    # as an earlier release left it: without the view, its SQL fingerprint another
    con.execute("DROP VIEW check_findings")
    con.execute("COMMENT ON SEQUENCE document_id_seq IS 'sql 0000000000000000'")
    con.close()
    result = run_cli("check", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'check_findings'").fetchone() == (1,)
    con.close()
