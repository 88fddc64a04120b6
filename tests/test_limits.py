"""Hostile and oversized input: every case ends in a one-line error or a load with
findings, within the memory and time limits, and leaves nothing behind.

The bombs are made here, small and on the fly; none is committed. Time and peak
memory of each case are measured in the benchmark (bench/run_bench.py), not here.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import BAD_INPUT, ROOT, SAMPLES, run_cli
from tests.conftest import refuse as conftest_refuse
from tests.hostile_inputs import (
    asice_with,
    dtd_docx,
    empty_paragraphs_docx,
    gridspan_docx,
    many_text_objects_pdf,
    rewrite_zip,
    slow_pdf,
    zero_part_docx,
)

DOCX = SAMPLES / "annex-2025.docx"


def refuse(db: Path, path: Path, *words, extra=()):
    result = conftest_refuse(db, path, *words, extra=extra)
    # nothing left beside the warehouse: no half-written file, no journal
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == ["w.duckdb", "w.duckdb.lock"]
    return result


# ------------------------------------------------------------------ DOCX parts

def test_docx_zip_bomb_part_is_refused_before_it_is_inflated(tmp_path, loaded_db):
    refuse(loaded_db, zero_part_docx(tmp_path / "bomb.docx"), "compressed", "zip bomb")


def test_docx_bomb_inside_a_container_is_refused_too(tmp_path, loaded_db):
    inner = zero_part_docx(tmp_path / "annex.docx")
    refuse(loaded_db, asice_with(inner, tmp_path / "bomb.asice"), "zip bomb")


def test_docx_with_millions_of_empty_paragraphs_is_refused_as_a_bomb(tmp_path, loaded_db):
    refuse(loaded_db, empty_paragraphs_docx(tmp_path / "paras.docx", 2_000_000), "document.xml", "zip bomb")


def test_docx_with_too_many_parts(tmp_path, loaded_db):
    from extract import reader

    p = rewrite_zip(DOCX, tmp_path / "parts.docx", add=[(f"customXml/x{i}.xml", "<a/>") for i in range(1001)])
    refuse(loaded_db, p, f"entries in the DOCX, over the limit of {reader.DOCX_MAX_PARTS}")


def test_docx_with_a_dtd_is_refused(tmp_path, loaded_db):
    refuse(loaded_db, dtd_docx(tmp_path / "dtd.docx"), "DTD")


def test_gridspan_bomb_is_one_line_within_the_memory_limit(tmp_path, loaded_db):
    refuse(loaded_db, gridspan_docx(tmp_path / "span.docx"), "memory|span|column")


# ------------------------------------------------------------------ worker limits

def test_pdf_over_the_memory_limit_is_one_line_not_an_abort(tmp_path, loaded_db):
    p = many_text_objects_pdf(tmp_path / "objects.pdf")
    refuse(loaded_db, p, "memory", extra=("--max-memory-mb", "96", "--timeout", "60"))


def test_timeout_kills_the_worker_and_the_good_file_still_loads(tmp_path):
    db = tmp_path / "w.duckdb"
    slow = slow_pdf(tmp_path / "slow.pdf")
    result = run_cli(str(DOCX), str(slow), "--db", str(db), "--timeout", "3", "-q")
    assert result.exit_code == BAD_INPUT, result.output
    assert "Traceback" not in result.output
    errors = [l for l in result.output.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and str(slow) in errors[0] and "--timeout" in errors[0], result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT file_name FROM documents").fetchall() == [("annex-2025.docx",)]
    con.close()


def test_an_error_inside_a_worker_comes_back_as_an_outcome():
    from pipeline.file import Options
    from pipeline.worker import run_workers
    from extract.reader import Limits

    # A bug stand-in: a page limit that is not a number.
    (out,) = run_workers([(str(SAMPLES / "annex-2025.pdf"), None)], Options(limits=Limits(max_pages="many")))
    assert out.status == "internal_error" and "TypeError" in out.traceback


def test_the_writer_lock_is_free_while_files_are_read(tmp_path, monkeypatch):
    import pipeline.batch

    db = tmp_path / "w.duckdb"
    real = pipeline.batch.run_workers
    seen = []

    def checking(*a, **k):
        with open(str(db) + ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a writer held it
            seen.append("free")
        return real(*a, **k)

    monkeypatch.setattr(pipeline.batch, "run_workers", checking)
    assert run_cli(str(DOCX), "--db", str(db), "-q").exit_code == 0
    assert seen == ["free"]


# ------------------------------------------------------------------ leftovers

def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_dead_writers_copies_and_work_dirs_are_cleaned_live_ones_kept(tmp_path, monkeypatch):
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    db = tmp_path / "w.duckdb"
    dead, live = _dead_pid(), subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for pid in (dead, live.pid):
            (tmp_path / f"w.duckdb.tmp-{pid}").write_bytes(b"x" * 100)
            (tmp_path / f"w.duckdb.tmp-{pid}.wal").write_bytes(b"x")
            (tmp / f"annex-work-{pid}-abc").mkdir()
        assert run_cli(str(DOCX), "--db", str(db), "-q").exit_code == 0
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.duckdb"))
        assert left == ["w.duckdb", "w.duckdb.lock", f"w.duckdb.tmp-{live.pid}", f"w.duckdb.tmp-{live.pid}.wal"]
        assert sorted(p.name for p in tmp.iterdir()) == [f"annex-work-{live.pid}-abc"]
    finally:
        live.kill()
        live.wait()


def _start_and_wait_for_worker(tmp: Path, db: Path, env: dict) -> subprocess.Popen:
    slow = slow_pdf(tmp.parent / f"{tmp.name}-slow.pdf")
    p = subprocess.Popen([sys.executable, "-m", "cli", str(DOCX), str(slow), "--db", str(db), "-q"],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):  # until it reads the slow file: its worker holds a work directory
        # (annex-work-PID-mp-…: the fork server's socket, there from the start)
        if any("-mp-" not in d.name for d in tmp.glob("annex-work-*")) or p.poll() is not None:
            break
        time.sleep(0.05)
    return p


def test_killed_writer_leaves_nothing_after_the_next_run(tmp_path):
    import tempfile

    db = tmp_path / "w.duckdb"
    tmp = Path(tempfile.mkdtemp(prefix="annex-t-", dir="/tmp"))  # short: sockets live here
    env = {**os.environ, "TMPDIR": str(tmp)}
    try:
        p = _start_and_wait_for_worker(tmp, db, env)
        # A writer killed while its worker reads, not one that had already ended.
        assert p.poll() is None and any(tmp.glob("annex-work-*"))
        p.kill()
        p.communicate()
        time.sleep(0.5)  # the worker dies with its parent (PR_SET_PDEATHSIG)
        result = subprocess.run([sys.executable, "-m", "cli", str(DOCX), "--db", str(db), "-q"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert sorted(x.name for x in tmp_path.iterdir() if x.name.startswith("w.duckdb")) == ["w.duckdb", "w.duckdb.lock"]
        assert list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_sigterm_stops_the_workers_and_removes_their_files(tmp_path):
    import signal
    import tempfile

    db = tmp_path / "w.duckdb"
    tmp = Path(tempfile.mkdtemp(prefix="annex-t-", dir="/tmp"))
    try:
        p = _start_and_wait_for_worker(tmp, db, {**os.environ, "TMPDIR": str(tmp)})
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
        assert p.returncode == 130 and "Traceback" not in err
        assert [l for l in err.splitlines() if l.startswith("error:")] == ["error: interrupted"]
        assert not db.exists() and list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------ values

def _sample_with_cells(dest: Path, edits: dict[tuple[int, int, int], str]) -> Path:
    """The sample DOCX with cells replaced: (table index, row, column) -> text."""
    import docx

    d = docx.Document(str(DOCX))
    for (t, r, c), text in edits.items():
        d.tables[t].rows[r].cells[c].text = text
    d.save(dest)
    return dest


def test_values_the_columns_cannot_hold_are_kept_raw_and_the_file_loads(tmp_path):
    # Tabel 1 (table 0): row 1 is "Elluviija otsesed personalikulud" with its amount in
    # column 3; Tabel 2 (table 1) is an indicator table, targets in columns 2 and 3.
    p = _sample_with_cells(tmp_path / "big.docx", {
        (0, 1, 3): "1 000 000 000 000",
        (1, 1, 2): "5 000 000 000 000",
        (0, 2, 3): "-500,00",
        (0, 1, 0): "Elluviija otsesed \u202epersonalikulud",
    })
    db = tmp_path / "w.duckdb"
    result = run_cli(str(p), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    a = con.execute("SELECT amount_eur, amount_raw FROM activities WHERE table_no = 1 AND row_no = 1").fetchone()
    assert a == (None, "1 000 000 000 000")
    i = con.execute("SELECT target_plan_year, target_plan_year_raw FROM indicators WHERE table_no = 2 AND row_no = 1").fetchone()
    assert i == (None, "5 000 000 000 000")
    found = set(con.execute("SELECT table_no, row_no, rule, severity FROM validation_issues").fetchall())
    assert {(1, 1, "value_out_of_range", "error"), (2, 1, "value_out_of_range", "error"),
            (1, 2, "negative_amount", "error"), (1, 1, "control_character", "warning")} <= found
    con.close()


def test_children_whose_sum_overflows_are_a_finding_not_a_crash(tmp_path):
    from load import write_session
    from normalize import normalize_document
    from tests.test_findings import doc_with, row

    doc = normalize_document(doc_with([
        row("3.5.2.1 Kokku", "900 000 000 000,00"),
        row("3.5.2.1.1 A", "900 000 000 000,00"),
        row("3.5.2.1.2 B", "900 000 000 000,00"),
        row("3.5.2.1.3 C", "-5"),
    ]), "x" * 64, "x.docx")
    found = {(f.row_no, f.rule) for f in doc.findings}
    assert {(1, "sum_out_of_range"), (4, "negative_amount")} <= found
    assert [r.row_no for r in doc.reconciliation] == []
    db = tmp_path / "w.duckdb"
    with write_session(db) as s:
        s.load(doc)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT sum(amount_eur) FROM activities").fetchone()[0] == Decimal("2699999999995.00")
    con.close()


def test_negative_target_and_control_characters_in_indicators():
    from normalize import normalize_document
    from tests.test_findings import INDICATOR_HEADER, doc_with

    doc = normalize_document(
        doc_with([["Näitaja\u200b", "Arv", "-3", "7", "x"]], header=INDICATOR_HEADER), "x", "x.docx"
    )
    assert {(1, "negative_target"), (1, "control_character")} <= {(f.row_no, f.rule) for f in doc.findings}
    assert doc.indicators[0].target_plan_year == Decimal(-3)


def test_a_row_without_a_code_is_not_a_prefix_of_every_code():
    from normalize.hierarchy import Node, infer_parents

    nodes = [Node(1, "2.1", Decimal(3)), Node(2, None, Decimal(0)), Node(3, "3.1.2", Decimal(3))]
    findings = infer_parents(1, nodes)
    assert [n.parent for n in nodes] == [None, 1, 1]
    assert [(f.row_no, f.rule) for f in findings] == [(3, "misnumbered_code")]
