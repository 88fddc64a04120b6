"""PDF engines: page geometry -> page fragments -> repaired logical tables.

    engine (pdfplumber, …)  ->  PageGeometry per page     (geometry.py)
    grid.page_layout        ->  Fragments + TextLines     (grid.py)
    repair.assemble         ->  blocks + whole tables     (repair.py)

An engine only has to open a file and yield `PageGeometry` pages; everything after is
shared. To add one, write `open_document(path, password)` as a context manager giving
an object with `page_count` and `pages()`, raising `PdfUnreadable` / `PdfEncrypted`,
and register it in `ENGINES` (read.py). An engine that finds tables itself (camelot)
registers in `TABLE_FINDERS` a function (path, geometry pages, password) ->
PageLayouts; the repair stage is the same for all. The OCR engine (ocr_engine.py)
makes the same PageGeometry from a page image; with `ocr_fallback` it reads the
pages that have no text layer in a file another engine reads. This package only
re-exports.
"""

from extract.pdf.read import ENGINES, TABLE_FINDERS, read_pdf

__all__ = ["ENGINES", "TABLE_FINDERS", "read_pdf"]
