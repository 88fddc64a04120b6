"""One file through the stages: open -> extract -> normalize. No database here.

Runs in the main process or in a worker (`--jobs N`); returns plain data that
pickles, and never raises for a bad file: the outcome says what went wrong.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import InputError, Limits
from extract.model import Container
from extract.reader import read_document, sha256_of, sniff_format
from extract.signatures import read_pdf_signatures, require_intact
from normalize.model import NormalizedDocument

if TYPE_CHECKING:  # the PDF stage is imported only when a PDF is read
    from extract.pdf.settings import PdfSettings


def normalize_document(*args, **kwargs):
    # The stages behind it are imported where a file is read (a worker, preloaded by
    # its fork server), not by the command that starts the workers and writes.
    from normalize import normalize_document as normalize

    return normalize(*args, **kwargs)


@dataclass
class Options:
    engine: str = "auto"
    limits: Limits = field(default_factory=Limits)
    password: str | None = None
    member: str | None = None
    require_signature: bool = False
    revisions: str = "accepted"  # a DOCX's tracked changes: 'accepted' | 'original'
    pdf_settings: PdfSettings | None = None  # the PDF path's tolerances; None: the defaults


@dataclass
class Outcome:
    path: str
    sha256: str | None = None
    status: str = "pending"  # loaded | skipped | bad_input | internal_error | ...
    message: str = ""
    doc: NormalizedDocument | None = None  # with its file's container and signatures
    extra: dict = field(default_factory=dict)  # the load's result: document_id, version, replaced, new_version
    seconds: float = 0.0
    traceback: str | None = None
    peak_rss_kb: int | None = None  # the worker's peak resident memory


def _shown_path(path: str, failed: str, container: Container | None) -> str:
    """The file the user named: a member taken out of a container is shown as
    `container.asice[member]`, not as its temporary copy."""
    if failed != path and container is not None:
        return f"{path}[{container.member}]"
    return path


def process_file(path: str, opts: Options, sha256: str | None = None) -> Outcome:
    """Extract and normalize one file. Bad input -> status 'bad_input' with a
    one-line reason; anything unexpected -> 'internal_error' with the traceback.

    No time or memory limit is enforced here: `pipeline.worker` runs this in a worker
    process that the parent kills when it runs over."""
    start = time.perf_counter()
    out = Outcome(path=path, sha256=sha256)
    container = None
    try:
        fmt = sniff_format(path)
        out.sha256 = out.sha256 or sha256_of(path)
        source = Path(path)
        signatures = None
        if fmt == "asice":
            from extract.container import open_container

            source, fmt, container = open_container(path, member=opts.member)
            signatures = container.signatures
        if fmt == "pdf" and signatures is None:
            signatures = read_pdf_signatures(source, password=opts.password)
        if opts.require_signature:
            require_intact(path, signatures or [])
        extracted = read_document(source, engine=opts.engine, fmt=fmt, limits=opts.limits, password=opts.password,
                                  revisions=opts.revisions, pdf_settings=opts.pdf_settings)
        extracted.path = path
        extracted.container, extracted.signatures = container, signatures
        out.doc = normalize_document(extracted, out.sha256, Path(path).name)
        out.status = "extracted"
    except InputError as exc:
        out.status, out.message = "bad_input", f"{_shown_path(path, exc.path, container)}: {exc.reason}"
    except MemoryError:
        out.doc = None
        out.status, out.message = "bad_input", f"{path}: ran out of memory while reading it (over --max-memory-mb)"
    except Exception as exc:  # noqa: BLE001 - the CLI boundary reports it
        out.status = "internal_error"
        out.message = f"{path}: internal error ({type(exc).__name__}: {exc})"
        out.traceback = traceback.format_exc()
    finally:
        out.seconds = time.perf_counter() - start
    return out
