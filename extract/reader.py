"""Opening a file: what it is by content (not by name), and which engine reads it."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from extract.model import ExtractedDocument

PDF_ENGINES = ("pdfplumber", "pdfium", "camelot")
ENGINES = ("auto", "docx", *PDF_ENGINES)
# The engine used for PDFs when none is asked for: the fastest that reads every
# committed rendering exactly (pypdfium2, about 8x faster end to end than pdfplumber).
DEFAULT_PDF_ENGINE = "pdfium"


# What reading a damaged ZIP (DOCX, .asice) can raise, besides its own BadZipFile.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, NotImplementedError)


class InputError(Exception):
    """The file cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Limits:
    """Guards against hostile or runaway files."""

    max_file_bytes: int = 100 * 1024 * 1024  # a signed annex is a few MB at most
    max_pages: int = 500  # the annex has ~30; an annual bundle a few hundred
    max_seconds: float = 300.0  # per file, extraction and normalization together


# ------------------------------------------------------------------ ZIP limits

_MIB = 1024 * 1024
# A DOCX is a ZIP whose parts python-docx inflates whole: they are checked first.
# A Word file holds a few dozen parts (a few hundred with many images); its XML
# compresses up to ~30:1 (styles.xml), a zip bomb ~1000:1.
DOCX_MAX_PARTS = 1000
DOCX_MAX_TOTAL_BYTES = 256 * _MIB
DOCX_MAX_RATIO = 200
# How much of an XML part's start is read to find its root element (and any DTD).
XML_PROLOG_BYTES = 1 * _MIB


def check_zip_sizes(
    path, infos: list[zipfile.ZipInfo], *, whole: str, noun: str, max_entries: int, max_total: int,
    max_ratio: int, ratio_min_bytes: int,
) -> None:
    """Count, declared sizes and compression ratio of a ZIP's members, from its
    directory, before anything is inflated. zipfile never inflates more than a
    member declares, so these bound what reading it can cost."""
    if len(infos) > max_entries:
        raise InputError(path, f"has {len(infos)} entries in the {whole}, over the limit of {max_entries}")
    total = 0
    for info in infos:
        name = info.filename
        total += info.file_size
        if info.file_size > max_total:
            raise InputError(
                path,
                f"{noun} {name!r} declares {info.file_size / _MIB:.1f} MiB uncompressed, "
                f"over the limit of {max_total / _MIB:.0f} MiB",
            )
        if total > max_total:
            raise InputError(path, f"{whole} unpacks to more than {max_total / _MIB:.0f} MiB in total (the limit)")
        if info.file_size >= ratio_min_bytes and info.file_size > max_ratio * max(info.compress_size, 1):
            raise InputError(
                path,
                f"{noun} {name!r} is compressed {info.file_size / max(info.compress_size, 1):.0f}:1, "
                f"over the limit of {max_ratio}:1 (a zip bomb?)",
            )


def _xml_has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool | None:
    """Whether an XML part declares a DTD, read only up to its root element; None
    when the part is not XML (an image) or its root is not within the first MiB."""
    from lxml import etree

    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    read = 0
    with zf.open(info) as fh:
        while read < XML_PROLOG_BYTES and (chunk := fh.read(1 << 14)):
            read += len(chunk)
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except etree.XMLSyntaxError:
                return None
            if events:
                tree = events[0][1].getroottree()
                return tree.docinfo.internalDTD is not None or bool(tree.docinfo.doctype)
    return None


def check_docx_zip(path) -> None:
    """Refuse a DOCX whose parts would inflate past the limits, or that carries a
    DTD (Word never writes one; python-docx would silently drop its entities)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            check_zip_sizes(
                path, infos, whole="DOCX", noun="DOCX part", max_entries=DOCX_MAX_PARTS,
                max_total=DOCX_MAX_TOTAL_BYTES, max_ratio=DOCX_MAX_RATIO, ratio_min_bytes=_MIB,
            )
            for info in infos:
                if info.flag_bits & 0x1:
                    raise InputError(path, f"has an encrypted DOCX part ({info.filename!r})")
                if _xml_has_dtd(zf, info):
                    raise InputError(
                        path, f"DOCX part {info.filename!r} has a DTD (<!DOCTYPE>), which Word never writes; not read"
                    )
    except ZIP_ERRORS as exc:
        raise InputError(path, f"is a damaged DOCX ({type(exc).__name__}: {exc})") from None


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

        check_docx_zip(p)
        try:
            doc = read_docx(p)
        except (*ZIP_ERRORS, KeyError, ValueError, XMLSyntaxError, PackageNotFoundError) as exc:
            if "Memory allocation failed" in str(exc):  # libxml2 under the worker's memory cap
                raise MemoryError from None
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
