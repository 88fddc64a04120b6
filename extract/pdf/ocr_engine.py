"""OCR for pages that are images (a scanned annex): page image -> PageGeometry.

Whole-page OCR mixes the columns of a ruled table and turns shaded rows into noise, so
a page is read the way the geometry engines read a PDF, from its rules first:

    render (pypdfium2)  ->  deskew      (projection profile of the ink)
    OpenCV rules        ->  Edges       (long horizontal / vertical ink runs)
    grid.py             ->  cell boxes  (the same regions, grid and merged cells)
    Tesseract per cell  ->  Words with boxes and confidences
    Tesseract elsewhere ->  Words of the prose (captions, headings, approval block)

The result is an ordinary `PageGeometry` (words + ruling edges, in PDF points), so the
rest is the shared path: grid.page_layout cuts the same cells again and repair.py
assembles the tables. Each word carries Tesseract's confidence (0-100); grid.py keeps
the lowest per cell and normalize turns low confidences into findings.

Field-aware reading: a cell whose text looks like an amount, a date range or a number
is read a second time with only the characters such a field can hold (digits, spaces,
separators), and a first word that looks like a numbering code is read again enlarged
with digits and dots only; the reading that matches its pattern (else the more
confident one) is kept. A few marks a blurred scan makes Tesseract confuse are told
from their shape on the page: a full stop from a comma (the comma's tail), an en dash
from an em dash (width), the Estonian opening quote „ from two commas. Nothing is
corrected from what the annex should say: a cell that still breaks its pattern keeps
its text and normalize reports it; a cell with ink that reads as nothing is UNREAD.

Tesseract is bound through tesserocr (its C API: no process per cell). It needs the
Estonian model from Debian (`tesseract-ocr-est`); without it the file is refused with a
one-line error naming the packages (`OcrUnavailable`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extract.pdf.geometry import OcrUnavailable, PageGeometry, Word
from extract.text import DASHES
from extract.pdf.grid import cell_grid, close_open_sides, find_table_regions, join_edges, snap_edges
from extract.pdf.ocr_image import binarise, deskew, find_rules, stroke_weight

NAME = "ocr"
LANGUAGE = "est"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-est"
# Where Debian puts the models (tesseract 5, then 4); TESSDATA_PREFIX wins.
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata")

# Pages are read at this resolution: Tesseract's LSTM reads best with an x-height of
# ~20-30 px, which 10-12 pt text reaches at ~300 dpi; a 150 dpi scan is upsampled.
WORK_DPI = 300
# A cell is cut this far (pt) inside its rules, so no rule stays in the crop.
CELL_INSET_PT = 1.5
# A cell holds text when it has a mark at least this long (pt): a lone digit or a
# dash is; a JPEG speck is not.
MIN_MARK_PT = 2.0
# A blob along a cell's edge this thin (px) is what is left of a rule, not text.
RULE_SLIVER_PX = 4
# A cell is cropped to its ink and this many pixels around it.
INK_BOX_MARGIN = 4
# The text of a cell with ink that Tesseract could not read at all (confidence 0):
# normalize reports it like any unreadable value.
UNREAD = "\ufffd"
# White margin (px) put around a crop: Tesseract reads text touching the edge badly.
CROP_MARGIN = 12
# Bold: a line whose stroke weight (stroke_weight) is this much above the page's
# median line (regular ~79, bold ~110, digits ~88 on the sample scan).
BOLD_STROKE_RATIO = 1.2
# Capitals have heavier stems than lower case (serif faces): a line of capitals only
# ("KINNITATUD", 1.25 on the sample) is bold only above this.
CAPITALS_BOLD_RATIO = 1.45
# Tesseract's row height (x-height + ascenders) is about this share of the font size.
ROW_HEIGHT_PER_SIZE = 0.94
# Line sizes within this share of the page's usual size are that size: a row height
# varies by a pixel or two with the letters on the line.
SIZE_SNAP = 0.12

# The Estonian opening quote „ sits on the baseline and reads as ",," or ",".
OPENING_QUOTE_RE = re.compile(r"^,,?(?=\w)")

# The height / width of the blob ending a word: a comma 1.4-1.75, a full stop 0.9-1.15
# on the sample scan (Tesseract's baseline, which would tell the tail, is off by a few
# pixels on some words). Its reading is changed only when the shape is clear.
COMMA_MIN_ASPECT = 1.35
STOP_MAX_ASPECT = 1.15
# A one-line cell read with less confidence than this is read again as a word and as
# a line; the most confident reading is kept.
RETRY_BELOW = 60.0

# A dash at least this many ems wide is an em dash (—), narrower an en dash (–).
EM_DASH_MIN = 0.75

# Pages read at once (threads, each with its own Tesseract); Tesseract runs one core.
OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))

# Characters a numeric field can hold; a cell is read again with only these when its
# first reading already looks like one (mostly digits).
NUMERIC_CHARS = "0123456789 ,.-"
NUMERIC_SHARE = 0.6
AMOUNT_RE = re.compile(r"^-?\d{1,3}(?:[ .]?\d{3})*(?:[,.]\d{1,2})?$")
DATE_RANGE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{4}\s*-?\s*\d{2}\.\d{2}\.\d{4}$")
FIELD_PATTERNS = (AMOUNT_RE, DATE_RANGE_RE)
# An activity's numbering code ("3.5.2.1.3", "8."): its dots are a pixel or two on a
# 150 dpi scan and get lost or turn into ":" or ","; read within a block of text it
# comes out as "35.24.11" (confidence 19), read as a word of its own with digits and
# dots only as "3.5.2.1.1" (77). A first word made only of digits and such marks,
# read with less confidence than CODE_SURE, is read that way again.
CODE_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")
CODE_LIKE_RE = re.compile(r"^[\d.,:;]{2,}$")
CODE_CHARS = "0123456789."
CODE_SURE = 90.0
CODE_MAX_WORDS = 3




# ----------------------------------------------------------------------- tesseract


def tessdata_dir() -> str | None:
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ((env,) if env else ()) + TESSDATA_DIRS:
        if d and Path(d, f"{LANGUAGE}.traineddata").is_file():
            return d
    return None


_local = threading.local()


def _api():
    """One Tesseract instance per thread (loading the model takes ~0.3 s)."""
    api = getattr(_local, "api", None)
    if api is not None:
        return api
    try:
        import tesserocr
    except ImportError as exc:  # the wheel bundles libtesseract; a source build needs it
        raise OcrUnavailable(f"tesserocr cannot be loaded ({exc}); {INSTALL_HINT}") from None
    path = tessdata_dir()
    if path is None:
        raise OcrUnavailable(f"Tesseract's Estonian model ({LANGUAGE}.traineddata) is not installed; {INSTALL_HINT}")
    api = tesserocr.PyTessBaseAPI(path=path, lang=LANGUAGE, psm=tesserocr.PSM.SINGLE_BLOCK, oem=tesserocr.OEM.LSTM_ONLY)
    # Word gaps as Tesseract sees them; no dictionary "corrections" of codes and numbers.
    api.SetVariable("load_system_dawg", "0")
    api.SetVariable("load_freq_dawg", "0")
    _local.api = api
    return api


def check_available() -> None:
    """Raise OcrUnavailable unless a page could be read."""
    _api()


@dataclass
class OcrWord:
    text: str
    conf: float
    box: tuple[int, int, int, int]  # x0, top, x1, bottom (px of the crop)
    line: tuple[int, int, int, int]  # the text line's box
    row_height: float = 0.0  # Tesseract's x-height + ascenders of the line (px)


def _recognize(image: np.ndarray, psm: int, whitelist: str = "") -> list[OcrWord]:
    import tesserocr
    from PIL import Image

    api = _api()
    api.SetPageSegMode(psm)
    api.SetVariable("tessedit_char_whitelist", whitelist)
    api.SetImage(Image.fromarray(image))
    api.SetSourceResolution(WORK_DPI)
    api.Recognize()
    out: list[OcrWord] = []
    ri = api.GetIterator()
    if ri is None:
        return out
    ink = None
    level = tesserocr.RIL.WORD
    for it in tesserocr.iterate_level(ri, level):
        try:
            text = (it.GetUTF8Text(level) or "").strip()
        except RuntimeError:  # "No text returned": an element without text
            continue
        box = it.BoundingBox(level)
        line = it.BoundingBox(tesserocr.RIL.TEXTLINE)
        if not text or box is None:
            continue
        text = OPENING_QUOTE_RE.sub("\u201e", text)
        if len(text) > 1 and text[-1] in ",.":
            ink = binarise(image) if ink is None else ink
            text = text[:-1] + _stop_or_comma(ink, box, text[-1])
        row = it.RowAttributes() or {}
        out.append(OcrWord(text, float(it.Confidence(level)), tuple(box), tuple(line or box), float(row.get("row_height", 0.0))))
    return out


def _stop_or_comma(ink: np.ndarray, box, read: str) -> str:
    """The mark ending a word, told by its shape: a comma (with its tail) is taller
    than wide, a full stop about round. Tesseract confuses the two on a blurred scan
    ("sihtrühmale," for "sihtrühmale."). `read` is kept when the mark is not a small
    blob of its own at the word's end, or its shape is in between."""
    import cv2

    x0, t, x1, b = box
    sub = ink[t:b, x0:x1]
    if sub.size == 0:
        return read
    n, _, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    if n < 3:
        return read
    _, _, w, h, _ = max(stats[1:n].tolist(), key=lambda s: s[0] + s[2])
    if h > (b - t) / 2 or w > (b - t) / 3 or w == 0:
        return read  # not a punctuation mark on its own
    if h >= COMMA_MIN_ASPECT * w:
        return ","
    if h <= STOP_MAX_ASPECT * w:
        return "."
    return read


