"""Bad input: every broken, hostile or wrong file gets a one-line error naming the file
and the reason, a distinct exit code, and a warehouse exactly as it was."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import docx
import pytest

from tests.pdf_bytes import serialise
from tests.conftest import SAMPLES, refuse, run_cli

PDF = SAMPLES / "annex-2025.pdf"
DOCX = SAMPLES / "annex-2025.docx"


def test_empty_file(tmp_path, loaded_db):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    refuse(loaded_db, p, "empty")


def test_truncated_pdf(tmp_path, loaded_db):
    p = tmp_path / "truncated.pdf"
    data = PDF.read_bytes()
    p.write_bytes(data[: len(data) // 3])
    refuse(loaded_db, p, "PDF")


def test_random_bytes_named_pdf(tmp_path, loaded_db):
    p = tmp_path / "random.pdf"
    p.write_bytes(random.Random(7).randbytes(50_000))
    refuse(loaded_db, p, "unsupported format")


def test_pdf_header_with_garbage_inside(tmp_path, loaded_db):
    p = tmp_path / "garbage.pdf"
    p.write_bytes(b"%PDF-1.7\n" + random.Random(8).randbytes(20_000))
    refuse(loaded_db, p, "PDF")


@pytest.fixture(scope="module")
def encrypted_pdf(tmp_path_factory) -> Path:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(str(PDF)))
    w.encrypt(user_password="salajane", owner_password="omanik", algorithm="AES-128")
    p = tmp_path_factory.mktemp("enc") / "encrypted.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    return p


def test_encrypted_pdf_needs_password(tmp_path, loaded_db, encrypted_pdf):
    refuse(loaded_db, encrypted_pdf, "encrypted", "--password")
    refuse(loaded_db, encrypted_pdf, "encrypted", extra=("--password", "vale"))


def test_encrypted_pdf_with_its_password_loads(tmp_path, encrypted_pdf):
    db = tmp_path / "w.duckdb"
    result = run_cli(str(encrypted_pdf), "--db", str(db), "--password", "salajane", "-q")
    assert result.exit_code == 0, result.output


def test_image_only_pdf_says_it_needs_ocr(tmp_path, loaded_db):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(PDF))
    images = [pdf[i].render(scale=0.6).to_pil().convert("RGB") for i in range(2)]
    p = tmp_path / "scan.pdf"
    images[0].save(p, "PDF", save_all=True, append_images=images[1:])
    # A text engine asked for by name does not OCR (auto does: tests/test_ocr.py).
    refuse(loaded_db, p, "OCR", extra=("--engine", "pdfium"))


def _prose_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Koosoleku protokoll", level=1)
    d.add_paragraph("Arutati eelarvet. Tabelit ei ole.")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "a"
    d.save(path)
    return path


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return serialise(objs)


def test_docx_that_is_not_an_annex(tmp_path, loaded_db):
    refuse(loaded_db, _prose_docx(tmp_path / "protokoll.docx"), "does not look like an annex")


def test_pdf_that_is_not_an_annex(tmp_path, loaded_db):
    p = tmp_path / "letter.pdf"
    p.write_bytes(_minimal_pdf("Tere, see on lihtsalt kiri."))
    refuse(loaded_db, p, "does not look like an annex")


def _annex_without_table(no: int, path: Path) -> Path:
    from docx.oxml.ns import qn

    d = docx.Document(str(DOCX))
    body = d.element.body
    children = list(body.iterchildren())
    for i, el in enumerate(children):
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))).startswith(f"Tabel {no}."):
            nxt = next(c for c in children[i + 1:] if c.tag == qn("w:tbl"))
            body.remove(nxt)
            body.remove(el)
            break
    d.save(path)
    return path


def test_annex_with_a_table_missing(tmp_path):
    db = tmp_path / "w.duckdb"
    p = _annex_without_table(5, tmp_path / "partial.docx")
    result = run_cli(str(p), "--db", str(db))
    assert result.exit_code == 1, result.output
    assert "loaded" in result.output
    check = run_cli("check", "--db", str(db), "--json")
    assert '"missing_table"' in check.output and "Tabel 5 was not found" in check.output
    db2 = tmp_path / "w2.duckdb"
    assert run_cli(str(p), "--db", str(db2), "--allow-partial", "-q").exit_code == 0


def test_docx_renamed_to_pdf_and_pdf_renamed_to_docx(tmp_path):
    a, b = tmp_path / "really-a-docx.pdf", tmp_path / "really-a-pdf.docx"
    shutil.copy(DOCX, a)
    shutil.copy(PDF, b)
    db = tmp_path / "w.duckdb"
    result = run_cli(str(a), str(b), "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    # One content, so one version carried by both files (document_files), each with its format.
    assert dict(con.execute("SELECT file_name, source_format FROM document_files").fetchall()) == {
        "really-a-docx.pdf": "docx", "really-a-pdf.docx": "pdf"}


def test_unsupported_format(tmp_path, loaded_db):
    p = tmp_path / "notes.txt"
    p.write_text("Tabel 1. Tegevuste ajakava\n")
    refuse(loaded_db, p, "unsupported format")
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    refuse(loaded_db, png, "unsupported format")


def test_missing_file_and_directory(tmp_path, loaded_db):
    refuse(loaded_db, tmp_path / "nope.pdf", "no such file")
    refuse(loaded_db, tmp_path, "directory")


def test_limits_are_named_in_the_error(tmp_path, loaded_db):
    refuse(loaded_db, PDF, "--max-file-mb", extra=("--max-file-mb", "0.01", "--force"))
    refuse(loaded_db, PDF, "--max-pages", extra=("--max-pages", "5", "--force"))
    refuse(loaded_db, PDF, "--timeout", extra=("--timeout", "0.05", "--force"))


def test_internal_error_is_caught_and_logged(tmp_path, monkeypatch, read_in_process):
    import pipeline.file

    def boom(*a, **k):
        raise ZeroDivisionError("a bug")

    # read_in_process: workers would not see the patch (a worker's own errors are
    # tested in test_limits.py).
    monkeypatch.setattr(pipeline.file, "normalize_document", boom)
    monkeypatch.setenv("ANNEX_LOG_DIR", str(tmp_path))
    db = tmp_path / "w.duckdb"
    result = run_cli(str(DOCX), "--db", str(db))
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    assert "internal error" in result.output and str(tmp_path / "annex-extract.log") in result.output
    assert "ZeroDivisionError" in (tmp_path / "annex-extract.log").read_text()
    assert not db.exists()
    result = run_cli(str(DOCX), "--db", str(db), "--debug")
    assert "Traceback" in result.output


def test_not_a_duckdb_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_text("this is not a database")
    result = run_cli(str(DOCX), "--db", str(db))
    assert result.exit_code == 4
    assert db.read_text() == "this is not a database"


def test_an_unexpected_error_in_any_command_is_one_line(tmp_path, monkeypatch):
    import load.diff

    def boom(*a, **k):
        raise RuntimeError("bug")

    db = tmp_path / "w.duckdb"
    run_cli(str(DOCX), "--db", str(db), "-q")
    monkeypatch.setattr(load.diff, "newest_pairs", boom)
    monkeypatch.setenv("ANNEX_LOG_DIR", str(tmp_path))
    result = run_cli("diff", "--db", str(db))
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    assert "internal error" in result.output and "annex-extract.log" in result.output
