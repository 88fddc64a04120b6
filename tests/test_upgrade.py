"""Upgrade in place: a warehouse written by the release before schema versions
(tests/fixtures/warehouse-v1, made by commit fd91a28 from the original DOCX, the
amendment and the .asice copy of the original) opens with this release, is
migrated, and loses nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import SAMPLES, run_cli
from tests.warehouses import build_v1_warehouse, cached  # noqa: F401 - fixtures

# Every step after the first release's schema (version 1), in order: written out, so
# that a step that goes missing fails here (002 versions, 003 unmapped columns, 004
# the tree and personal codes).
STEPS = [2, 3, 4]

ROWS = {
    "activities": "table_no, row_no, kov, code, label, level, parent_row_no, frame_start, frame_end, period_start, "
                  "period_end, amount_eur, responsible, activity_raw, frame_raw, period_raw, amount_raw",
    "indicators": "table_no, row_no, group_label, indicator, unit, target_plan_year, target_2029, explanation",
    "validation_issues": "table_no, row_no, rule, severity, message, raw_text",
    "annex_tables": "table_no, caption, kind, kov, header, row_count",
    "reconciliation_checks": "table_no, row_no, code, amount_eur, children_sum, children, difference, status",
    "activity_parties": "table_no, row_no, party, kov, party_kind",
}


def _rows_by_file(db) -> dict:
    """For every file loaded: the rows of the version it carries, per table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        has_files = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'document_files'").fetchone()[0]
        files = con.execute(
            "SELECT sha256, document_id FROM document_files" if has_files else "SELECT sha256, document_id FROM documents"
        ).fetchall()
        return {sha: {t: sorted(con.execute(f"SELECT {cols} FROM {t} WHERE document_id = ?", [doc]).fetchall(), key=repr)
                      for t, cols in ROWS.items()} for sha, doc in files}
    finally:
        con.close()


def _signatures_by_file(db, sha_sql: str) -> set:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute(f"SELECT {sha_sql}, signer, signing_time, intact, covers_whole_file, container, note "
                               "FROM signatures s").fetchall())
    finally:
        con.close()


@pytest.fixture
def v1(tmp_path):
    return build_v1_warehouse(tmp_path / "w.duckdb")


def test_the_fixture_is_what_the_old_release_made(v1):
    con = duckdb.connect(str(v1), read_only=True)
    # The defect, preserved: the .asice copy of the original became version 3 and latest.
    assert con.execute("SELECT version, file_name FROM documents ORDER BY version").fetchall() == [
        (1, "annex-2025.docx"), (2, "annex-2025-amended.docx"), (3, "annex-2025.asice")]
    assert "schema_version" not in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()