def _looks_numeric(text: str) -> bool:
    chars = [c for c in text if not c.isspace()]
    return bool(chars) and sum(c in NUMERIC_CHARS for c in chars) >= NUMERIC_SHARE * len(chars)


def _matches_field(words: list[OcrWord]) -> bool:
    text = " ".join(w.text for w in words)
    return any(p.match(text) for p in FIELD_PATTERNS)


def _least_conf(words: list[OcrWord]) -> float:
    return min((w.conf for w in words), default=0.0)


def read_cell(image: np.ndarray) -> list[OcrWord]:
    """A cell's words. A cell that reads as mostly digits is read again with the
    numeric characters only; the reading matching a field pattern wins, else the more
    confident one."""
    import tesserocr

    words = _recognize(image, tesserocr.PSM.SINGLE_BLOCK)
    if not words:  # a lone character: the block reader may find no line in it
        words = _recognize(image, tesserocr.PSM.SINGLE_WORD)
    text = " ".join(w.text for w in words)
    strict = None
    if words and _looks_numeric(text) and not (_matches_field(words) and _least_conf(words) >= 90):
        strict = _recognize(image, tesserocr.PSM.SINGLE_BLOCK, NUMERIC_CHARS)
        if strict and (
            (_matches_field(strict) and not _matches_field(words))
            or (_matches_field(strict) == _matches_field(words) and _least_conf(strict) > _least_conf(words))
        ):
            words = strict
    if words and _least_conf(words) < RETRY_BELOW and len({w.line for w in words}) == 1:
        # One line read with little confidence: a lone digit in a block reads badly
        # ("7" as "4", confidence 4), the same as a word well (88).
        whitelist = NUMERIC_CHARS if words is strict else ""
        for psm in (tesserocr.PSM.SINGLE_WORD, tesserocr.PSM.SINGLE_LINE):
            again = _recognize(image, psm, whitelist)
            # A field that fitted its pattern must still fit it ("3600.00" is no
            # better read as "3600.00.").
            if again and _least_conf(again) > _least_conf(words) and (_matches_field(again) or not _matches_field(words)):
                words = again
    if _looks_numeric(" ".join(w.text for w in words)):
        return words  # a number ("10 000"), not a code heading a label
    return _reread_code(image, words)


