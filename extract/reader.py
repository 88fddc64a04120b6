"""Opening a file: what it is by content (not by name), and which engine reads it."""

from __future__ import annotations

import hashlib
import mmap
import zipfile
from pathlib import Path

from extract.errors import ZIP_ERRORS, InputError, Limits  # noqa: F401 - re-exported
from extract.model import ExtractedDocument

PDF_ENGINES = ("pdfplumber", "pdfium", "camelot", "ocr")
ENGINES = ("auto", "docx", *PDF_ENGINES)
# The engine used for PDFs when none is asked for: the fastest that reads every
# committed rendering exactly (pypdfium2, about 8x faster end to end than pdfplumber).
DEFAULT_PDF_ENGINE = "pdfium"


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


# OLE2 (compound file) directory names, UTF-16: a Word 97-2003 document has a
# "WordDocument" stream; an encrypted OOXML file an "EncryptedPackage".
_OLE_WORD = "WordDocument".encode("utf-16-le")
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODT_MIME = "application/vnd.oasis.opendocument.text"


def _sniff_ole(p: Path) -> str:
    # The directory may stand anywhere in the file: search it all, without reading
    # it into memory.
    with open(p, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        encrypted, word = data.find(_OLE_ENCRYPTED) >= 0, data.find(_OLE_WORD) >= 0
    if encrypted:
        raise InputError(p, "is a password-protected Office file; save it as DOCX or PDF without a password")
    if word:
        return "doc"
    raise InputError(p, "is an old binary Office file but not a Word document (.xls, .ppt?); ask for the PDF or DOCX")


def sniff_format(path: str | Path) -> str:
    """'pdf', 'docx', 'asice', 'odt' or 'doc' from the bytes; InputError otherwise."""
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
                    if mime == _ODT_MIME:
                        return "odt"
                if "word/document.xml" in names:
                    return "docx"
        except ZIP_ERRORS as exc:
            raise InputError(p, f"is a damaged ZIP/Office file ({type(exc).__name__})") from None
        raise InputError(p, "is a ZIP file but neither a DOCX nor a DigiDoc container")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _sniff_ole(p)
    raise InputError(
        p, f"unsupported format (not a PDF, DOCX, .odt/.doc or DigiDoc container; starts with {head[:8]!r})"
    )


def read_document(
    path: str | Path,
    *,
    engine: str = "auto",
    fmt: str | None = None,
    limits: Limits = Limits(),
    password: str | None = None,
    revisions: str = "accepted",
    pdf_settings=None,
) -> ExtractedDocument:
    """Extract a PDF, DOCX, .odt or .doc file into an ExtractedDocument.
    `revisions` picks the view of a DOCX's tracked changes ('accepted' | 'original');
    `pdf_settings` (extract.pdf.settings.PdfSettings) the PDF path's tolerances."""
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
        check_docx_zip(p)  # sizes, ratio and count of the parts before anything is inflated
        doc = _read_docx(p, p, revisions)
    elif fmt in ("odt", "doc"):
        if engine not in ("auto", "docx"):
            raise InputError(p, f"is an .{fmt}; engine {engine!r} reads only PDFs")
        from extract.soffice import ConversionError, converted_to_docx

        try:
            with converted_to_docx(p, fmt, limits.max_seconds) as converted:
                check_docx_zip(converted)
                doc = _read_docx(converted, p, revisions)
        except ConversionError as exc:
            raise InputError(p, str(exc)) from None
        doc.path, doc.source_format, doc.engine = str(p), fmt, "soffice+docx"
    elif fmt == "pdf":
        name = DEFAULT_PDF_ENGINE if engine == "auto" else engine
        if name == "docx":
            raise InputError(p, "is a PDF; engine 'docx' reads only DOCX files")
        from extract.pdf import read_pdf

        # A page without a text layer (a scan) is read by OCR unless an engine was asked for.
        doc = read_pdf(p, engine=name, limits=limits, password=password, ocr_fallback=engine == "auto",
                       settings=pdf_settings)
    else:
        raise InputError(p, f"unsupported format {fmt!r}")
    if not doc.tables:
        raise InputError(p, "does not look like an annex: no table with a 'Tabel N.' caption")
    return doc


def _read_docx(source: Path, shown: Path, revisions: str) -> ExtractedDocument:
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    from extract.docx_engine import DocxLimitError, read_docx

    try:
        return read_docx(source, revisions=revisions)
    except DocxLimitError as exc:
        raise InputError(shown, str(exc)) from None
    except (*ZIP_ERRORS, KeyError, ValueError, XMLSyntaxError, PackageNotFoundError) as exc:
        if "Memory allocation failed" in str(exc):  # libxml2 under the worker's memory cap
            raise MemoryError from None
        raise InputError(shown, f"is a damaged DOCX ({type(exc).__name__}: {exc})") from None
