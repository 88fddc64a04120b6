"""What a whole `extract` process costs outside the reading: the heavy libraries a
command does not use are not imported, and a new warehouse copied from the empty one
built once (load/bootstrap.py) is the warehouse the schema would have built in place.
(Speed itself lives in `make bench`: no timing here.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from load import bootstrap, write_session

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "samples" / "annex-2025.pdf"

# Runs the CLI as the `extract` script does, then says which of these modules the
# command's own process imported.
PROBE = """
import json, sys
from cli.main import main
try:
    main(sys.argv[2:], prog_name="extract")
except SystemExit:
    pass
watched = json.loads(sys.argv[1])
print(json.dumps(sorted(m for m in watched if m in sys.modules)))
"""
NEVER = ["pyarrow", "pandas", "numpy", "matplotlib", "jinja2", "openpyxl", "camelot", "cv2", "pdfplumber"]


def imported_by(*args: str, watched: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(watched), *args],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    assert imported_by("--help", watched=NEVER + ["pypdfium2", "docx", "normalize.document"]) == []


def test_ingest_process_imports_neither_arrow_nor_the_readers(tmp_path):
    # The reading happens in a worker: the command itself writes, with DuckDB alone.
    watched = NEVER + ["pypdfium2", "docx", "lxml", "normalize.document", "extract.pdf.pdfium_engine"]
    db = tmp_path / "w.duckdb"
    assert imported_by("ingest", str(PDF), "--db", str(db), "-q", watched=watched) == []
    with duckdb.connect(str(db), read_only=True) as con:  # and it did load the annex
        assert con.execute("SELECT count(*) FROM annex_tables").fetchone()[0] == 17


CATALOG = [
    "SELECT table_name, column_name, data_type, column_default, is_nullable, comment FROM duckdb_columns() "
    "WHERE schema_name = 'main' ORDER BY ALL",
    "SELECT table_name, comment, sql FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY ALL",
    "SELECT view_name, comment, sql FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY ALL",
    "SELECT sequence_name, comment, start_value, increment_by, last_value FROM duckdb_sequences() ORDER BY ALL",
    "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() WHERE schema_name = 'main' ORDER BY ALL",
    "SELECT index_name, table_name, sql FROM duckdb_indexes() ORDER BY ALL",
    "SELECT version, note FROM schema_version ORDER BY ALL",
]


def catalog(path: Path) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        return [con.execute(q).fetchall() for q in CATALOG]


def new_warehouse(path: Path) -> None:
    with write_session(path) as session:
        session.changed = True  # keep the file: a write session that loads nothing leaves none


def test_copied_empty_warehouse_is_the_one_built_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNEX_CACHE_DIR", str(tmp_path / "cache"))
    new_warehouse(tmp_path / "copied.duckdb")
    templates = list((tmp_path / "cache").glob(f"{bootstrap.PREFIX}*.duckdb"))
    assert len(templates) == 1  # it was built and used
    monkeypatch.setattr(bootstrap, "copy_empty", lambda dest, apply_schema: False)
    new_warehouse(tmp_path / "in-place.duckdb")
    copied, in_place = catalog(tmp_path / "copied.duckdb"), catalog(tmp_path / "in-place.duckdb")
    assert sum(len(rows) for rows in in_place) > 300  # columns, views, comments: a real schema
    assert copied == in_place


def test_unusable_cache_falls_back_to_building_in_place(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANNEX_CACHE_DIR", str(cache))
    new_warehouse(tmp_path / "first.duckdb")
    (template,) = cache.glob(f"{bootstrap.PREFIX}*.duckdb")
    template.write_bytes(b"not a warehouse" * 100)
    new_warehouse(tmp_path / "second.duckdb")
    assert catalog(tmp_path / "second.duckdb") == catalog(tmp_path / "first.duckdb")
    assert template.read_bytes()[:15] != b"not a warehouse"  # built again


def test_no_cache_directory_still_makes_a_warehouse(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the directory would be")
    monkeypatch.setenv("ANNEX_CACHE_DIR", str(tmp_path / "cache" / "annex"))
    new_warehouse(tmp_path / "w.duckdb")
    assert len(catalog(tmp_path / "w.duckdb")[0]) > 100


def test_every_module_the_fork_server_preloads_exists():
    """The fork server skips a preload module that fails to import, silently: a
    renamed module would leave every worker importing it itself."""
    import importlib.util

    from pipeline.forkserver import PRELOAD, PRELOAD_WORD

    missing = [m for m in PRELOAD + PRELOAD_WORD if importlib.util.find_spec(m) is None]
    assert missing == []


def test_the_script_knows_which_commands_read_no_file():
    """cli/entry.py starts the readers' fork server early for an ingest only; its list
    of the other commands is the CLI's."""
    from cli.entry import OTHER_COMMANDS, reads_files
    from cli.main import main

    assert OTHER_COMMANDS == set(main.commands) - {"ingest"}
    assert reads_files(["a.pdf", "--db", "w.duckdb"]) and reads_files(["ingest", "a.docx"])
    assert not any(reads_files(argv) for argv in (["sql", "SELECT 1"], ["--help"], ["a.pdf", "--help"], ["ingest"], []))
