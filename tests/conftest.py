"""Shared fixtures: the transcription (independent expectations) and ingest helpers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TRANSCRIPTION = SAMPLES / "transcription" / "annex-2025.json"
ORIGINAL = SAMPLES / "annex-2025.docx"
AMENDED = SAMPLES / "annex-2025-amended.docx"
BAD_INPUT = 3  # the CLI's exit code for a refused file


@pytest.fixture(scope="session")
def transcription() -> dict:
    return json.loads(TRANSCRIPTION.read_text("utf-8"))


def run_cli(*args: str, input: str | None = None):
    from cli.main import main

    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture(scope="session")
def extraction_cache() -> dict:
    """sha256 -> the Outcome of reading that file (tests/warehouses.py `cached`), one
    for the whole session: defined here once, so that every module shares it (the
    scan's OCR reading, tens of seconds, is done once)."""
    return {}


def workers_in_process(mp: pytest.MonkeyPatch, process=None) -> None:
    """Ingest reads each file in this process instead of a worker, by `process`
    (pipeline.file.process_file by default): for a test that patches extract or
    normalize code, which workers (forked from a server started before the patch)
    would not see, or that caches readings. No memory or time limit applies; the
    workers' limits are tested in tests/test_limits.py."""
    import pipeline.batch
    import pipeline.file

    def in_process(tasks, opts, **kw):
        return [(process or pipeline.file.process_file)(path, opts, sha) for path, sha in tasks]

    mp.setattr(pipeline.batch, "run_workers", in_process)


@pytest.fixture
def read_in_process(monkeypatch):
    workers_in_process(monkeypatch)


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory):
    """The empty-warehouse template (load/bootstrap.py) kept in this run's (worker's)
    temp dir: the tests neither write to the user's ~/.cache nor depend on what it holds."""
    old = os.environ.get("ANNEX_CACHE_DIR")
    os.environ["ANNEX_CACHE_DIR"] = str(tmp_path_factory.mktemp("annex-cache"))
    yield
    if old is None:
        os.environ.pop("ANNEX_CACHE_DIR", None)
    else:
        os.environ["ANNEX_CACHE_DIR"] = old


# ---------------------------------------------------------------- warehouses built once

def _ingested(folder: Path, *files: Path) -> Path:
    db = folder / "w.duckdb"
    for f in files:
        result = run_cli(str(f), "--db", str(db), "-q")
        assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The sample DOCX loaded once per run (per xdist worker). Never written to: take
    a copy (`loaded_db`) to ingest into it."""
    return _ingested(tmp_path_factory.mktemp("sample"), ORIGINAL)


@pytest.fixture
def loaded_db(tmp_path, sample_warehouse) -> Path:
    """A copy of a warehouse that already holds the sample, so that 'unchanged' after a
    refusal means something. The lock file is there as after any ingest."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, db)
    (tmp_path / "w.duckdb.lock").touch()
    return db


@pytest.fixture(scope="session")
def two_versions_once(tmp_path_factory) -> Path:
    """The original and the amended DOCX loaded once per run: versions 1 and 2."""
    return _ingested(tmp_path_factory.mktemp("two-versions"), ORIGINAL, AMENDED)


@pytest.fixture
def two_versions(tmp_path, two_versions_once) -> Path:
    """A copy of the two-version warehouse, the test's own."""
    db = tmp_path / "two.duckdb"
    shutil.copyfile(two_versions_once, db)
    return db


def query(db: Path, sql: str, params=()) -> list[tuple]:
    """Rows of one statement on a warehouse opened read-only."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- refusals

def state(db: Path) -> str | None:
    """The warehouse's bytes, hashed: equal before and after means unchanged."""
    return hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else None


def assert_refused(result, path, *patterns: str) -> None:
    """Refused as bad input: exit 3 and one line `error: FILE: reason` that names the
    file and matches every pattern (regular expressions); no traceback."""
    assert result.exit_code == BAD_INPUT, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, result.output
    assert str(path) in lines[0]
    for p in patterns:
        assert re.search(p, lines[0]), lines[0]


def refuse(db: Path, path: Path, *patterns: str, extra=()):
    """Ingest `path` into `db`: refused in one line, the warehouse unchanged."""
    before = state(db)
    result = run_cli(str(path), "--db", str(db), *extra)
    assert_refused(result, path, *patterns)
    assert state(db) == before
    return result


# ---------------------------------------------------------------- running on every core
# `make test` runs pytest-xdist (-n auto). A worker gets whole test modules (their
# module-scoped readings are made once), and the tests that read the scan by OCR, the
# slowest reading, go with tests/test_ocr.py, whose session fixture made it. The
# slowest modules are collected first so that they start first and no core waits for
# them at the end. (xdist's --dist loadgroup does not group under pytest 9: it renames
# nodeids through an attribute pytest 9 no longer reads.)
SLOWEST_FIRST = ["test_ocr.py", "test_camelot_engine.py"]
WITH_THE_SCAN = {
    "tests/test_versions_by_content.py::test_the_crontab_line_gives_the_same_warehouse_in_any_order",
}


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: modules stay whole


try:
    from xdist.scheduler import LoadFileScheduling
except ImportError:  # plain pytest: one process
    LoadFileScheduling = None

if LoadFileScheduling is not None:

    class _ModulesAndTheScan(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/test_ocr.py" if nodeid in WITH_THE_SCAN else super()._split_scope(nodeid)

    @pytest.hookimpl(optionalhook=True)  # no error under -p no:xdist
    def pytest_xdist_make_scheduler(config, log):
        config.option.loadscopereorder = False  # keep the collection order: slowest first
        return _ModulesAndTheScan(config, log)


# CI runs the property and fuzz tests with a fixed seed, so that a run is reproducible;
# locally each run explores new examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
