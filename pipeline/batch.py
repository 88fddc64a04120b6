"""Ingest a batch of files: skip what is loaded, extract (in workers), load (here).

The warehouse is written by this process only, after every file has been read:
each file is extracted and normalized in a worker process of its own under memory
and time limits (`pipeline.worker`; `--jobs N` at a time), which hands back plain records.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import traceback

from rich.console import Console

from pipeline.file import Options, Outcome
from pipeline.worker import run_workers
from extract.reader import sha256_of

# load (DuckDB) is imported when it is first needed: a new warehouse needs no look at
# what is loaded, and the import then runs while the first file is read.

_err = Console(stderr=True)


def ingest_files(
    files, db, opts: Options, *, jobs: int = 1, force: bool = False, wait: float = 0.0, progress: bool = False,
    max_memory_mb: int | None = None,
) -> list[Outcome]:
    """One Outcome per file, in input order. Raises WarehouseBusy / WarehouseError
    when the warehouse cannot be written at all; a bad file is an outcome, not an
    exception."""
    outcomes: list[Outcome] = []
    for f in files:
        o = Outcome(path=str(f))
        try:
            o.sha256 = sha256_of(f) if os.path.isfile(f) else None
        except OSError:
            o.sha256 = None  # process_file reports why it cannot be read
        outcomes.append(o)
    warm_load = force or not os.path.exists(db)
    if warm_load:
        loaded = {}  # nothing loaded to skip: DuckDB is imported while the first file is read
    else:
        from load import loaded_documents

        loaded = loaded_documents(db, [o.sha256 for o in outcomes])
    todo: list[Outcome] = []
    first_with: dict[str, str] = {}  # sha256 -> the first file of this batch with it
    for o in outcomes:
        if (doc_id := loaded.get(o.sha256)) is not None:
            o.status, o.message = "skipped", f"already loaded as document {doc_id} (same sha256)"
            continue
        if o.sha256 in first_with:
            o.status, o.message = "skipped", f"same content as {first_with[o.sha256]} earlier in this batch"
            continue
        if o.sha256:
            first_with[o.sha256] = o.path
        todo.append(o)
    if not todo:
        return outcomes
    # Read every file first, each in a worker under its limits, holding no lock; a
    # slow or hostile file delays only its own batch, never another writer.
    # Each read file's Outcome takes the place of its placeholder, in input order.
    place = {id(o): i for i, o in enumerate(outcomes)}
    for o, done in zip(todo, _extracted(todo, opts, jobs, progress, max_memory_mb, warm_load)):
        outcomes[place[id(o)]] = done
    ready = [o for o in outcomes if o.status == "extracted"]
    if not ready:
        return outcomes
    # Then write, under the lock, for as long as the writing takes.
    from load import write_session

    with write_session(db, wait=wait) as session:
        for o in ready:
            if not force and (doc_id := session.loaded_as(o.sha256)) is not None:
                # Another writer loaded the same bytes while this one was reading.
                o.status, o.message = "skipped", f"already loaded as document {doc_id} (same sha256)"
                continue
            try:
                res = session.load(o.doc, force=force)
            except Exception as exc:  # noqa: BLE001 - this file's load failed, go on
                o.status = "internal_error"
                o.message = f"{o.path}: could not be loaded ({type(exc).__name__}: {exc})"
                o.traceback = traceback.format_exc()
                continue
            o.status = "loaded"
            o.extra.update(document_id=res.document_id, version=res.version, replaced=res.replaced,
                           new_version=res.new_version)
    return outcomes


def _extracted(
    todo: list[Outcome], opts: Options, jobs: int, progress: bool, max_memory_mb: int | None, warm_load: bool
) -> list[Outcome]:
    """One processed Outcome per file, in input order, each read in a worker; with
    `warm_load`, the warehouse code is imported (in a thread) once the first worker
    has started, while this process only waits for it."""
    tasks = [(o.path, o.sha256) for o in todo]
    status = _err.status("reading …") if progress else contextlib.nullcontext()
    warming: list[threading.Thread] = []

    def started(path: str) -> None:
        if progress:
            status.update(f"reading {path} …")
        if warm_load and not warming:
            warming.append(threading.Thread(target=importlib.import_module, args=("load",), daemon=True))
            warming[0].start()

    with status:
        done = run_workers(tasks, opts, jobs=jobs, max_memory_mb=max_memory_mb, on_started=started)
    for t in warming:  # finished long since, as a rule; never left importing at exit
        t.join()
    return done
