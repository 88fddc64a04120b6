"""DOCX engine: the document's body in order, walked as Word defines it.

A DOCX needs no geometry: paragraphs and tables come in document order, a table is
whole however many pages it runs over, and a row is one `w:tr` however it breaks.
What it needs is care with the XML Word (and its templates) actually writes:

* containers that only wrap content are looked through wherever they stand (around
  blocks, rows, cells or runs): content controls (`w:sdt`/`w:sdtContent`),
  `w:customXml`, smart tags, hyperlinks, `w:fldSimple`, `w:dir`/`w:bdo`;
* a field reads as its result, never its instruction (`w:instrText` between
  `w:fldChar` begin and separate is skipped);
* tabs and manual line breaks are whitespace; a cell's paragraphs and line breaks are
  joined the way its printed lines would be;
* tracked changes (Track Changes) are read as if accepted: inserted text and rows in,
  deleted text and rows out, moved text once at its new place; `revisions="original"`
  reads the text before the changes instead. Either way a `tracked_changes` finding
  says how many changes are pending and where;
* horizontally merged cells (`w:gridSpan`) take one text, vertically merged
  continuations (`w:vMerge` without "restart") are covered and read as empty;
* what cannot be placed is reported, never flattened into the wrong place: a table
  nested in a cell (its text stays in that one cell), `w:altChunk` (content imported
  from another part, which Word merges only when it saves).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from extract.captions import caption_number
from extract.model import Block, DroppedText, ExtractedDocument, ExtractionNote, RawRow, RawTable
from extract.text import clean_text, join_lines

_HEADING_STYLE_RE = re.compile(r"^(?:heading|pealkiri|title)\s*(\d)?$", re.IGNORECASE)

REVISIONS = ("accepted", "original")


@dataclass(frozen=True)
class DocxLimits:
    """Caps inside the walk, so a hostile or broken DOCX fails with one line instead
    of exhausting memory. The annex has 17 tables of at most ~40 rows and 5 columns."""

    max_columns: int = 64  # grid columns a row (or one cell's w:gridSpan) may take
    max_rows_per_table: int = 5_000
    max_paragraphs: int = 200_000  # in the whole body, cells included


class DocxLimitError(Exception):
    """The DOCX is over a `DocxLimits` cap; the message says which (the reader makes
    it a one-line bad-input error)."""


# Elements that only wrap content: looked through wherever they stand.
_W = lambda name: qn(f"w:{name}")  # noqa: E731 - a short spelling for a long table
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W("sdt"), _W("sdtContent"), _W("customXml")
_TRANSPARENT_INLINE = {_W("hyperlink"), _W("smartTag"), _CUSTOM_XML, _W("fldSimple"), _W("dir"), _W("bdo")}
_INS, _DEL, _MOVE_FROM, _MOVE_TO = _W("ins"), _W("del"), _W("moveFrom"), _W("moveTo")
# Inserted and moved-to text exists only once the changes are accepted; deleted and
# moved-from text only before.
_ONLY_ACCEPTED = {_INS, _MOVE_TO}
_ONLY_ORIGINAL = {_DEL, _MOVE_FROM}
_MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"


@dataclass
class _Revisions:
    """Pending tracked changes, counted per place ('Tabel 9', 'text outside tables')."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, where: str, what: str) -> None:
        self.counts.setdefault(where, Counter())[what] += 1

    def note(self, mode: str) -> ExtractionNote | None:
        if not self.counts:
            return None
        total = Counter()
        for c in self.counts.values():
            total.update(c)
        places = sorted(self.counts, key=_place_order)
        view = (
            "loaded as if every change were accepted (--revisions original loads the text before them)"
            if mode == "accepted"
            else "loaded the text before the changes (--revisions original)"
        )
        detail = "; ".join(f"{p}: {_counted(self.counts[p])}" for p in places)
        return ExtractionNote(
            "tracked_changes",
            f"the document carries tracked changes nobody has accepted yet ({_counted(total)}) "
            f"in {', '.join(places)}; {view}",
            "warning",
            raw_text=detail,
        )


