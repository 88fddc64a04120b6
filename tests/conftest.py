"""Shared fixtures: the transcription (independent expectations) and ingest helpers."""

from __future__ import annotations

import json
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
