"""The DOCX path on DOCX as Word and LibreOffice write it (issue 18).

Every variant is the sample annex rewritten by samples/build/docx_variants.py (content
controls, customXml, smart tags, hyperlinks, fields, split runs, tabs and soft breaks,
tracked changes, LibreOffice's DOCX writer, .odt) and must load exactly what the
transcription says: the original's, or the amendment's when its tracked changes are
accepted.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from lxml import etree

from extract.docx_engine import DocxLimitError, DocxLimits, read_docx
from extract.reader import sniff_format
from tests.conftest import ROOT, SAMPLES, query, run_cli
from tests.expectations import EXPECTED_ON_SAMPLE, compare, row_findings

_spec = importlib.util.spec_from_file_location("docx_variants", ROOT / "samples" / "build" / "docx_variants.py")
dv = sys.modules.setdefault("docx_variants", importlib.util.module_from_spec(_spec))
if not hasattr(dv, "VARIANTS"):
    _spec.loader.exec_module(dv)

AMENDED = json.loads((SAMPLES / "transcription" / "annex-2025-amended.json").read_text("utf-8"))
AMENDMENT = json.loads((SAMPLES / "amendment.json").read_text("utf-8"))
W = "{%s}" % dv.W_NS
SEED = 18
VARIANTS = {v.name: v for v in dv.VARIANTS}


@pytest.fixture(scope="session")
def variant_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docx-variants")


_built: dict[str, Path] = {}


def build(name: str, out_dir: Path) -> Path:
    """Each variant once per session."""
    if name not in _built:
        v = VARIANTS[name]
        if v.needs_soffice:
            from extract.soffice import find_soffice

            if find_soffice() is None:
                pytest.fail("soffice not found: apt-get install libreoffice-writer-nogui")
        _built[name] = v.build(out_dir, SEED)
    return _built[name]


def ingest(path: Path, db: Path, *args: str):
    return run_cli(str(path), "--db", str(db), "--quiet", *args)


def findings(db: Path) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("SELECT table_no, row_no, rule, severity FROM validation_issues").fetchall())
    finally:
        con.close()


# ---------------------------------------------------------------- content controls and friends

def test_table_inside_block_content_control(variant_dir, db, transcription):
    path = build("sdt-table-9", variant_dir)
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    # Tabel 9's table really stands inside a content control, not in the body.
    in_sdt = root.findall(f".//{W}sdtContent/{W}tbl")
    assert len(in_sdt) == 1 and "Tartu piirkonnas" in "".join(in_sdt[0].itertext())
    assert len(root.findall(f"{W}body/{W}tbl")) == 16
    result = ingest(path, db)
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []


@pytest.mark.parametrize(
    "name",
    ["sdt-blocks", "customxml-blocks", "sdt-rows-cells", "inline-wrappers", "fields", "split-runs-tabs-breaks",
     "everything"],
)
def test_word_markup_variants_load_the_transcription(name, variant_dir, db, transcription):
    result = ingest(build(name, variant_dir), db)
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []
    # The sample's anomalies as written down by hand: nothing lost, nothing invented.
    assert row_findings(db) == EXPECTED_ON_SAMPLE


def test_field_instruction_is_not_read_as_text(variant_dir):
    path = build("fields", variant_dir)
    with zipfile.ZipFile(path) as zf:
        assert b"DOCPROPERTY" in zf.read("word/document.xml")
    doc = read_docx(path)
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    assert cells and not any("DOCPROPERTY" in c or "12345" in c for c in cells)
    assert not any("DOCPROPERTY" in b.text for b in doc.blocks)


# ---------------------------------------------------------------- tracked changes

def _tracked_note(db) -> tuple[str, str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT severity, message, raw_text FROM validation_issues WHERE rule = 'tracked_changes'"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 1, rows
    return rows[0]


def _amended_tables() -> list[int]:
    return sorted({e["table_no"] for e in AMENDMENT["edits"]})


def test_tracked_changes_accepted_is_the_amendment(variant_dir, db):
    path = build("tracked-accepted", variant_dir)
    result = ingest(path, db)
    assert result.exit_code == 0, result.output
    assert compare(db, AMENDED) == []
    severity, message, detail = _tracked_note(db)
    assert severity == "warning"
    # In which tables: exactly those the amendment edits, plus the approval line.
    places = ", ".join(f"Tabel {n}" for n in _amended_tables())
    assert f"in {places}, text outside tables;" in message
    added = [e["table_no"] for e in AMENDMENT["edits"] if e["kind"] == "added"]
    removed = [e["table_no"] for e in AMENDMENT["edits"] if e["kind"] == "removed"]
    assert "1 inserted row" in message and "1 deleted row" in message
    assert f"Tabel {added[0]}: " in detail and "1 inserted row" in detail.split(f"Tabel {added[0]}: ")[1].split(";")[0]
    assert "1 deleted row" in detail.split(f"Tabel {removed[0]}: ")[1].split(";")[0]
    con = duckdb.connect(str(db), read_only=True)
    amended_by = con.execute("SELECT amended_by_no, amended_by_date::VARCHAR FROM documents").fetchone()
    con.close()
    meta = AMENDMENT["amended_by"]
    assert amended_by == (meta["directive_no"], meta["directive_date"])


def test_committed_tracked_sample_is_the_generators(tmp_path):
    """samples/annex-2025-tracked.docx is what the generator builds (no hand edits)."""
    assert dv.tracked_docx(tmp_path / "t.docx").read_bytes() == dv.TRACKED_SAMPLE.read_bytes()


def test_tracked_changes_original_is_the_text_before(variant_dir, db, transcription):
    path = build("tracked-original", variant_dir)
    result = ingest(path, db, "--revisions", "original")
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []
    severity, message, _ = _tracked_note(db)
    assert severity == "warning" and "before the changes" in message
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT amended_by_no FROM documents").fetchone() == (None,)
    con.close()


def test_moved_text_is_read_once(tmp_path):
    """A move: the text at its old place (w:moveFrom) and at its new one (w:moveTo)."""
    members, root = dv.read_docx_xml(dv.ORIGINAL)
    tbl = dv._tables(root)[9]
    row = tbl.findall(f"{W}tr")[1]
    first, second = row.findall(f"{W}tc")[:2]
    run = first.find(f".//{W}r")
    moved = dv.el("moveTo", id=1, author="x", date=dv.REV_DATE)
    moved.append(etree.fromstring(etree.tostring(run)))
    gone = dv.el("moveFrom", id=2, author="x", date=dv.REV_DATE)
    second.find(f"{W}p").append(moved)  # the first cell's text, moved into the second
    run.getparent().replace(run, gone)
    gone.append(run)
    path = dv.write_docx(members, root, tmp_path / "moved.docx")
    accepted, original = read_docx(path), read_docx(path, revisions="original")
    a, o = accepted.table(9).rows[0].cells, original.table(9).rows[0].cells
    assert a[0] == "" and a[1] == "01.01.2023-31.12.2025" + o[0]
    assert o[1] == "01.01.2023-31.12.2025" and o[0].startswith("3.5.2.1 ")
    assert "1 move" in next(n.message for n in accepted.notes if n.rule == "tracked_changes")


# ---------------------------------------------------------------- what cannot be placed

def _sample_with(tmp_path: Path, edit) -> Path:
    members, root = dv.read_docx_xml(dv.ORIGINAL)
    edit(root)
    return dv.write_docx(members, root, tmp_path / "edited.docx")


def test_nested_table_is_reported_not_flattened(tmp_path, db, transcription):
    def nest(root):
        cell = dv._tables(root)[5].findall(f"{W}tr")[1].findall(f"{W}tc")[-1]
        inner = etree.fromstring(etree.tostring(dv._tables(root)[2]))  # a whole other table
        cell.append(inner)
        cell.append(dv.el("p"))

    result = ingest(_sample_with(tmp_path, nest), db)
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    counts = dict(con.execute("SELECT table_no, row_count FROM annex_tables").fetchall())
    rules = con.execute("SELECT table_no, severity FROM validation_issues WHERE rule = 'nested_table'").fetchall()
    con.close()
    assert counts == {int(k): len(t["rows"]) for k, t in transcription["tables"].items()}
    assert rules == [(5, "warning")]
    problems = compare(db, transcription)
    # Only the one cell that holds the nested table differs.
    assert len(problems) == 1 and problems[0].startswith("Tabel 5 row 1 "), problems


def test_alt_chunk_is_reported(tmp_path, db, transcription):
    def chunk(root):
        ac = dv.el("altChunk")
        ac.set(f"{{{dv.R_NS}}}id", "rIdChunk1")
        dv.body(root).insert(3, ac)

    result = ingest(_sample_with(tmp_path, chunk), db)
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []
    assert (None, None, "alt_chunk", "warning") in findings(db)


def test_content_control_placeholder_is_not_text(tmp_path, db, transcription):
    """A content control nobody filled in shows a prompt; the prompt is not a value."""
    def placeholder(root):
        cell = dv._tables(root)[9].findall(f"{W}tr")[1].findall(f"{W}tc")[3]  # Tabel 9 row 1's amount
        run = cell.find(f".//{W}r")
        run.find(f"{W}t").text = "Klõpsake või toksake siin teksti sisestamiseks."
        dv.wrap_in_sdt(run)
        run.getparent().getparent().find(f"{W}sdtPr").append(dv.el("showingPlcHdr"))

    result = ingest(_sample_with(tmp_path, placeholder), db)
    assert result.exit_code == 0, result.output
    got = findings(db)
    assert (9, None, "content_control_placeholder", "warning") in got
    assert (9, 1, "empty_amount", "warning") in got
    assert compare(db, transcription) == ["Tabel 9 row 1 amount_eur: got None, expected Decimal('93988.53')"]


def test_huge_grid_span_is_refused_in_one_line(tmp_path, db):
    def span(root):
        tc = dv._tables(root)[1].findall(f"{W}tr")[1].find(f"{W}tc")
        tc.find(f"{W}tcPr").append(dv.el("gridSpan", val=10**9))

    result = ingest(_sample_with(tmp_path, span), db)
    assert result.exit_code == 3
    line = result.output.strip()
    assert "\n" not in line and "spanning 1000000000 columns (w:gridSpan), over the limit of 64" in line
    assert not db.exists()


def test_row_and_paragraph_caps(transcription):
    # The first table whose rows (one header row + its data rows) exceed 10.
    first = next(int(k) for k, t in transcription["tables"].items() if len(t["rows"]) + 1 > 10)
    with pytest.raises(DocxLimitError, match=f"^Tabel {first} has more than 10 rows"):
        read_docx(dv.ORIGINAL, limits=DocxLimits(max_rows_per_table=10))
    with pytest.raises(DocxLimitError, match="more than 100 paragraphs"):
        read_docx(dv.ORIGINAL, limits=DocxLimits(max_paragraphs=100))


# ---------------------------------------------------------------- LibreOffice: DOCX writer, .odt

@pytest.mark.parametrize("name, fmt", [("libreoffice-docx", "docx"), ("odt", "odt")])
def test_libreoffice_files_load_the_transcription(name, fmt, variant_dir, db, transcription):
    path = build(name, variant_dir)
    renamed = path.with_name(f"{name}.bin")  # detected by content, not by name
    renamed.write_bytes(path.read_bytes())
    assert sniff_format(renamed) == fmt
    result = ingest(renamed, db)
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT source_format FROM documents").fetchone() == (fmt,)
    con.close()
    assert row_findings(db) == EXPECTED_ON_SAMPLE


def test_odt_inside_a_digidoc_container_is_the_annex(variant_dir, db, transcription, tmp_path):
    """An .asice whose data file is an .odt (DigiDoc4 signs any file): the .odt is
    picked as the annex, read through LibreOffice and held to the transcription."""
    odt = build("odt", variant_dir)
    box = tmp_path / "lisa.asice"
    with zipfile.ZipFile(box, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.etsi.asic-e+zip")
        zf.writestr("Lisa 1.odt", odt.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    result = ingest(box, db)
    assert result.exit_code == 0, result.output
    assert compare(db, transcription) == []
    assert query(db, "SELECT source_format, container, member FROM document_files") == [("odt", "asice", "Lisa 1.odt")]


def test_odt_without_libreoffice_says_what_to_install(tmp_path, db, monkeypatch, read_in_process):
    path = tmp_path / "lisa.odt"  # an OpenDocument text by its first member, as the format requires
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("content.xml", "<office:document-content/>")
    import extract.soffice

    monkeypatch.setattr(extract.soffice, "find_soffice", lambda: None)
    result = ingest(path, db)
    assert result.exit_code == 3
    line = result.output.strip()
    assert "\n" not in line
    assert line.endswith("is an OpenDocument text (.odt); reading it needs LibreOffice "
                         "(apt-get install libreoffice-writer-nogui), or save it as DOCX or PDF")


def test_old_binary_office_files_by_content(tmp_path):
    """OLE2 files: a Word 97-2003 document is read (through LibreOffice), an
    encrypted OOXML file is refused, any other one (.xls) is refused."""
    from extract.reader import InputError

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600

    def file(name: str, stream: str) -> Path:
        p = tmp_path / name
        p.write_bytes(ole + stream.encode("utf-16-le") + b"\0" * 100)
        return p

    assert sniff_format(file("a.bin", "WordDocument")) == "doc"
    with pytest.raises(InputError, match="password-protected"):
        sniff_format(file("b.docx", "EncryptedPackage"))
    with pytest.raises(InputError, match="not a Word document"):
        sniff_format(file("c.doc", "Workbook"))
