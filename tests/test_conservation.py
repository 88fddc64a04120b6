"""Conservation of text (issue 19): every word of a table's source reaches the
warehouse, or was dropped for a recorded reason, or is reported (`text_dropped`).

The committed renderings balance exactly with the default engines (the pdfplumber
engine in test_pdf_path.py, camelot in test_camelot_engine.py); a word taken out of
the loaded rows, or dropped by extraction without a record, is reported; a caption
that no table claimed is a finding."""

from __future__ import annotations

import dataclasses
from collections import Counter

import docx
import pytest

import normalize.document as normalize_document_module
from extract.reader import read_document
from load import write_session
from normalize import normalize_document
from normalize.conservation import balance, split_into
from extract.model import DroppedText
from tests.conftest import SAMPLES, query, run_cli

RENDERINGS = [
    "annex-2025.docx", "annex-2025-alt.docx", "annex-2025-amended.docx",
    "annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf", "annex-2025-amended.pdf",
    "annex-2025-signed.pdf",
]
# What the renderings drop on purpose: the header row repeated on each page (the alt
# rendering, WeasyPrint's <thead>); never anything else.
RECORDED_REASONS = {"repeated_header"}


@pytest.fixture(scope="module")
def normalized():
    cache = {}

    def get(name):
        if name not in cache:
            doc = read_document(SAMPLES / name)
            cache[name] = (doc, normalize_document(doc, "0" * 64, name))
        return cache[name]

    return get


def _transcribed_words(table: dict) -> list[str]:
    cells = list(table["header"]) + [c for row in table["rows"] for c in row["cells"]]
    return [w for c in cells for w in c.split()]


def _letters(words) -> Counter:
    """The characters of the words, spaces aside: a word wrapped after a hyphen is two
    words in one rendering and one in another, but the same characters."""
    return Counter("".join(words))


@pytest.mark.parametrize("name", RENDERINGS)
def test_balance_exact_on_every_committed_rendering(name, normalized, transcription):
    _, n = normalized(name)
    assert [b.table_no for b in n.text_balance] == list(range(1, 18))
    for b in n.text_balance:
        assert b.source_words and b.unexplained_words == 0, (b.table_no, b.dropped_sample)
        assert b.loaded_words + b.explained_words == b.source_words
        assert set(b.reasons) <= RECORDED_REASONS and sum(b.reasons.values()) == b.explained_words
    assert not [f for f in n.findings if f.rule in ("text_dropped", "caption_like_text", "caption_without_table")]


def test_docx_source_words_are_the_transcribed_cells(normalized, transcription):
    """The DOCX's cells hold the transcription's words (the header's manual line
    breaks aside: "tegevus-" + "kava"), so what the balance counts is known
    independently of the engine."""
    doc, n = normalized("annex-2025.docx")
    for t in doc.tables:
        expected = _transcribed_words(transcription["tables"][str(t.no)])
        assert _letters(t.source_words) == _letters(expected), t.no
        assert len(expected) <= len(t.source_words) <= len(expected) + 1, t.no
    assert {b.table_no: b.source_words for b in n.text_balance} == {t.no: len(t.source_words) for t in doc.tables}


@pytest.mark.parametrize("name", ["annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf"])
def test_pdf_source_words_cover_the_transcribed_cells(name, normalized, transcription):
    """A PDF draws every transcribed word (a word wrapped after a hyphen is two), and
    the header again on a continuation page: what it drops on purpose is a repeated
    header only, and exactly one whole header per repeat."""
    doc, n = normalized(name)
    for t in doc.tables:
        expected = transcription["tables"][str(t.no)]
        repeated = [w for d in t.dropped for w in d.text.split()]
        assert _letters(t.source_words) == _letters(_transcribed_words(expected) + repeated), t.no
        compact = {h.replace(" ", "") for h in expected["header"]}
        assert all(d.reason == "repeated_header" and d.text.replace(" ", "") in compact for d in t.dropped), t.no
    repeats = sum(b.explained_words for b in n.text_balance)
    assert (repeats > 0) == (name != "annex-2025.pdf")  # only the main rendering repeats no header


def test_warehouse_view_and_check_summary(db, normalized):
    with write_session(db) as session:
        session.load(normalized("annex-2025-alt.pdf")[1])
    rows = query(db, "SELECT table_no, source_words, loaded_words, dropped_words, unexplained_words, dropped_sample, "
                     "drop_reasons FROM table_text_conservation ORDER BY table_no")
    assert len(rows) == 17
    assert all(u == 0 and s == lo + d and sample is None for _, s, lo, d, u, sample, _ in rows)
    dropped = sum(r[3] for r in rows)
    assert dropped > 0 and all(set(r[6]) <= RECORDED_REASONS for r in rows)
    check = run_cli("check", "--db", str(db))
    source = sum(r[1] for r in rows)
    assert f"{source} source words in 17 tables; {source - dropped} loaded, {dropped} dropped for a recorded reason (repeated_header {dropped}), 0 lost." in check.output


