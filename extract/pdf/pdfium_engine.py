"""pypdfium2 (PDFium) -> PageGeometry, one page at a time: the fast engine.

It fills the page model the way the pdfplumber engine does (plumber_engine.py is the
spec) at about a tenth of the cost: PDFium parses the content stream in C, and Python
asks only for what the model needs, through the raw API (per character: its text, text
object, origin and loose box; per text object: font, size, matrix).

Words. pdfplumber's word grouping, with the page model's settings
(geometry.WordSettings), is replayed: the characters, in content order, are cut into
runs of one (upright, font name, size); a run's characters are clustered into lines by
`top` (3 pt, chained), each line sorted along the text and cut where a character is
blank, starts before the previous one, more than 0.15 em after its end, or more than
3 pt off its line. What PDFium reports is mapped back to pdfminer's characters:

* text: `FPDFText_GetUnicode`; the 0x02 PDFium puts for a hyphen it takes to end a line
  reads "-"; ligature code points expand as pdfplumber expands them (PDFium mostly
  splits a ligature into pieces at one origin itself).
* blanks: characters PDFium generates without a text object (the spaces and line breaks
  it infers) are not in the PDF and are skipped. Blanks with a text object are the
  PDF's own spaces (PDFium flags some "generated", with no width, but keeps their drawn
  origin), except one at exactly the next character's origin in the same object: that
  is a gap PDFium infers from a TJ kerning offset, which pdfplumber does not see. The
  PDF's blanks end words and give `Word.space_after` (plumber_engine's rule). PDFium
  drops a blank after a hyphen it joins across a line end ("(Põhja- " + "ja"); such a
  word gets space_after False where pdfplumber says True (2 words in the samples; the
  tables come out the same).
* box: x0 is the origin (`FPDFText_GetCharOrigin`), pdfminer's x0. x1 = x0 + advance,
  the advance from the font's widths (`FPDFFont_GetGlyphWidth`, which maps the text
  back to the character code) x font size x the text matrix; it is checked once per
  font and character against `FPDFText_GetLooseCharBox`, whose right side is the
  advance box joined with the glyph's ink: if they disagree by more than the ink
  overhang can (a ligature's piece, a code the lookup got wrong), the loose box's right
  side is used instead (then up to ~0.07 em more than pdfminer's, the ink overhang).
  `FPDFText_GetCharBox` (the ink box) is not used: up to 1 pt narrower and much
  shorter than pdfminer's box. Vertically pdfminer's box is one font size high, its
  bottom at the baseline plus the font descriptor's /Descent x size; neither PDFium box
  is that (the loose box uses PDFium's ascent/descent, which PDFium derives from glyphs
  when a descriptor says 0, as LibreOffice's do), so it is computed from the baseline,
  the size (font size x the text matrix's vertical scale = pdfminer's `size`) and the
  descent. The descent and the font name (with its subset tag, which PDFium may strip)
  are what pdfminer reads from the font dictionary: pdfminer's parser reads the page
  tree and font dictionaries, no content stream, only until every font PDFium reports
  is known (usually page 1; 2-12 ms per document). A font not found there, or a file
  pdfminer cannot read, falls back to PDFium's name and descent. Text in any direction
  gets pdfminer's box of the rotated rectangle; text that does not run left to right
  on the page gets, like pdfminer, the box's height as its size (so pdfplumber's runs
  break between characters of different advance).

Result on the sample renderings: the same words as the pdfplumber engine, each with the
same x0, x1, top, bottom (to 0.001 pt), font name, size, bold flag and space_after (but
the 2 words above); the end-to-end tables, blocks and notes are identical. The order of
the words may differ: pdfminer computes `size` as y1 - y0 of the box, with float noise
that depends on the baseline (11.999999999999943 for 12), and pdfplumber's runs break
where that noise changes; this engine has no noise, so its runs are longer.

Edges. Page objects are walked (into form XObjects: an object's matrix is relative to
its form, whose own matrix is composed in; a path's points are in the path's space and
`FPDFPageObj_GetMatrix` maps them). Each path is classified as pdfminer's paint_path
does: split into subpaths at each move, a redundant closing line dropped; two points ->
a line (pdfplumber `lines`), a closed axis-parallel four-point path -> a rect (`rects`,
with PDFium's stroke flag), anything else a curve. They become edges as in
plumber_engine: a line's segment (`edges_from_segment`), a rect's sides
(`edges_from_rect`), a curve's straight axis-parallel pieces, its closing one included.

Coordinates are PDF points from the top left of the MediaBox, y down, with a /Rotate of
90, 180 or 270 applied (the page as displayed, as pdfminer does). A MediaBox whose
origin is not (0, 0) is subtracted; pdfplumber leaves x absolute and puts top at
mediabox height - y, so on such a page the two engines differ by that offset.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
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

NAME = "pdfium"

# A character's advance (from the font's widths) is trusted when PDFium's loose box,
# which is the advance box joined with the glyph's ink, reaches at most this share of
# the font size beyond it (ink overhang: 0.07 em on DejaVu "k"; a ligature's piece or
# a wrong width lookup falls short by more).
_ADVANCE_SLACK = 0.15

# Nesting of form XObjects followed when collecting paths (PDFium's text page follows
# forms by itself).
MAX_FORM_DEPTH = 16

# The code points Python's str.isspace() is true for: pdfplumber ends a word at them.
_BLANKS = frozenset(
    (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, *range(8192, 8203), 8232, 8233, 8239, 8287, 12288)
)
# PDFium marks a hyphen it takes to end a line with this code point.
_PDFIUM_HYPHEN = 0x02
# pdfplumber's expand_ligatures (pdfplumber.utils.text.LIGATURES).
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
# Code points read as other text: PDFium's line-end hyphen, the ligatures.
_SPECIAL_CHARS = {_PDFIUM_HYPHEN: "-", **{ord(k): v for k, v in _LIGATURES.items()}}
_NO_OBJECT = object()
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")

_PATH, _FORM = 2, 5  # FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM
_BEZIERTO, _MOVETO = 1, 2  # FPDF_SEGMENT_* (LINETO is 0)
_ERR_PASSWORD = 4  # FPDF_ERR_PASSWORD


# ------------------------------------------------------------------------ raw calls


class _Api:
    """The PDFium functions this engine calls per character or per path point, as
    ctypes function pointers without argument types: pypdfium2's typed prototypes
    convert every argument (~0.3 us a call), these pass handles as c_void_p and
    out-parameters by reference (~0.14 us). The addresses come from pypdfium2's own
    bindings, so it is the same, already initialised library."""

    _instance: "_Api | None" = None

    def __init__(self):
        import pypdfium2.raw as raw

        vp, i = ctypes.c_void_p, ctypes.c_int

        def fn(name, restype):
            addr = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
            return ctypes.CFUNCTYPE(restype)(addr)

        self.FS_MATRIX = raw.FS_MATRIX
        self.FS_RECTF = raw.FS_RECTF
        # text page
        self.count_chars = fn("FPDFText_CountChars", i)
        self.get_unicode = fn("FPDFText_GetUnicode", ctypes.c_uint)
        self.get_text_object = fn("FPDFText_GetTextObject", vp)
        self.get_char_origin = fn("FPDFText_GetCharOrigin", i)
        self.get_loose_char_box = fn("FPDFText_GetLooseCharBox", i)
        self.get_char_matrix = fn("FPDFText_GetMatrix", i)
        self.get_font_info = fn("FPDFText_GetFontInfo", ctypes.c_ulong)
        self.text_obj_font = fn("FPDFTextObj_GetFont", vp)
        self.text_obj_font_size = fn("FPDFTextObj_GetFontSize", i)
        self.font_descent = fn("FPDFFont_GetDescent", i)
        self.font_glyph_width = fn("FPDFFont_GetGlyphWidth", i)
        # page and objects
        self.page_media_box = fn("FPDFPage_GetMediaBox", i)
        self.page_bounding_box = fn("FPDF_GetPageBoundingBox", i)
        self.page_rotation = fn("FPDFPage_GetRotation", i)
        self.count_objects = fn("FPDFPage_CountObjects", i)
        self.get_object = fn("FPDFPage_GetObject", vp)
        self.form_count_objects = fn("FPDFFormObj_CountObjects", i)
        self.form_get_object = fn("FPDFFormObj_GetObject", vp)
        self.obj_type = fn("FPDFPageObj_GetType", i)
        self.obj_matrix = fn("FPDFPageObj_GetMatrix", i)
        self.path_draw_mode = fn("FPDFPath_GetDrawMode", i)
        self.path_count_segments = fn("FPDFPath_CountSegments", i)
        self.path_get_segment = fn("FPDFPath_GetPathSegment", vp)
        self.segment_point = fn("FPDFPathSegment_GetPoint", i)
        self.segment_type = fn("FPDFPathSegment_GetType", i)
        self.segment_close = fn("FPDFPathSegment_GetClose", i)

    @classmethod
    def get(cls) -> "_Api":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance


def _handle(pypdfium_obj) -> ctypes.c_void_p:
    return ctypes.c_void_p(ctypes.cast(pypdfium_obj.raw, ctypes.c_void_p).value)


# --------------------------------------------------------------------------- frame


class _Frame:
    """User space -> the page model's space: points from the MediaBox's top left, y
    down, the page turned by its /Rotate (as pdfminer turns it)."""

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


def _page_frame(api: _Api, page) -> _Frame:
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    if api.page_media_box(page, ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)):
        box = (l.value, b.value, r.value, t.value)
    else:
        # The MediaBox is inherited from the page tree: FPDFPage_GetMediaBox reads only
        # the page's own dictionary; PDFium's page box (MediaBox clipped by any CropBox)
        # follows the inheritance.
        rect = api.FS_RECTF()
        api.page_bounding_box(page, ctypes.byref(rect))
        box = (rect.left, rect.bottom, rect.right, rect.top)
    return _Frame(box, api.page_rotation(page) * 90)


# ------------------------------------------------------------------- font metrics


def _strip_subset(name: str) -> str:
    return _SUBSET_TAG.sub("", name)


def _pdfminer_font(spec) -> tuple[str, float]:
    """(fontname, descent per unit of font size) as pdfminer's PDFFont sets them, read
    from the font dictionary alone (pdfminer.pdfinterp.PDFResourceManager.get_font and
    pdfminer.pdffont)."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import dict_value, list_value, num_value, resolve1
    from pdfminer.psparser import PSLiteral, literal_name

    subtype = literal_name(spec["Subtype"]) if "Subtype" in spec else "Type1"
    if subtype == "Type0":
        spec = dict_value(list_value(spec["DescendantFonts"])[0])
        subtype = literal_name(spec["Subtype"]) if "Subtype" in spec else "CIDFontType2"
    type3 = subtype == "Type3"
    if subtype in ("CIDFontType0", "CIDFontType2"):
        descriptor = dict_value(spec.get("FontDescriptor", {}))
    elif type3:
        descriptor = dict_value(spec["FontDescriptor"]) if "FontDescriptor" in spec else {"FontBBox": spec["FontBBox"]}
    else:
        basefont = literal_name(spec["BaseFont"]) if "BaseFont" in spec else "unknown"
        if basefont in FONT_METRICS:
            descriptor = FONT_METRICS[basefont][0]
        else:
            descriptor = dict_value(spec.get("FontDescriptor", {}))
    name = resolve1(descriptor.get("FontName", "unknown"))
    if isinstance(name, PSLiteral):
        name = literal_name(name)
    elif isinstance(name, bytes):
        name = name.decode("latin-1")
    if type3:
        bbox = [num_value(v) for v in list_value(descriptor.get("FontBBox", (0, 0, 0, 0)))]
        a, b, c, d, _, _ = (num_value(v) for v in list_value(spec.get("FontMatrix")))
        return str(name), bbox[1] * (c + d)  # pdfminer: apply_matrix_norm(FontMatrix, (1, 1))[1]
    descent = num_value(descriptor.get("Descent", 0))
    return str(name), -abs(descent) * 0.001


