"""Build the sample documents in samples/ from the transcription of the real annex.

Run from the repository root:

    .venv/bin/python samples/build/build_samples.py            # build everything
    .venv/bin/python samples/build/build_samples.py --check    # build, then report on the PDFs

Inputs:  samples/transcription/annex-2025.json (the transcription of "Lisa 1" of the
         Minister of Culture's directive 25.03.2025 nr 68).
Outputs (all in samples/):
    annex-2025.docx / .pdf           faithful reconstruction (A4, Times New Roman 12 pt,
                                     header row not repeated, rows may break across pages)
    annex-2025-alt.docx / -alt.pdf   same content, other layout (Letter, Arial 10 pt, other
                                     margins and column widths, header row repeated)
    annex-2025-html.pdf              same content through HTML + WeasyPrint (another producer)
    amendment.json                   the edits of the (fictitious) amending directive nr 190
    transcription/annex-2025-amended.json   the transcription with those edits applied
    annex-2025-amended.docx / .pdf   the amended annex, main layout

Needs:
  * Python packages: python-docx, weasyprint (pyproject optional group "samples");
    pdfplumber for --check (a main dependency).
  * LibreOffice for DOCX -> PDF:   apt-get install libreoffice-writer-nogui
    (Times New Roman / Arial are rendered with the metric-compatible Liberation fonts:
    apt-get install fonts-liberation2, normally pulled in by LibreOffice).
  * WeasyPrint's native libraries: apt-get install libpango-1.0-0 libpangoft2-1.0-0
    (and fonts-dejavu-core for the HTML rendering's font).
  * poppler-utils (pdftoppm) only to look at pages; not used by this script.

The build is deterministic where the tools allow it: the DOCX files have fixed core
properties and fixed zip timestamps; SOURCE_DATE_EPOCH is exported for LibreOffice and
WeasyPrint.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
TRANSCRIPTION = SAMPLES / "transcription" / "annex-2025.json"
AMENDED_JSON = SAMPLES / "transcription" / "annex-2025-amended.json"
AMENDMENT_JSON = SAMPLES / "amendment.json"

# Fixed timestamp: the directive's date (used for core properties, zip entries, PDFs).
FIXED_DATE = dt.datetime(2025, 3, 25, 9, 0, 0, tzinfo=dt.timezone.utc)
AMENDED_DATE = dt.datetime(2025, 9, 15, 9, 0, 0, tzinfo=dt.timezone.utc)

# Header cells that the real document writes with a manual hyphen at a line break:
# table no -> the hyphenated word part after which a w:br is put.
HEADER_BREAKS = {6: "tegevus-", 8: "tegevus-", 14: "Partnerlus-"}


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    """Everything that differs between renderings of the same content (lengths in cm)."""

    name: str
    page_w: float
    page_h: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    font: str
    size: float  # pt
    # column widths, cm; each list must sum to the text width
    schedule_cols: tuple[float, ...]
    indicator_cols: tuple[float, ...]
    group_indicator_cols: tuple[float, ...]  # Tabel 17 (6 columns)
    repeat_header: bool
    # The header row carries w:cantSplit (Word and LibreOffice let a row break by
    # default; the committed samples keep the header whole, the conformance matrix not).
    header_cant_split: bool = True

    @property
    def text_width(self) -> float:
        return round(self.page_w - self.margin_left - self.margin_right, 3)

    def check(self) -> None:
        for cols in (self.schedule_cols, self.indicator_cols, self.group_indicator_cols):
            assert abs(sum(cols) - self.text_width) < 0.02, (self.name, cols, self.text_width)

    def turned(self) -> "Layout":
        """The same layout on the page turned to landscape, column widths scaled to
        the wider text."""
        lay = replace(self, name=self.name + "-landscape", page_w=self.page_h, page_h=self.page_w)
        width = lay.text_width
        return replace(lay, schedule_cols=scale_widths(self.schedule_cols, width),
                       indicator_cols=scale_widths(self.indicator_cols, width),
                       group_indicator_cols=scale_widths(self.group_indicator_cols, width))


def scale_widths(cols: tuple[float, ...], width: float) -> tuple[float, ...]:
    """Column widths in the same proportions, summing to `width` (cm)."""
    total = sum(cols)
    out = [round(c * width / total, 3) for c in cols[:-1]]
    return (*out, round(width - sum(out), 3))


# The real document: A4, Word's "Normal" margins (2.54 cm), Times New Roman 12 pt.
# Date columns are narrow so that "01.01.2023-31.10.2029" wraps after the hyphen, as it
# does in the original; the header row is not repeated.
MAIN = Layout(
    name="main",
    page_w=21.0,
    page_h=29.7,
    margin_top=2.54,
    margin_bottom=2.54,
    margin_left=2.54,
    margin_right=2.54,
    font="Times New Roman",
    size=12,
    schedule_cols=(5.62, 2.7, 2.8, 2.65, 2.15),
    indicator_cols=(3.8, 2.6, 2.72, 2.0, 4.8),
    group_indicator_cols=(2.6, 3.1, 2.5, 2.72, 2.0, 3.0),
    repeat_header=False,
)

# Same content, other geometry: US Letter, narrower margins, Arial 10 pt, date columns
# wide enough for most date ranges on one line, header row repeated on every page.
ALT = Layout(
    name="alt",
    page_w=21.59,
    page_h=27.94,
    margin_top=1.8,
    margin_bottom=1.6,
    margin_left=2.2,
    margin_right=1.6,
    font="Arial",
    size=10,
    schedule_cols=(4.99, 4.05, 4.05, 2.5, 2.2),
    indicator_cols=(4.5, 2.4, 3.0, 2.2, 5.69),
    group_indicator_cols=(3.0, 3.6, 2.2, 2.6, 2.0, 4.39),
    repeat_header=True,
)


# --------------------------------------------------------------------------- DOCX helpers


def _strip_theme_fonts(rpr) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)


def _set_style_font(style, font: str, size: float, bold: bool | None = None,
                    italic: bool | None = False) -> None:
    style.font.name = font
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _strip_theme_fonts(rpr)
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _set_doc_defaults(doc, lay: Layout) -> None:
    """docDefaults: the layout's font everywhere, Estonian language."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _strip_theme_fonts(rpr_default)
    rfonts = rpr_default.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr_default.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), lay.font)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "et-EE")
    lang.set(qn("w:eastAsia"), "en-US")
    lang.set(qn("w:bidi"), "ar-SA")


