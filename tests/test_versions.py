"""Versions, idempotent re-ingest, diff, SQL and export (issue: nightly re-ingest)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import SAMPLES, run_cli

ORIGINAL = SAMPLES / "annex-2025.docx"
AMENDED = SAMPLES / "annex-2025-amended.docx"
EDITS = json.loads((SAMPLES / "amendment.json").read_text("utf-8"))


def test_reingest_unchanged_is_a_noop(loaded_db):
    db = loaded_db  # the sample, loaded (a copy of the run's warehouse)
    before = db.read_bytes()
    result = run_cli(str(ORIGINAL), "--db", str(db), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["skipped"] == 1 and summary["loaded"] == 0
    assert "already loaded" in summary["files"][0]["message"]
    assert db.read_bytes() == before  # not even opened for writing


def test_force_reingests_in_place(loaded_db):
    db = loaded_db  # the sample, loaded (a copy of the run's warehouse)
    result = run_cli(str(ORIGINAL), "--db", str(db), "--force", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["loaded"] == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), max(version) FROM documents").fetchone() == (1, 1)
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == 134


def test_amendment_becomes_version_2(two_versions):
    con = duckdb.connect(str(two_versions), read_only=True)
    rows = con.execute(
        "SELECT version, directive_no, amended_by_no, amended_by_date::VARCHAR, annex_key FROM documents ORDER BY version"
    ).fetchall()
    assert [r[0] for r in rows] == [1, 2]
    assert rows[1][1:4] == (68, EDITS["amended_by"]["directive_no"], EDITS["amended_by"]["directive_date"])
    assert rows[0][4] == rows[1][4]  # same annex
    # Both versions stay queryable; latest_* show version 2 only.
    assert con.execute("SELECT count(DISTINCT document_id) FROM activities").fetchone()[0] == 2
    latest = con.execute("SELECT DISTINCT document_id FROM latest_activities").fetchall()
    assert latest == [(2,)]
    assert con.execute(
        "SELECT target_plan_year FROM latest_indicators WHERE indicator = 'KOV-ide osaluskogude arv'"
    ).fetchone()[0] == 6


def _expected_changes():
    changed, added, removed = {}, set(), set()
    for e in EDITS["edits"]:
        key = (e["table_no"], e["code"], e["label"])
        if e["kind"] == "added":
            added.add(key)
        elif e["kind"] == "removed":
            removed.add(key)
        else:
            changed.setdefault(key, {})[e["column"]] = (str(e["old"]), str(e["new"]))
    return changed, added, removed


def _norm(v) -> str:
    if isinstance(v, str) and v.replace(".", "").isdigit() and "." in v:
        d = Decimal(v)
        return str(d.normalize()) if d == d.to_integral_value() else str(d)
    return str(v)


def test_diff_reports_exactly_the_documented_edits(two_versions):
    result = run_cli("diff", "--db", str(two_versions), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    exp_changed, exp_added, exp_removed = _expected_changes()
    assert {(i["table_no"], i["code"], i["label"]) for i in data["added"]} == exp_added
    assert {(i["table_no"], i["code"], i["label"]) for i in data["removed"]} == exp_removed
    got_changed = {
        (i["table_no"], i["code"], i["label"]): {c: (_norm(v["old"]), _norm(v["new"])) for c, v in i["columns"].items()}
        for i in data["changed"]
    }
    assert got_changed == {k: {c: (_norm(o), _norm(n)) for c, (o, n) in v.items()} for k, v in exp_changed.items()}


def test_diff_amounts_carry_their_difference_and_kov_totals(two_versions):
    data = json.loads(run_cli("diff", "--db", str(two_versions), "--json").output)
    tartu_total = next(i for i in data["changed"] if i["table_no"] == 9 and i["code"] == "3.5.2.1")
    assert Decimal(tartu_total["columns"]["amount_eur"]["difference"]) == Decimal("500")
    totals = {k["kov"]: k for k in data["kov_totals"]}
    assert Decimal(totals["Tallinn"]["new"]) - Decimal(totals["Tallinn"]["old"]) == Decimal("2500")
    assert totals["Pärnu linn"]["difference"] in ("0.00", "0")


def test_diff_by_file_and_by_id_agree(two_versions):
    by_file = json.loads(run_cli("diff", str(ORIGINAL), str(AMENDED), "--db", str(two_versions), "--json").output)
    by_id = json.loads(run_cli("diff", "1", "2", "--db", str(two_versions), "--json").output)
    assert by_file["changed"] == by_id["changed"] and by_file["added"] == by_id["added"]


def test_diff_readable_output(two_versions):
    result = run_cli("diff", "--db", str(two_versions))
    assert result.exit_code == 0
    assert "Changed rows (15)" in result.output and "Added rows (1)" in result.output
    assert "Removed rows (1)" in result.output and "Kohtla-Järve linn" in result.output


def test_diff_with_one_version_says_so(loaded_db):
    db = loaded_db  # the sample, loaded (a copy of the run's warehouse)
    result = run_cli("diff", "--db", str(db))
    assert result.exit_code == 1


def test_sql_read_only_outputs(two_versions):
    r = run_cli("sql", "SELECT kov, total_eur FROM kov_totals WHERE document_id = 1 ORDER BY kov", "--db", str(two_versions), "--json")
    rows = json.loads(r.output)
    assert rows[0] == {"kov": "Haapsalu linn", "total_eur": "148534.53"}
    r = run_cli("sql", "SELECT 1 AS a, 'x' AS b", "--db", str(two_versions), "--csv")
    assert r.output.splitlines() == ["a,b", "1,x"]
    r = run_cli("sql", "DELETE FROM documents", "--db", str(two_versions))
    assert r.exit_code != 0
    with duckdb.connect(str(two_versions), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_export_every_view(two_versions, tmp_path):
    out = tmp_path / "out"
    r = run_cli("export", "--db", str(two_versions), "--format", "csv", "--out", str(out))
    assert r.exit_code == 0, r.output
    names = {p.stem for p in out.glob("*.csv")}
    assert {"activities", "latest_activities", "reconciliation", "kov_totals", "indicators"} <= names
    r = run_cli("export", "--db", str(two_versions), "--format", "parquet", "--out", str(out))
    assert r.exit_code == 0, r.output
    n = duckdb.connect().execute(f"SELECT count(*) FROM '{out / 'latest_activities.parquet'}'").fetchone()[0]
    assert n == 134


def test_example_queries_run(two_versions):
    root = Path(__file__).resolve().parent.parent / "sql" / "examples"
    files = sorted(root.glob("*.sql"))
    assert len(files) >= 4
    for f in files:
        r = run_cli("sql", "--file", str(f), "--db", str(two_versions), "--json")
        assert r.exit_code == 0, (f.name, r.output)
        assert json.loads(r.output), f.name


# ------------------------------------------------------------ atomic and safe

def _snapshot(db: Path) -> bytes:
    return db.read_bytes()


def test_failure_half_way_leaves_the_warehouse_as_it_was(loaded_db, tmp_path, monkeypatch):
    import load.writer as wh

    db = loaded_db  # the sample, loaded (a copy of the run's warehouse)
    before = _snapshot(db)
    real = wh._insert_many

    def failing(con, table, *args):
        if table == "indicators":
            raise RuntimeError("disk on fire")
        return real(con, table, *args)

    monkeypatch.setattr(wh, "_insert_many", failing)
    result = run_cli(str(AMENDED), "--db", str(db))
    assert result.exit_code == 70
    assert "internal error" in result.output or "could not be loaded" in result.output
    assert _snapshot(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_second_writer_gets_a_clear_message_and_can_wait(tmp_path):
    import fcntl
    import threading

    db = tmp_path / "w.duckdb"
    lock = open(str(db) + ".lock", "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        result = run_cli(str(ORIGINAL), "--db", str(db))
        assert result.exit_code == 4
        assert "another process is writing" in result.output and "--wait" in result.output
        assert not db.exists()
        threading.Timer(0.5, lambda: fcntl.flock(lock, fcntl.LOCK_UN)).start()
        result = run_cli(str(ORIGINAL), "--db", str(db), "--wait", "10", "-q")
        assert result.exit_code == 0, result.output
    finally:
        lock.close()


def test_a_reader_holding_the_warehouse_open_does_not_fail_the_job(loaded_db):
    import subprocess
    import sys

    db = loaded_db  # the sample, loaded (a copy of the run's warehouse)
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('SELECT count(*) FROM documents').fetchone()[0], flush=True); time.sleep(30)",
         str(db)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        result = run_cli(str(AMENDED), "--db", str(db), "-q")
        assert result.exit_code == 0, result.output
    finally:
        reader.kill()
        reader.wait()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_batch_keeps_going_past_a_bad_file(tmp_path):
    db = tmp_path / "w.duckdb"
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = run_cli(str(ORIGINAL), str(bad), str(empty), str(AMENDED), "--db", str(db), "--json")
    assert result.exit_code == 3
    summary = json.loads(result.output[result.output.index("{"):])
    assert [f["status"] for f in summary["files"]] == ["loaded", "bad_input", "bad_input", "loaded"]
    assert summary["loaded"] == 2 and summary["failed"] == 2
    assert all(str(f["file"]) in f.get("message", f["file"]) for f in summary["files"][1:3])


def test_diff_of_a_file_not_loaded_is_an_answer_not_a_usage_error(loaded_db):
    """Exit 1 and one line, as for a document id not loaded; the line says what to do."""
    from tests.conftest import SAMPLES, run_cli

    result = run_cli("diff", str(SAMPLES / "annex-2025.docx"), str(SAMPLES / "annex-2025-amended.docx"),
                     "--db", str(loaded_db))
    assert result.exit_code == 1, result.output
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert len(lines) == 1 and "annex-2025-amended.docx is not loaded; ingest it first" in lines[0]


def test_show_without_a_document_takes_the_annex_whose_file_came_last(tmp_path):
    """The 2025 DOCX, the 2026 annex, then the 2025 PDF (another file of the 2025
    version): `show` without --document is about the 2025 annex, the file ingested last."""
    from tests.conftest import SAMPLES, run_cli

    db = str(tmp_path / "w.duckdb")
    for name in ("annex-2025.docx", "annex-2026-directive.pdf", "annex-2025.pdf"):
        assert run_cli(str(SAMPLES / name), "--db", db, "--quiet").exit_code == 0
    result = run_cli("show", "13", "4", "--db", db)
    assert result.exit_code == 0, result.output
    assert "68/2025-03-25" in result.output and "3/2026-01-16" not in result.output
