"""The server the reading workers are forked from (pipeline/worker.py), and starting it
early.

Workers are forked from a server process that imported the readers once (so a worker
costs milliseconds) and holds nothing of the command's state: forking the command
itself would hand each worker its threads and its parsed XML (lxml is not safe across
such a fork). The server is a second interpreter; started when the first worker is,
the command would wait while it boots and imports the readers. `start` lets the
`extract` script (cli/entry.py) start it first thing, so that it boots while the
command imports the CLI and the warehouse code (on a 30-page PDF, about a fifth of
the whole process). This module imports nothing of the pipeline: it must be cheap.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import types

START_METHOD = "forkserver"
PRELOAD = [
    "pipeline.file", "normalize.document", "extract.pdf.pdfium", "extract.signatures", "pypdfium2",
    # the pdfium engine reads fonts' /Descent with pdfminer (extract/pdf/pdfium/fonts.py)
    "pdfminer.pdfdocument", "pdfminer.pdfpage",
]
# The Word side (python-docx, lxml: ~0.1 s) only when the first batch has a file that
# is not a .pdf: a command reading one PDF does not import it. A later batch of this
# process with a DOCX imports it in each worker (slower, never wrong).
PRELOAD_WORD = ["extract.docx_engine", "extract.container", "docx"]
WORK_PREFIX = "annex-work-"


def preload_for(paths) -> list[str]:
    """What the fork server imports before forking workers for these files."""
    if all(str(p).lower().endswith(".pdf") for p in paths):
        return PRELOAD
    return PRELOAD + PRELOAD_WORD


def socket_base() -> str:
    """Where the fork server's socket can live: its path must stay under 108 bytes,
    which a long $TMPDIR would break."""
    tmp = tempfile.gettempdir()
    return tmp if len(tmp) <= 40 else "/tmp"


def own_multiprocessing_tempdir() -> None:
    """multiprocessing keeps its socket in a `pymp-*` directory that only a clean exit
    removes; put it under a directory named after this process, so that the next run
    can tell it is dead and remove it (worker.clean_dead_workdirs)."""
    from multiprocessing import util

    if util.process.current_process()._config.get("tempdir") is not None:
        return  # already made (by an earlier batch in this process)
    base = tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-mp-", dir=socket_base())
    saved = tempfile.tempdir
    tempfile.tempdir = base
    try:
        util.get_temp_dir()
    finally:
        tempfile.tempdir = saved
    # After multiprocessing's own removal of pymp-* (exit priority -100).
    util.Finalize(None, shutil.rmtree, args=(base, True), exitpriority=-101)


@contextlib.contextmanager
def main_hidden():
    """multiprocessing makes the server and each new process import the parent's
    `__main__` again (the `extract` script, a notebook, `python -`): slow, and
    impossible for some (a script read from stdin fails with a traceback). Nothing
    there is needed, so it is hidden while a process is launched."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")  # no __file__, no __spec__
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def context(paths):
    """The multiprocessing context workers start from; the server's preload set for
    these files (it takes effect when the server first starts)."""
    ctx = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        ctx.set_forkserver_preload(preload_for(paths))
    own_multiprocessing_tempdir()
    return ctx


def start(paths) -> None:
    """Start the fork server now, for these files, if it is not running."""
    context(paths)
    if START_METHOD == "forkserver":
        from multiprocessing import forkserver

        with main_hidden():
            forkserver.ensure_running()