_KINDS = (
    ("insertion", "insertion", "insertions"), ("deletion", "deletion", "deletions"), ("move", "move", "moves"),
    ("row_inserted", "inserted row", "inserted rows"), ("row_deleted", "deleted row", "deleted rows"),
    ("cell_inserted", "inserted cell", "inserted cells"), ("cell_deleted", "deleted cell", "deleted cells"),
)


def _counted(c: Counter) -> str:
    return ", ".join(f"{c[k]} {one if c[k] == 1 else many}" for k, one, many in _KINDS if c[k])


def _place_order(place: str) -> tuple[int, int]:
    m = re.match(r"Tabel (\d+)$", place)
    return (0, int(m.group(1))) if m else (1, 0)


class _Walker:
    def __init__(self, document, mode: str, limits: DocxLimits):
        if mode not in REVISIONS:
            raise ValueError(f"revisions must be one of {REVISIONS}, not {mode!r}")
        self.document = document
        self.mode = mode
        self.limits = limits
        self.revisions = _Revisions()
        self.notes: list[ExtractionNote] = []
        self.paragraphs = 0
        self.place = "text outside tables"  # where a tracked change is counted
        self.table_no: int | None = None  # the table being read, for findings

    # ------------------------------------------------------------ what is visible

    def _skipped_revision(self, tag: str) -> bool:
        """Count a run-level revision element; True when its content is not part of
        the chosen view."""
        if tag in (_INS, _DEL):
            self.revisions.add(self.place, "insertion" if tag == _INS else "deletion")
        elif tag == _MOVE_TO:  # a move is one change: counted at its destination
            self.revisions.add(self.place, "move")
        skip = _ONLY_ORIGINAL if self.mode == "accepted" else _ONLY_ACCEPTED
        return tag in skip

    def _count_inside(self, el) -> None:
        """Count the text revisions inside a row or cell that this view leaves out,
        so that both views report the same changes."""
        for node in el.iter(_INS, _DEL, _MOVE_TO):
            if node.getparent().tag not in (_W("trPr"), _W("rPr")):
                self._skipped_revision(node.tag)

    def _revised_exists(self, el, props: str, inserted: str, deleted: str, kind: str) -> bool:
        """Whether a row or cell marked as inserted or deleted (tracked changes) is in
        the text read (`--revisions`); the revision is recorded either way, and what a
        left-out element held is counted."""
        pr = el.find(_W(props))
        exists = True
        if pr is not None:
            if pr.find(inserted) is not None:
                self.revisions.add(self.place, f"{kind}_inserted")
                exists = self.mode == "accepted"
            elif pr.find(deleted) is not None:
                self.revisions.add(self.place, f"{kind}_deleted")
                exists = self.mode == "original"
        if not exists:
            self._count_inside(el)
        return exists

    def _row_exists(self, tr) -> bool:
        return self._revised_exists(tr, "trPr", _INS, _DEL, "row")

    def _cell_exists(self, tc) -> bool:
        return self._revised_exists(tc, "tcPr", _W("cellIns"), _W("cellDel"), "cell")

    def children(self, el, wanted: set[str]):
        """The `wanted` children of `el`, looking through content controls,
        customXml and (by the chosen view) revision marks at any depth."""
        for child in el.iterchildren():
            tag = child.tag
            if tag in wanted:
                yield child
            elif tag == _SDT:
                content = self._sdt_content(child)
                if content is not None:
                    yield from self.children(content, wanted)
            elif tag == _CUSTOM_XML:
                yield from self.children(child, wanted)
            elif tag in (_INS, _DEL, _MOVE_FROM, _MOVE_TO):
                if not self._skipped_revision(tag):
                    yield from self.children(child, wanted)

    def _sdt_content(self, sdt):
        """What a content control holds; None while it only shows its placeholder
        prompt ("Klõpsake teksti sisestamiseks"): nothing was entered, and the prompt
        is not the document's text."""
        pr = sdt.find(_W("sdtPr"))
        content = sdt.find(_SDT_CONTENT)
        if pr is not None and pr.find(_W("showingPlcHdr")) is not None and content is not None:
            prompt = clean_text(" ".join(t.text or "" for t in content.iter(_W("t"))))
            self.notes.append(
                ExtractionNote(
                    "content_control_placeholder",
                    f"a content control in {self.place} still shows its placeholder prompt; read as empty",
                    "warning",
                    table_no=self.table_no,
                    raw_text=prompt[:200],
                )
            )
            return None
        return content

    # ------------------------------------------------------------ paragraphs

    def paragraph_lines(self, p_el) -> list[str]:
        """A paragraph's visible text split at its manual line breaks."""
        self.paragraphs += 1
        if self.paragraphs > self.limits.max_paragraphs:
            raise DocxLimitError(f"has more than {self.limits.max_paragraphs} paragraphs (limit of the DOCX reader)")
        lines = [""]
        fields: list[bool] = []  # per open field: still in its instruction part
        self._inline(p_el, lines, fields)
        return lines

    def _inline(self, el, lines: list[str], fields: list[bool]) -> None:
        for node in el.iterchildren():
            tag = node.tag
            if tag == _W("r"):
                self._run(node, lines, fields)
            elif tag in _TRANSPARENT_INLINE:
                self._inline(node, lines, fields)
            elif tag == _SDT:
                content = self._sdt_content(node)
                if content is not None:
                    self._inline(content, lines, fields)
            elif tag in (_INS, _DEL, _MOVE_FROM, _MOVE_TO):
                if not self._skipped_revision(tag):
                    self._inline(node, lines, fields)
            elif tag == _W("p"):  # a paragraph inside an inline container (rare)
                lines.extend(self.paragraph_lines(node))
            # pPr (with its paragraph-mark revisions), bookmarks, comment ranges,
            # proofing marks, math: no text of the body.

    def _run(self, r, lines: list[str], fields: list[bool]) -> None:
        for node in r.iterchildren():
            tag = node.tag
            if tag == _W("fldChar"):
                kind = node.get(_W("fldCharType"))
                if kind == "begin":
                    fields.append(True)
                elif kind == "separate" and fields:
                    fields[-1] = False
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if any(fields):  # a field's instruction, not what it shows
                continue
            if tag in (_W("t"), _W("delText")):
                lines[-1] += node.text or ""
            elif tag in (_W("tab"), _W("ptab")):
                lines[-1] += " "
            elif tag == _W("noBreakHyphen"):
                lines[-1] += "-"
            elif tag in (_W("br"), _W("cr")):
                # A line, column or page break: the words on either side are apart.
                lines.append("")
            elif tag == _MC_ALTERNATE:
                continue  # drawings and text boxes: not the body's text
            # instrText outside a fldChar pair, rPr, drawings, footnote references:
            # nothing a reader sees in the running text.

    # ------------------------------------------------------------ tables

    def cell_text(self, tc, table_label: str) -> str:
        lines: list[str] = []
        for el in self.children(tc, {_W("p"), _W("tbl"), _W("altChunk")}):
            if el.tag == _W("p"):
                lines.extend(self.paragraph_lines(el))
            elif el.tag == _W("tbl"):
                nested = self.table_rows(el, table_label, nested=True)[0]
                text = " ".join(join_lines(r) for r in nested)
                self.notes.append(
                    ExtractionNote(
                        "nested_table",
                        f"a table nested in a cell of {table_label}; its text is kept in that one cell, "
                        "joined row by row, not read as rows of the table around it",
                        "warning",
                        table_no=self.table_no,
                        raw_text=clean_text(text)[:200],
                    )
                )
                lines.append(text)
            else:
                self._alt_chunk(el)
        return join_lines(lines)

    def _cell_props(self, tc) -> tuple[int, bool]:
        """(grid span, is a vertical-merge continuation)."""
        tcpr = tc.find(_W("tcPr"))
        span, covered = 1, False
        if tcpr is not None:
            gs = tcpr.find(_W("gridSpan"))
            if gs is not None:
                try:
                    span = max(1, int(gs.get(_W("val"), "1")))
                except ValueError:
                    span = 1
                if span > self.limits.max_columns:
                    raise DocxLimitError(
                        f"has a table cell spanning {span} columns (w:gridSpan), over the limit of "
                        f"{self.limits.max_columns}"
                    )
            vm = tcpr.find(_W("vMerge"))
            if vm is not None and vm.get(_W("val"), "continue") != "restart":
                covered = True
        return span, covered

    def table_rows(
        self, tbl_el, table_label: str, nested: bool = False, dropped: list[DroppedText] | None = None
    ) -> tuple[list[list[str]], int]:
        """Cell texts per row, one entry per grid column; and how many leading rows
        are marked as header rows. Text in a cell covered by a vertical merge (Word
        does not show it) goes to `dropped`."""
        rows: list[list[str]] = []
        header_rows = 0
        for tr in self.children(tbl_el, {_W("tr")}):
            if not self._row_exists(tr):
                continue
            if len(rows) >= self.limits.max_rows_per_table:
                raise DocxLimitError(
                    f"{table_label} has more than {self.limits.max_rows_per_table} rows (limit of the DOCX reader)"
                )
            cells: list[str] = []
            for tc in self.children(tr, {_W("tc")}):
                if not self._cell_exists(tc):
                    continue
                span, covered = self._cell_props(tc)
                text = self.cell_text(tc, table_label)
                if covered:
                    if text.strip() and dropped is not None:
                        dropped.append(DroppedText(text, "covered_by_merge"))
                    text = ""
                cells.append(text)
                cells.extend([""] * (span - 1))
                if len(cells) > self.limits.max_columns:
                    raise DocxLimitError(
                        f"{table_label} has a row of more than {self.limits.max_columns} columns"
                    )
            if len(rows) == header_rows and not nested and _row_is_header(tr):
                header_rows += 1
            rows.append(cells)
        return rows, header_rows

    # ------------------------------------------------------------ the body

    def _alt_chunk(self, el) -> None:
        rid = el.get(qn("r:id"))
        kind = ""
        try:
            part = self.document.part.related_parts[rid]
            kind = f" ({part.content_type})"
        except (KeyError, AttributeError):
            pass
        self.notes.append(
            ExtractionNote(
                "alt_chunk",
                f"the document imports content from another part{kind} (w:altChunk) that Word merges only when "
                "it saves; it was not read - open and save the file in Word, or send it as PDF",
                "warning",
                raw_text=rid,
            )
        )

    def blocks(self):
        """The body's paragraphs, tables and imported chunks, in order."""
        return self.children(self.document.element.body, {_W("p"), _W("tbl"), _W("altChunk")})


