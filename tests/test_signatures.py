"""Signed input: PAdES signatures in PDFs, DigiDoc (ASiC-E) containers, hostile ZIPs.

The expected signer and times are those of the TEST certificate and the fixed
times in tests/signing/make_signed_samples.py (see tests/signing/README.md), not
whatever the code reports.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import zipfile
from pathlib import Path

import duckdb
import pytest

from extract.reader import InputError
from tests.conftest import SAMPLES, query, run_cli
from tests.expectations import compare

SIGNING = Path(__file__).resolve().parent / "signing"
SIGNER_CN = "MAASIKAS,MARI,48001019909"
# The CN of an Estonian ID-card certificate carries the personal identification code;
# the warehouse keeps it in a column of its own (personal data, left out of exports).
SIGNER_NAME, SIGNER_CODE = "MAASIKAS,MARI", "48001019909"
PDF_SIGNED_AT = dt.datetime(2025, 3, 25, 8, 15)  # 10:15 +02:00, stored as UTC
XADES_SIGNED_AT = dt.datetime(2025, 3, 25, 8, 20)  # 2025-03-25T08:20:00Z

UNSIGNED_PDF = SAMPLES / "annex-2025.pdf"
SIGNED_PDF = SAMPLES / "annex-2025-signed.pdf"
MODIFIED_PDF = SAMPLES / "annex-2025-signed-modified.pdf"
ASICE = SAMPLES / "annex-2025.asice"
DOCX = SAMPLES / "annex-2025.docx"
ASICE_MIME = b"application/vnd.etsi.asic-e+zip"

# The provenance query of the README: who signed the latest version of each annex, and when.
PROVENANCE_SQL = """
SELECT d.annex_key, d.version, f.file_name, f.container,
       s.signer, s.signing_time, s.intact, s.covers_whole_file, s.note
FROM latest_documents d
JOIN document_files f USING (document_id)
LEFT JOIN signatures s ON s.sha256 = f.sha256
ORDER BY d.annex_key, f.file_name, s.signing_time
"""


def _signatures(db: Path) -> list[tuple]:
    return query(db, "SELECT signer, signing_time, intact, covers_whole_file, container, note, personal_code FROM signatures")


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    return query(db, "SELECT count(*) FROM documents")[0][0]


def _issues(db: Path) -> list[tuple]:
    return query(db, "SELECT rule, severity, message FROM validation_issues WHERE table_no IS NULL")


def _error_line(result) -> str:
    """The error as printed, with the console's line wrapping undone."""
    return " ".join(result.stderr.split())


# ------------------------------------------------------------------ the test material