def _reread_code(image: np.ndarray, words: list[OcrWord]) -> list[OcrWord]:
    """A cell's words with its leading numbering code read again (see CODE_RE): the
    first word when it is made of digits and dots and not sure, or the first words
    (up to CODE_MAX_WORDS, on the first line) read with little confidence ("kk AK"
    for a code whose dots broke it up). The new reading replaces them only if it is
    a code, and is more confident than the first when that was a code too."""
    import tesserocr

    if not words:
        return words
    first = words[0]
    if CODE_LIKE_RE.match(first.text):
        if CODE_RE.match(first.text) and first.conf >= CODE_SURE:
            return words
        n = 1
    else:
        n = 0
        while n < min(CODE_MAX_WORDS, len(words)) and words[n].line == first.line and words[n].conf < RETRY_BELOW:
            n += 1
        if n == 0 or n == len(words):
            return words
    x0, t = min(w.box[0] for w in words[:n]), min(w.box[1] for w in words[:n])
    x1, b = max(w.box[2] for w in words[:n]), max(w.box[3] for w in words[:n])
    m = INK_BOX_MARGIN
    crop = image[max(0, t - m) : b + m, max(0, x0 - m) : x1 + m]
    if crop.size == 0:
        return words
    again = _recognize(_pad(crop), tesserocr.PSM.SINGLE_WORD, CODE_CHARS)
    text = "".join(w.text for w in again)
    conf = min((w.conf for w in again), default=0.0)
    if not CODE_RE.match(text) or (CODE_RE.match(first.text) and conf <= first.conf):
        return words
    if not CODE_LIKE_RE.match(first.text) and conf < RETRY_BELOW:
        return words  # words that were no code read as one only unsurely: keep them
    return [OcrWord(text, conf, (x0, t, x1, b), first.line, first.row_height), *words[n:]]