def _row_is_header(tr) -> bool:
    trpr = tr.find(_W("trPr"))
    if trpr is None:
        return False
    th = trpr.find(_W("tblHeader"))
    return th is not None and th.get(_W("val"), "true") not in ("0", "false")


def _source_words(tbl_el, mode: str) -> list[str]:
    """Every word written in the table's cells as this view of the document has them,
    paragraph by paragraph, read from the runs' text directly (not through the
    walker's cell reading): what the text balance counts. Text of the other view of
    a tracked change (inserted text when reading the original, moved-from text when
    reading the accepted document, rows and cells that do not exist in this view) and
    a content control's placeholder prompt are not the document's text."""
    skip = _ONLY_ORIGINAL if mode == "accepted" else _ONLY_ACCEPTED
    row_gone, cell_gone = (_DEL, _W("cellDel")) if mode == "accepted" else (_INS, _W("cellIns"))

    def visible(node) -> bool:
        el = node.getparent()
        while el is not None and el is not tbl_el:
            tag = el.tag
            if tag in skip:
                return False
            if tag == _W("tr") and el.find(f"{_W('trPr')}/{row_gone}") is not None:
                return False
            if tag == _W("tc") and el.find(f"{_W('tcPr')}/{cell_gone}") is not None:
                return False
            if tag == _SDT and el.find(f"{_W('sdtPr')}/{_W('showingPlcHdr')}") is not None:
                return False
            el = el.getparent()
        return True

    # A complex field's instruction (between its 'begin' and 'separate' marks) is not
    # text, nor is the result of a field nested inside that instruction.
    fields: list[str] = []
    fld_char, fld_type = _W("fldChar"), _W("fldCharType")
    words: list[str] = []
    for p in tbl_el.iter(_W("p")):
        parts = []
        for node in p.iter(_W("t"), _W("tab"), _W("br"), _W("cr"), fld_char):
            if not visible(node):
                continue
            if node.tag == fld_char:
                kind = node.get(fld_type)
                if kind == "begin":
                    fields.append("instruction")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if "instruction" in fields:
                continue
            parts.append((node.text or "") if node.tag == _W("t") else " ")
        words.extend(clean_text("".join(parts)).split())
    return words


