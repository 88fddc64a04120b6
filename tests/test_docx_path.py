"""The DOCX path end to end: the sample's warehouse rows equal the transcription."""

from __future__ import annotations

import duckdb

from tests.conftest import SAMPLES, run_cli
from tests.expectations import compare


def test_docx_rows_equal_transcription(db, transcription):
    result = run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []


def test_docx_document_identity(db, transcription):
    run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "--quiet")
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT directive_no, directive_date::VARCHAR, plan_start::VARCHAR, plan_end::VARCHAR, source_format, title FROM documents"
    ).fetchone()
    meta = transcription["meta"]
    assert row[:5] == (meta["directive_no"], meta["directive_date"], meta["plan_start"], meta["plan_end"], "docx")
    assert row[5] == meta["title"]


def test_docx_total_rows_and_tables(db, transcription):
    run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "--quiet")
    con = duckdb.connect(str(db), read_only=True)
    n_tables = con.execute("SELECT count(*) FROM annex_tables").fetchone()[0]
    n_rows = con.execute("SELECT (SELECT count(*) FROM activities) + (SELECT count(*) FROM indicators)").fetchone()[0]
    assert n_tables == len(transcription["tables"]) == 17
    assert n_rows == sum(len(t["rows"]) for t in transcription["tables"].values()) == 141
