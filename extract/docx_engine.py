"""DOCX engine: the document's body in order, read with python-docx.

A DOCX needs no geometry: paragraphs and tables come in document order, a table is
whole however many pages it runs over, and a row is one `w:tr` however it breaks.
What it needs is care with the cell structure: horizontally merged cells
(`w:gridSpan`) take one text, vertically merged continuations (`w:vMerge` without
"restart") are covered and read as empty, and a cell's paragraphs and line breaks
are joined the way its printed lines would be.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn

from extract.captions import caption_number
from extract.model import Block, DroppedText, ExtractedDocument, ExtractionNote, RawRow, RawTable
from extract.text import clean_text, join_lines

_HEADING_STYLE_RE = re.compile(r"^(?:heading|pealkiri|title)\s*(\d)?$", re.IGNORECASE)


def _paragraph_lines(p_el) -> list[str]:
    """A paragraph's text split at its manual line breaks (w:br, w:cr)."""
    lines = [""]
    for node in p_el.iter():
        tag = node.tag
        if tag == qn("w:t"):
            lines[-1] += node.text or ""
        elif tag == qn("w:tab"):
            lines[-1] += " "
        elif tag in (qn("w:br"), qn("w:cr")):
            if node.get(qn("w:type")) in (None, "textWrapping"):
                lines.append("")
    return lines


def _cell_text(tc) -> str:
    lines: list[str] = []
    for p in tc.iter(qn("w:p")):
        lines.extend(_paragraph_lines(p))
    return join_lines(lines)


def _cell_props(tc) -> tuple[int, bool]:
    """(grid span, is a vertical-merge continuation)."""
    tcpr = tc.find(qn("w:tcPr"))
    span, covered = 1, False
    if tcpr is not None:
        gs = tcpr.find(qn("w:gridSpan"))
        if gs is not None:
            span = int(gs.get(qn("w:val"), "1"))
        vm = tcpr.find(qn("w:vMerge"))
        if vm is not None and vm.get(qn("w:val"), "continue") != "restart":
            covered = True
    return span, covered


def _row_is_header(tr) -> bool:
    trpr = tr.find(qn("w:trPr"))
    if trpr is None:
        return False
    th = trpr.find(qn("w:tblHeader"))
    return th is not None and th.get(qn("w:val"), "true") not in ("0", "false")


def _source_words(tbl_el) -> list[str]:
    """Every word written in the table's cells, paragraph by paragraph, read from the
    runs' text directly (not through `_cell_text`): what the text balance counts."""
    words: list[str] = []
    for p in tbl_el.iter(qn("w:p")):
        text = "".join(
            (node.text or "") if node.tag == qn("w:t") else " "
            for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"))
        )
        words.extend(clean_text(text).split())
    return words


def _table_rows(tbl_el, dropped: list[DroppedText]) -> tuple[list[list[str]], int]:
    """Cell texts per row, one entry per grid column; and how many leading rows are
    marked as header rows. Text in a cell covered by a vertical merge (Word does not
    show it) goes to `dropped`."""
    rows: list[list[str]] = []
    header_rows = 0
    for i, tr in enumerate(tbl_el.findall(qn("w:tr"))):
        cells: list[str] = []
        for tc in tr.findall(qn("w:tc")):
            span, covered = _cell_props(tc)
            text = _cell_text(tc)
            if covered:
                if text.strip():
                    dropped.append(DroppedText(text, "covered_by_merge"))
                text = ""
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
        if i == header_rows and _row_is_header(tr):
            header_rows += 1
    return rows, header_rows


def _heading_level(paragraph) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    m = _HEADING_STYLE_RE.match(style or "")
    if m:
        return int(m.group(1) or 1)
    outline = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None:
        return int(outline.get(qn("w:val"))) + 1
    return None


def read_docx(path: str | Path) -> ExtractedDocument:
    path = Path(path)
    document = docx.Document(str(path))
    # A DOCX has no pages until it is laid out; docProps' page count is whatever the
    # writing program last stored (python-docx stores 1), so none is claimed.
    out = ExtractedDocument(path=str(path), source_format="docx", engine="docx", page_count=None)
    pending_caption: tuple[int, str] | None = None
    body = document.element.body
    para_by_el = {p._p: p for p in document.paragraphs}
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            paragraph = para_by_el.get(el)
            text = clean_text(join_lines(_paragraph_lines(el)))
            if not text:
                continue
            no = caption_number(text)
            if no is not None:
                if pending_caption is not None:
                    out.notes.append(_caption_without_table(*pending_caption))
                pending_caption = (no, text)
                out.blocks.append(Block("caption", text))
                continue
            level = _heading_level(paragraph) if paragraph is not None else None
            kind = "heading" if level is not None else "paragraph"
            out.blocks.append(Block(kind, text, level=level))
        elif el.tag == qn("w:tbl"):
            dropped: list[DroppedText] = []
            rows, header_rows = _table_rows(el, dropped)
            if not rows:
                continue
            if pending_caption is None:
                out.notes.append(
                    ExtractionNote(
                        "table_without_caption",
                        "a table with no 'Tabel N.' caption before it was skipped",
                        raw_text=" | ".join(rows[0])[:200],
                    )
                )
                continue
            no, caption = pending_caption
            pending_caption = None
            header_n = max(header_rows, 1)
            header = [
                join_lines([r[c] for r in rows[:header_n] if c < len(r)])
                for c in range(max(len(r) for r in rows[:header_n]))
            ]
            table = RawTable(
                no=no,
                caption=caption,
                header=header,
                rows=[RawRow(cells=r) for r in rows[header_n:]],
                source_words=_source_words(el),
                dropped=dropped,
            )
            out.tables.append(table)
            out.blocks.append(Block("table", caption, table_no=no))
    if pending_caption is not None:
        out.notes.append(_caption_without_table(*pending_caption))
    return out


def _caption_without_table(no: int, caption: str) -> ExtractionNote:
    # The same finding as the PDF path's (extract/pdf/repair.py).
    return ExtractionNote(
        "caption_without_table", f"no table follows the caption {caption!r}", "error", table_no=no
    )
