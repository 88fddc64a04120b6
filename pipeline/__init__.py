"""The pipeline: file -> extract -> normalize -> load, one file or a batch.

    from pipeline import ingest_files, process_file, Options, Outcome

`file.process_file` reads one file (no database); `worker.run_workers` reads each
file in a worker process under limits; `batch.ingest_files` skips what is loaded,
reads in workers and writes the warehouse. The CLI, the benchmark and tests call
this package; it imports extract, normalize and load, never cli.
"""

from __future__ import annotations

__all__ = ["Options", "Outcome", "ingest_files", "process_file"]

# Each name is imported on first use: the workers' fork server imports pipeline.file
# and must not carry the warehouse code (pipeline.batch: load, DuckDB), and the
# `extract` script starts that server (pipeline.forkserver) before importing anything.
_HOME = {"Options": "pipeline.file", "Outcome": "pipeline.file", "process_file": "pipeline.file",
         "ingest_files": "pipeline.batch"}


def __getattr__(name: str):
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
