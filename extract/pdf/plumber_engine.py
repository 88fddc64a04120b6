"""pdfplumber (pdfminer.six) -> PageGeometry, one page at a time.

Only what the page model needs is asked for: the words with their font and size (and
whether the PDF draws a blank right after them), and the ruling lines, rectangles and
the straight pieces of other drawn paths (a border drawn as one polyline). pdfplumber's
own table finder is not used (grid.py does that on the page model), so each page is
laid out by pdfminer once. Each page's caches are released before the next is read,
so memory stays flat however long the document is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.pdf.geometry import (
    Edge,
    PageGeometry,
    PdfEncrypted,
    PdfUnreadable,
    Word,
    WordSettings,
    WORD_SETTINGS,
    blank_index,
    edges_from_rect,
    edges_from_segment,
    has_blank_after,
    is_bold_font,
)

NAME = "pdfplumber"


def _words(page, settings: WordSettings = WORD_SETTINGS) -> list[Word]:
    """pdfplumber's word grouping with the page model's settings (geometry.WordSettings):
    a gap wider than a share of the font size ends a word (`x_tolerance_ratio`)."""
    out = []
    blanks = blank_index((float(c["x0"]), float(c["top"])) for c in page.chars if c["text"].isspace())
    for w in page.extract_words(
        x_tolerance=settings.line_tolerance,  # only clusters the lines of text that is not upright
        x_tolerance_ratio=settings.gap_ratio,
        y_tolerance=settings.line_tolerance,
        keep_blank_chars=False,
        extra_attrs=["fontname", "size"],
    ):
        text = w["text"]
        if not text.strip():
            continue
        fontname = w.get("fontname") or ""
        out.append(
            Word(
                text=text,
                x0=float(w["x0"]),
                x1=float(w["x1"]),
                top=float(w["top"]),
                bottom=float(w["bottom"]),
                fontname=fontname,
                size=float(w.get("size") or 0.0),
                bold=is_bold_font(fontname),
                space_after=has_blank_after(blanks, float(w["top"]), float(w["x1"]), settings),
            )
        )
    return out


def _path_edges(path) -> list[Edge]:
    """The straight axis-parallel pieces of a drawn path (a border drawn as one
    polyline is a "curve" to pdfminer); Bezier pieces are skipped."""
    edges: list[Edge] = []
    start = current = None
    for cmd, *pts in path:
        if not pts and cmd != "h":
            continue
        if cmd == "m":
            start = current = pts[-1]
        elif cmd == "l" and current is not None:
            edges.extend(edges_from_segment(current[0], current[1], pts[-1][0], pts[-1][1]))
            current = pts[-1]
        elif cmd == "h" and current is not None and start is not None:
            edges.extend(edges_from_segment(current[0], current[1], start[0], start[1]))
            current = start
        else:
            current = pts[-1] if pts else current
    return edges


def _edges(page) -> list[Edge]:
    edges: list[Edge] = []
    for ln in page.lines:
        pts = ln.get("pts") or [(ln["x0"], ln["top"]), (ln["x1"], ln["bottom"])]
        for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
            edges.extend(edges_from_segment(float(xa), float(ya), float(xb), float(yb)))
    for curve in page.curves:
        edges.extend(_path_edges(curve.get("path") or []))
    for r in page.rects:
        edges.extend(
            edges_from_rect(
                float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"]),
                stroked=bool(r.get("stroke", True)),
            )
        )
    return edges


def _page_geometry(page, page_no: int) -> PageGeometry:
    return PageGeometry(
        page_no=page_no,
        width=float(page.width),
        height=float(page.height),
        words=_words(page),
        edges=_edges(page),
    )


class PlumberDocument:
    """An open PDF: its page count, and its pages as PageGeometry on demand."""

    def __init__(self, pdf):
        self._pdf = pdf

    @property
    def page_count(self) -> int:
        return len(self._pdf.pages)

    def pages(self) -> Iterator[PageGeometry]:
        for i, page in enumerate(self._pdf.pages, start=1):
            try:
                yield _page_geometry(page, i)
            except Exception as exc:  # pdfminer fails on a broken content stream
                raise PdfUnreadable(f"page {i}: {_reason(exc)}") from None
            finally:
                page.close()


def _reason(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(inner).strip() or type(inner).__name__
    return text.splitlines()[0][:120]


def _is_password_error(exc: BaseException) -> bool:
    seen = exc
    while seen is not None:
        name = type(seen).__name__
        if "Password" in name or "Encrypt" in name:
            return True
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = nested or seen.__cause__
    return False


@contextmanager
def open_document(path: str | Path, password: str | None = None) -> Iterator[PlumberDocument]:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path), password=password or "")
        # Opening is lazy: listing the pages makes pdfminer read the catalogue and the
        # page tree, where a truncated or garbage file fails.
        len(pdf.pages)
    except Exception as exc:
        if _is_password_error(exc):
            raise PdfEncrypted() from None
        raise PdfUnreadable(_reason(exc)) from None
    try:
        yield PlumberDocument(pdf)
    finally:
        pdf.close()
