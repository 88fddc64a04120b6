"""The CLI in the sqlite-utils manner: one output-options decorator, a closed pipe
ending quietly, the Excel CSV guarded against formulas, and the run summary's KOV
totals read from the warehouse's `kov_totals` view, checked against the transcription."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from decimal import Decimal

import duckdb

from cli.main import main
from tests.conftest import ROOT, SAMPLES, run_cli

# Commands that print rows or a result, and the formats each offers.
PRINTING = {
    "ingest": {"table", "json"}, "check": {"table", "json"}, "diff": {"table", "json"},
    "show": {"table", "json"}, "sql": {"table", "csv", "json"}, "versions": {"table", "csv", "json"},
    "schema": {"table", "csv", "json"},
}


def test_every_printing_command_takes_the_shared_output_options():
    for name, formats in PRINTING.items():
        params = main.commands[name].params
        fmt = [p for p in params if p.name == "fmt"]
        assert {p.flag_value for p in fmt} == formats, name
        assert [p.flag_value for p in fmt if p.default is True] == ["table"], name
        # no --json of its own beside them
        assert not [p for p in params if p.name in ("as_json", "json")], name


def test_output_options_keep_the_flags_users_know(tmp_path):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    assert run_cli("sql", "SELECT 1 AS one", "--db", str(db), "--json").output.strip().startswith("[")
    assert run_cli("sql", "SELECT 1 AS one", "--db", str(db), "--csv").output.splitlines() == ["one", "1"]
    assert "┃ one ┃" in run_cli("sql", "SELECT 1 AS one", "--db", str(db)).output


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`extract sql … | head`: the reader goes away; no internal error, no traceback,
    the exit status of a process stopped by SIGPIPE (128 + 13)."""
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "sql", "SELECT range AS n FROM range(300000)", "--csv", "--db", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout.read(3) == b"n\r\n"
    proc.stdout.close()  # as `head` does once it has its lines
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert stderr == b""


def test_a_closed_pipe_under_a_printed_table_ends_quietly_too(tmp_path):
    """The tables and summaries go through rich, which exits 1 on a closed pipe (the
    code of "errors found"); `extract check | head` must end as `sql --csv | head` does.
    The reader is gone before the first line is written."""
    import os

    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "sql", "SELECT 1 AS n", "--db", str(db)],
            cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE, timeout=60,
        )
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (141, b"")


def test_excel_csv_cells_are_never_formulas(tmp_path):
    from cli.export import write_csv

    text = ["=HYPERLINK(\"http://x\")", "+1", "-2 (kulu)", "@SUM(A1)", "\tx", "plain", "a=b"]
    path = tmp_path / "t.csv"
    write_csv(path, ["label", "amount_eur"], [(t, Decimal("-5.00")) for t in text], excel=True, labels="en")
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines(), delimiter=";"))[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2 (kulu)", "'@SUM(A1)", "'\tx", "plain", "a=b"]
    assert {r[1] for r in rows} == {"-5,00"}  # a negative amount stays a number
    # The plain CSV is for programs: its text is as written.
    write_csv(path, ["label"], [(t,) for t in text], excel=False, labels="en")
    with open(path, encoding="utf-8", newline="") as fh:
        assert [r[0] for r in csv.reader(fh)][1:] == text


def _eur(value: Decimal) -> str:
    """Written the Estonian way, independently of the code's formatter."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def test_summary_kov_totals_are_the_transcriptions(tmp_path, transcription):
    """Each partner KOV's planned amount is its table's top row (3.5.2.1 …), which
    holds all the others: summed by hand from the transcription, per KOV and for all
    partners; the summary prints these and the `kov_totals` view holds the same."""
    expected: dict[str, Decimal] = {}
    for t in transcription["tables"].values():
        if t["kind"] == "schedule" and t["kov"]:
            top = t["rows"][0]["norm"]
            expected[t["kov"]] = expected.get(t["kov"], Decimal(0)) + Decimal(top["amount_eur"])
    db = tmp_path / "w.duckdb"
    result = run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db))
    assert result.exit_code == 0, result.output
    section = result.output.split("Planned amount per KOV", 1)[1]
    printed = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"[│|]", line) if c.strip()]
        if len(cells) == 2 and re.fullmatch(r"-?[\d  ]+,\d\d", cells[1]):
            printed[cells[0]] = cells[1]
    assert printed == {**{k: _eur(v) for k, v in expected.items()}, "all partners": _eur(sum(expected.values()))}
    con = duckdb.connect(str(db), read_only=True)
    view = dict(con.execute("SELECT kov, sum(total_eur) FROM latest_kov_totals GROUP BY kov").fetchall())
    con.close()
    assert view == expected