# ------------------------------------------------------------- lost words fire


def test_words_taken_out_of_the_loaded_rows_fire(monkeypatch, db, normalized, read_in_process):
    """A normalize that forgets one cell (Tabel 9 row 3's responsible party): the
    balance sees the two words missing, the warehouse and `check` say which."""
    real = normalize_document_module.normalize_schedule

    def forgetful(table, *args, **kwargs):
        acts = real(table, *args, **kwargs)
        if table.no == 9:
            acts[2].responsible = None
        return acts

    monkeypatch.setattr(normalize_document_module, "normalize_schedule", forgetful)
    doc = normalized("annex-2025.docx")[0]
    lost = doc.table(9).rows[2].cells[4]
    assert lost == "Tartu linn"  # the transcription's cell
    n = normalize_document(doc, "0" * 64, "annex-2025.docx")
    (finding,) = [f for f in n.findings if f.rule == "text_dropped"]
    assert finding.severity == "warning" and finding.table_no == 9 and finding.raw_text == "Tartu linn"
    with write_session(db) as session:
        session.load(n)
    assert query(db, "SELECT table_no, dropped_words, unexplained_words, dropped_sample FROM table_text_conservation "
                     "WHERE unexplained_words > 0") == [(9, 2, 2, "Tartu linn")]
    check = run_cli("check", "--db", str(db))
    assert "2 lost" in check.output and "text_dropped" in check.output


def test_a_drop_without_a_record_fires(normalized):
    """Repeated headers dropped by the repair stage but not recorded: lost words."""
    doc, _ = normalized("annex-2025-alt.pdf")
    doc = dataclasses.replace(doc, tables=[dataclasses.replace(t, dropped=[]) for t in doc.tables])
    n = normalize_document(doc, "0" * 64, "x.pdf")
    fired = {f.table_no: f.raw_text for f in n.findings if f.rule == "text_dropped"}
    repeated = {t.no for t in normalized("annex-2025-alt.pdf")[0].tables if t.dropped}
    assert repeated and set(fired) == repeated
    # The words missing are the header's (the first copy in the source's order: a
    # word is a word, whichever of its copies went).
    assert all(sample.split()[0] == doc.table(no).header[0].split()[0] for no, sample in fired.items())


def test_a_word_an_engine_loses_fires(normalized):
    doc, _ = normalized("annex-2025-html.pdf")
    t = doc.table(13)
    row = t.rows[4]
    cells = list(row.cells)
    cells[0] = cells[0].rsplit(" ", 1)[0]  # the label's last word lost
    tables = [dataclasses.replace(x, rows=[*x.rows[:4], dataclasses.replace(row, cells=cells), *x.rows[5:]]) if x.no == 13 else x for x in doc.tables]
    n = normalize_document(dataclasses.replace(doc, tables=tables), "0" * 64, "x.pdf")
    (b,) = [b for b in n.text_balance if b.unexplained_words]
    assert (b.table_no, b.unexplained_words, b.dropped_sample) == (13, 1, row.cells[0].rsplit(" ", 1)[1])


# ------------------------------------------------------------ the balance itself


def test_joined_and_split_words_balance():
    # "Kohtla-" + "Järve" joined at a line end; "Planeeritav" read as two pieces.
    b = balance(1, ["Kohtla-", "Järve", "linn", "Planeeritav", "ELVL", "ELVL"], [], ["Kohtla-Järve linn", "Planeeri tav", "ELVL"])
    assert (b.source_words, b.loaded_words, b.unexplained_words, b.dropped_sample) == (6, 5, 1, "ELVL")
    r = balance(1, ["Tegevus", "Tegevus", "x"], [DroppedText("Tegevus", "repeated_header")], ["Tegevus x"])
    assert (r.loaded_words, r.explained_words, r.unexplained_words, r.reasons) == (2, 1, 0, {"repeated_header": 1})


def test_split_into_takes_nothing_when_it_fails():
    from collections import Counter

    pool = Counter({"ab": 1, "c": 1})
    assert split_into("abd", pool) is None and pool == Counter({"ab": 1, "c": 1})
    assert split_into("abc", pool) == ["ab", "c"] and +pool == Counter()


# ---------------------------------------------------------- text outside tables


def _docx_with(path, paragraphs_and_tables):
    d = docx.Document()
    for item in paragraphs_and_tables:
        if isinstance(item, str):
            d.add_paragraph(item)
        else:
            t = d.add_table(rows=len(item), cols=len(item[0]))
            for i, row in enumerate(item):
                for j, text in enumerate(row):
                    t.cell(i, j).text = text
    d.save(str(path))
    return path


