"""Open a PDF with PDFium, read its pages into PageGeometry, and the errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.pdf.geometry import PageGeometry, PdfEncrypted, PdfUnreadable
from extract.pdf.pdfium.chars import Api, PageFonts, raw_handle
from extract.pdf.pdfium.edges import page_edges
from extract.pdf.pdfium.fonts import DocumentFonts
from extract.pdf.pdfium.frame import page_frame
from extract.pdf.pdfium.words import words

NAME = "pdfium"

_ERR_PASSWORD = 4  # FPDF_ERR_PASSWORD


def _page_geometry(api: Api, pdf, index: int, fonts: DocumentFonts) -> PageGeometry:
    page = pdf[index]
    textpage = None
    try:
        frame = page_frame(page)
        textpage = page.get_textpage()
        tp = raw_handle(textpage)
        page_words = words(api, tp, frame, PageFonts(api, tp, frame, index, fonts))
        edges = page_edges(page, frame)
        return PageGeometry(page_no=index + 1, width=frame.width, height=frame.height, words=page_words, edges=edges)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


class PdfiumDocument:
    """An open PDF: its page count, and its pages as PageGeometry on demand."""

    def __init__(self, pdf, path: str | Path, password: str | None):
        self._pdf = pdf
        self._fonts = DocumentFonts(path, password)

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    def pages(self) -> Iterator[PageGeometry]:
        api = Api.get()
        for i in range(len(self._pdf)):
            try:
                geometry = _page_geometry(api, self._pdf, i, self._fonts)
            except Exception as exc:  # PDFium fails to load a broken page
                raise PdfUnreadable(f"page {i + 1}: {_reason(exc)}") from None
            yield geometry

    def close(self) -> None:
        self._fonts.close()
        self._pdf.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "No such file or directory"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]


def open_pdfium(path: str | Path, password: str | None = None):
    """A pypdfium2 PdfDocument, or PdfEncrypted (a missing or wrong password) or
    PdfUnreadable: how every engine that renders or reads with pdfium opens a file."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password or None)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD or "password" in str(exc).lower():
            raise PdfEncrypted() from None
        raise PdfUnreadable(_reason(exc)) from None
    except Exception as exc:  # a missing or unreadable file
        raise PdfUnreadable(_reason(exc)) from None


@contextmanager
def open_document(path: str | Path, password: str | None = None) -> Iterator[PdfiumDocument]:
    Api.get()  # the raw functions, resolved before any file is opened
    pdf = open_pdfium(path, password)
    doc = PdfiumDocument(pdf, path, password)
    try:
        yield doc
    finally:
        doc.close()
