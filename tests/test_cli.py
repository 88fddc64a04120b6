"""The command line: every command documented in --help; ingest summary contents."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from tests.conftest import SAMPLES, run_cli


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    doc = main.commands[command].help
    assert doc and doc.splitlines()[0] in result.output
    assert "--db" in result.output


def test_top_level_help_lists_commands():
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("ingest", "check", "sql", "diff", "export", "versions"):
        assert command in result.output


def test_summary_shows_tables_rows_and_kov_totals(db, transcription):
    result = run_cli(str(SAMPLES / "annex-2025.pdf"), "--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Tables found" in out and "Planned amount per KOV" in out
    # Totals as the transcription has them, written the Estonian way.
    assert "319 392,91" in out and "1 066 278,75" in out
    assert "45 parents equal the sum of their children, 0 differ" in out


def test_json_summary_is_machine_readable(db, transcription):
    result = run_cli(str(SAMPLES / "annex-2025.pdf"), "--db", str(db), "--json")
    data = json.loads(result.output)
    f = data["files"][0]
    assert data["exit_code"] == 0 and f["status"] == "loaded"
    assert {t["table_no"]: t["rows"] for t in f["tables"]} == {
        int(k): len(t["rows"]) for k, t in transcription["tables"].items()}
    assert f["activities"] + f["indicators"] == 141
    assert f["reconciliation"] == {"ok": 45}


def test_quiet_prints_one_line_per_file(db):
    result = run_cli(str(SAMPLES / "annex-2025.docx"), str(SAMPLES / "annex-2025.docx"), "--db", str(db), "-q")
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("loaded") and lines[1].startswith("skipped")


def test_versions_lists_documents(db):
    run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "-q")
    data = json.loads(run_cli("versions", "--db", str(db), "--json").output)
    assert data[0]["version"] == 1 and data[0]["directive_no"] == 68


def test_commands_on_a_missing_warehouse_say_so(tmp_path):
    missing = tmp_path / "none.duckdb"
    for args in (["check"], ["sql", "SELECT 1"], ["diff"], ["versions"]):
        result = run_cli(*args, "--db", str(missing))
        assert result.exit_code == 4, (args, result.output)
        assert "no warehouse here yet" in result.output
        assert not missing.exists()


def test_one_error_boundary_tells_a_missing_row_from_a_bug(tmp_path, monkeypatch):
    """`answering` (cli/app.py): a row that is not loaded is an answer (exit 1, one
    line); a KeyError inside the command is a bug (exit 70, logged), not an answer."""
    import cli.show

    db = tmp_path / "w.duckdb"
    assert run_cli(str(SAMPLES / "annex-2025.docx"), "--db", str(db), "-q").exit_code == 0
    r = run_cli("show", "99", "1", "--db", str(db))
    assert r.exit_code == 1 and r.output.startswith("error: ") and len(r.output.strip().splitlines()) == 1

    def broken(*a, **k):
        raise KeyError("amount_eur")

    monkeypatch.setattr(cli.show, "trace", broken)
    monkeypatch.setenv("ANNEX_LOG_DIR", str(tmp_path))
    r = run_cli("show", "9", "1", "--db", str(db))
    assert r.exit_code == 70, r.output
    assert "internal error" in r.output
