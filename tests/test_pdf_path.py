"""The PDF path end to end, for every committed rendering of the annex: the warehouse
rows equal the transcription, tables are whole across page breaks, pages are filled."""

from __future__ import annotations

import duckdb
import pytest

from extract.model import ExtractedDocument
from extract.reader import InputError, Limits, read_document
from extract.text import clean_text
from tests.conftest import SAMPLES, run_cli
from tests.expectations import compare

RENDERINGS = ["annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """Each rendering ingested once with the CLI (default engine) into its own warehouse."""
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            db = tmp_path_factory.mktemp("pdf") / "w.duckdb"
            result = run_cli(str(SAMPLES / name), "--db", str(db), "--quiet")
            assert result.exit_code == 0, result.output
            cache[name] = db
        return cache[name]

    return get


@pytest.fixture(scope="module")
def extracted():
    cache: dict[str, ExtractedDocument] = {}

    def get(name: str) -> ExtractedDocument:
        if name not in cache:
            cache[name] = read_document(SAMPLES / name)
        return cache[name]

    return get


@pytest.mark.parametrize("name", RENDERINGS)
def test_pdf_rows_equal_transcription(name, ingested, transcription):
    assert compare(ingested(name), transcription) == []


# Every geometry engine on every rendering, through the CLI; the default engine is
# covered above. (camelot has its own test module: it is much slower.)
@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
@pytest.mark.parametrize("name", RENDERINGS)
def test_every_engine_reaches_the_transcription(engine, name, tmp_path, transcription):
    db = tmp_path / "w.duckdb"
    result = run_cli(str(SAMPLES / name), "--db", str(db), "--engine", engine, "--json")
    assert result.exit_code == 0, result.output
    assert f'"engine": "{engine}"' in result.output
    assert compare(db, transcription) == []
    # Every word inside the tables' grids reached the warehouse or was dropped for a
    # recorded reason (issue 19; tests/test_conservation.py).
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(
            "SELECT count(*), sum(unexplained_words), sum(source_words - loaded_words - explained_words) FROM table_text_conservation"
        ).fetchone() == (17, 0, 0)
    finally:
        con.close()


def test_amended_rendering_equals_its_transcription(tmp_path):
    import json

    amended = json.loads((SAMPLES / "transcription" / "annex-2025-amended.json").read_text("utf-8"))
    db = tmp_path / "w.duckdb"
    assert run_cli(str(SAMPLES / "annex-2025-amended.pdf"), "--db", str(db), "-q").exit_code == 0
    assert compare(db, amended) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_pdf_pages_filled(name, ingested, transcription):
    con = duckdb.connect(str(ingested(name)), read_only=True)
    try:
        tables = con.execute("SELECT table_no, page_from, page_to FROM annex_tables").fetchall()
        assert len(tables) == len(transcription["tables"])
        for no, p0, p1 in tables:
            assert p0 is not None and p1 is not None and 1 <= p0 <= p1, (no, p0, p1)
        rows = con.execute(
            "SELECT table_no, row_no, page_from, page_to FROM activities "
            "UNION ALL SELECT table_no, row_no, page_from, page_to FROM indicators"
        ).fetchall()
        assert len(rows) == sum(len(t["rows"]) for t in transcription["tables"].values())
        span = {no: (p0, p1) for no, p0, p1 in tables}
        for no, row_no, p0, p1 in rows:
            assert p0 is not None and p1 is not None and p0 <= p1, (no, row_no, p0, p1)
            assert span[no][0] <= p0 and p1 <= span[no][1], (no, row_no)
        # Every rendering has tables running over a page break, and rows broken by one.
        assert any(p0 < p1 for p0, p1 in span.values())
        assert any(p0 < p1 for *_, p0, p1 in rows)
        pages = con.execute("SELECT page_count FROM documents").fetchone()[0]
        assert pages and max(p1 for _, p1 in span.values()) <= pages
    finally:
        con.close()


@pytest.mark.parametrize("name", RENDERINGS)
def test_pdf_document_identity(name, ingested, transcription):
    con = duckdb.connect(str(ingested(name)), read_only=True)
    try:
        row = con.execute(
            "SELECT directive_no, directive_date::VARCHAR, plan_start::VARCHAR, plan_end::VARCHAR, source_format, title FROM documents"
        ).fetchone()
    finally:
        con.close()
    meta = transcription["meta"]
    assert row == (meta["directive_no"], meta["directive_date"], meta["plan_start"], meta["plan_end"], "pdf", meta["title"])


@pytest.mark.parametrize("name", RENDERINGS)
def test_pdf_cells_as_written(name, extracted, transcription):
    """Stricter than the typed rows: every header and cell text as the transcription
    writes it (whitespace aside), in document order, and the blocks in order."""
    doc = extracted(name)
    assert [t.no for t in doc.tables] == list(range(1, 18))
    for t in doc.tables:
        exp = transcription["tables"][str(t.no)]
        assert t.caption == exp["caption"]
        assert [clean_text(h) for h in t.header] == [clean_text(h) for h in exp["header"]], t.no
        got = [[clean_text(c) for c in r.cells] for r in t.rows]
        want = [[clean_text(c) for c in r["cells"]] for r in exp["rows"]]
        assert got == want, t.no
    captions = [b.text for b in doc.blocks if b.kind == "caption"]
    assert captions == [b["text"] for b in transcription["blocks"] if b["type"] == "caption"]
    # Nothing the extractor was unsure of.
    assert [n for n in doc.notes if n.severity != "info"] == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_pdf_headings_carry_the_kov_sections(name, extracted, transcription):
    doc = extracted(name)
    want = [b["text"] for b in transcription["blocks"] if b["type"] == "heading"]
    got = [b.text for b in doc.blocks if b.kind == "heading"]
    assert got == want
    assert {b.level for b in doc.blocks if b.kind == "heading"} == {1, 2}


def test_page_limit():
    with pytest.raises(InputError, match=r"has 30 pages, over the limit of 5 \(--max-pages\)"):
        read_document(SAMPLES / "annex-2025.pdf", limits=Limits(max_pages=5))


def test_unknown_pdf_engine():
    from extract.pdf import read_pdf

    with pytest.raises(InputError, match="not available"):
        read_pdf(SAMPLES / "annex-2025.pdf", engine="no-such-engine", limits=Limits())
