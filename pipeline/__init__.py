"""The pipeline: file -> extract -> normalize -> load, one file or a batch.

    from pipeline import ingest_files, process_file, Options, Outcome

`file.process_file` reads one file (no database); `worker.run_workers` reads each
file in a worker process under limits; `batch.ingest_files` skips what is loaded,
reads in workers and writes the warehouse. The CLI, the benchmark and tests call
this package; it imports extract, normalize and load, never cli.
"""

from __future__ import annotations

from pipeline.file import Options, Outcome, process_file

__all__ = ["Options", "Outcome", "ingest_files", "process_file"]


def __getattr__(name: str):
    # The batch side (load, DuckDB) is imported on first use only: the workers'
    # fork server imports pipeline.file and must not carry the warehouse code.
    if name == "ingest_files":
        from pipeline.batch import ingest_files

        return ingest_files
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