class _PdfminerFonts:
    """Fonts as pdfminer (so pdfplumber) names and measures them, by name: pdfminer
    reads the page tree and the font dictionaries, no content stream, and only as far
    as needed: pages are read (in order, each once) until a font PDFium reports is
    known, so a document whose pages share their fonts costs one page's read. Any
    failure turns this off; the engine then uses PDFium's names and metrics."""

    def __init__(self, path: str | Path, password: str | None):
        self._path, self._password = path, password
        self._fp = None
        self._pages = None
        self._read = 0  # pages read so far
        self._known: dict[str, tuple[str, float]] = {}  # full and subset-less names
        self._by_objid: dict[int, tuple[str, float]] = {}
        self._off = False

    def lookup(self, page_index: int, pdfium_name: str) -> tuple[str, float] | None:
        """(fontname, descent per unit size) of a font PDFium names so on page
        `page_index` (0-based), or None."""
        found = self._find(pdfium_name)
        while found is None and not self._off and self._read <= page_index:
            try:
                self._read_page()
            except StopIteration:
                self._off = True
            except Exception:
                self._off = True
                self.close()
            found = self._find(pdfium_name)
        return found

    def _find(self, name: str) -> tuple[str, float] | None:
        return self._known.get(name) or self._known.get(_strip_subset(name))

    def _read_page(self) -> None:
        if self._pages is None:
            from pdfminer.pdfdocument import PDFDocument
            from pdfminer.pdfpage import PDFPage
            from pdfminer.pdfparser import PDFParser

            self._fp = open(self._path, "rb")
            doc = PDFDocument(PDFParser(self._fp), password=self._password or "")
            self._pages = PDFPage.create_pages(doc)
        page = next(self._pages)
        self._read += 1
        self._add_fonts(page.resources)

    def _add_fonts(self, resources) -> None:
        from pdfminer.pdftypes import PDFStream, dict_value, resolve1
        from pdfminer.psparser import literal_name

        seen: set[int] = set()

        def visit(res, depth: int) -> None:
            res = dict_value(res)
            for ref in dict_value(res.get("Font", {})).values():
                objid = getattr(ref, "objid", None)
                if objid is not None and objid in self._by_objid:
                    continue
                spec = dict_value(ref)
                try:
                    entry = _pdfminer_font(spec)
                except Exception:
                    continue
                if objid is not None:
                    self._by_objid[objid] = entry
                names = [entry[0]]
                if "BaseFont" in spec:
                    names.append(literal_name(spec["BaseFont"]))
                for name in names:
                    if isinstance(name, str):
                        self._known.setdefault(name, entry)
                        self._known.setdefault(_strip_subset(name), entry)
            if depth >= MAX_FORM_DEPTH:
                return
            for ref in dict_value(res.get("XObject", {})).values():
                objid = getattr(ref, "objid", None)
                if objid is not None:
                    if objid in seen:
                        continue
                    seen.add(objid)
                xobj = resolve1(ref)
                if isinstance(xobj, PDFStream) and literal_name(xobj.get("Subtype")) == "Form" and "Resources" in xobj:
                    visit(xobj["Resources"], depth + 1)

        visit(resources or {}, 0)

    def close(self) -> None:
        if self._fp is not None:
            self._fp.close()
            self._fp = None


