"""Variants of the sample annex built for a test: an amended form that moves and adds
columns (issue 19). Built from samples/annex-2025.docx by editing its XML, so the
transcription stays the independent expectation of every typed value.

`moved_and_added_column(dst)`: in every schedule table (header with "maksumus") the
amount and responsible columns change places and a last column "Märkused" is added,
empty but for one row per table that reads "vt punkt 1.4". Returns
{table_no: row_no} of the rows that carry the note.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import docx
from docx.oxml.ns import qn

from extract.captions import caption_number

SOURCE = Path(__file__).resolve().parent.parent / "samples" / "annex-2025.docx"
NOTE_HEADER = "Märkused"
NOTE_TEXT = "vt punkt 1.4"
# Width of the added column (twips). The other columns keep theirs (so every cell
# wraps as in the committed rendering) and the table reaches into the right margin.
NOTE_WIDTH = 1100


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _set_text(tc, text: str) -> None:
    """The cell's first paragraph holding `text` in its first run (formatting kept),
    every other paragraph and run removed."""
    paragraphs = tc.findall(qn("w:p"))
    for p in paragraphs[1:]:
        tc.remove(p)
    p = paragraphs[0]
    runs = p.findall(qn("w:r"))
    for r in runs[1:]:
        p.remove(r)
    if not text:
        if runs:
            p.remove(runs[0])
        return
    run = runs[0]
    for child in list(run):
        if child.tag != qn("w:rPr"):
            run.remove(child)
    t = run.makeelement(qn("w:t"), {})
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)


def _set_width(tc, width: int) -> None:
    tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if tcw is not None:
        tcw.set(qn("w:w"), str(width))


def moved_and_added_column(dst: Path, note_row: int = 2) -> dict[int, int]:
    document = docx.Document(str(SOURCE))
    body = document.element.body
    noted: dict[int, int] = {}
    caption = None
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            no = caption_number(_text(el))
            caption = no if no is not None else caption
            continue
        if el.tag != qn("w:tbl"):
            continue
        rows = el.findall(qn("w:tr"))
        if "maksumus" not in _text(rows[0]).lower():
            continue
        tblw = el.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        tblw.set(qn("w:w"), str(int(tblw.get(qn("w:w"))) + NOTE_WIDTH))
        grid = el.find(qn("w:tblGrid"))
        cols = grid.findall(qn("w:gridCol"))
        cols[3].addprevious(cols[4])
        new_col = copy.deepcopy(cols[0])
        new_col.set(qn("w:w"), str(NOTE_WIDTH))
        grid.append(new_col)
        row_with_note = min(note_row, len(rows) - 1)
        for i, tr in enumerate(rows):
            tcs = tr.findall(qn("w:tc"))
            assert len(tcs) == 5, "a schedule row of the sample has five cells"
            tcs[3].addprevious(tcs[4])
            note = copy.deepcopy(tcs[0])
            _set_width(note, NOTE_WIDTH)
            _set_text(note, NOTE_HEADER if i == 0 else NOTE_TEXT if i == row_with_note else "")
            tr.append(note)
        noted[caption] = row_with_note  # data rows are counted from 1 below the header
    document.save(str(dst))
    return noted


def to_pdf(src: Path, out_dir: Path) -> Path:
    """`src` converted by LibreOffice, as the committed PDF renderings are."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise AssertionError("soffice not found: install the Debian package libreoffice-writer-nogui")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out_dir}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(src)],
        check=True, capture_output=True, timeout=300,
    )
    pdf = out_dir / (src.stem + ".pdf")
    if not pdf.exists():
        raise AssertionError(f"soffice did not write {pdf}")
    return pdf
