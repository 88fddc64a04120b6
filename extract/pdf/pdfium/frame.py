"""The page frame: user space -> the page model's space (PDF points from the top left
of the MediaBox, y down, the page turned by its /Rotate, as pdfminer turns it). Read
through pypdfium2's public page API."""

from __future__ import annotations


class Frame:
    """User space -> the page model's space for one page."""

    def __init__(self, box: tuple[float, float, float, float], rotation: int):
        x0, y0, x1, y1 = box
        self.x0, self.x1 = min(x0, x1), max(x0, x1)
        self.y0, self.y1 = min(y0, y1), max(y0, y1)
        self.rotation = rotation % 360
        w, h = self.x1 - self.x0, self.y1 - self.y0
        self.width, self.height = (h, w) if self.rotation in (90, 270) else (w, h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rotation
        if r == 0:
            return x - self.x0, self.y1 - y
        if r == 90:
            return y - self.y0, x - self.x0
        if r == 180:
            return self.x1 - x, y - self.y0
        return self.y1 - y, self.x1 - x

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A user-space box as (x0, x1, top, bottom) on the turned page."""
        ax, at = self.point(x0, y0)
        bx, bt = self.point(x1, y1)
        return min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)

    def matrix_upright(self, a: float, b: float, c: float, d: float) -> bool:
        """pdfminer's LTChar.upright for a character with this text matrix, after the
        page's turn (pdfminer multiplies the turn into the matrix)."""
        r = self.rotation
        if r == 90:
            a, b, c, d = b, -a, d, -c
        elif r == 180:
            a, b, c, d = -a, -b, -c, -d
        elif r == 270:
            a, b, c, d = -b, a, -d, c
        return a * d > 0 and b * c <= 0


def page_frame(page) -> Frame:
    """The frame of a pypdfium2 PdfPage."""
    box = page.get_mediabox(fallback_ok=False)
    if box is None:
        # The MediaBox is inherited from the page tree: PDFium reads only the page's
        # own dictionary for it; its page box (MediaBox clipped by any CropBox)
        # follows the inheritance.
        box = page.get_bbox()
    return Frame(box, page.get_rotation())