class _FontRun:
    """What a text object's characters share: pdfplumber's run key (upright, font name,
    size), and what turns a character's origin and advance into pdfminer's box: the
    text's advance and height directions on the page (user space, per unit of width /
    of font size) and the font's descent."""

    __slots__ = (
        "key", "fontname", "size", "bold", "upright", "fast", "top_off", "bottom_off",
        "adv_x", "adv_y", "up_x", "up_y", "descent", "slack", "font", "widths",
    )

    def __init__(self, fontname, descent, font, widths, upright, fast, size, adv, up, slack):
        self.fontname, self.descent, self.font, self.widths = fontname, descent, font, widths
        self.bold = is_bold_font(fontname)
        self.upright, self.fast, self.size = upright, fast, size
        self.key = (upright, fontname, size)
        self.adv_x, self.adv_y = adv
        self.up_x, self.up_y = up
        # On an unturned page, upright text: top and bottom are (page top - baseline)
        # minus these (user space, y up: bottom = baseline + descent, top = bottom + size).
        self.top_off, self.bottom_off = size * (1 + descent), size * descent
        # An advance this much (pt) shorter than PDFium's loose box is not trusted (a
        # ligature's piece, a glyph the width lookup got wrong); ink overhang is less.
        self.slack = slack


# --------------------------------------------------------------------------- words


