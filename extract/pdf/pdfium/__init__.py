"""pypdfium2 (PDFium) -> PageGeometry, one page at a time: the fast engine.

It fills the page model the way the pdfplumber engine does (plumber_engine.py is the
spec) at about a tenth of the cost: PDFium parses the content stream in C, and Python
asks only for what the model needs. Modules by job:

    frame.py     the page box and /Rotate -> the page model's space (public API)
    fonts.py     a font's name and descent as pdfminer gives them
    chars.py     the per-character loop: characters -> pdfplumber's runs with
                 pdfminer's boxes (the only raw ctypes, where it pays)
    words.py     pdfplumber's word grouping on those runs (geometry.WordSettings)
    edges.py     the object walk (public API): paths -> Edge
    document.py  open a file, its pages, the errors

Result on the sample renderings: the same words as the pdfplumber engine, each with the
same x0, x1, top, bottom (to 0.001 pt), font name, size, bold flag and space_after (but
2 words, chars.py); the end-to-end tables, blocks and notes are identical. The order of
the words may differ: pdfminer computes `size` as y1 - y0 of the box, with float noise
that depends on the baseline (11.999999999999943 for 12), and pdfplumber's runs break
where that noise changes; this engine has no noise, so its runs are longer.

Coordinates are PDF points from the top left of the MediaBox, y down, with a /Rotate of
90, 180 or 270 applied (the page as displayed, as pdfminer does). A MediaBox whose
origin is not (0, 0) is subtracted; pdfplumber leaves x absolute and puts top at
mediabox height - y, so on such a page the two engines differ by that offset.
"""

from extract.pdf.pdfium.document import NAME, PdfiumDocument, open_document, open_pdfium

__all__ = ["NAME", "PdfiumDocument", "open_document", "open_pdfium"]
