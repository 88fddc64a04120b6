"""Normalize and validate: hierarchy, reconciliation, parties, findings.

The expected findings on the sample are written out by hand from the
transcription's `anomalies` notes (samples/transcription/annex-2025.json)."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from extract.model import Block, ExtractedDocument, RawRow, RawTable
from normalize import normalize_document
from normalize.parties import match_municipality, split_parties
from tests.conftest import run_cli
from tests.expectations import EXPECTED_ON_SAMPLE, row_findings

SCHEDULE_HEADER = [
    "Tegevus",
    "Tegevuse üldajaraam",
    "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil",
    "Planeeritav maksumus tegevuskava aastal",
    "Tegevuse eest vastutaja",
]
INDICATOR_HEADER = ["Indikaator", "Indikaatori mõõtühik", "Sihttase tegevuskava aastal (2025)", "Sihttase (2029)", "Selgitus"]
FRONT = [
    Block("paragraph", "KINNITATUD"),
    Block("paragraph", "kultuuriministri 25.03.2025"),
    Block("paragraph", "käskkirjaga nr 68"),
    Block("paragraph", "LISA 1"),
    Block("paragraph", "Toetatava tegevuse „X“ tegevuskava perioodil 01.01.2025 – 31.12.2025"),
]


def doc_with(rows: list[list[str]], header=SCHEDULE_HEADER, heading="3.5.2.1 Teenused Tartu linnas") -> ExtractedDocument:
    table = RawTable(1, "Tabel 1. Tegevuste ajakava", header, [RawRow(r) for r in rows])
    blocks = [*FRONT, Block("heading", heading, level=2), Block("caption", table.caption), Block("table", table.caption, table_no=1)]
    return ExtractedDocument("x.docx", "docx", "docx", None, blocks, [table])


def row(code_label, amount, frame="01.01.2023-31.12.2025", period="01.01.2025-31.12.2025", resp="Tartu linn"):
    return [code_label, frame, period, amount, resp]


def rules(doc) -> set[tuple[int | None, str]]:
    return {(f.row_no, f.rule) for f in doc.findings}


# ------------------------------------------------------ the sample's anomalies
# EXPECTED_ON_SAMPLE (tests/expectations.py): written by hand from the transcription.


@pytest.fixture
def sample_db(sample_warehouse):
    """The sample DOCX as loaded by the CLI (once per run, conftest); read only here."""
    return sample_warehouse


def test_findings_cover_every_row_level_anomaly(sample_db):
    got = row_findings(sample_db)
    # Both ways: a missed anomaly and a spurious finding each fail it.
    assert {"missed": EXPECTED_ON_SAMPLE - got, "spurious": got - EXPECTED_ON_SAMPLE} == {"missed": set(), "spurious": set()}


def test_no_error_findings_and_every_parent_reconciles(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    assert con.execute("SELECT count(*) FROM validation_issues WHERE severity = 'error'").fetchone()[0] == 0
    statuses = dict(con.execute("SELECT status, count(*) FROM reconciliation GROUP BY ALL").fetchall())
    assert statuses.get("mismatch", 0) == 0 and statuses["ok"] > 30


def test_kov_totals_match_the_transcription(sample_db, transcription):
    con = duckdb.connect(str(sample_db), read_only=True)
    got = dict(con.execute("SELECT kov, total_eur FROM kov_totals").fetchall())
    expected = {t["kov"]: Decimal(t["rows"][0]["norm"]["amount_eur"]) for t in transcription["tables"].values() if t["kov"]}
    assert got == expected


def test_hierarchy_on_the_sample(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    parent = dict(((t, r), p) for t, r, p in con.execute("SELECT table_no, row_no, parent_row_no FROM activities").fetchall())
    # Tabel 13: rows 3 and 4 are misnumbered children of row 2 (0 + 13 434,77 = 13 434,77).
    assert parent[(13, 3)] == parent[(13, 4)] == 2
    assert parent[(13, 5)] == 1
    # Tabel 11: the duplicated 3.5.2.1.1.1 rows are both children of 3.5.2.1.1 (row 2).
    assert parent[(11, 3)] == parent[(11, 4)] == 2
    # Otsesed personalikulud belongs to the KOV total row.
    assert parent[(9, 15)] == 1
    # Tabel 5's level-6 rows without their level-5 parent hang on the first row.
    assert parent[(5, 2)] == parent[(5, 3)] == parent[(5, 4)] == 1
    # Tabel 3's locally numbered rows "1." … "9." belong to 3.5.1.2.
    assert {parent[(3, r)] for r in range(2, 11)} == {1}


def test_parties_on_the_sample(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    kinds = dict(con.execute("SELECT party_kind, count(*) FROM activity_parties GROUP BY ALL").fetchall())
    assert kinds["implementer"] >= 20 and kinds["municipality"] >= 90
    others = {r[0] for r in con.execute("SELECT DISTINCT party FROM activity_parties WHERE party_kind = 'other'").fetchall()}
    assert "partner" in others
    kovs = {r[0] for r in con.execute("SELECT DISTINCT kov FROM activity_parties WHERE kov IS NOT NULL").fetchall()}
    assert kovs == {"Tartu linn", "Tallinn", "Rakvere linn", "Saaremaa vald", "Pärnu linn", "Jõhvi vald", "Haapsalu linn", "Kohtla-Järve linn"}


# ----------------------------------------------------- every rule on crafted input

def test_unparseable_amount_kept_raw_with_error():
    doc = normalize_document(doc_with([row("3.5.2.1 Kokku", "12,3,4")]), "x", "x.docx")
    a = doc.activities[0]
    assert a.amount_eur is None and a.amount_raw == "12,3,4"
    assert (1, "unparseable_amount") in rules(doc)
    assert any(f.severity == "error" for f in doc.findings)


def test_impossible_date_and_start_after_end_and_unparseable():
    doc = normalize_document(
        doc_with([
            row("3.5.2.1 A", "0", period="31.02.2025-31.12.2025"),
            row("3.5.2.1.1 B", "0", period="31.12.2025-01.01.2025"),
            row("3.5.2.1.2 C", "0", frame="sel aastal"),
        ]),
        "x", "x.docx",
    )
    r = rules(doc)
    assert {(1, "impossible_date"), (2, "date_order"), (3, "unparseable_date")} <= r
    assert doc.activities[0].period_start is None and doc.activities[0].period_raw == "31.02.2025-31.12.2025"


def test_period_outside_plan_and_empty_cells():
    doc = normalize_document(
        doc_with([row("3.5.2.1 A", "", period="01.01.2024-31.12.2025", resp="", frame="")]), "x", "x.docx"
    )
    assert {(1, "period_outside_plan"), (1, "empty_responsible"), (1, "empty_frame"), (1, "empty_amount")} <= rules(doc)


def test_duplicate_code_and_reconciliation_difference():
    doc = normalize_document(
        doc_with([
            row("3.5.2.1 Kokku", "100"),
            row("3.5.2.1.1 A", "40"),
            row("3.5.2.1.1 B", "50"),
            row("Otsesed personalikulud", "5"),
        ]),
        "x", "x.docx",
    )
    r = rules(doc)
    assert (3, "duplicate_code") in r
    rec = {x.row_no: x for x in doc.reconciliation}
    assert rec[1].children_sum == Decimal("95.00") and rec[1].difference == Decimal("5.00")
    assert rec[1].status == "mismatch" and (1, "reconciliation") in r


def test_misnumbered_children_inferred_from_position_and_amounts():
    doc = normalize_document(
        doc_with([
            row("3.5.2.1 Kokku", "30"),
            row("3.5.2.1.1 A", "10"),
            row("3.5.2.1.1 A1", "4"),
            row("3.5.2.1.2 A2", "6"),
            row("3.5.2.1.2 B", "20"),
            row("3.5.2.1.2.1 B1", "20"),
        ]),
        "x", "x.docx",
    )
    parents = {a.row_no: a.parent_row_no for a in doc.activities}
    assert parents == {1: None, 2: 1, 3: 2, 4: 2, 5: 1, 6: 5}
    r = rules(doc)
    assert {(3, "misnumbered_code"), (4, "misnumbered_code")} <= r
    assert not any(rule == "duplicate_code" for _, rule in r)
    assert all(x.status == "ok" for x in doc.reconciliation)


def test_code_not_continuing_anything_is_misnumbered():
    doc = normalize_document(doc_with([row("3.5.2.1 Kokku", "5"), row("3.5.9.9 X", "5")]), "x", "x.docx")
    assert (2, "misnumbered_code") in rules(doc)


def test_glued_code_split_and_flagged():
    doc = normalize_document(doc_with([row("3.5.2.1Kokku kõik", "5")]), "x", "x.docx")
    assert (doc.activities[0].code, doc.activities[0].label) == ("3.5.2.1", "Kokku kõik")
    assert (1, "code_glued") in rules(doc)


def test_indicator_target_unparseable_kept_raw():
    doc = normalize_document(
        doc_with([["Näitaja", "Arv", "kaheksa", "7", "x"]], header=INDICATOR_HEADER), "x", "x.docx"
    )
    ind = doc.indicators[0]
    assert ind.target_plan_year is None and ind.target_plan_year_raw == "kaheksa" and ind.target_2029 == 7
    assert (1, "unparseable_target") in rules(doc)


def test_missing_table_is_an_error():
    d = doc_with([row("3.5.2.1 A", "1")])
    d.tables[0].no = 2
    doc = normalize_document(d, "x", "x.docx")
    assert any(f.rule == "missing_table" and f.table_no == 1 and f.severity == "error" for f in doc.findings)


def test_every_source_row_is_kept_however_broken():
    rows = [row("", "x", frame="?", period="?", resp=""), ["", "", "", "", ""], row("???", "-")]
    doc = normalize_document(doc_with(rows), "x", "x.docx")
    assert [a.row_no for a in doc.activities] == [1, 2, 3]


def test_kov_from_section_heading_not_from_prose():
    doc = normalize_document(doc_with([row("3.5.2.1 A", "1")], heading="3.5.2.1 Teenused Saaremaa vallas"), "x", "x.docx")
    assert doc.tables[0].kov == "Saaremaa vald" and doc.activities[0].kov == "Saaremaa vald"


# ------------------------------------------------------------------ parties

@pytest.mark.parametrize(
    "text, expected",
    [
        ("ELVL ja Tallinn", [("ELVL", None, "implementer"), ("Tallinn", "Tallinn", "municipality")]),
        ("ELVL, graafiline disainer, partnerid",
         [("ELVL", None, "implementer"), ("graafiline disainer", None, "other"), ("partnerid", None, "other")]),
        ("Eesti Linnade ja Valdade Liit", [("ELVL", None, "implementer")]),
        ("Tallinna linn", [("Tallinna linn", "Tallinn", "municipality")]),
        ("Kohtla-Järve linn; Jõhvi vald", [("Kohtla-Järve linn", "Kohtla-Järve linn", "municipality"), ("Jõhvi vald", "Jõhvi vald", "municipality")]),
    ],
)
def test_split_parties(text, expected):
    assert split_parties(text) == expected


@pytest.mark.parametrize(
    "name, official",
    [("Tallinna", "Tallinn"), ("Tartu linnas", "Tartu linn"), ("Saaremaa vallas", "Saaremaa vald"),
     ("Haapsalu", "Haapsalu linn"), ("Kohtla-Järvel linn", "Kohtla-Järve linn"), ("Pärnu linna", "Pärnu linn"),
     ("graafiline disainer", None), ("partner", None)],
)
def test_match_municipality(name, official):
    assert match_municipality(name) == official


# ------------------------------------------------------------------ check CLI

def test_check_on_clean_sample_exits_0(sample_db):
    result = run_cli("check", "--db", str(sample_db), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["errors"] == 0 and data["reconciliation"]
    assert {"table_no", "row_no", "rule", "severity", "message"} <= set(data["findings"][0])


def test_check_exits_1_on_errors(tmp_path):
    """A DOCX whose parent does not equal the sum of its children."""
    import docx

    d = docx.Document()
    d.add_paragraph("KINNITATUD kultuuriministri 25.03.2025 käskkirjaga nr 68")
    d.add_paragraph("LISA 1")
    d.add_paragraph("Toetatava tegevuse tegevuskava perioodil 01.01.2025 – 31.12.2025")
    d.add_heading("3.5.2.1 Teenused Tartu linnas", level=2)
    d.add_paragraph("Tabel 1. Tegevuste ajakava")
    t = d.add_table(rows=3, cols=5)
    for r, cells in enumerate([SCHEDULE_HEADER, row("3.5.2.1 Kokku", "100"), row("3.5.2.1.1 A", "90")]):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    path = tmp_path / "bad-sum.docx"
    d.save(path)
    db = tmp_path / "w.duckdb"
    assert run_cli(str(path), "--db", str(db), "--quiet").exit_code == 0
    result = run_cli("check", "--db", str(db))
    assert result.exit_code == 1
    assert "reconciliation" in result.output and "mismatch" in result.output


def test_a_second_table_with_the_same_number_is_reported_not_merged():
    d = doc_with([row("3.5.2.1 A", "1")])
    d.tables.append(RawTable(1, "Tabel 1. Tegevuste ajakava", SCHEDULE_HEADER, [RawRow(row("3.5.2.1 B", "2"))]))
    doc = normalize_document(d, "x", "x.docx")
    assert [a.label for a in doc.activities] == ["A"]
    assert any(f.rule == "duplicate_table" and f.severity == "error" for f in doc.findings)


def test_an_amount_outside_a_partners_total_is_a_finding():
    """A KOV's total is its table's top row with rows under it (kov_totals): an amount
    on another top-level row is in no total, and says so."""
    rows = [row("1. Ettevalmistus", "7"), row("3.5.2.1 Kokku", "30"), row("3.5.2.1.1 A", "30")]
    doc = normalize_document(doc_with(rows), "x", "x.docx")
    outside = [f for f in doc.findings if f.rule == "row_outside_total"]
    assert [(f.row_no, f.severity) for f in outside] == [(1, "warning")]
    assert "7.00" in outside[0].message and "row 2" in outside[0].message
    # one total and its rows: nothing to say
    doc = normalize_document(doc_with(rows[1:]), "x", "x.docx")
    assert not any(f.rule == "row_outside_total" for f in doc.findings)
    # the implementer's table (no KOV) has no total: its top rows stand side by side
    doc = normalize_document(doc_with(rows, heading="3.5.1 Elluviija tegevused"), "x", "x.docx")
    assert not any(f.rule == "row_outside_total" for f in doc.findings)
