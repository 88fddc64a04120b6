"""camelot as a second engine: its lattice tables, fed through the shared repair stage,
reach the transcription on every committed rendering; its fragments are well formed
and see the same tables as grid.py; merged cells, open page breaks and encrypted files.

Measured (camelot 2.0, lattice engine "combined", geometry from pdfplumber then; 2 CPUs):
cells of the transcription matched, rows, and seconds for camelot_layouts + assemble
(geometry included; camelot's own share in brackets):

    annex-2025.pdf        1107 / 1107 cells   141 / 141 rows   7.4 s  (camelot 5.7 s, 30 pages)
    annex-2025-alt.pdf    1107 / 1107 cells   141 / 141 rows   6.5 s  (camelot 4.4 s, 25 pages)
    annex-2025-html.pdf   1107 / 1107 cells   141 / 141 rows   7.3 s  (camelot 4.9 s, 26 pages)

Nothing falls short. What did, before the adapter took camelot's text lines with their
boxes: joining a cell's bare text ("line\\nline") with join_lines alone cannot tell a
word broken by the column edge, and annex-2025.pdf lost 5 cells (1102 / 1107:
"kohanemisteekonda de", "kogemuskohtumiste l", "koostöövõrgust ike",
"partnerluslepin gu", "Lõimumiskoda )"); the other two break no word inside (their
marked line ends are breaks between words, which bare joining gets right too).
WeasyPrint's per-cell border segments (annex-2025-html.pdf) are no problem for
camelot: it finds rules in the rendered page, where the segments are one line. The 7
tables the page end leaves open in annex-2025-html.pdf come out of camelot closed;
open_bottom is read from the page's rules (on these samples repair joins the broken
rows on its other signs too: with every fragment closed the result is the same).

camelot is slow (~0.2 s a page: it renders every page), so each rendering is read
once per module.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from extract.model import ExtractedDocument
from extract.pdf import camelot_engine, pdfium
from extract.pdf.camelot_engine import camelot_layouts, fragment_from_table
from extract.pdf.geometry import Edge, PageGeometry, PdfEncrypted
from extract.pdf.grid import WORD_BREAK, PageLayout, page_layout
from extract.pdf.repair import Assembled, assemble
from extract.text import clean_text
from load.warehouse import write_session
from normalize import normalize_document
from tests.conftest import SAMPLES
from tests.expectations import compare, count_cells

RENDERINGS = ["annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf"]
# Cells of the transcription each rendering reaches through camelot (of 1107): all.
CELLS_MATCHED = {"annex-2025.pdf": 1107, "annex-2025-alt.pdf": 1107, "annex-2025-html.pdf": 1107}


@dataclass
class Run:
    pages: list[PageGeometry]
    layouts: list[PageLayout]  # as camelot_layouts returned them (assemble works on a copy)
    assembled: Assembled
    doc: ExtractedDocument


def _run(path: Path, password: str | None = None) -> Run:
    # The geometry camelot's tables are filled from is the default engine's, as
    # read_pdf gives it (extract/pdf/read.py: ENGINES["camelot"]).
    with pdfium.open_document(path, password) as doc:
        page_count = doc.page_count
        pages = list(doc.pages())
    layouts = camelot_layouts(path, pages, password=password)
    assembled = assemble(copy.deepcopy(layouts))
    extracted = ExtractedDocument(
        path=str(path),
        source_format="pdf",
        engine=camelot_engine.NAME,
        page_count=page_count,
        blocks=assembled.blocks,
        tables=assembled.tables,
        notes=assembled.notes,
    )
    return Run(pages, layouts, assembled, extracted)


@pytest.fixture(scope="module")
def camelot_run():
    cache: dict[str, Run] = {}

    def get(name: str) -> Run:
        if name not in cache:
            cache[name] = _run(SAMPLES / name)
        return cache[name]

    return get


def _load(doc: ExtractedDocument, db: Path) -> Path:
    normalized = normalize_document(doc, "0" * 64, Path(doc.path).name)
    with write_session(db) as session:
        session.load(normalized)
    return db


def _cells_matched(problems: list[str], transcription: dict) -> int:
    """Cells of the transcription the warehouse holds as transcribed: all, less one per
    wrong cell, less every cell of a missing row or table."""
    from tests.expectations import ACTIVITY_FIELDS, INDICATOR_FIELDS

    width = {
        int(no): len(ACTIVITY_FIELDS if t["kind"] == "schedule" else INDICATOR_FIELDS)
        for no, t in transcription["tables"].items()
    }
    lost = 0
    for p in problems:
        no = int(p.split()[1].rstrip(":"))
        if p.endswith(": missing") and " row " not in p:
            lost += width[no] * len(transcription["tables"][str(no)]["rows"])
        elif p.endswith(": missing"):
            lost += width[no]
        elif " row " in p and "group_label" not in p:
            lost += 1
    return count_cells(transcription) - lost


# ------------------------------------------------------------------ end to end


@pytest.mark.parametrize("name", RENDERINGS)
def test_camelot_reaches_the_transcription(name, camelot_run, transcription, tmp_path):
    run = camelot_run(name)
    problems = compare(_load(run.doc, tmp_path / "w.duckdb"), transcription)
    assert _cells_matched(problems, transcription) == CELLS_MATCHED[name] == count_cells(transcription)
    assert problems == []
    assert [n for n in run.doc.notes if n.severity != "info"] == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_camelot_text_balance_exact(name, camelot_run):
    """Every word of the page (the geometry engine's) inside camelot's table regions
    reached the warehouse or was dropped for a recorded reason (issue 19)."""
    n = normalize_document(camelot_run(name).doc, "0" * 64, name)
    assert len(n.text_balance) == 17
    for b in n.text_balance:
        assert b.source_words and b.unexplained_words == 0, (b.table_no, b.dropped_sample)
        assert b.loaded_words + b.explained_words == b.source_words
        assert set(b.reasons) <= {"repeated_header"}


@pytest.mark.parametrize("name", RENDERINGS)
def test_camelot_cells_as_written(name, camelot_run, transcription):
    """Every header and cell text as the transcription writes it, and the captions."""
    doc = camelot_run(name).doc
    assert [t.no for t in doc.tables] == list(range(1, 18))
    for t in doc.tables:
        exp = transcription["tables"][str(t.no)]
        assert t.caption == exp["caption"]
        assert [clean_text(h) for h in t.header] == [clean_text(h) for h in exp["header"]], t.no
        assert [[clean_text(c) for c in r.cells] for r in t.rows] == [
            [clean_text(c) for c in r["cells"]] for r in exp["rows"]
        ], t.no
    captions = [b.text for b in doc.blocks if b.kind == "caption"]
    assert captions == [b["text"] for b in transcription["blocks"] if b["type"] == "caption"]
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == [b["text"] for b in transcription["blocks"] if b["type"] == "heading"]


# ------------------------------------------------------------------- fragments


@pytest.mark.parametrize("name", RENDERINGS)
def test_fragments_well_formed(name, camelot_run):
    run = camelot_run(name)
    assert [p.page_no for p in run.layouts] == [g.page_no for g in run.pages]
    # Pages without a table keep their text lines (captions and headings live there).
    assert any(not p.fragments and p.lines for p in run.layouts)
    for page in run.layouts:
        assert [f.bbox[1] for f in page.fragments] == sorted(f.bbox[1] for f in page.fragments)
        for fr in page.fragments:
            assert fr.page_no == page.page_no
            x0, top, x1, bottom = fr.bbox
            assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height  # top-left origin
            assert fr.columns == sorted(fr.columns) and len(fr.columns) == fr.n_cols + 1
            assert (fr.columns[0], fr.columns[-1]) == (x0, x1)
            assert (fr.rows[0].top, fr.rows[-1].bottom) == (top, bottom)
            for a, b in zip(fr.rows, fr.rows[1:]):
                assert a.bottom == b.top
            for i, row in enumerate(fr.rows):
                assert len(row.cells) == len(row.cell_boxes) == len(row.spans) == fr.n_cols
                for j, ((ncols, nrows), box) in enumerate(zip(row.spans, row.cell_boxes)):
                    assert box[0] <= fr.columns[j] < fr.columns[j + 1] <= box[2]
                    assert box[1] <= row.top < row.bottom <= box[3]
                    if (ncols, nrows) == (0, 0):
                        assert row.cells[j] == ""
                    else:
                        assert (box[0], box[1]) == (fr.columns[j], row.top)
                        assert box[2] == fr.columns[j + ncols]
                        assert box[3] == fr.rows[i + nrows - 1].bottom
    # No text counted twice: a word is in a table or on a line, never both.
    for page in run.layouts:
        for line in page.lines:
            for fr in page.fragments:
                assert not (fr.bbox[1] <= (line.top + line.bottom) / 2 <= fr.bbox[3]
                            and fr.bbox[0] <= (line.x0 + line.x1) / 2 <= fr.bbox[2])


@pytest.mark.parametrize("name", RENDERINGS)
def test_same_tables_as_grid(name, camelot_run):
    """camelot sees the tables grid.py draws from the page's rules: per page the same
    fragments with the same rows, merged cells, bold rows and open sides."""
    run = camelot_run(name)
    for geometry, page in zip(run.pages, run.layouts):
        expected = page_layout(geometry).fragments
        assert len(page.fragments) == len(expected), page.page_no
        for fr, ex in zip(page.fragments, expected):
            assert (fr.open_top, fr.open_bottom) == (ex.open_top, ex.open_bottom), page.page_no
            assert [r.spans for r in fr.rows] == [r.spans for r in ex.rows], page.page_no
            assert [r.bold for r in fr.rows] == [r.bold for r in ex.rows], page.page_no


def test_open_bottom_read_from_the_page_rules(camelot_run):
    """camelot closes a table the page end cuts (its bottom row comes out ruled); the
    page has no rule there, and the fragment says so. The WeasyPrint rendering leaves
    tables open at page ends; the LibreOffice one closes every table."""
    html = [fr for p in camelot_run("annex-2025-html.pdf").layouts for fr in p.fragments]
    assert sum(fr.open_bottom for fr in html) == 7
    assert not any(fr.open_top for fr in html)
    main = [fr for p in camelot_run("annex-2025.pdf").layouts for fr in p.fragments]
    assert not any(fr.open_top or fr.open_bottom for fr in main)


def test_word_breaks_marked_from_line_ends(camelot_run, transcription):
    """Lines of a cell that may end in a word broken by the column edge are marked
    for repair.py, which needs where each line ends (camelot's text lines with their
    boxes, not the cell's bare string): "kohanemisteekonda|de" is one word."""
    layouts = camelot_run("annex-2025.pdf").layouts
    marked = [c for p in layouts for f in p.fragments for r in f.rows for c in r.cells if WORD_BREAK in c]
    assert any("kohanemisteekonda" + WORD_BREAK + "de" in c for c in marked)
    doc = camelot_run("annex-2025.pdf").doc
    assert "kohanemisteekondade mudelit" in doc.table(4).rows[0].cells[0]


# ----------------------------------------------------------- hand-made tables


def _cell(text="", left=True, right=True, top=True, bottom=True):
    return SimpleNamespace(text=text, left=left, right=right, top=top, bottom=bottom)


def test_merged_cells_from_camelot_rule_flags():
    """A 3 x 3 camelot table (PDF coordinates, origin bottom left) with a header cell
    over two columns and a cell down two rows; the page draws a rule over the table but
    none under it (the page end cut it)."""
    height = 800.0
    # Rows from y=700 down to y=640, columns at x=100, 200, 300, 400.
    rows = [(700.0, 680.0), (680.0, 660.0), (660.0, 640.0)]
    cols = [(100.0, 200.0), (200.0, 300.0), (300.0, 400.0)]
    cells = [
        [_cell("Group\n", right=False), _cell("", left=False), _cell("Note\n")],
        [_cell("a\n"), _cell("b\n"), _cell("long text\n", bottom=False)],
        [_cell("c\n"), _cell("d-\n"), _cell("", top=False)],
    ]
    table = SimpleNamespace(page="1", rows=rows, cols=cols, cells=cells, textlines=[])
    page = PageGeometry(1, 600.0, height, words=[], edges=[Edge.horizontal(height - 700.0, 100.0, 400.0)])
    fr = fragment_from_table(table, page)
    assert fr.page_no == 1
    assert fr.bbox == (100.0, 100.0, 400.0, 160.0)
    assert fr.columns == [100.0, 200.0, 300.0, 400.0]
    assert (fr.open_top, fr.open_bottom) == (False, True)
    assert [(r.top, r.bottom) for r in fr.rows] == [(100.0, 120.0), (120.0, 140.0), (140.0, 160.0)]
    assert [r.cells for r in fr.rows] == [["Group", "", "Note"], ["a", "b", "long text"], ["c", "d-", ""]]
    assert [r.spans for r in fr.rows] == [
        [(2, 1), (0, 0), (1, 1)],
        [(1, 1), (1, 1), (1, 2)],
        [(1, 1), (1, 1), (0, 0)],
    ]
    assert fr.rows[0].cell_boxes[:2] == [(100.0, 100.0, 300.0, 120.0)] * 2
    assert fr.rows[1].cell_boxes[2] == fr.rows[2].cell_boxes[2] == (300.0, 120.0, 400.0, 160.0)


def test_merged_cell_text_gathered_from_any_position():
    """camelot moves a merged cell's text to its top-left position; text left in a
    covered position still lands in the merged cell, in reading order."""
    rows = [(700.0, 680.0), (680.0, 660.0)]
    cols = [(100.0, 200.0), (200.0, 300.0)]
    cells = [
        [_cell("Kohtla-\n", bottom=False), _cell("x\n")],
        [_cell("Järve\n", top=False), _cell("y\n")],
    ]
    table = SimpleNamespace(page=1, rows=rows, cols=cols, cells=cells, textlines=None)
    fr = fragment_from_table(table, PageGeometry(1, 600.0, 800.0))
    assert [r.cells for r in fr.rows] == [["Kohtla-Järve", "x"], ["", "y"]]
    assert (fr.open_top, fr.open_bottom) == (True, True)  # the page draws no rules at all


# --------------------------------------------------------------------- password


def test_encrypted_file(tmp_path):
    """camelot renders pages without the password; the engine reads a decrypted copy.
    Two pages of the sample, encrypted, read as the same pages unencrypted."""
    import pypdf  # a test dependency: missing is a failure, not a skip
    reader = pypdf.PdfReader(str(SAMPLES / "annex-2025.pdf"))
    plain, locked = pypdf.PdfWriter(), pypdf.PdfWriter()
    for w in (plain, locked):
        for page in reader.pages[:2]:
            w.add_page(page)
    locked.encrypt(user_password="salajane", owner_password="omanik", algorithm="AES-128")
    paths = {}
    for key, w in (("plain", plain), ("locked", locked)):
        buf = io.BytesIO()
        w.write(buf)
        paths[key] = tmp_path / f"{key}.pdf"
        paths[key].write_bytes(buf.getvalue())
    with pdfium.open_document(paths["locked"], "salajane") as doc:
        pages = list(doc.pages())
    for password in (None, "vale"):
        with pytest.raises(PdfEncrypted):
            camelot_layouts(paths["locked"], pages, password=password)
    locked_layouts = camelot_layouts(paths["locked"], pages, password="salajane")
    with pdfium.open_document(paths["plain"]) as doc:
        plain_layouts = camelot_layouts(paths["plain"], list(doc.pages()))
    assert [len(p.fragments) for p in locked_layouts] == [1, 2]
    assert [[r.cells for f in p.fragments for r in f.rows] for p in locked_layouts] == [
        [r.cells for f in p.fragments for r in f.rows] for p in plain_layouts
    ]


def test_cli_engine_camelot_reaches_the_transcription(tmp_path, transcription):
    """`--engine camelot` through the CLI and its reading worker (camelot's larger
    memory allowance). The whole renderings are read above, in process; here the
    sample's first five pages do: Tabel 1-4, with Tabel 3's row broken across pages
    3-4, as transcribed, and every later table reported missing."""
    import pypdf  # a test dependency: missing is a failure, not a skip
    from tests.conftest import run_cli
    from tests.expectations import compare

    reader, writer = pypdf.PdfReader(str(SAMPLES / "annex-2025.pdf")), pypdf.PdfWriter()
    for page in reader.pages[:5]:
        writer.add_page(page)
    pdf = tmp_path / "first-pages.pdf"
    with open(pdf, "wb") as fh:
        writer.write(fh)
    db = tmp_path / "w.duckdb"
    result = run_cli(str(pdf), "--db", str(db), "--engine", "camelot", "--json", "--allow-partial")
    assert result.exit_code == 0, result.output
    assert '"engine": "camelot"' in result.output
    assert compare(db, transcription) == [f"Tabel {no}: missing" for no in range(5, 18)]
