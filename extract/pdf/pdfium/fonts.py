"""Fonts: a PDFium font's name and descent as pdfminer (so pdfplumber) gives them.

pdfminer's character box is one font size high, its bottom at the baseline plus the
font descriptor's /Descent x size, and its font name is the descriptor's /FontName
(with its subset tag). PDFium's font API (FPDFFont_GetBaseFontName, FPDFFont_GetDescent)
gives the name without the subset tag and, where a descriptor says /Descent 0 (as
LibreOffice's do), a descent it derives from the glyphs, which moves every box of that
font by up to a fifth of its size. PDFium has no API for a font's dictionary, so the
dictionaries are read with pdfminer's parser: the page tree and the font dictionaries,
no content stream, only until every font PDFium reports is known (usually page 1). A
font not found there, or a file pdfminer cannot read, falls back to PDFium's name and
descent. pdfminer is imported only when the first font is looked up.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

MAX_FORM_DEPTH = 16  # nesting of form XObjects whose fonts are read
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def strip_subset(name: str) -> str:
    return _SUBSET_TAG.sub("", name)


class DocumentFonts:
    """Per document: a PDFium font (its address) -> (fontname, descent per unit of font
    size), each font looked up once."""

    def __init__(self, path: str | Path, password: str | None):
        self._dictionaries = PdfminerFonts(path, password)
        self._fonts: dict[int, tuple[str, float]] = {}

    def get(self, font: int, page_index: int) -> tuple[str, float]:
        found = self._fonts.get(font)
        if found is None:
            found = self._fonts[font] = self._read(font, page_index)
        return found

    def _read(self, font: int, page_index: int) -> tuple[str, float]:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        if not font:
            return "", 0.0
        handle = ctypes.cast(font, raw.FPDF_FONT)
        try:
            name = pdfium.PdfFont(handle).get_base_name()
        except pdfium.PdfiumError:
            name = ""
        found = self._dictionaries.lookup(page_index, name) if name else None
        if found is not None:
            return found
        descent = ctypes.c_float()
        if raw.FPDFFont_GetDescent(handle, 1.0, descent):
            return name, min(descent.value, 0.0)
        return name, 0.0

    def close(self) -> None:
        self._dictionaries.close()


def pdfminer_font(spec) -> tuple[str, float]:
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


class PdfminerFonts:
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
        return self._known.get(name) or self._known.get(strip_subset(name))

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
                    entry = pdfminer_font(spec)
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
                        self._known.setdefault(strip_subset(name), entry)
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