def _setup_styles(doc, lay: Layout) -> None:
    _set_doc_defaults(doc, lay)
    normal = doc.styles["Normal"]
    _set_style_font(normal, lay.font, lay.size)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.0

    for level, extra in ((1, 1), (2, 0), (3, 0)):
        st = doc.styles[f"Heading {level}"]
        _set_style_font(st, lay.font, lay.size + extra, bold=True, italic=False)
        st.paragraph_format.space_before = Pt(12 if level == 1 else 9)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    cap = doc.styles["Caption"]
    _set_style_font(cap, lay.font, lay.size, bold=True, italic=False)
    cap.paragraph_format.space_before = Pt(6)
    cap.paragraph_format.space_after = Pt(3)
    cap.paragraph_format.keep_with_next = True

    lb = doc.styles["List Bullet"]
    _set_style_font(lb, lay.font, lay.size)
    lb.paragraph_format.space_after = Pt(0)

    for name in ("Header", "Footer"):
        try:
            _set_style_font(doc.styles[name], lay.font, lay.size - 1)
        except KeyError:
            pass


def _add_text(paragraph, text: str, bold: bool = False):
    """A run whose w:t keeps every space (xml:space="preserve")."""
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    for t in run._r.findall(qn("w:t")):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _add_page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    num = OxmlElement("w:t")
    num.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, num, end):
        run._r.append(el)


def _cell_paragraph_format(paragraph) -> None:
    pf = paragraph.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.keep_with_next = False