# ---------------------------------------------------------------------------- pages


@dataclass
class _Line:
    words: list[OcrWord]
    box: tuple[int, int, int, int]  # px of the page
    stroke: float
    row_height: float


def _lines(words: list[OcrWord], dx: int, dy: int, ink: np.ndarray) -> list[_Line]:
    """Words grouped by their Tesseract text line, boxes moved to page pixels."""
    by_line: dict[tuple[int, int, int, int], list[OcrWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    out = []
    for (x0, t, x1, b), ws in by_line.items():
        box = (x0 + dx, t + dy, x1 + dx, b + dy)
        moved = [
            OcrWord(w.text, w.conf, (w.box[0] + dx, w.box[1] + dy, w.box[2] + dx, w.box[3] + dy), box, w.row_height)
            for w in ws
        ]
        row_height = max(w.row_height for w in ws) or (box[3] - box[1]) * 0.8
        moved = _typography(sorted(moved, key=lambda w: w.box[0]), row_height / ROW_HEIGHT_PER_SIZE)
        out.append(_Line(moved, box, stroke_weight(ink[box[1] : box[3], box[0] : box[2]]), row_height))
    return out


def _typography(words: list[OcrWord], em: float) -> list[OcrWord]:
    """A line's words (left to right) with two marks Tesseract gets wrong on a scan
    told from their geometry: an opening quote „ read as a word of its own ("," or
    ",,") standing closer to the next word than to the one before; and a dash, which
    is an en dash or an em dash by its width (half an em, a whole em)."""
    out: list[OcrWord] = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if w.text in (",", ",,", "\u201e") and nxt is not None and nxt.text[:1].isalnum():
            gap_next = nxt.box[0] - w.box[2]
            gap_prev = w.box[0] - out[-1].box[2] if out else em
            if gap_next < gap_prev:
                words[i + 1] = OcrWord("\u201e" + nxt.text, min(w.conf, nxt.conf), (w.box[0], *nxt.box[1:]), nxt.line, nxt.row_height)
                continue
        if w.text in ("\u2013", "\u2014"):
            w = OcrWord("\u2014" if w.box[2] - w.box[0] >= EM_DASH_MIN * em else "\u2013", w.conf, w.box, w.line, w.row_height)
        out.append(w)
    return out


def _ink_box(cell_ink: np.ndarray, scale: float) -> tuple[int, int, int, int] | None:
    """The box (x0, top, x1, bottom, px of the cell) around a cell's marks, a few
    pixels wide; None for an empty cell. A mark is a blob at least MIN_MARK_PT long
    (a digit, a dash) that is not a sliver of a rule along the cell's edge; JPEG
    specks are not. Tesseract reads a lone digit in a wide white cell badly, the same
    digit cropped well."""
    import cv2

    if cell_ink.size == 0:
        return None
    h, w = cell_ink.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(cell_ink, connectivity=8)
    min_len = MIN_MARK_PT / scale
    boxes = []
    for x, y, bw, bh, area in stats[1:n]:
        if max(bw, bh) < min_len or area < min_len:
            continue
        on_edge = x == 0 or y == 0 or x + bw == w or y + bh == h
        if on_edge and min(bw, bh) <= RULE_SLIVER_PX:
            continue
        boxes.append((x, y, x + bw, y + bh))
    if not boxes:
        return None
    m = INK_BOX_MARGIN
    return (
        max(0, int(min(b[0] for b in boxes)) - m),
        max(0, int(min(b[1] for b in boxes)) - m),
        min(w, int(max(b[2] for b in boxes)) + m),
        min(h, int(max(b[3] for b in boxes)) + m),
    )


def _pad(crop: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.copyMakeBorder(crop, CROP_MARGIN, CROP_MARGIN, CROP_MARGIN, CROP_MARGIN, cv2.BORDER_CONSTANT, value=255)


def ocr_page_image(gray: np.ndarray, page_no: int, width: float, height: float) -> tuple[PageGeometry, float]:
    """A page image (grey, any resolution covering the whole page) as a PageGeometry
    in points; and the skew that was removed (degrees)."""
    import tesserocr

    gray, angle, ink = deskew(gray)
    scale = width / gray.shape[1]  # pt per px
    edges = find_rules(ink, scale)
    lines: list[_Line] = []
    prose = gray.copy()
    inset = max(1, int(CELL_INSET_PT / scale))
    for region in find_table_regions(join_edges(snap_edges(edges))):
        closed, _, _ = close_open_sides(region)
        grid = cell_grid(closed)
        x0, x1, t0, t1 = (int(v / scale) for v in (grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]))
        prose[max(0, t0 - inset) : t1 + inset + 1, max(0, x0 - inset) : x1 + inset + 1] = 255
        for positions in grid.cell_positions().values():
            i0, i1 = min(p[0] for p in positions), max(p[0] for p in positions)
            j0, j1 = min(p[1] for p in positions), max(p[1] for p in positions)
            cx0, cx1 = int(grid.xs[j0] / scale) + inset, int(grid.xs[j1 + 1] / scale) - inset
            ct0, ct1 = int(grid.ys[i0] / scale) + inset, int(grid.ys[i1 + 1] / scale) - inset
            if cx1 - cx0 < 4 or ct1 - ct0 < 4:
                continue
            box = _ink_box(ink[ct0:ct1, cx0:cx1], scale)
            if box is None:
                continue
            bx0, bt0, bx1, bt1 = cx0 + box[0], ct0 + box[1], cx0 + box[2], ct0 + box[3]
            words = read_cell(_pad(gray[bt0:bt1, bx0:bx1]))
            if not words:
                # Ink that Tesseract reads as nothing: never an empty cell in silence.
                whole = (CROP_MARGIN, CROP_MARGIN, CROP_MARGIN + bx1 - bx0, CROP_MARGIN + bt1 - bt0)
                words = [OcrWord(UNREAD, 0.0, whole, whole, 0.0)]
            lines += _lines(words, bx0 - CROP_MARGIN, bt0 - CROP_MARGIN, ink)
    prose_words = _recognize(prose, tesserocr.PSM.AUTO)
    lines += _lines(prose_words, 0, 0, ink)
    return PageGeometry(page_no, width, height, _page_words(lines, scale), edges), angle


def _median(values: list[float]) -> float:
    values = sorted(v for v in values if v > 0)
    return values[len(values) // 2] if values else 0.0


def _page_words(lines: list[_Line], scale: float) -> list[Word]:
    """Tesseract's lines as page-model Words: every word of a line gets the line's
    top and bottom (grid.py groups words into lines by their tops), a font size from
    the line's row height (snapped to the page's usual size when close to it) and
    the line's boldness (its strokes against the page's usual line)."""
    weight = _median([ln.stroke for ln in lines])
    usual = _median([ln.row_height for ln in lines]) * scale / ROW_HEIGHT_PER_SIZE
    out = []
    for ln in lines:
        top, bottom = ln.box[1] * scale, ln.box[3] * scale
        size = ln.row_height * scale / ROW_HEIGHT_PER_SIZE
        size = usual if abs(size - usual) <= SIZE_SNAP * usual else round(size * 2) / 2
        letters = [c for w in ln.words for c in w.text if c.isalpha()]
        ratio = CAPITALS_BOLD_RATIO if letters and all(c.isupper() for c in letters) else BOLD_STROKE_RATIO
        bold = weight > 0 and ln.stroke >= ratio * weight
        for w in ln.words:
            out.append(
                Word(
                    text=w.text,
                    x0=w.box[0] * scale,
                    x1=w.box[2] * scale,
                    top=top,
                    bottom=bottom,
                    size=round(size, 1),
                    bold=bold,
                    # A dash between two dates carries no value; Tesseract is often
                    # unsure of it (an en dash read as "-"), which says nothing
                    # about the dates.
                    conf=None if w.text.strip(DASHES) == "" else w.conf,
                )
            )
    return out


# ------------------------------------------------------------------------- document


def render_page(page, dpi: int = WORK_DPI) -> np.ndarray:
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    arr = bitmap.to_numpy()
    if arr.ndim == 3:
        arr = arr[..., 0]
    return np.ascontiguousarray(arr)


class OcrDocument:
    """A PDF whose pages are read by OCR (`pages()`, all of them or the given ones: a
    document where only some pages lack a text layer)."""

    def __init__(self, pdf):
        self._pdf = pdf

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    def _render(self, index: int) -> tuple[np.ndarray, float, float]:
        page = self._pdf[index]
        try:
            width, height = page.get_size()
            return render_page(page), width, height
        finally:
            page.close()

    def _read(self, index: int, image: np.ndarray, width: float, height: float) -> PageGeometry:
        return ocr_page_image(image, index + 1, width, height)[0]

    def pages(self, indices: list[int] | None = None) -> Iterator[PageGeometry]:
        """Every page (or those of `indices`, 0-based), in order. Pages are rendered here (pdfium is not thread-safe)
        and read by OCR_WORKERS threads (Tesseract releases the GIL), a few ahead."""
        from concurrent.futures import ThreadPoolExecutor

        check_available()
        with ThreadPoolExecutor(max_workers=OCR_WORKERS, thread_name_prefix="ocr") as pool:
            pending = []
            for i in range(self.page_count) if indices is None else indices:
                pending.append(pool.submit(self._read, i, *self._render(i)))
                while len(pending) > OCR_WORKERS:
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    def close(self) -> None:
        self._pdf.close()


@contextmanager
def open_document(path: str | Path, password: str | None = None) -> Iterator[OcrDocument]:
    from extract.pdf.pdfium import open_pdfium

    doc = OcrDocument(open_pdfium(path, password))
    try:
        yield doc
    finally:
        doc.close()




def ocr_pages_of(path: str | Path, password: str | None, page_nos: list[int]) -> Iterator[PageGeometry]:
    """Some pages of a file read by OCR (those without a text layer), in order."""
    if not page_nos:
        return
    with open_document(path, password) as doc:
        yield from doc.pages([n - 1 for n in page_nos])