def _read_runs(api: _Api, tp, frame: _Frame, font_of, blanks_out: list) -> list[tuple]:
    """The page's characters as pdfplumber's runs: [(upright, fontname, size, bold,
    chars)], each char a tuple (x0, x1, top, bottom, text) on the page, text None for a
    blank (a word break). The blanks the PDF draws are also appended to `blanks_out` as
    (x0, top)."""
    get_unicode = api.get_unicode
    get_text_object = api.get_text_object
    get_origin = api.get_char_origin
    get_loose = api.get_loose_char_box
    glyph_width = api.font_glyph_width
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = api.FS_RECTF()
    width = ctypes.c_float()
    p_ox, p_oy, p_rect, p_width = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(rect), ctypes.byref(width)
    one = ctypes.c_float(1.0)
    unturned = frame.rotation == 0
    fx0, fy1 = frame.x0, frame.y1
    blank_codes, special = _BLANKS, _SPECIAL_CHARS
    add_blank = blanks_out.append

    runs: list[tuple] = []
    append = None
    cur_key = None
    last_obj = _NO_OBJECT
    run = None
    fast = False
    top_off = bottom_off = scale = slack = 0.0
    widths: dict[int, float] = {}
    infos: dict[int, _FontRun] = {}
    # A blank waits for the next character: PDFium also reports, as a space of the
    # same text object at the next character's very origin, a gap it infers from a TJ
    # kerning offset; the PDF draws no character there, so pdfplumber has none.
    pending = None  # (obj, user x, user y, fontname, bold, char tuple, upright)
    prev_x = prev_y = None
    prev_obj = None
    texts: dict[int, str] = {}
    for i in range(api.count_chars(tp)):
        u = get_unicode(tp, i)
        obj = get_text_object(tp, i)
        if not obj:
            # Generated by PDFium (a space or line break it infers), not drawn.
            continue
        get_origin(tp, i, p_ox, p_oy)
        ux, uy = ox.value, oy.value
        if pending is not None:
            p_obj, p_x, p_y, p_font, p_bold, p_char, p_upright = pending
            pending = None
            if p_obj != obj or p_x != ux or p_y != uy:
                if not p_upright:
                    key = (False, p_font, p_char[3] - p_char[2])
                    if key != cur_key:
                        cur_key = key
                        chars = []
                        append = chars.append
                        runs.append((False, p_font, key[2], p_bold, chars))
                append(p_char)
                add_blank((p_char[0], p_char[2]))
        if obj != last_obj:
            last_obj = obj
            run = infos.get(obj)
            if run is None:
                run = infos[obj] = font_of(obj, i)
            fast = run.fast and unturned
            top_off, bottom_off, scale, slack, widths = run.top_off, run.bottom_off, run.adv_x, run.slack, run.widths
            if run.upright and run.key != cur_key:
                cur_key = run.key
                chars: list = []
                append = chars.append
                runs.append((run.upright, run.fontname, run.size, run.bold, chars))
        if fast:
            x = ux - fx0
            y = fy1 - uy
            if u in blank_codes:
                # A blank the PDF draws (PDFium may flag it generated, with no width,
                # but at its drawn origin): a word break where pdfplumber has one.
                pending = (obj, ux, uy, None, None, (x, x, y - top_off, y - bottom_off, None), True)
                continue
            w = widths.get(u)
            piece = ux == prev_x and uy == prev_y and obj == prev_obj
            prev_x, prev_y, prev_obj = ux, uy, obj
            if w is None or w < 0 or piece:
                get_loose(tp, i, p_rect)
                loose = rect.right - fx0
                if loose < x:
                    loose = x
                if w is None:
                    # The advance from the font's widths (PDFium maps the text back to
                    # the character code), trusted for this font and character once it
                    # agrees with PDFium's loose box (the advance box joined with the
                    # ink), else never.
                    x1 = x + width.value * scale if glyph_width(run.font, _width_code(u), one, p_width) else -1.0
                    w = widths[u] = width.value if x1 >= 0 and loose - slack <= x1 <= loose + 0.01 else -1.0
                if piece:
                    # Two characters at one origin: PDFium's pieces of a ligature (pdfminer
                    # has one character "fi"); the loose box is the ligature's.
                    last = chars[-1]
                    if last[4] is not None and loose > last[1]:
                        chars[-1] = (last[0], loose, last[2], last[3], last[4])
                x1 = loose if piece or w < 0 else x + w * scale
            else:
                x1 = x + w * scale
            text = texts.get(u)
            if text is None:
                text = texts[u] = special.get(u) or chr(u)
            append((x, x1, y - top_off, y - bottom_off, text))
            continue
        w = widths.get(u)
        if w is None:
            w = widths[u] = width.value if glyph_width(run.font, _width_code(u), one, p_width) else -1.0
        if u in blank_codes:
            char = (*_char_box(frame, run, ux, uy, w if w > 0 else 0.0, None), None)
            pending = (obj, ux, uy, run.fontname, run.bold, char, run.upright)
            continue
        get_loose(tp, i, p_rect)
        x0, x1, top, bottom = _char_box(frame, run, ux, uy, w, rect)
        if not run.upright:
            # pdfminer's size is the box's height on the page: for text that does not
            # run left to right there, the advance; pdfplumber's runs follow it.
            key = (False, run.fontname, bottom - top)
            if key != cur_key:
                cur_key = key
                chars = []
                append = chars.append
                runs.append((False, run.fontname, bottom - top, run.bold, chars))
        append((x0, x1, top, bottom, special.get(u) or chr(u)))
    if pending is not None:
        p_char = pending[5]
        if not pending[6]:
            runs.append((False, pending[3], p_char[3] - p_char[2], pending[4], [p_char]))
        else:
            append(p_char)
        add_blank((p_char[0], p_char[2]))
    return runs