def test_test_certificate_is_the_documented_test_identity():
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_pem_x509_certificate((SIGNING / "test-signer-cert.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SIGNER_CN
    assert "TEST" in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert "TEST MATERIAL ONLY" in (SIGNING / "README.md").read_text("utf-8")


# ------------------------------------------------------------------ PDF signatures, function level

def test_unsigned_pdf_reads_as_unsigned():
    from extract.signatures import SignatureInfo, read_pdf_signatures

    assert read_pdf_signatures(UNSIGNED_PDF) == [SignatureInfo(None, None, None, None, None, "unsigned")]


def test_signed_pdf_signature():
    from extract.signatures import read_pdf_signatures
    from normalize.signatures import signature_findings

    [sig] = read_pdf_signatures(SIGNED_PDF)
    assert (sig.signer, sig.signing_time, sig.intact, sig.covers_whole_file, sig.container) == (
        SIGNER_NAME, PDF_SIGNED_AT, True, True, "pdf",
    )
    assert "certificate chain not verified" in sig.note
    assert signature_findings([sig]) == []


def test_modified_pdf_signature_no_longer_matches():
    from extract.signatures import read_pdf_signatures
    from normalize.signatures import signature_findings

    [sig] = read_pdf_signatures(MODIFIED_PDF)
    assert (sig.signer, sig.signing_time, sig.intact, sig.covers_whole_file, sig.container) == (
        SIGNER_NAME, PDF_SIGNED_AT, False, True, "pdf",
    )
    [finding] = signature_findings([sig])
    assert (finding.rule, finding.severity) == ("signature_modified", "error")
    assert SIGNER_NAME in finding.message and SIGNER_CODE not in finding.message


def _append_incremental_update(src: Path, dst: Path) -> None:
    """What an editor does to a signed PDF: a new revision appended after the signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with open(src, "rb") as fh:
        w = IncrementalPdfFileWriter(fh, strict=False)
        w.root["/Lang"] = generic.TextStringObject("et-EE")
        w.update_root()
        with open(dst, "wb") as out:
            w.write(out)


def test_update_after_signing_is_partial_coverage(tmp_path):
    from extract.signatures import read_pdf_signatures
    from normalize.signatures import signature_findings

    updated = tmp_path / "updated.pdf"
    _append_incremental_update(SIGNED_PDF, updated)
    [sig] = read_pdf_signatures(updated)
    assert (sig.signer, sig.intact, sig.covers_whole_file) == (SIGNER_NAME, True, False)
    [finding] = signature_findings([sig])
    assert (finding.rule, finding.severity) == ("signature_partial", "warning")


def test_unparseable_signed_pdf_is_noted_not_raised(tmp_path):
    from extract.signatures import read_pdf_signatures

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <</Type/Sig/ByteRange [0 10 20 30]/Contents <00>>> endobj\n%%EOF\n")
    [sig] = read_pdf_signatures(bad)
    assert sig.note.startswith("signatures not readable: ")
    assert (sig.signer, sig.intact, sig.covers_whole_file) == (None, None, None)


def test_unsigned_check_does_not_parse_the_pdf(monkeypatch):
    """An unsigned PDF is settled by a byte search; pyHanko's reader never runs."""
    import pyhanko.pdf_utils.reader as reader

    from extract.signatures import read_pdf_signatures

    def boom(*a, **k):
        raise AssertionError("parsed an unsigned PDF")

    monkeypatch.setattr(reader, "PdfFileReader", boom)
    assert read_pdf_signatures(UNSIGNED_PDF)[0].note == "unsigned"


def test_require_intact():
    from extract.signatures import SignatureInfo, read_pdf_signatures, require_intact

    with pytest.raises(InputError, match=r"is not signed \(--require-signature\)"):
        require_intact("a.pdf", read_pdf_signatures(UNSIGNED_PDF))
    with pytest.raises(InputError, match=r"is not signed"):
        require_intact("a.docx", [])
    with pytest.raises(InputError, match=r"was changed after it was signed \(--require-signature\)"):
        require_intact("a.pdf", read_pdf_signatures(MODIFIED_PDF))
    require_intact("a.pdf", read_pdf_signatures(SIGNED_PDF))
    xades = SignatureInfo(SIGNER_CN, XADES_SIGNED_AT, None, None, "asice", "XAdES signature not verified")
    require_intact("a.asice", [xades])


# ------------------------------------------------------------------ PDF through the CLI
# These need the PDF table path (extract/pdf); the --require-signature refusals do not,
# since the signature is checked before the tables are read.

def test_cli_unsigned_pdf_records_unsigned(db):
    result = run_cli(str(UNSIGNED_PDF), "--db", str(db), "--quiet", "--allow-partial")
    assert result.exit_code == 0, result.output
    assert _signatures(db) == [(None, None, None, None, None, "unsigned", None)]
    assert ("unsigned", "info", "the file is not signed") in _issues(db)


def test_cli_signed_pdf(db):
    result = run_cli(str(SIGNED_PDF), "--db", str(db), "--quiet", "--allow-partial")
    assert result.exit_code == 0, result.output
    [row] = _signatures(db)
    assert row[:5] == (SIGNER_NAME, PDF_SIGNED_AT, True, True, "pdf")
    assert "certificate chain not verified" in row[5]
    assert not [i for i in _issues(db) if i[0].startswith("signature")]


def test_cli_modified_pdf_is_reported(tmp_path):
    signed_db, modified_db = tmp_path / "s.duckdb", tmp_path / "m.duckdb"
    signed = run_cli(str(SIGNED_PDF), "--db", str(signed_db), "--json", "--allow-partial")
    modified = run_cli(str(MODIFIED_PDF), "--db", str(modified_db), "--json", "--allow-partial")
    assert signed.exit_code == 0 and modified.exit_code == 0, modified.output
    [row] = _signatures(modified_db)
    assert row[:5] == (SIGNER_NAME, PDF_SIGNED_AT, False, True, "pdf")
    assert [i[:2] for i in _issues(modified_db) if i[0].startswith("signature")] == [("signature_modified", "error")]
    # the summary counts it: one error more than the intact file
    errors = lambda r: json.loads(r.stdout)["files"][0]["findings"].get("error", 0)  # noqa: E731
    assert errors(modified) == errors(signed) + 1


def test_cli_require_signature_accepts_signed_pdf(db):
    result = run_cli(str(SIGNED_PDF), "--db", str(db), "--quiet", "--allow-partial", "--require-signature")
    assert result.exit_code == 0, result.output
    assert _documents(db) == 1


@pytest.mark.parametrize(
    "path, reason",
    [
        (UNSIGNED_PDF, "is not signed (--require-signature)"),
        (MODIFIED_PDF, "was changed after it was signed (--require-signature)"),
        (DOCX, "is not signed (--require-signature)"),
    ],
)
def test_cli_require_signature_refuses(db, path, reason):
    # a warehouse that already holds something stays as it was
    assert run_cli(str(ASICE), "--db", str(db), "--quiet").exit_code == 0
    before = _documents(db)
    result = run_cli(str(path), "--db", str(db), "--require-signature")
    assert result.exit_code == 3, result.output
    assert f"{path}: {reason}" in _error_line(result)
    assert _documents(db) == before == 1


# ------------------------------------------------------------------ the .asice sample

def test_asice_records_the_xades_signer(db, transcription):
    result = run_cli(str(ASICE), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    [row] = _signatures(db)
    assert row[:5] == (SIGNER_NAME, XADES_SIGNED_AT, None, None, "asice")
    assert row[6] == SIGNER_CODE
    assert "XAdES signature not verified" in row[5] and "certificate chain not verified" in row[5]
    con = duckdb.connect(str(db), read_only=True)
    doc = con.execute("SELECT file_name, container, source_format FROM documents").fetchone()
    con.close()
    assert doc == ("annex-2025.asice", "asice", "docx")
    # the annex inside is the sample DOCX, read in full
    assert compare(db, transcription) == []


def test_asice_require_signature_accepts_the_unverified_signature(db):
    result = run_cli(str(ASICE), "--db", str(db), "--quiet", "--require-signature")
    assert result.exit_code == 0, result.output


def test_provenance_query(db):
    assert run_cli(str(ASICE), "--db", str(db), "--quiet").exit_code == 0
    result = run_cli("sql", PROVENANCE_SQL, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["file_name"] == "annex-2025.asice" and row["container"] == "asice"
    assert row["signer"] == SIGNER_NAME and row["signing_time"].startswith("2025-03-25")


# ------------------------------------------------------------------ building containers

def _xades(data_name: str, cn_subject: str = "CN=TAMM\\,JAAN\\,38001019908,C=EE") -> bytes:
    """A minimal XAdES file naming its signer by X509SubjectName only."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"
  xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#">
<ds:Signature Id="S1"><ds:SignedInfo><ds:Reference URI="{data_name}"/></ds:SignedInfo>
<ds:SignatureValue>AA==</ds:SignatureValue>
<ds:KeyInfo><ds:X509Data><ds:X509SubjectName>{cn_subject}</ds:X509SubjectName></ds:X509Data></ds:KeyInfo>
<ds:Object><xades:QualifyingProperties><xades:SignedProperties><xades:SignedSignatureProperties>
<xades:SigningTime>2025-04-01T12:00:00+03:00</xades:SigningTime>
</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object>
</ds:Signature></asic:XAdESSignatures>""".encode()


def _container(path: Path, entries: list[tuple[str, bytes]], mimetype: bytes = ASICE_MIME) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, first
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_member_choice(tmp_path, db):
    docx = DOCX.read_bytes()
    two = _container(tmp_path / "two.asice", [("a.docx", docx), ("b.docx", docx),
                                               ("META-INF/signatures0.xml", _xades("b.docx"))])
    result = run_cli(str(two), "--db", str(db))
    assert result.exit_code == 3
    line = _error_line(result)
    assert str(two) in line and "a.docx" in line and "b.docx" in line and "--member" in line

    result = run_cli(str(two), "--db", str(db), "--member", "nope.docx")
    assert result.exit_code == 3 and "nope.docx" in _error_line(result) and "a.docx, b.docx" in _error_line(result)

    result = run_cli(str(two), "--db", str(db), "--quiet", "--member", "b.docx")
    assert result.exit_code == 0, result.output
    [row] = _signatures(db)
    # signer from X509SubjectName, time converted to UTC; b.docx is listed as signed
    assert row[:5] == ("TAMM,JAAN", dt.datetime(2025, 4, 1, 9, 0), None, None, "asice")
    assert row[6] == "38001019908"


def test_member_named_like_the_annex_is_chosen(tmp_path):
    from extract.container import open_container

    docx = DOCX.read_bytes()
    c = _container(tmp_path / "k.asice", [("kaaskiri.docx", docx), ("Lisa 1.docx", docx), ("Lisa 2.docx", docx)])
    path, fmt, container = open_container(c)
    assert (path.name, fmt, container.member) == ("Lisa 1.docx", "docx", "Lisa 1.docx")
    # no signature file at all: recorded as an unsigned container
    assert [(s.container, s.note) for s in container.signatures] == [("asice", "unsigned")]


def test_signature_not_listing_the_member_does_not_cover_it(tmp_path):
    from extract.container import open_container
    from normalize.signatures import signature_findings

    c = _container(tmp_path / "c.asice", [("Lisa 1.docx", DOCX.read_bytes()),
                                          ("META-INF/signatures0.xml", _xades("other.pdf"))])
    _, _, container = open_container(c)
    [sig] = container.signatures
    assert sig.covers_whole_file is False and "does not list Lisa 1.docx" in sig.note
    assert [f.rule for f in signature_findings([sig])] == ["signature_partial"]


def test_signed_pdf_in_a_container_has_both_signatures(tmp_path):
    from extract.container import open_container

    c = _container(tmp_path / "p.asice", [("annex.pdf", SIGNED_PDF.read_bytes()),
                                          ("META-INF/signatures0.xml", _xades("annex.pdf"))])
    path, fmt, container = open_container(c)
    assert fmt == "pdf" and path.read_bytes() == SIGNED_PDF.read_bytes()
    got = sorted((s.container, s.signer, s.intact, s.covers_whole_file) for s in container.signatures)
    assert got == [("asice", "TAMM,JAAN", None, None), ("pdf", SIGNER_NAME, True, True)]


def test_member_temp_file_is_replaced_not_accumulated(tmp_path):
    from extract.container import open_container

    first, _, _ = open_container(ASICE)
    second, _, _ = open_container(_container(tmp_path / "x.asice", [("Lisa.docx", DOCX.read_bytes())]))
    assert first.parent == second.parent and not first.exists() and second.exists()


# ------------------------------------------------------------------ hostile ZIPs

def _patch_declared_size(path: Path, name: str, size: int) -> None:
    """Make the ZIP claim `size` uncompressed bytes for `name` (local and central headers)."""
    data = bytearray(path.read_bytes())
    raw = name.encode()
    for sig, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            if data[at + name_at: at + name_at + len(raw)] == raw:
                data[at + size_at: at + size_at + 4] = struct.pack("<I", size)
            at += 4
    path.write_bytes(bytes(data))


def _hostile(tmp_path: Path, kind: str) -> tuple[Path, str]:
    from extract import container as c

    docx = DOCX.read_bytes()
    p = tmp_path / f"{kind}.asice"
    if kind == "traversal":
        _container(p, [("annex.docx", docx), ("../x", b"owned")])
        return p, "points outside the container ('../x')"
    if kind == "absolute":
        _container(p, [("annex.docx", docx), ("/tmp/annex-etl-absolute-x", b"owned")])
        return p, "absolute path ('/tmp/annex-etl-absolute-x')"
    if kind == "oversized":
        _container(p, [("annex.docx", docx), ("big.xml", b"<x/>")])
        declared = c.MAX_TOTAL_BYTES + 100 * 1024 * 1024
        _patch_declared_size(p, "big.xml", declared)
        return p, f"container entry 'big.xml' declares {declared / 1024 / 1024:.1f} MiB uncompressed, over the limit of"
    if kind == "liar":  # declares fewer bytes than it holds
        _container(p, [("annex.docx", docx)])
        _patch_declared_size(p, "annex.docx", 1000)
        return p, "'annex.docx'"
    if kind == "bomb":
        _container(p, [("annex.docx", docx), ("bomb.xml", bytes(50 * 1024 * 1024))])
        return p, "'bomb.xml' is compressed"
    if kind == "many":
        _container(p, [("annex.docx", docx)] + [(f"f{i}.txt", b"") for i in range(c.MAX_ENTRIES)])
        return p, f"entries in the container, over the limit of {c.MAX_ENTRIES}"
    if kind == "mimetype":
        _container(p, [("annex.docx", docx)], mimetype=b"application/vnd.etsi.asic-s+zip")
        return p, "is not an ASiC-E container (mimetype 'application/vnd.etsi.asic-s+zip')"
    if kind == "symlink":
        _container(p, [("annex.docx", docx)])
        with zipfile.ZipFile(p, "a") as zf:
            info = zipfile.ZipInfo("link.docx")
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
        return p, "symbolic link ('link.docx')"
    if kind == "duplicate":
        _container(p, [("annex.docx", docx)])
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            with zipfile.ZipFile(p, "a") as zf:
                zf.writestr("annex.docx", b"something else")
        return p, "two container entries named 'annex.docx'"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["traversal", "absolute", "oversized", "liar", "bomb", "many", "mimetype", "symlink", "duplicate"]
)
def test_hostile_container_is_refused(tmp_path, db, kind):
    path, reason = _hostile(tmp_path, kind)
    result = run_cli(str(path), "--db", str(db))
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    line = _error_line(result)
    assert line.startswith(f"error: {path}: "), line
    assert reason in line
    assert len(lines) == 1, lines
    assert _documents(db) == 0
    assert not (tmp_path.parent / "x").exists() and not Path("/tmp/annex-etl-absolute-x").exists()


def test_hostile_names_refused_at_function_level(tmp_path):
    from extract.container import open_container

    for kind in ("traversal", "absolute", "symlink"):
        path, reason = _hostile(tmp_path, kind)
        with pytest.raises(InputError) as exc:
            open_container(path)
        assert reason in exc.value.reason and exc.value.path == str(path)