def test_an_old_warehouse_is_upgraded_in_place_and_nothing_is_lost(v1, cached):
    from load.warehouse import upgrade

    before_rows = _rows_by_file(v1)
    before_sigs = _signatures_by_file(v1, "(SELECT sha256 FROM documents d WHERE d.document_id = s.document_id)")
    assert upgrade(v1) == STEPS
    con = duckdb.connect(str(v1), read_only=True)
    assert [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == [1, *STEPS]
    # The .asice copy is now a file of version 1, and the amendment is latest.
    assert con.execute("""SELECT d.document_id, d.version, f.file_name FROM document_files f
                          JOIN documents d USING (document_id) ORDER BY 1, 3""").fetchall() == [
        (1, 1, "annex-2025.asice"), (1, 1, "annex-2025.docx"), (2, 2, "annex-2025-amended.docx")]
    assert con.execute("SELECT version, amended_by_no FROM latest_documents").fetchall() == [(2, 190)]
    assert con.execute("SELECT total_eur FROM latest_kov_totals WHERE kov = 'Tallinn'").fetchone()[0] == Decimal("321892.91")
    con.close()
    # Nothing lost: every old file still finds the same rows and findings; its signatures name it.
    after_rows = _rows_by_file(v1)
    for sha, tables in before_rows.items():
        assert after_rows[sha] == tables, sha
    assert before_sigs == _signatures_by_file(v1, "s.sha256")

    # The next nightly run: a signed copy of the original arrives and joins version 1
    # (its fingerprint, from a fresh reading, equals the one the upgrade computed).
    values = _rows_by_file(v1)
    result = run_cli(str(SAMPLES / "annex-2025-signed.pdf"), "--db", str(v1), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["files"][0]
    assert (summary["status"], summary["document_id"], summary["version"], summary["new_version"]) == ("loaded", 1, 1, False)
    typed = {"activities": slice(0, 13), "indicators": slice(0, 8)}
    after = _rows_by_file(v1)
    for sha in values:
        for table, cut in typed.items():
            assert [r[cut] for r in after[sha][table]] == [r[cut] for r in values[sha][table]]
    assert json.loads(run_cli("diff", "1", "2", "--db", str(v1), "--json").output)["new"]["version"] == 2


def test_a_reader_opens_an_old_warehouse_with_the_new_views(v1):
    result = run_cli("sql", "SELECT kov, total_eur FROM latest_kov_totals WHERE kov = 'Tallinn'", "--db", str(v1), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"kov": "Tallinn", "total_eur": "321892.91"}]
    result = run_cli("diff", "--db", str(v1), "--json")
    data = json.loads(result.output)
    assert (data["old"]["file_name"], data["new"]["file_name"]) == ("annex-2025.docx", "annex-2025-amended.docx")


def _schema(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = con.execute("""SELECT table_name, column_name, data_type FROM information_schema.columns
                              ORDER BY 1, 2""").fetchall()
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        return cols, views, version
    finally:
        con.close()


def test_upgraded_and_fresh_warehouses_have_the_same_schema(v1, tmp_path, cached):
    fresh = tmp_path / "fresh.duckdb"
    assert run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(fresh), "-q").exit_code == 0
    from load.warehouse import upgrade

    assert upgrade(v1) == STEPS
    assert upgrade(v1) == []  # once
    assert _schema(v1) == _schema(fresh)


def test_a_warehouse_of_a_newer_release_is_refused(v1, cached):
    from load.warehouse import upgrade

    upgrade(v1)
    con = duckdb.connect(str(v1))
    con.execute("INSERT INTO schema_version (version, note) VALUES (999, 'from the future')")
    con.close()
    before = v1.read_bytes()
    result = run_cli(str(SAMPLES / "annex-2025-amended.pdf"), "--db", str(v1))
    assert result.exit_code == 4
    assert "schema version 999" in result.output and "upgrade annex-etl" in result.output
    assert v1.read_bytes() == before


def test_an_old_placeholder_key_becomes_a_key_of_its_own(v1):
    """The old release keyed every unreadable identity '?/?/?..?'; after the upgrade
    such annexes are apart, each with a warning, and not versions of each other."""
    from load.warehouse import upgrade

    con = duckdb.connect(str(v1))
    con.execute("UPDATE documents SET annex_key = '?/?/?..?', directive_no = NULL, directive_date = NULL, "
                "plan_start = NULL, plan_end = NULL WHERE document_id IN (1, 2)")
    con.close()
    upgrade(v1)
    con = duckdb.connect(str(v1), read_only=True)
    rows = con.execute("SELECT document_id, annex_key, version FROM documents ORDER BY 1").fetchall()
    warned = con.execute("SELECT document_id FROM validation_issues WHERE rule = 'identity_unknown' ORDER BY 1").fetchall()
    con.close()
    assert [r[0] for r in rows] == [1, 2, 3]  # the .asice copy still reads 68/…: not a copy of document 1 now
    assert all(r[1].startswith("?/?/?..?#") for r in rows[:2]) and rows[0][1] != rows[1][1]
    assert [r[2] for r in rows] == [1, 1, 1]
    assert warned == [(1,), (2,)]