def _heading_level(paragraph) -> int | None:
    try:
        style = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        style = ""
    m = _HEADING_STYLE_RE.match(style or "")
    if m:
        return int(m.group(1) or 1)
    outline = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None:
        try:
            return int(outline.get(qn("w:val"))) + 1
        except (TypeError, ValueError):
            return None
    return None


def read_docx(
    path: str | Path, *, revisions: str = "accepted", limits: DocxLimits = DocxLimits()
) -> ExtractedDocument:
    """Read the annex's blocks and tables. `revisions`: 'accepted' (the document as
    it reads once every tracked change is accepted) or 'original' (before them)."""
    path = Path(path)
    document = docx.Document(str(path))
    # A DOCX has no pages until it is laid out; docProps' page count is whatever the
    # writing program last stored (python-docx stores 1), so none is claimed.
    out = ExtractedDocument(path=str(path), source_format="docx", engine="docx", page_count=None)
    walker = _Walker(document, revisions, limits)
    pending_caption: tuple[int, str] | None = None
    body = document._body
    for el in walker.blocks():
        if el.tag == _W("p"):
            walker.place = "text outside tables"
            text = clean_text(join_lines(walker.paragraph_lines(el)))
            if not text:
                continue
            no = caption_number(text)
            if no is not None:
                if pending_caption is not None:
                    out.notes.append(_caption_without_table(*pending_caption))
                pending_caption = (no, text)
                out.blocks.append(Block("caption", text))
                continue
            level = _heading_level(Paragraph(el, body))
            kind = "heading" if level is not None else "paragraph"
            out.blocks.append(Block(kind, text, level=level))
        elif el.tag == _W("tbl"):
            label = f"Tabel {pending_caption[0]}" if pending_caption else "a table without caption"
            walker.place, walker.table_no = label, pending_caption[0] if pending_caption else None
            dropped: list[DroppedText] = []
            rows, header_rows = walker.table_rows(el, label, dropped=dropped)
            walker.place, walker.table_no = "text outside tables", None
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
                source_words=_source_words(el, revisions),
                dropped=dropped,
            )
            out.tables.append(table)
            out.blocks.append(Block("table", caption, table_no=no))
        else:
            walker._alt_chunk(el)
    out.notes.extend(walker.notes)
    note = walker.revisions.note(revisions)
    if note is not None:
        out.notes.append(note)
    if pending_caption is not None:
        out.notes.append(_caption_without_table(*pending_caption))
    return out


def _caption_without_table(no: int, caption: str) -> ExtractionNote:
    # The same finding as the PDF path's (extract/pdf/repair.py).
    return ExtractionNote(
        "caption_without_table", f"no table follows the caption {caption!r}", "error", table_no=no
    )
