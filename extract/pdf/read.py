"""`read_pdf` and the engine registry: which engine opens a PDF, and the shared path
after it (page geometry -> page layout -> repair)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extract.errors import InputError
from extract.model import ExtractedDocument
from extract.pdf.geometry import OcrUnavailable, PdfEncrypted, PdfUnreadable
from extract.pdf.grid import page_layout
from extract.pdf.repair import assemble
from extract.pdf.settings import PDF_SETTINGS, PdfSettings


def _plumber(path, password):
    from extract.pdf.plumber_engine import open_document

    return open_document(path, password)


def _pdfium(path, password):
    from extract.pdf.pdfium import open_document

    return open_document(path, password)


def _ocr(path, password):
    from extract.pdf.ocr_engine import open_document

    return open_document(path, password)


def _camelot_layouts(path, pages, password, settings):
    from extract.pdf.camelot_engine import camelot_layouts

    return camelot_layouts(path, pages, password=password, settings=settings)


# Engine name -> opener of the page geometry. camelot finds the tables itself; the
# geometry (pdfium) gives it the text outside the tables and the page's rules.
ENGINES: dict[str, Callable] = {"pdfplumber": _plumber, "pdfium": _pdfium, "camelot": _pdfium, "ocr": _ocr}
# Engines that find the tables themselves: (path, geometry pages, password, GridSettings) -> PageLayouts.
TABLE_FINDERS: dict[str, Callable] = {"camelot": _camelot_layouts}


def read_pdf(
    path: str | Path, *, engine: str, limits, password: str | None = None, ocr_fallback: bool = False,
    settings: PdfSettings | None = None,
) -> ExtractedDocument:
    """`ocr_fallback`: a page with no text layer is read by OCR (ocr_engine.py).
    `settings`: the grid and repair tolerances (settings.PDF_SETTINGS when None)."""
    settings = settings or PDF_SETTINGS
    opener = ENGINES.get(engine)
    if opener is None:
        raise InputError(path, f"PDF engine {engine!r} is not available (available: {', '.join(ENGINES)})")
    finder = TABLE_FINDERS.get(engine)
    try:
        with opener(path, password) as doc:
            page_count = doc.page_count
            if limits is not None and page_count > limits.max_pages:
                raise InputError(path, f"has {page_count} pages, over the limit of {limits.max_pages} (--max-pages)")
            layouts = []
            pages = []
            words = 0
            scanned = []  # indices of the pages without a text layer, read by OCR below
            for geometry in doc.pages():
                if not geometry.words and ocr_fallback and finder is None:
                    scanned.append(len(layouts))
                    layouts.append(None)
                    continue
                words += len(geometry.words)
                if finder is None:
                    layouts.append(page_layout(geometry, settings.grid))
                else:
                    pages.append(geometry)
            ocr_pages = 0
            if scanned:  # the OCR engine (numpy, OpenCV, Tesseract) only for a scan
                from extract.pdf.ocr_engine import ocr_pages_of

                for k, geometry in zip(scanned, ocr_pages_of(path, password, [k + 1 for k in scanned])):
                    layouts[k] = page_layout(geometry, settings.grid)
                    words += len(geometry.words)
                    ocr_pages += bool(geometry.words)
            if finder is not None and words:
                layouts = finder(path, pages, password, settings.grid)
    except PdfEncrypted:
        reason = "is encrypted; pass --password (the password given was not accepted)" if password else "is encrypted; pass --password"
        raise InputError(path, reason) from None
    except PdfUnreadable as exc:
        raise InputError(path, f"is not a readable PDF ({exc.detail})") from None
    except OcrUnavailable as exc:
        raise InputError(path, f"needs OCR, which is not available: {exc.detail}") from None
    if page_count == 0:
        raise InputError(path, "is not a readable PDF (it has no pages)")
    if words == 0:
        raise InputError(path, "has no text layer (a scanned image?); it needs OCR first (--engine ocr)")
    assembled = assemble(layouts, settings.repair)
    return ExtractedDocument(
        path=str(path),
        source_format="pdf",
        engine=("ocr" if ocr_pages == page_count else f"{engine}+ocr") if ocr_pages else engine,
        page_count=page_count,
        blocks=assembled.blocks,
        tables=assembled.tables,
        notes=assembled.notes,
    )