def _width_code(u: int) -> int:
    return 0x2D if u == _PDFIUM_HYPHEN else u


def _char_box(frame: _Frame, run: _FontRun, x: float, y: float, w: float, rect) -> tuple[float, float, float, float]:
    """pdfminer's box of a character with origin (x, y) and advance w (em, -1 if
    unknown) in user space: the rectangle from descent to descent + size along the
    advance, through the text matrix, as (x0, x1, top, bottom) on the page. Without a
    trusted advance, PDFium's loose box `rect` (None: trust the advance)."""
    if w >= 0:
        ax, ay = run.adv_x * w, run.adv_y * w
        if rect is None:  # trusted as it is (a blank: PDFium gives it no box)
            ok = True
        else:
            along = abs(ax) if abs(ax) >= abs(ay) else abs(ay)
            extent = rect.right - rect.left if abs(ax) >= abs(ay) else rect.top - rect.bottom
            ok = extent - run.slack <= along <= extent + 0.01
        if ok:
            ux, uy = run.up_x, run.up_y
            bx, by = x + ux * run.descent, y + uy * run.descent
            point = frame.point
            corners = (point(bx, by), point(bx + ax, by + ay), point(bx + ux, by + uy), point(bx + ax + ux, by + ay + uy))
            xs = [p[0] for p in corners]
            ts = [p[1] for p in corners]
            return min(xs), max(xs), min(ts), max(ts)
    return frame.box(rect.left, rect.bottom, rect.right, rect.top)


