"""The per-character loop: a page's characters as pdfplumber's runs, with pdfminer's
boxes. The only place raw ctypes is used, where it pays (some 70,000 characters on the
sample's 30 pages, three calls or more each).

What PDFium reports is mapped back to pdfminer's characters:

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
  shorter than pdfminer's box. Vertically the box is computed from the baseline, the
  size (font size x the text matrix's vertical scale = pdfminer's `size`) and the
  font's descent (fonts.py). Text in any direction gets pdfminer's box of the rotated
  rectangle; text that does not run left to right on the page gets, like pdfminer,
  the box's height as its size (so pdfplumber's runs break between characters of
  different advance).
"""

from __future__ import annotations

import ctypes
import math

from extract.pdf.geometry import is_bold_font
from extract.pdf.pdfium.fonts import DocumentFonts
from extract.pdf.pdfium.frame import Frame

# A character's advance (from the font's widths) is trusted when PDFium's loose box,
# which is the advance box joined with the glyph's ink, reaches at most this share of
# the font size beyond it (ink overhang: 0.07 em on DejaVu "k"; a ligature's piece or
# a wrong width lookup falls short by more).
_ADVANCE_SLACK = 0.15

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


class Api:
    """The PDFium functions called per character or per text object, as ctypes function
    pointers without argument types: pypdfium2's typed prototypes convert every
    argument (~0.3 us a call), these pass handles as c_void_p and out-parameters by
    reference (~0.14 us). The addresses come from pypdfium2's own bindings, so it is
    the same, already initialised library."""

    _instance: "Api | None" = None

    def __init__(self):
        import pypdfium2.raw as raw

        vp, i = ctypes.c_void_p, ctypes.c_int

        def fn(name, restype):
            addr = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
            return ctypes.CFUNCTYPE(restype)(addr)

        self.FS_MATRIX = raw.FS_MATRIX
        self.FS_RECTF = raw.FS_RECTF
        self.count_chars = fn("FPDFText_CountChars", i)
        self.get_unicode = fn("FPDFText_GetUnicode", ctypes.c_uint)
        self.get_text_object = fn("FPDFText_GetTextObject", vp)
        self.get_char_origin = fn("FPDFText_GetCharOrigin", i)
        self.get_loose_char_box = fn("FPDFText_GetLooseCharBox", i)
        self.get_char_matrix = fn("FPDFText_GetMatrix", i)
        self.text_obj_font = fn("FPDFTextObj_GetFont", vp)
        self.text_obj_font_size = fn("FPDFTextObj_GetFontSize", i)
        self.font_glyph_width = fn("FPDFFont_GetGlyphWidth", i)

    @classmethod
    def get(cls) -> "Api":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance


def raw_handle(pypdfium_obj) -> ctypes.c_void_p:
    return ctypes.c_void_p(ctypes.cast(pypdfium_obj.raw, ctypes.c_void_p).value)


class FontRun:
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


class PageFonts:
    """Per page: a text object -> its FontRun (the font named once per document)."""

    def __init__(self, api: Api, tp, frame: Frame, page_index: int, fonts: DocumentFonts):
        self.api, self.tp, self.frame, self.page_index, self.fonts = api, tp, frame, page_index, fonts
        self.widths: dict[int, dict[int, float]] = {}
        self.matrix = api.FS_MATRIX()
        self.font_size = ctypes.c_float()
        self.p_matrix, self.p_font_size = ctypes.byref(self.matrix), ctypes.byref(self.font_size)
        # Text objects of one font, size and text matrix (but its offset) share a run:
        # LibreOffice writes a text object per line.
        self.runs: dict[tuple, FontRun] = {}

    def __call__(self, obj: int, char_index: int) -> FontRun:
        api = self.api
        handle = ctypes.c_void_p(obj)
        font = api.text_obj_font(handle) or 0
        api.text_obj_font_size(handle, self.p_font_size)
        m = self.matrix
        api.get_char_matrix(self.tp, char_index, self.p_matrix)
        key = (font, self.font_size.value, m.a, m.b, m.c, m.d)
        run = self.runs.get(key)
        if run is None:
            run = self.runs[key] = self._run(font, self.font_size.value, m)
        return run

    def _run(self, font: int, font_size: float, m) -> FontRun:
        fontname, descent = self.fonts.get(font, self.page_index)
        widths = self.widths.setdefault(font, {})
        a, b, c, d = m.a, m.b, m.c, m.d
        frame = self.frame
        upright = frame.matrix_upright(a, b, c, d)
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
        return FontRun(fontname, descent, ctypes.c_void_p(font), widths, upright, fast, size, adv, up, slack)


def read_runs(api: Api, tp, frame: Frame, font_of, blanks_out: list) -> list[tuple]:
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
    infos: dict[int, FontRun] = {}
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


def _char_box(frame: Frame, run: FontRun, x: float, y: float, w: float, rect) -> tuple[float, float, float, float]:
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

