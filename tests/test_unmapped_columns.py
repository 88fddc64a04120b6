"""Unknown columns are kept (issue 19): on the annex with the amount and responsible
columns swapped and a new last column "Märkused", every typed value is still the
transcription's and every cell of the new column is in the warehouse, with a finding
that names it. Headers that name two columns, or a column named twice, are warnings."""

from __future__ import annotations

import duckdb
import pytest

from extract.model import ExtractedDocument, RawRow, RawTable
from normalize import normalize_document
from tests.conftest import run_cli
from tests.expectations import compare
from tests.variants import NOTE_HEADER, NOTE_TEXT, moved_and_added_column, to_pdf


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """The variant as DOCX and as its LibreOffice PDF (built once), each ingested."""
    out = tmp_path_factory.mktemp("variant")
    docx_path = out / "annex-2025-moved.docx"
    noted = moved_and_added_column(docx_path)
    pdf_path = to_pdf(docx_path, out)
    dbs = {}
    for fmt, path in (("docx", docx_path), ("pdf", pdf_path)):
        db = out / f"{fmt}.duckdb"
        result = run_cli(str(path), "--db", str(db), "--quiet")
        assert result.exit_code == 0, result.output
        dbs[fmt] = db
    return noted, dbs


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_typed_values_right_with_columns_moved(fmt, variant, transcription):
    _, dbs = variant
    assert compare(dbs[fmt], transcription) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_every_cell_of_the_new_column_in_the_warehouse(fmt, variant, transcription):
    noted, dbs = variant
    db = dbs[fmt]
    schedule = sorted(int(no) for no, t in transcription["tables"].items() if t["kind"] == "schedule")
    assert sorted(noted) == schedule
    for no in schedule:
        rows = _rows(db, "SELECT row_no, map_keys(extra), extra[?] FROM activities WHERE table_no = ? ORDER BY row_no", [NOTE_HEADER, no])
        assert len(rows) == len(transcription["tables"][str(no)]["rows"])
        for row_no, keys, note in rows:
            assert keys == [NOTE_HEADER], (no, row_no)  # every row carries the column, empty cells as NULL
            assert note == (NOTE_TEXT if row_no == noted[no] else None), (no, row_no, note)
    headers = dict(_rows(db, "SELECT table_no, unmapped_headers FROM annex_tables"))
    assert {no: h for no, h in headers.items() if h} == {no: [NOTE_HEADER] for no in schedule}
    assert _rows(db, "SELECT count(*) FROM indicators WHERE extra IS NOT NULL") == [(0,)]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_finding_names_the_column(fmt, variant, transcription):
    noted, dbs = variant
    found = _rows(dbs[fmt], "SELECT table_no, severity, raw_text, message FROM validation_issues WHERE rule = 'unmapped_column' ORDER BY table_no")
    assert [(no, sev, raw) for no, sev, raw, _ in found] == [(no, "info", NOTE_HEADER) for no in sorted(noted)]
    assert all(NOTE_HEADER in msg and f"Tabel {no}" in msg for no, _, _, msg in found)
    # Swapping two columns is no ambiguity: each header still names one column.
    assert _rows(dbs[fmt], "SELECT count(*) FROM validation_issues WHERE rule IN ('ambiguous_header', 'duplicate_column')") == [(0,)]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_variant_text_balance_exact(fmt, variant):
    _, dbs = variant
    rows = _rows(dbs[fmt], "SELECT table_no, source_words, loaded_words, dropped_words, unexplained_words FROM table_text_conservation")
    assert len(rows) == 17
    for no, source, loaded, dropped, unexplained in rows:
        assert source > 0 and unexplained == 0 and dropped == 0 and loaded == source, (no, source, loaded)


# ------------------------------------------------------------ header conflicts

SCHEDULE_HEADER = ["Tegevus", "Tegevuse üldajaraam", "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil",
                   "Planeeritav maksumus", "Tegevuse eest vastutaja"]
ROW = ["1 Tegevus", "01.01.2025-31.12.2025", "01.01.2025-31.12.2025", "100", "ELVL"]


def _doc(header: list[str], rows: list[list[str]], caption="Tabel 1. Tegevuste ajakava") -> ExtractedDocument:
    table = RawTable(1, caption, header, [RawRow(r) for r in rows])
    return ExtractedDocument("x.docx", "docx", "docx", None, tables=[table])


def _findings(n, rule):
    return [f for f in n.findings if f.rule == rule]


def test_a_column_named_twice_is_a_warning_and_kept():
    n = normalize_document(_doc(SCHEDULE_HEADER + ["Vastutaja"], [ROW + ["Tallinn"]]), "0", "x.docx")
    (dup,) = _findings(n, "duplicate_column")
    assert dup.severity == "warning" and "responsible" in dup.message and "5" in dup.message and "6" in dup.message
    a = n.activities[0]
    assert a.responsible == "ELVL"  # the first column that names it
    assert a.extra == {"Vastutaja": "Tallinn"}  # the second kept, not lost
    assert n.tables[0].unmapped_headers == ["Vastutaja"]


def test_a_header_naming_two_columns_is_a_warning():
    header = SCHEDULE_HEADER[:3] + ["Maksumus ja vastutaja"]
    n = normalize_document(_doc(header, [ROW[:4]]), "0", "x.docx")
    (amb,) = _findings(n, "ambiguous_header")
    assert amb.severity == "warning" and "responsible and amount" in amb.message and "Maksumus ja vastutaja" in amb.message


def test_indicator_extra_columns_and_unnamed_ones():
    header = ["Indikaator", "Indikaatori mõõtühik", "Sihttase tegevuskava aastal (2025)", "Sihttase (2029)", "Selgitus", "Allikas", ""]
    rows = [["Osalejate arv", "Arv", "5", "7", "", "ELVL aruanne", "x"], ["Kohtade arv", "Arv", "1", "2", "", "", ""]]
    n = normalize_document(_doc(header, rows, "Tabel 1. Tegevustega seotud näitajad"), "0", "x.docx")
    assert [i.extra for i in n.indicators] == [{"Allikas": "ELVL aruanne", "column 7": "x"}, {"Allikas": None, "column 7": None}]
    assert [f.raw_text for f in _findings(n, "unmapped_column")] == ["Allikas", "column 7"]
    assert [i.target_2029 for i in n.indicators] == [7, 2]  # "Sihttase (2029)" is not the plan-year target
    assert not _findings(n, "ambiguous_header") and not _findings(n, "text_dropped")


def test_cells_beyond_the_header_are_kept():
    n = normalize_document(_doc(SCHEDULE_HEADER, [ROW + ["stray note"]]), "0", "x.docx")
    assert n.activities[0].extra == {"column 6": "stray note"}
