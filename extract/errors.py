"""What can be wrong with an input file: the error every reader raises for bad input,
and the limits that guard against hostile or runaway files. Its own module so that the
readers (reader.py, pdf/, container.py, signatures.py) import it without importing
each other."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path


# What reading a damaged ZIP (DOCX, .asice) can raise, besides its own BadZipFile.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, NotImplementedError)


class InputError(Exception):
    """The file cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Limits:
    """Guards against hostile or runaway files."""

    max_file_bytes: int = 100 * 1024 * 1024  # a signed annex is a few MB at most
    max_pages: int = 500  # the annex has ~30; an annual bundle a few hundred
    max_seconds: float = 300.0  # per file, extraction and normalization together