def _clusters(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: sorted distinct values chained into clusters
    while each is within `tolerance` of the previous."""
    out: dict[float, int] = {}
    idx, last = -1, None
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            idx += 1
        out[v] = idx
        last = v
    return out


def _lines(chars: list, pos: int, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects on field `pos`: clusters in order of value, each
    keeping the characters' content order."""
    first = chars[0][pos]
    for c in chars:
        if c[pos] != first:
            break
    else:
        return [chars]
    cluster = _clusters([c[pos] for c in chars], tolerance)
    out: list[list] = [[] for _ in range(max(cluster.values()) + 1)]
    for c in chars:
        out[cluster[c[pos]]].append(c)
    return out


_by_x0 = itemgetter(0)
_by_top = itemgetter(2, 3)


def _run_words(run: tuple, out: list[Word], blanks: dict[int, list[float]], settings: WordSettings) -> None:
    """pdfplumber's WordExtractor on one run, with the page model's settings
    (geometry.WordSettings, as plumber_engine passes them): lines, each sorted along
    the text and cut into words at blanks and at gaps wider than a share of the size."""
    upright, fontname, size, bold, chars = run
    line_tol, gap = settings.line_tolerance, settings.gap_ratio * size
    if upright:
        lines = _lines(chars, 2, line_tol)
        sort_key, start, end, other, along, across = _by_x0, 0, 1, 2, gap, line_tol
    else:  # read top to bottom, lines by x0 (pdfplumber's default for rotated chars,
        # which measures its x tolerance, here the size's share, across the line)
        lines = _lines(chars, 0, line_tol)
        sort_key, start, end, other, along, across = _by_top, 2, 3, 0, line_tol, gap

    def emit(texts, x0, x1, top, bottom):
        after = bool(blanks) and has_blank_after(blanks, top, x1, settings)
        out.append(Word("".join(texts), x0, x1, top, bottom, fontname, size, bold, space_after=after))

    for line in lines:
        line.sort(key=sort_key)
        texts = None
        p_start = p_end = p_other = 0.0
        wx0 = wx1 = wtop = wbottom = 0.0
        for c in line:
            text = c[4]
            if text is None:
                if texts:
                    emit(texts, wx0, wx1, wtop, wbottom)
                    texts = None
                continue
            c_start, c_other = c[start], c[other]
            if texts and (
                c_start < p_start or c_start > p_end + along or c_other - p_other > across or p_other - c_other > across
            ):
                emit(texts, wx0, wx1, wtop, wbottom)
                texts = None
            x0, x1, top, bottom, _ = c
            if texts:
                texts.append(text)
                if x0 < wx0:
                    wx0 = x0
                if x1 > wx1:
                    wx1 = x1
                if top < wtop:
                    wtop = top
                if bottom > wbottom:
                    wbottom = bottom
            else:
                texts = [text]
                wx0, wx1, wtop, wbottom = x0, x1, top, bottom
            p_start, p_end, p_other = c_start, c[end], c_other
        if texts:
            emit(texts, wx0, wx1, wtop, wbottom)


def _words(api: _Api, tp, frame: _Frame, font_of, settings: WordSettings = WORD_SETTINGS) -> list[Word]:
    found: list[tuple[float, float]] = []
    runs = _read_runs(api, tp, frame, font_of, found)
    blanks = blank_index(found)
    out: list[Word] = []
    for run in runs:
        if run[4]:
            _run_words(run, out, blanks, settings)
    return out


class _PageFonts:
    """Per page: a text object -> its _FontRun, fonts looked up once per PDFium font."""

    def __init__(self, api: _Api, tp, frame: _Frame, page_index: int, metrics: _PdfminerFonts):
        self.api, self.tp, self.frame, self.page_index, self.metrics = api, tp, frame, page_index, metrics
        self.fonts: dict[int, tuple[str, float]] = {}
        self.widths: dict[int, dict[int, float]] = {}
        self.matrix = api.FS_MATRIX()
        self.buf = ctypes.create_string_buffer(256)
        self.flags = ctypes.c_int()

    def __call__(self, obj: int, char_index: int) -> _FontRun:
        api = self.api
        handle = ctypes.c_void_p(obj)
        font = api.text_obj_font(handle) or 0
        named = self.fonts.get(font)
        if named is None:
            named = self.fonts[font] = self._font(font, char_index)
        fontname, descent = named
        widths = self.widths.setdefault(font, {})
        fs = ctypes.c_float()
        api.text_obj_font_size(handle, ctypes.byref(fs))
        m = self.matrix
        api.get_char_matrix(self.tp, char_index, ctypes.byref(m))
        a, b, c, d = m.a, m.b, m.c, m.d
        frame = self.frame
        upright = frame.matrix_upright(a, b, c, d)
        font_size = fs.value
        adv = (a * font_size, b * font_size)  # per unit of width (glyph widths are in em)
        up = (c * font_size, d * font_size)  # the font size's extent
        fast = b == 0 and c == 0 and a > 0 and d > 0
        if fast:
            size = font_size * d
        else:
            # the height on the page of the font size's extent (pdfminer's size for
            # text running left to right there; others get theirs per character)
            (_, t0), (_, t1) = frame.point(0.0, 0.0), frame.point(up[0], up[1])
            size = abs(t1 - t0)
        slack = _ADVANCE_SLACK * font_size * math.sqrt(abs(a * d - b * c))
        return _FontRun(fontname, descent, ctypes.c_void_p(font), widths, upright, fast, size, adv, up, slack)

    def _font(self, font: int, char_index: int) -> tuple[str, float]:
        api = self.api
        n = api.get_font_info(self.tp, char_index, self.buf, ctypes.c_ulong(len(self.buf)), ctypes.byref(self.flags))
        if n > len(self.buf):
            self.buf = ctypes.create_string_buffer(n)
            n = api.get_font_info(self.tp, char_index, self.buf, ctypes.c_ulong(n), ctypes.byref(self.flags))
        name = self.buf.value.decode("utf-8", "replace") if 0 < n <= len(self.buf) else ""
        found = self.metrics.lookup(self.page_index, name) if name else None
        if found is not None:
            return found
        descent = ctypes.c_float()
        if font and api.font_descent(ctypes.c_void_p(font), ctypes.c_float(1.0), ctypes.byref(descent)):
            return name, min(descent.value, 0.0)
        return name, 0.0


# --------------------------------------------------------------------------- edges


def _compose(m1, m2):
    """Apply m1, then m2 (PDF matrices as (a, b, c, d, e, f))."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _edges(api: _Api, page, frame: _Frame) -> list[Edge]:
    edges: list[Edge] = []
    m = api.FS_MATRIX()
    p_m = ctypes.byref(m)
    out = _PathOut()

    def walk(count: int, get, outer, depth: int) -> None:
        for k in range(count):
            obj = get(k)
            if not obj:
                continue
            obj = ctypes.c_void_p(obj)
            kind = api.obj_type(obj)
            if kind != _PATH and kind != _FORM:
                continue
            api.obj_matrix(obj, p_m)
            matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
            if outer is not None:
                matrix = _compose(matrix, outer)
            if kind == _PATH:
                _path_edges(api, obj, matrix, frame, out, edges)
            elif depth < MAX_FORM_DEPTH:
                walk(
                    api.form_count_objects(obj),
                    lambda j, form=obj: api.form_get_object(form, ctypes.c_ulong(j)),
                    matrix,
                    depth + 1,
                )

    walk(api.count_objects(page), lambda j: api.get_object(page, j), None, 0)
    return edges


class _PathOut:
    """Out-parameters of the path calls, allocated once per page."""

    def __init__(self):
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.p_fill, self.p_stroke = ctypes.byref(self.fill), ctypes.byref(self.stroke)
        self.p_x, self.p_y = ctypes.byref(self.x), ctypes.byref(self.y)


def _path_edges(api: _Api, obj, matrix, frame: _Frame, out: _PathOut, edges: list[Edge]) -> None:
    api.path_draw_mode(obj, out.p_fill, out.p_stroke)
    stroked = bool(out.stroke.value)
    p_x, p_y, cx, cy = out.p_x, out.p_y, out.x, out.y
    a, b, c, d, e, f = matrix
    point = frame.point
    # The path as pdfminer records it: ops "m", "l", "c" (a Bezier: three PDFium
    # points), "h" (close), each with its end point on the page.
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for k in range(api.path_count_segments(obj)):
        seg = api.path_get_segment(obj, k)
        if not seg:
            continue
        seg = ctypes.c_void_p(seg)
        api.segment_point(seg, p_x, p_y)
        x, y = cx.value, cy.value
        kind = api.segment_type(seg)
        if kind == _BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue
            op = "c"
        else:
            bezier = 0
            op = "m" if kind == _MOVETO else "l"
        ops.append(op)
        pts.append(point(a * x + c * y + e, b * x + d * y + f))
        if api.segment_close(seg):
            ops.append("h")
            pts.append(None)  # the subpath's start, filled in below
    start = 0
    n = len(ops)
    while start < n:
        end = start + 1
        while end < n and ops[end] != "m":
            end += 1
        if ops[start] == "m" and end - start > 1:
            sub_pts = [p if p is not None else pts[start] for p in pts[start:end]]
            _subpath_edges("".join(ops[start:end]), sub_pts, stroked, edges)
        start = end


def _subpath_edges(shape: str, pts: list, stroked: bool, edges: list[Edge]) -> None:
    """pdfminer's paint_path for one subpath, read as plumber_engine reads the result:
    a line's segment, a rectangle's edges, and a curve's (any other path's) straight
    axis-parallel pieces, its closing one included."""
    ops, points = shape, pts
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("ml", "mlh"):
        (xa, ta), (xb, tb) = pts[0], pts[1]
        edges.extend(edges_from_segment(xa, ta, xb, tb))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
        if last == pts[0] and (
            (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        ):
            edges.extend(edges_from_rect(min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), stroked=stroked))
            return
    # A curve: pdfplumber keeps the path as drawn (the redundant closing line too).
    current = None
    for op, pt in zip(ops, points):
        if op in ("l", "h") and current is not None:
            edges.extend(edges_from_segment(current[0], current[1], pt[0], pt[1]))
        current = pt


# ------------------------------------------------------------------------ document


def _page_geometry(api: _Api, pdf, index: int, metrics: _PdfminerFonts) -> PageGeometry:
    page = pdf[index]
    textpage = None
    try:
        ph = _handle(page)
        frame = _page_frame(api, ph)
        textpage = page.get_textpage()
        tp = _handle(textpage)
        words = _words(api, tp, frame, _PageFonts(api, tp, frame, index, metrics))
        edges = _edges(api, ph, frame)
        return PageGeometry(page_no=index + 1, width=frame.width, height=frame.height, words=words, edges=edges)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


class PdfiumDocument:
    """An open PDF: its page count, and its pages as PageGeometry on demand."""

    def __init__(self, pdf, path: str | Path, password: str | None):
        self._pdf = pdf
        self._metrics = _PdfminerFonts(path, password)

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    def pages(self) -> Iterator[PageGeometry]:
        api = _Api.get()
        for i in range(len(self._pdf)):
            try:
                geometry = _page_geometry(api, self._pdf, i, self._metrics)
            except Exception as exc:  # PDFium fails to load a broken page
                raise PdfUnreadable(f"page {i + 1}: {_reason(exc)}") from None
            yield geometry

    def close(self) -> None:
        self._metrics.close()
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
    _Api.get()  # the raw functions, resolved before any file is opened
    pdf = open_pdfium(path, password)
    doc = PdfiumDocument(pdf, path, password)
    try:
        yield doc
    finally:
        doc.close()
