"""Hostile inputs, made on the fly for the tests and the benchmark (none is committed).

Each is small on disk and expensive to read naively: the shapes an adversarial pass
over the project found (issue 17)."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from tests.pdf_bytes import serialise

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DOCX = SAMPLES / "annex-2025.docx"
_CHUNK = 1 << 24


def rewrite_zip(src: Path, dest: Path, *, replace=None, add=()) -> Path:
    """A copy of the ZIP `src` with parts replaced (name -> fn(bytes)) or added."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in replace:
                data = replace[info.filename](data)
            zout.writestr(info.filename, data)
        for name, data in add:
            zout.writestr(name, data)
    return dest


def zero_part_docx(dest: Path, mib: int = 8, name: str = "word/media/image1.png") -> Path:
    """A DOCX with a zero-filled part: ~1000:1 (1536 MiB make the issue's 1.6 MB file)."""
    rewrite_zip(DOCX, dest)
    with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as z, z.open(name, "w", force_zip64=True) as fh:
        left = mib * 1024 * 1024
        zeros = bytes(min(left, _CHUNK))
        while left > 0:
            fh.write(zeros[: min(left, _CHUNK)])
            left -= _CHUNK
    return dest


def empty_paragraphs_docx(dest: Path, n: int = 20_000_000) -> Path:
    """The sample with `n` empty paragraphs added to its body (the issue's 236 KB file)."""
    with zipfile.ZipFile(DOCX) as zin:
        xml = zin.read("word/document.xml").decode("utf-8")
    head, tail = xml.rsplit("<w:sectPr", 1)
    with zipfile.ZipFile(DOCX) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode("utf-8"))
            block = b"<w:p/>" * 1_000_000
            for _ in range(n // 1_000_000):
                fh.write(block)
            fh.write(b"<w:p/>" * (n % 1_000_000))
            fh.write(("<w:sectPr" + tail).encode("utf-8"))
    return dest


def document_xml(fn):
    return {"word/document.xml": lambda b: fn(b.decode("utf-8")).encode("utf-8")}


def gridspan_docx(dest: Path) -> Path:
    """One cell spanning a billion grid columns (7.8 GB before the limits)."""
    return rewrite_zip(DOCX, dest, replace=document_xml(
        lambda x: x.replace("<w:tc>", '<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr>', 1)))


def dtd_docx(dest: Path) -> Path:
    """A DTD declaring an entity that python-docx would drop ("ELVL &foo;" -> "ELVL")."""
    def add_dtd(x: str) -> str:
        decl_end = x.index("?>") + 2
        x = x[:decl_end] + '<!DOCTYPE w:document [<!ENTITY foo "peidetud">]>' + x[decl_end:]
        return x.replace(">ELVL<", ">ELVL &foo;<", 1)
    return rewrite_zip(DOCX, dest, replace=document_xml(add_dtd))


def many_text_objects_pdf(dest: Path, n: int = 2_000_000) -> Path:
    """One page whose content stream draws `n` text objects (250 KB compressed for 2
    million; the issue's 20 and 30 million took 9.8 GB and aborted)."""
    z = zlib.compressobj(1)
    op = b"BT /F1 1 Tf (a) Tj ET\n"
    parts = [z.compress(op * 1_000_000) for _ in range(n // 1_000_000)]
    parts += [z.compress(op * (n % 1_000_000)), z.flush()]
    stream = b"".join(parts)
    dest.write_bytes(serialise([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]))
    return dest


def slow_pdf(dest: Path, pages: int = 400, per_page: int = 20_000) -> Path:
    """Hundreds of pages sharing one content stream of many text objects: 65 KB,
    modest memory, minutes of work."""
    stream = zlib.compress(b"BT /F1 1 Tf (a) Tj ET\n" * per_page, 1)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>")
    dest.write_bytes(serialise([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *[page] * pages,
    ]))
    return dest


def asice_with(member: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.etsi.asic-e+zip")
        z.write(member, member.name, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return dest