def _set_table_geometry(table, widths_cm: tuple[float, ...]) -> None:
    """Fixed layout, explicit grid and cell widths (Word reads tcW, LibreOffice gridCol)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl = table._tbl
    tblPr = tbl.tblPr
    layout = tblPr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tblPr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(sum(round(w * 567) for w in widths_cm)))
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        gc.set(qn("w:w"), str(round(w * 567)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def _fill_cell(cell, text: str, bold: bool = False, header_break: str | None = None,
               split_code: bool = False) -> None:
    p = cell.paragraphs[0]
    _cell_paragraph_format(p)
    if header_break and header_break in text:
        head, tail = text.split(header_break, 1)
        run = _add_text(p, head + header_break, bold)
        run.add_break()
        _add_text(p, tail, bold)
        return
    if split_code:
        code, label = text.split(" ", 1)
        _add_text(p, code, bold)
        p2 = cell.add_paragraph()
        _cell_paragraph_format(p2)
        _add_text(p2, label, bold)
        return
    if text:
        _add_text(p, text, bold)


def _is_split_code_row(table_no: int, cells: list[str]) -> bool:
    """Tabel 3 row "8.": code and label are two paragraphs of one cell in the original."""
    return table_no == 3 and cells[0].startswith("8. ")


def _add_table(doc, table_no: int, tdata: dict, lay: Layout) -> None:
    header = tdata["header"]
    rows = tdata["rows"]
    ncols = len(header)
    if ncols == 6:
        widths = lay.group_indicator_cols
    elif tdata["kind"] == "schedule":
        widths = lay.schedule_cols
    else:
        widths = lay.indicator_cols
    assert len(widths) == ncols, (table_no, ncols)

    table = doc.add_table(rows=1 + len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    _set_table_geometry(table, widths)

    hrow = table.rows[0]
    trPr = hrow._tr.get_or_add_trPr()
    # Only the header row may not break across a page (a tall header such as Tabel 13's
    # "... (eurodes)" would otherwise leave its last line alone on the next page); data
    # rows carry no cantSplit and break freely.
    if lay.header_cant_split:
        trPr.append(OxmlElement("w:cantSplit"))
    if lay.repeat_header:
        trPr.append(OxmlElement("w:tblHeader"))
    for cell, text in zip(hrow.cells, header):
        _fill_cell(cell, text, bold=True, header_break=HEADER_BREAKS.get(table_no))

    for r, row in enumerate(rows, start=1):
        cells = row["cells"]
        assert len(cells) == ncols, (table_no, r)
        split = _is_split_code_row(table_no, cells)
        for c, (cell, text) in enumerate(zip(table.rows[r].cells, cells)):
            _fill_cell(cell, text, split_code=split and c == 0)

    if ncols == 6:
        # Tabel 17: the first column is one group cell merged over the header and all
        # data rows (the data rows' first cells are empty in the transcription).
        assert all(row["cells"][0] == "" for row in rows)
        merged = table.cell(0, 0).merge(table.cell(len(rows), 0))
        # merge() leaves the (empty) paragraphs of the covered cells behind: drop them.
        paras = merged.paragraphs
        for p in paras[1:]:
            if not p.text:
                p._p.getparent().remove(p._p)


def _approval_lines(meta: dict) -> list[str]:
    m = re.fullmatch(r"(KINNITATUD)\s+(.*?\d{2}\.\d{2}\.\d{4})\s+(käskkirjaga .*)",
                     meta["approved_line"])
    assert m, meta["approved_line"]
    lines = list(m.groups())
    if meta.get("amended_by"):
        lines.append(amended_line(meta["amended_by"]))
    return lines


def amended_line(amended_by: dict) -> str:
    d = dt.date.fromisoformat(amended_by["directive_date"])
    return (f"muudetud kultuuriministri {d:%d.%m.%Y} käskkirjaga nr "
            f"{amended_by['directive_no']}")


def _add_directive_page(doc, page: dict) -> None:
    """The directive itself in front of its annex (the document register publishes
    them in one file): heading, dateline, title, text, signature, then a page break.
    `page` is meta["directive_page"]: heading, dateline, title, paragraphs, signature."""
    p = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _add_text(p, page["heading"], bold=True)
    p.paragraph_format.space_after = Pt(12)
    p = doc.add_paragraph()
    _add_text(p, page["dateline"])
    p.paragraph_format.space_after = Pt(18)
    p = doc.add_paragraph()
    _add_text(p, page["title"], bold=True)
    p.paragraph_format.space_after = Pt(12)
    for text in page["paragraphs"]:
        p = doc.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _add_text(p, text)
    doc.add_paragraph()
    for text in page["signature"]:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _add_text(p, text)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _start_section(doc, lay: Layout) -> None:
    """A new section on a new page with the layout's page size and orientation."""
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE if lay.page_w > lay.page_h else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(lay.page_w), Cm(lay.page_h)
    sec.top_margin, sec.bottom_margin = Cm(lay.margin_top), Cm(lay.margin_bottom)
    sec.left_margin, sec.right_margin = Cm(lay.margin_left), Cm(lay.margin_right)


def build_docx(data: dict, lay: Layout, out: Path, *, landscape: tuple[int, int] | None = None) -> None:
    """The annex as DOCX. `landscape` = (first, last): the tables first..last (from
    the caption of the first) are set in a landscape section of their own. A
    meta["directive_page"] puts the directive's page in front."""
    lay.check()
    wide = lay.turned() if landscape else None
    doc = Document()
    _setup_styles(doc, lay)

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width = Cm(lay.page_w)
    sec.page_height = Cm(lay.page_h)
    sec.top_margin = Cm(lay.margin_top)
    sec.bottom_margin = Cm(lay.margin_bottom)
    sec.left_margin = Cm(lay.margin_left)
    sec.right_margin = Cm(lay.margin_right)
    sec.header_distance = Cm(1.25)
    sec.footer_distance = Cm(1.25)
    _add_page_number_footer(sec)

    meta = data["meta"]
    first = True
    if meta.get("directive_page"):
        _add_directive_page(doc, meta["directive_page"])
        first = False
    # Approval block, top right.
    for line in _approval_lines(meta):
        p = doc.paragraphs[0] if first and doc.paragraphs else doc.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
        _add_text(p, line)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _add_text(p, meta["annex"])
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    # Title: bold, centred in a narrower column (the original wraps it in ~45 chars).
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.left_indent = Cm(3.0)
    p.paragraph_format.right_indent = Cm(3.0)
    p.paragraph_format.space_after = Pt(12)
    _add_text(p, meta["title"], bold=True)

    for block in data["blocks"]:
        kind = block["type"]
        if kind == "heading":
            p = doc.add_paragraph(style=f"Heading {block['level']}")
            _add_text(p, block["text"])
        elif kind == "paragraph":
            p = doc.add_paragraph(style="Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _add_text(p, block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                p = doc.add_paragraph(style="List Bullet")
                _add_text(p, item)
        elif kind == "caption":
            assert re.match(r"Tabel \d+\. ", block["text"]), block
            if landscape and block["text"].startswith(f"Tabel {landscape[0]}."):
                _start_section(doc, wide)
            p = doc.add_paragraph(style="Caption")
            _add_text(p, block["text"])
        elif kind == "table":
            turned = landscape and landscape[0] <= block["no"] <= landscape[1]
            _add_table(doc, block["no"], data["tables"][str(block["no"])], wide if turned else lay)
            # A small gap after each table (an empty paragraph, as Word documents do).
            gap = doc.add_paragraph()
            gap.paragraph_format.space_after = Pt(0)
            if landscape and block["no"] == landscape[1]:
                _start_section(doc, lay)
        else:
            raise ValueError(f"unknown block type {kind!r}")

    cp = doc.core_properties
    when = AMENDED_DATE if meta.get("amended_by") else FIXED_DATE
    cp.author = "Kultuuriministeerium"
    cp.last_modified_by = "Kultuuriministeerium"
    cp.title = meta["title"]
    cp.subject = f"{meta['annex']} — kultuuriministri käskkiri nr {meta['directive_no']}"
    cp.keywords = ""
    cp.comments = ""
    cp.category = ""
    cp.created = when.replace(tzinfo=None)
    cp.modified = when.replace(tzinfo=None)
    cp.last_printed = when.replace(tzinfo=None)
    cp.revision = 2 if meta.get("amended_by") else 1
    cp.language = "et-EE"

    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    _normalize_zip(out, when)


def _normalize_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite the package with fixed entry timestamps so the DOCX is reproducible."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path) as zin:
        entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, blob)
    tmp.replace(path)


