"""PDF engines: page geometry -> page fragments -> repaired logical tables."""

from __future__ import annotations

from pathlib import Path

from extract.model import ExtractedDocument


def read_pdf(path: str | Path, *, engine: str, limits, password: str | None = None) -> ExtractedDocument:
    from extract.reader import InputError

    raise InputError(path, "the PDF path is not implemented yet")
