"""Ingest a batch of files: skip what is loaded, extract (in workers), load (here).

The warehouse is written by this process only; `--jobs N` workers run extract and
normalize, which is where the time goes, and hand back plain records.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from rich.console import Console

from cli.pipeline import Options, Outcome, process_file
from extract.reader import sha256_of
from load import loaded_documents, write_session

_err = Console(stderr=True)


def ingest_files(
    files, db, opts: Options, *, jobs: int = 1, force: bool = False, wait: float = 0.0, progress: bool = False
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
    loaded = {} if force else loaded_documents(db, [o.sha256 for o in outcomes])
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
    with write_session(db, wait=wait) as session:
        for o, done in _extracted(todo, opts, jobs, progress):
            o.__dict__.update(done.__dict__)
            if o.status != "extracted":
                continue
            try:
                res = session.load(o.doc, force=force, extra=o.extra)
            except Exception as exc:  # noqa: BLE001 - this file's load failed, go on
                o.status = "internal_error"
                o.message = f"{o.path}: could not be loaded ({type(exc).__name__}: {exc})"
                o.traceback = traceback.format_exc()
                continue
            o.status = "loaded"
            o.extra.update(document_id=res.document_id, version=res.version, replaced=res.replaced,
                           new_version=res.new_version)
    return outcomes


def _extracted(todo: list[Outcome], opts: Options, jobs: int, progress: bool) -> Iterator[tuple[Outcome, Outcome]]:
    """(outcome, processed) in input order."""
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            futures = [pool.submit(process_file, o.path, opts, o.sha256) for o in todo]
            for o, fut in zip(todo, futures):
                yield o, fut.result()
        return
    for o in todo:
        if progress:
            with _err.status(f"reading {o.path} …"):
                done = process_file(o.path, opts, o.sha256)
        else:
            done = process_file(o.path, opts, o.sha256)
        yield o, done
