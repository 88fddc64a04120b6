"""PDF engines: page geometry -> page fragments -> repaired logical tables.

    engine (pdfplumber, …)  ->  PageGeometry per page     (geometry.py)
    grid.page_layout        ->  Fragments + TextLines     (grid.py)
    repair.assemble         ->  blocks + whole tables     (repair.py)

An engine only has to open a file and yield `PageGeometry` pages; everything after is
shared. To add one (pypdfium2, camelot), write `open_document(path, password)` as a
context manager giving an object with `page_count` and `pages()`, raising
`PdfUnreadable` / `PdfEncrypted`, and register it in `ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extract.model import ExtractedDocument
from extract.pdf.geometry import PdfEncrypted, PdfUnreadable
from extract.pdf.grid import page_layout
from extract.pdf.repair import assemble


def _plumber(path, password):
    from extract.pdf.plumber_engine import open_document

    return open_document(path, password)


def _pdfium(path, password):
    from extract.pdf.pdfium_engine import open_document

    return open_document(path, password)


# Engine name -> opener.
ENGINES: dict[str, Callable] = {"pdfplumber": _plumber, "pdfium": _pdfium}


def read_pdf(path: str | Path, *, engine: str, limits, password: str | None = None) -> ExtractedDocument:
    from extract.reader import InputError

    opener = ENGINES.get(engine)
    if opener is None:
        raise InputError(path, f"PDF engine {engine!r} is not available (available: {', '.join(ENGINES)})")
    try:
        with opener(path, password) as doc:
            page_count = doc.page_count
            if limits is not None and page_count > limits.max_pages:
                raise InputError(path, f"has {page_count} pages, over the limit of {limits.max_pages} (--max-pages)")
            layouts = []
            words = 0
            for geometry in doc.pages():
                words += len(geometry.words)
                layouts.append(page_layout(geometry))
    except PdfEncrypted:
        reason = "is encrypted; pass --password (the password given was not accepted)" if password else "is encrypted; pass --password"
        raise InputError(path, reason) from None
    except PdfUnreadable as exc:
        raise InputError(path, f"is not a readable PDF ({exc.detail})") from None
    if page_count == 0:
        raise InputError(path, "is not a readable PDF (it has no pages)")
    if words == 0:
        raise InputError(path, "has no text layer (a scanned image?); it needs OCR first")
    assembled = assemble(layouts)
    if not any(b.kind == "caption" for b in assembled.blocks):
        raise InputError(path, "does not look like an annex: no 'Tabel N.' captions")
    return ExtractedDocument(
        path=str(path),
        source_format="pdf",
        engine=engine,
        page_count=page_count,
        blocks=assembled.blocks,
        tables=assembled.tables,
        notes=assembled.notes,
    )
