"""Opening a file: what it is by content (not by name), and which engine reads it."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from extract.errors import ZIP_ERRORS, InputError, Limits  # noqa: F401 - re-exported
from extract.model import ExtractedDocument

PDF_ENGINES = ("pdfplumber", "pdfium", "camelot")
ENGINES = ("auto", "docx", *PDF_ENGINES)
# The engine used for PDFs when none is asked for: the fastest that reads every
# committed rendering exactly (pypdfium2, about 8x faster end to end than pdfplumber).
DEFAULT_PDF_ENGINE = "pdfium"


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sniff_format(path: str | Path) -> str:
    """'pdf', 'docx' or 'asice' from the bytes; InputError otherwise."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    if p.is_dir():
        raise InputError(p, "is a directory, not a file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(p, f"cannot be read ({exc.strerror})") from None
    if not head:
        raise InputError(p, "is empty (0 bytes)")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(p) as zf:
                names = set(zf.namelist())
                if "mimetype" in names:
                    with zf.open("mimetype") as fh:  # read only the head: it may be hostile
                        mime = fh.read(100).decode("ascii", "replace").strip()
                    if "asic" in mime.lower():
                        return "asice"
                if "word/document.xml" in names:
                    return "docx"
        except ZIP_ERRORS as exc:
            raise InputError(p, f"is a damaged ZIP/Office file ({type(exc).__name__})") from None
        raise InputError(p, "is a ZIP file but neither a DOCX nor a DigiDoc container")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            p, "is a password-protected or old binary Office file (.doc); save it as DOCX or PDF without a password"
        )
    raise InputError(p, f"unsupported format (not a PDF or DOCX; starts with {head[:8]!r})")


def read_document(
    path: str | Path,
    *,
    engine: str = "auto",
    fmt: str | None = None,
    limits: Limits = Limits(),
    password: str | None = None,
) -> ExtractedDocument:
    """Extract a PDF or DOCX file into an ExtractedDocument."""
    p = Path(path)
    fmt = fmt or sniff_format(p)
    size = p.stat().st_size
    if size > limits.max_file_bytes:
        raise InputError(
            p, f"is {size / 2**20:.2f} MB, over the limit of {limits.max_file_bytes / 2**20:g} MB (--max-file-mb)"
        )
    if fmt == "docx":
        if engine not in ("auto", "docx"):
            raise InputError(p, f"is a DOCX; engine {engine!r} reads only PDFs")
        from docx.opc.exceptions import PackageNotFoundError
        from lxml.etree import XMLSyntaxError

        from extract.docx_engine import read_docx

        try:
            doc = read_docx(p)
        except (*ZIP_ERRORS, KeyError, ValueError, XMLSyntaxError, PackageNotFoundError) as exc:
            raise InputError(p, f"is a damaged DOCX ({type(exc).__name__}: {exc})") from None
    elif fmt == "pdf":
        name = DEFAULT_PDF_ENGINE if engine == "auto" else engine
        if name == "docx":
            raise InputError(p, "is a PDF; engine 'docx' reads only DOCX files")
        from extract.pdf import read_pdf

        doc = read_pdf(p, engine=name, limits=limits, password=password)
    else:
        raise InputError(p, f"unsupported format {fmt!r}")
    if not doc.tables:
        raise InputError(p, "does not look like an annex: no table with a 'Tabel N.' caption")
    return doc