def test_captions_no_table_claimed_are_findings(tmp_path):
    table = [
        ["Tegevus", "Tegevuse üldajaraam", "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil", "Planeeritav maksumus", "Tegevuse eest vastutaja"],
        ["1 Tegevus", "01.01.2025-31.12.2025", "01.01.2025-31.12.2025", "100", "ELVL"],
    ]
    path = _docx_with(tmp_path / "a.docx", [
        "Tabel 1. Tegevuste ajakava", table,
        "Tabel 2. Tegevustega seotud näitajad",  # a caption with no table after it
        "Tabel 1 näitab tegevusi.",  # prose about a table that was read: fine
        "Tabel 18: lisatakse hiljem",  # caption-like, no such table
    ])
    n = normalize_document(read_document(path), "0" * 64, "a.docx")
    got = sorted((f.rule, f.severity, f.table_no) for f in n.findings if "caption" in f.rule)
    assert got == [("caption_like_text", "warning", 18), ("caption_without_table", "error", 2)]
    assert not [f for f in n.findings if f.rule == "text_dropped"]


def test_docx_text_under_a_merged_cell_is_recorded(tmp_path):
    """Word shows only the first cell of a vertical merge; text left in a covered
    cell is not read, and is recorded as such rather than lost silently."""
    from docx.oxml.ns import qn

    header = ["Indikaator", "Indikaatori mõõtühik", "Sihttase tegevuskava aastal (2025)", "Sihttase (2029)", "Selgitus"]
    rows = [header, ["Osalejate arv", "Arv", "5", "7", "Rühm"], ["Kohtade arv", "Arv", "1", "2", ""]]
    path = tmp_path / "m.docx"
    d = docx.Document()
    d.add_paragraph("Tabel 1. Tegevustega seotud näitajad")
    t = d.add_table(rows=3, cols=5)
    for i, r in enumerate(rows):
        for j, text in enumerate(r):
            t.cell(i, j).text = text
    t.cell(1, 4).merge(t.cell(2, 4))
    covered = t.rows[2]._tr.findall(qn("w:tc"))[4]
    p = covered.makeelement(qn("w:p"), {})
    r = p.makeelement(qn("w:r"), {})
    txt = r.makeelement(qn("w:t"), {})
    txt.text = "peidetud tekst"
    r.append(txt), p.append(r), covered.append(p)
    d.save(str(path))
    doc = read_document(path)
    (table,) = doc.tables
    assert [(x.text, x.reason) for x in table.dropped] == [("peidetud tekst", "covered_by_merge")]
    n = normalize_document(doc, "0" * 64, "m.docx")
    (b,) = n.text_balance
    assert (b.explained_words, b.unexplained_words, b.reasons) == (2, 0, {"covered_by_merge": 2})
    assert b.loaded_words + 2 == b.source_words


def test_headings_and_approval_lines_not_placed_are_findings(tmp_path):
    table = [
        ["Tegevus", "Tegevuse üldajaraam", "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil", "Planeeritav maksumus", "Tegevuse eest vastutaja"],
        ["1 Tegevus", "01.01.2025-31.12.2025", "01.01.2025-31.12.2025", "100", "Tartu linn"],
    ]
    d = docx.Document()
    for line in ("KINNITATUD kultuuriministri 25.03.2025 käskkirjaga nr 68",
                 "muudetud kultuuriministri 15.09.2025 käskkirjaga nr 190",
                 "muudetud kultuuriministri 01.11.2025 käskkirjaga nr 250"):
        d.add_paragraph(line)
    d.add_heading("Sihtrühmale teenuste arendamine ja pakkumine Tartu linnas", level=2)
    d.add_paragraph("Tabel 1. Tegevuste ajakava")
    t = d.add_table(rows=2, cols=5)
    for i, r in enumerate(table):
        for j, text in enumerate(r):
            t.cell(i, j).text = text
    d.add_heading("Sihtrühmale teenuste arendamine ja pakkumine Pärnu linnas", level=2)
    d.save(str(tmp_path / "h.docx"))
    n = normalize_document(read_document(tmp_path / "h.docx"), "0" * 64, "h.docx")
    assert (n.document.directive_no, n.document.amended_by_no) == (68, 250)
    (heading,) = [f for f in n.findings if f.rule == "heading_without_table"]
    assert "Pärnu linn" in heading.message and heading.severity == "warning"
    (directive,) = [f for f in n.findings if f.rule == "directive_not_kept"]
    assert "nr 190" in directive.message and "15.09.2025" in directive.raw_text