# --------------------------------------------------------------------------- LibreOffice


def soffice_to_pdf(docx: Path, out_pdf: Path, when: dt.datetime) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui")
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(int(when.timestamp())), TZ="UTC")
    with tempfile.TemporaryDirectory(prefix="samples-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), str(docx)]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=300)
        produced = outdir / (docx.stem + ".pdf")
        if not produced.exists():
            sys.exit(f"LibreOffice produced no PDF for {docx}")
        shutil.move(str(produced), out_pdf)
    _pin_pdf_metadata(out_pdf, when)


def _pin_pdf_metadata(pdf: Path, when: dt.datetime) -> None:
    """LibreOffice stamps the wall-clock time and a random /ID into the PDF; replace them
    in place (same byte lengths, so the xref offsets stay valid) with the fixed date and a
    hash of the content, so that rebuilding gives the same bytes."""
    blob = pdf.read_bytes()
    stamp = when.strftime("%Y%m%d%H%M%S").encode()
    for key in (b"CreationDate", b"ModDate"):  # same length: D:YYYYMMDDHHMMSSZ'
        blob = re.sub(rb"/" + key + rb"\(D:[0-9]{14}Z'\)",
                      b"/" + key + b"(D:" + stamp + b"Z')", blob)
    id_re = rb"/ID \[ <[0-9A-F]{32}>(\s*)<[0-9A-F]{32}> \]"
    sum_re = rb"/DocChecksum /[0-9A-F]{32}"
    neutral = re.sub(sum_re, b"", re.sub(id_re, b"", blob))
    digest = hashlib.md5(neutral).hexdigest().upper().encode()
    blob = re.sub(id_re, lambda m: b"/ID [ <" + digest + b">" + m.group(1) + b"<" + digest
                  + b"> ]", blob)
    blob = re.sub(sum_re, b"/DocChecksum /" + digest, blob)
    pdf.write_bytes(blob)


# --------------------------------------------------------------------------- HTML / WeasyPrint

HTML_CSS = """
@page {
  size: A4;
  margin: 2.2cm 2cm 2.4cm 2.5cm;
  @bottom-center { content: counter(page); font-family: "DejaVu Serif"; font-size: 9pt; }
}
body { font-family: "DejaVu Serif", serif; font-size: 10pt; line-height: 1.25; }
p { margin: 0 0 5pt 0; text-align: justify; }
.approval { text-align: right; margin: 0; }
.annex { text-align: right; margin: 12pt 0 12pt 0; }
.title { text-align: center; font-weight: bold; margin: 0 3cm 14pt 3cm; }
h1, h2, h3 { font-weight: bold; margin: 10pt 0 5pt 0; page-break-after: avoid; }
h1 { font-size: 11pt; }
h2 { font-size: 10pt; }
h3 { font-size: 10pt; }
ul { margin: 0 0 5pt 0; }
p.caption { font-weight: bold; margin: 8pt 0 3pt 0; page-break-after: avoid; text-align: left; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0 0 8pt 0; }
th, td { border: 0.75pt solid #000; padding: 1.5pt 3pt; vertical-align: top;
         text-align: left; white-space: pre-wrap;
         font-family: "DejaVu Sans Condensed", "DejaVu Sans", sans-serif; font-size: 8.5pt; }
th { font-weight: bold; }
tr { page-break-inside: auto; break-inside: auto; }
table.group { page-break-inside: avoid; break-inside: avoid; }
td p { margin: 0; text-align: left; }
"""

HTML_COLS = {
    "schedule": (29, 22, 22, 14, 13),
    "indicator": (24, 16, 16, 13, 31),
    "group": (15, 20, 14, 16, 13, 22),
}


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def build_html(data: dict, *, css: str = HTML_CSS, repeat_header: bool = True,
               landscape: tuple[int, int] | None = None) -> str:
    """The annex as HTML. `repeat_header`: header rows in <thead> (repeated on each
    page) or as the first body row; `landscape` = (first, last): the tables first..last
    (from the caption of the first) in a <div class="landscape"> for the CSS to give a
    landscape page. A meta["directive_page"] puts the directive's page in front
    (<div class="directive">)."""
    meta = data["meta"]
    out = ["<!DOCTYPE html>", '<html lang="et"><head><meta charset="utf-8">',
           f"<title>{_esc(meta['title'])}</title>",
           '<meta name="author" content="Kultuuriministeerium">',
           f"<style>{css}</style></head><body>"]
    page = meta.get("directive_page")
    if page:
        out.append(f'<div class="directive"><p class="directive-heading">{_esc(page["heading"])}</p>'
                   f'<p class="dateline">{_esc(page["dateline"])}</p>'
                   f'<p class="directive-title">{_esc(page["title"])}</p>')
        out += [f"<p>{_esc(t)}</p>" for t in page["paragraphs"]]
        out.append('<p class="signature">' + "<br>".join(_esc(t) for t in page["signature"]) + "</p></div>")
    for line in _approval_lines(meta):
        out.append(f'<p class="approval">{_esc(line)}</p>')
    out.append(f'<p class="annex">{_esc(meta["annex"])}</p>')
    out.append(f'<p class="title">{_esc(meta["title"])}</p>')
    for block in data["blocks"]:
        kind = block["type"]
        if kind == "heading":
            lvl = block["level"]
            out.append(f"<h{lvl}>{_esc(block['text'])}</h{lvl}>")
        elif kind == "paragraph":
            out.append(f"<p>{_esc(block['text'])}</p>")
        elif kind == "bullets":
            out.append("<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in block["items"]) + "</ul>")
        elif kind == "caption":
            if landscape and block["text"].startswith(f"Tabel {landscape[0]}."):
                out.append('<div class="landscape">')
            out.append(f'<p class="caption">{_esc(block["text"])}</p>')
        elif kind == "table":
            out.append(_html_table(block["no"], data["tables"][str(block["no"])], repeat_header))
            if landscape and block["no"] == landscape[1]:
                out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out)


def _html_table(no: int, t: dict, repeat_header: bool = True) -> str:
    header, rows = t["header"], t["rows"]
    ncols = len(header)
    cols = HTML_COLS["group" if ncols == 6 else t["kind"]]
    cls = ' class="group"' if ncols == 6 else ""
    parts = [f'<table data-table="{no}"{cls}><colgroup>']
    parts += [f'<col style="width:{w}%">' for w in cols]
    # Tabel 17's group cell spans the header and the data rows; a rowspan cannot cross
    # from <thead> into <tbody>, so that table keeps its header row in the body (and it
    # is not repeated on a new page); so does every table when the header is not to repeat.
    in_body = ncols == 6 or not repeat_header
    parts.append("</colgroup><tbody><tr>" if in_body else "</colgroup><thead><tr>")
    brk = HEADER_BREAKS.get(no)
    for i, h in enumerate(header):
        text = _esc(h)
        if brk and brk in h:
            a, b = h.split(brk, 1)
            text = _esc(a + brk) + "<br>" + _esc(b)
        if ncols == 6 and i == 0:
            parts.append(f'<th rowspan="{len(rows) + 1}">{text}</th>')
        else:
            parts.append(f"<th>{text}</th>")
    parts.append("</tr>" if in_body else "</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>")
        for i, c in enumerate(row["cells"]):
            if ncols == 6 and i == 0:
                continue  # covered by the rowspan group cell
            if i == 0 and _is_split_code_row(no, row["cells"]):
                code, label = c.split(" ", 1)
                parts.append(f"<td><p>{_esc(code)}</p><p>{_esc(label)}</p></td>")
            else:
                parts.append(f"<td>{_esc(c)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def chromium_to_pdf(html_text: str, out_pdf: Path) -> None:
    """HTML printed by headless Chromium (Skia's PDF backend): `@page` size and
    margins from the CSS, no header or footer lines."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="samples-chromium-") as tmp:
        src = Path(tmp, "annex.html")
        src.write_text(html_text, encoding="utf-8")
        target = Path(tmp, "out.pdf")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={Path(tmp, 'profile')}", f"--print-to-pdf={target}",
               "--no-pdf-header-footer", src.as_uri()]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        if not target.exists():
            sys.exit("chromium produced no PDF")
        shutil.move(str(target), out_pdf)


def html_to_pdf(html_text: str, out_pdf: Path, html_out: Path | None = None) -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(FIXED_DATE.timestamp())))
    from weasyprint import HTML  # imported late: needs pango

    if html_out:
        html_out.write_text(html_text, encoding="utf-8")
    HTML(string=html_text, base_url=str(SAMPLES)).write_pdf(
        str(out_pdf), pdf_identifier=b"annex-2025-html", uncompressed_pdf=False)


# --------------------------------------------------------------------------- amendment

# The (fictitious) amending directive and its edits. Amount edits are given for the
# leaf that changes; parents and the KOV total are recomputed and listed as well.
AMENDED_BY = {"directive_no": 190, "directive_date": "2025-09-15"}

AMOUNT_EDITS = [  # (table, code or None for "Otsesed personalikulud", label prefix, new cell)
    (9, "3.5.2.1.3.1", "Tegevused info kättesaadavuse", "2 900"),
    (14, "3.5.2.1.4.1", "Ümarlauad koostööpartneritega", "2 020.00"),
    (15, "3.5.2.1.3.2", "Sihtrühmale suunatud vajaliku info", "4 326"),
    (16, None, "Otsesed personalikulud", "58 180"),
]
ADDED_ROW = {  # a new level-6 child appended after the existing children of its parent
    "table_no": 10,
    "parent": "3.5.2.1.4",
    "cells": ["3.5.2.1.4.2 Rahvusvähemuste kultuuriseltside ümarlaudade korraldamine.",
              "01.03.2023-31.12.2025", "01.01.2025-31.12.2025", "2 500", "Tallinn"],
}
REMOVED_ROW = (12, "3.5.2.1.3.2", "Kohalikus ajalehes")  # a zero-amount leaf
DATE_EDIT = (16, "3.5.2.1.4.2", "Infopäevade korraldamine", "01.01.2025-30.09.2025")
TARGET_EDIT = (17, "KOV-ide osaluskogude arv", "target_plan_year", 6)
# Partner tables whose sums are checked by code level before and after the edits. Tabel 13
# (Pärnu) is left out: its children of 3.5.2.1.1 carry the codes 3.5.2.1.1 and 3.5.2.1.2
# (an anomaly of the real document), so its tree cannot be read from the codes alone.
SUM_CHECKED = (9, 10, 11, 12, 14, 15, 16)


def _fmt_amount(value: Decimal, like: str) -> str:
    """Write `value` in the style of the sample cell `like` ("93 988,53", "2 400",
    "115 817.00", "3300")."""
    dot = re.search(r"\.\d{2}$", like) is not None
    comma = re.search(r",\d{2}$", like) is not None
    grouped = " " in like or len(re.sub(r"[.,]\d{2}$", "", like)) <= 3
    q = value.quantize(Decimal("0.01"))
    whole, frac = divmod(q, 1)
    whole_s = f"{int(whole):,}".replace(",", " ") if grouped else str(int(whole))
    frac_s = f"{q:.2f}".split(".")[1]
    if dot:
        return f"{whole_s}.{frac_s}"
    if frac_s != "00" or comma:
        return f"{whole_s},{frac_s}"
    return whole_s


def _amount_from_cell(cell: str) -> Decimal:
    s = cell.replace(" ", "").replace("\u00a0", "")
    s = s.replace(",", ".")
    return Decimal(s).quantize(Decimal("0.01"))


def _level(code: str | None) -> int:
    return len(code.split(".")) if code else 0


def _find_row(t: dict, code: str | None, label_prefix: str) -> int:
    hits = [i for i, r in enumerate(t["rows"])
            if r["norm"].get("code") == code and r["norm"]["label"].startswith(label_prefix)]
    assert len(hits) == 1, (code, label_prefix, hits)
    return hits[0]


def _parents(t: dict, idx: int) -> list[int]:
    """Indices of the rows whose amounts contain row idx: its level-5 parent (for a
    level-6 row) and the KOV total row 3.5.2.1."""
    rows = t["rows"]
    code = rows[idx]["norm"]["code"]
    out = []
    if code and _level(code) == 6:
        parent_code = code.rsplit(".", 1)[0]
        out += [i for i, r in enumerate(rows) if r["norm"]["code"] == parent_code]
    out += [i for i, r in enumerate(rows) if r["norm"]["code"] == "3.5.2.1" and i != idx]
    return out


def check_partner_sums(t: dict) -> None:
    """Total 3.5.2.1 = level-5 rows + Otsesed personalikulud; level 5 = its level-6 rows."""
    rows = t["rows"]
    amt = [Decimal(r["norm"]["amount_eur"]) for r in rows]
    codes = [r["norm"]["code"] for r in rows]
    total_i = codes.index("3.5.2.1")
    lvl5 = [i for i, c in enumerate(codes) if _level(c) == 5]
    staff = [i for i, r in enumerate(rows) if r["norm"]["label"] == "Otsesed personalikulud"]
    assert amt[total_i] == sum(amt[i] for i in lvl5 + staff), (t["caption"], t["kov"])
    for i in lvl5:
        kids = [j for j, c in enumerate(codes) if c and _level(c) == 6
                and c.startswith(codes[i] + ".")]
        if kids:
            assert amt[i] == sum(amt[j] for j in kids), (t["kov"], codes[i])


def _row_ref(t_no: int, row: dict) -> dict:
    return {"table_no": t_no, "code": row["norm"]["code"], "label": row["norm"]["label"]}


def _change_amount(t_no: int, t: dict, idx: int, new_value: Decimal, edits: list) -> None:
    row = t["rows"][idx]
    old_cell = row["cells"][3]
    new_cell = _fmt_amount(new_value, old_cell)
    old_norm = row["norm"]["amount_eur"]
    row["cells"][3] = new_cell
    row["norm"]["amount_eur"] = f"{new_value:.2f}"
    edits.append({"kind": "amount", **_row_ref(t_no, row), "column": "amount_eur",
                  "old": old_norm, "new": row["norm"]["amount_eur"],
                  "old_cell": old_cell, "new_cell": new_cell})


def make_amendment(base: dict) -> tuple[dict, dict]:
    data = copy.deepcopy(base)
    tables = data["tables"]
    edits: list[dict] = []
    for no in SUM_CHECKED:
        check_partner_sums(tables[str(no)])  # the base must be consistent already

    # 1. amounts (the leaf, then its parents)
    for t_no, code, label, new_cell in AMOUNT_EDITS:
        t = tables[str(t_no)]
        i = _find_row(t, code, label)
        delta = _amount_from_cell(new_cell) - Decimal(t["rows"][i]["norm"]["amount_eur"])
        _change_amount(t_no, t, i, _amount_from_cell(new_cell), edits)
        assert edits[-1]["new_cell"] == new_cell, edits[-1]
        for p in _parents(t, i):
            _change_amount(t_no, t, p, Decimal(t["rows"][p]["norm"]["amount_eur"]) + delta,
                           edits)

    # 2. an added row (a new level-6 child), then its parent and the total
    t_no = ADDED_ROW["table_no"]
    t = tables[str(t_no)]
    cells = list(ADDED_ROW["cells"])
    template = next(r for r in t["rows"] if r["norm"]["code"] == ADDED_ROW["parent"] + ".1")
    code, label = cells[0].split(" ", 1)
    amount = _amount_from_cell(cells[3])
    norm = dict(template["norm"])
    fs, fe = cells[1].split("-")
    ps, pe = cells[2].split("-")
    iso = lambda s: dt.datetime.strptime(s.strip(), "%d.%m.%Y").date().isoformat()  # noqa: E731
    norm.update(code=code, label=label, frame_start=iso(fs), frame_end=iso(fe),
                period_start=iso(ps), period_end=iso(pe), amount_eur=f"{amount:.2f}",
                responsible=cells[4] or None)
    codes = [r["norm"]["code"] for r in t["rows"]]
    assert code not in codes
    last_child = max(i for i, c in enumerate(codes) if c and c.startswith(ADDED_ROW["parent"] + "."))
    new_row = {"cells": cells, "norm": norm}
    t["rows"].insert(last_child + 1, new_row)
    edits.append({"kind": "added", **_row_ref(t_no, new_row), "column": None,
                  "old": None, "new": dict(norm), "old_cell": None, "new_cell": list(cells)})
    for p in _parents(t, last_child + 1):
        _change_amount(t_no, t, p, Decimal(t["rows"][p]["norm"]["amount_eur"]) + amount, edits)

    # 3. a removed zero-amount leaf
    t_no, code, label = REMOVED_ROW
    t = tables[str(t_no)]
    i = _find_row(t, code, label)
    row = t["rows"][i]
    assert row["norm"]["amount_eur"] == "0.00"
    siblings = [r for r in t["rows"] if r["norm"]["code"] and r is not row
                and r["norm"]["code"].rsplit(".", 1)[0] == code.rsplit(".", 1)[0]]
    assert siblings, "the parent keeps at least one child"
    del t["rows"][i]
    edits.append({"kind": "removed", **_row_ref(t_no, row), "column": None,
                  "old": dict(row["norm"]), "new": None, "old_cell": list(row["cells"]),
                  "new_cell": None})

    # 4. a changed plan-period end date
    t_no, code, label, new_cell = DATE_EDIT
    t = tables[str(t_no)]
    row = t["rows"][_find_row(t, code, label)]
    old_cell = row["cells"][2]
    row["cells"][2] = new_cell
    old = row["norm"]["period_end"]
    row["norm"]["period_end"] = iso(new_cell.split("-")[1])
    assert iso(new_cell.split("-")[0]) == row["norm"]["period_start"]
    edits.append({"kind": "date", **_row_ref(t_no, row), "column": "period_end",
                  "old": old, "new": row["norm"]["period_end"],
                  "old_cell": old_cell, "new_cell": new_cell})

    # 5. a changed indicator target
    t_no, indicator, column, new = TARGET_EDIT
    t = tables[str(t_no)]
    row = next(r for r in t["rows"] if r["norm"]["indicator"] == indicator)
    col = t["header"].index("Sihttase tegevuskava aastal (2025)")
    old = row["norm"][column]
    old_cell = row["cells"][col]
    row["norm"][column] = new
    row["cells"][col] = str(new)
    edits.append({"kind": "target", "table_no": t_no, "code": None, "label": indicator,
                  "column": column, "old": old, "new": new,
                  "old_cell": old_cell, "new_cell": str(new)})

    for no in SUM_CHECKED:
        check_partner_sums(tables[str(no)])

    # meta and the anomaly notes whose row numbers moved
    data["meta"]["amended_by"] = dict(AMENDED_BY)
    _update_anomalies(data)

    amendment = {
        "description": ("Fictitious amendment of Lisa 1 of the Minister of Culture's directive "
                        "25.03.2025 nr 68, for versioning tests. Built by "
                        "samples/build/build_samples.py from "
                        "samples/transcription/annex-2025.json."),
        "base": "samples/transcription/annex-2025.json",
        "amended": "samples/transcription/annex-2025-amended.json",
        "amended_by": dict(AMENDED_BY),
        "approval_line_added": amended_line(AMENDED_BY),
        "conventions": {
            "old/new": ("normalized values as in `norm`: amount_eur as a 2-decimal string, "
                        "dates ISO, targets int; for 'added' new is the added row's norm and "
                        "old is null; for 'removed' old is the removed row's norm and new is "
                        "null"),
            "old_cell/new_cell": "the cell text as written in the document (list of cells "
                                 "for added/removed rows)",
            "code": "null for rows without an activity code (Otsesed personalikulud) and "
                    "for indicator rows (label is the indicator)",
        },
        "edits": edits,
    }
    return data, amendment


# The anomaly notes cite 1-based row numbers and some cell values; these are the notes'
# fragments that the edits above change (each must occur exactly once).
ANOMALY_UPDATES = [
    # Tabel 10 gained a row before 3.5.2.1.5
    ("Tabel 10 row 13 (3.5.2.1.5)", "Tabel 10 row 14 (3.5.2.1.5)"),
    # Tabel 12 lost row 8, so its list of spaced date ranges ends at r12
    ("T12 r12 plan period, T12 r13 plan period,", "T12 r12 plan period,"),
    # Tabel 14 amounts quoted in the notes
    ("row 1 '115 817.00'", "row 1 '116 317.00'"),
    ("row 9 '1 520.00', row 10 '1 520.00'", "row 9 '2 020.00', row 10 '2 020.00'"),
    ("still sum to the total 115 817.00", "still sum to the total 116 317.00"),
]


def _update_anomalies(data: dict) -> None:
    notes = data["anomalies"]
    for old, new in ANOMALY_UPDATES:
        hits = [i for i, n in enumerate(notes) if old in n]
        assert len(hits) == 1 and notes[hits[0]].count(old) == 1, (old, hits)
        notes[hits[0]] = notes[hits[0]].replace(old, new)


# --------------------------------------------------------------------------- main


def _dump_json(obj, path: Path) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="report on the PDFs afterwards")
    ap.add_argument("--keep-html", action="store_true",
                    help="also write samples/build/annex-2025.html")
    args = ap.parse_args(argv)

    base = json.loads(TRANSCRIPTION.read_text(encoding="utf-8"))
    amended, amendment = make_amendment(base)
    _dump_json(amended, AMENDED_JSON)
    _dump_json(amendment, AMENDMENT_JSON)

    jobs = [
        (base, MAIN, SAMPLES / "annex-2025.docx", FIXED_DATE),
        (base, ALT, SAMPLES / "annex-2025-alt.docx", FIXED_DATE),
        (amended, MAIN, SAMPLES / "annex-2025-amended.docx", AMENDED_DATE),
    ]
    for data, lay, docx_path, when in jobs:
        build_docx(data, lay, docx_path)
        soffice_to_pdf(docx_path, docx_path.with_suffix(".pdf"), when)
        print(f"wrote {docx_path.relative_to(SAMPLES.parent)} and .pdf")

    html_text = build_html(base)
    html_to_pdf(html_text, SAMPLES / "annex-2025-html.pdf",
                HERE / "annex-2025.html" if args.keep_html else None)
    print("wrote samples/annex-2025-html.pdf")
    print(f"wrote {AMENDED_JSON.relative_to(SAMPLES.parent)} and "
          f"{AMENDMENT_JSON.relative_to(SAMPLES.parent)} ({len(amendment['edits'])} edits)")

    if args.check:
        sys.path.insert(0, str(HERE))
        import inspect_pdfs

        inspect_pdfs.main([str(SAMPLES / n) for n in (
            "annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf",
            "annex-2025-amended.pdf")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
