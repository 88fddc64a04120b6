"""Shared fixtures: the transcription (independent expectations) and ingest helpers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TRANSCRIPTION = SAMPLES / "transcription" / "annex-2025.json"


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


@pytest.fixture
def read_in_process(monkeypatch):
    """Ingest reads each file in this process instead of a worker: for a test that
    monkeypatches extract/normalize code, which workers (forked from a server
    started before the patch) would not see. No memory or time limit applies."""
    import pipeline.batch
    from pipeline.file import process_file

    def in_process(tasks, opts, **kw):
        return [process_file(path, opts, sha) for path, sha in tasks]

    monkeypatch.setattr(pipeline.batch, "run_workers", in_process)


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): run on the worker of the group (pytest-xdist)")


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test` runs `-n auto --dist loadgroup`) a group runs on one
    worker. Each module is a group, so that its module-scoped readings are made once;
    the tests that read the scan (OCR, the slowest reading) share one group, so that
    the reading is made once per run rather than once per worker."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        group = "scan" if "scan" in getattr(item, "fixturenames", ()) else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))


# CI runs the property and fuzz tests with a fixed seed, so that a run is reproducible;
# locally each run explores new examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
