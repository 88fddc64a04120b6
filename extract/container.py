"""DigiDoc / ASiC-E containers (.asice, .bdoc, .sce): open safely, pick the annex,
record who signed and when.

A container is a ZIP: `mimetype` (application/vnd.etsi.asic-e+zip), the data
files, META-INF/manifest.xml and META-INF/signatures*.xml (XAdES). The ZIP is
treated as hostile until checked: entry count, declared and actual uncompressed
sizes and compression ratio are capped, and names that are absolute, contain
"..", are symlinks, encrypted or duplicated are refused. Only the chosen data
file is written out, under a temporary directory of this process that is removed
at exit.

The XAdES signatures are read, not verified: the signer's name comes from the
certificate in the signature and the time from xades:SigningTime, both as the
signature states them. Neither the XML signature nor the certificate chain is
checked, and each row says so.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import datetime as dt
import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from extract.errors import ZIP_ERRORS, InputError
from extract.model import Container
from extract.reader import check_zip_sizes, sniff_format
from extract.signatures import (
    CHAIN_NOT_VERIFIED,
    SignatureInfo,
    is_unsigned,
    read_pdf_signatures,
    to_utc_naive,
    unreadable,
    unsigned,
)

ASICE_MIMETYPE = "application/vnd.etsi.asic-e+zip"
# A DigiDoc container holds a handful of files; an annual bundle a few dozen.
MAX_ENTRIES = 200
# Sum of the declared uncompressed sizes of all entries.
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Uncompressed / compressed size of one entry; DOCX/PDF barely compress, XML ~10x,
# a zip bomb ~1000x. Entries smaller than RATIO_MIN_BYTES are not judged by ratio.
MAX_RATIO = 100
RATIO_MIN_BYTES = 1024 * 1024
# One signatures*.xml file; real ones are tens of kB.
MAX_SIGNATURE_XML_BYTES = 5 * 1024 * 1024

# What an annex can be saved as; .odt and .doc are read through LibreOffice.
DATA_SUFFIXES = (".pdf", ".docx", ".odt", ".doc")
_MIB = 1024 * 1024
XADES_NOTE = f"XAdES signature not verified; {CHAIN_NOT_VERIFIED}"

NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
    "xades141": "http://uri.etsi.org/01903/v1.4.1#",
}
_DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-256": "sha3_256",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-384": "sha3_384",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-512": "sha3_512",
}


# ------------------------------------------------------------------ temp dir

_tmp: dict[int, Path] = {}  # pid -> this process's directory (a forked worker gets its own)


def _workdir() -> Path:
    """A fresh, empty directory for this process's current member.

    One container is open at a time per process, so the previous member is
    removed before the next is written; the directory goes at process exit
    (atexit in the main process, multiprocessing's finalizers in a worker)."""
    pid = os.getpid()
    base = _tmp.get(pid)
    if base is None or not base.exists():
        base = Path(tempfile.mkdtemp(prefix="annex-asice-"))
        _tmp[pid] = base
        atexit.register(shutil.rmtree, base, True)
        try:
            from multiprocessing import util

            util.Finalize(None, shutil.rmtree, args=(base, True), exitpriority=0)
        except Exception:  # noqa: BLE001 - atexit still covers the main process
            pass
    for child in base.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    return base


# ------------------------------------------------------------------ ZIP checks

def _check_name(path, name: str) -> None:
    if not name or "\x00" in name:
        raise InputError(path, f"has a container entry with an invalid name {name!r}")
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        raise InputError(path, f"has a container entry with an absolute path ({name!r})")
    if ".." in PurePosixPath(norm).parts:
        raise InputError(path, f"has a container entry that points outside the container ({name!r})")


def _check_entries(path, zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    check_zip_sizes(
        path, infos, whole="container", noun="container entry", max_entries=MAX_ENTRIES,
        max_total=MAX_TOTAL_BYTES, max_ratio=MAX_RATIO, ratio_min_bytes=RATIO_MIN_BYTES,
    )
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        _check_name(path, name)
        if name in seen:
            raise InputError(path, f"has two container entries named {name!r}")
        seen.add(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(path, f"has a container entry that is a symbolic link ({name!r})")
        if info.flag_bits & 0x1:
            raise InputError(path, f"has an encrypted container entry ({name!r})")
    return infos


def _read_entry(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The entry's bytes, never more than its declared size or `cap`."""
    limit = min(info.file_size, cap)
    chunks, n = [], 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 16):
                n += len(chunk)
                if n > limit:
                    raise InputError(path, f"container entry {info.filename!r} is larger than it declares")
                chunks.append(chunk)
    except ZIP_ERRORS as exc:
        raise InputError(path, f"has a damaged container entry {info.filename!r} ({exc})") from None
    return b"".join(chunks)


def _extract_entry(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    n = 0
    try:
        with zf.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                n += len(chunk)
                if n > info.file_size or n > MAX_TOTAL_BYTES:
                    raise InputError(path, f"container entry {info.filename!r} is larger than it declares")
                dst.write(chunk)
    except ZIP_ERRORS as exc:
        raise InputError(path, f"has a damaged container entry {info.filename!r} ({exc})") from None


def _check_mimetype(path, zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> None:
    info = by_name.get("mimetype")
    if info is None:
        raise InputError(path, "is a ZIP without a 'mimetype' entry, not a DigiDoc container")
    mime = _read_entry(path, zf, info, 256).decode("ascii", "replace").strip()
    if mime != ASICE_MIMETYPE:
        raise InputError(
            path,
            f"is not an ASiC-E container (mimetype {mime[:80]!r}); only ASiC-E "
            f"({ASICE_MIMETYPE}: .asice, .bdoc, .sce) is read",
        )


# ------------------------------------------------------------------ choosing the annex

def _is_data_file(name: str) -> bool:
    return not name.endswith("/") and name != "mimetype" and not name.upper().startswith("META-INF/")


def choose_member(path, data_files: list[str], member: str | None) -> str:
    """--member NAME, else the single PDF/DOCX/ODT/DOC, else the one named like the annex."""
    listing = ", ".join(data_files) or "none"
    if member is not None:
        matches = [n for n in data_files if n == member] or [
            n for n in data_files if PurePosixPath(n).name.casefold() == PurePosixPath(member).name.casefold()
        ]
        if len(matches) == 1:
            return matches[0]
        raise InputError(path, f"has no data file {member!r} (--member); it holds: {listing}")
    candidates = [n for n in data_files if n.lower().endswith(DATA_SUFFIXES)]
    if not candidates:
        raise InputError(path, f"holds no PDF, DOCX, ODT or DOC data file (it holds: {listing})")
    if len(candidates) == 1:
        return candidates[0]
    names = {n: PurePosixPath(n).name.casefold() for n in candidates}
    annex = [n for n in candidates if "lisa" in names[n] or "annex" in names[n]]
    if len(annex) > 1:  # "Lisa 1" among "Lisa 1", "Lisa 2", …
        first = [n for n in annex if re.search(r"(lisa|annex)[\s_.-]*(nr\.?\s*)?0*1(?!\d)", names[n])]
        annex = first or annex
    if len(annex) == 1:
        return annex[0]
    raise InputError(
        path, f"holds several data files ({', '.join(candidates)}); choose the annex with --member NAME"
    )


# ------------------------------------------------------------------ XAdES

def _cn_from_rfc4514(subject: str) -> str | None:
    """CN from 'CN=MAASIKAS\\,MARI\\,4800…,O=…' (escaped commas kept as commas)."""
    parts, cur, esc = [], "", False
    for ch in subject:
        if esc:
            cur += ch
            esc = False
        elif ch == "\\":
            esc = True
        elif ch in ",+":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for part in parts:
        key, _, value = part.partition("=")
        if key.strip().upper() in ("CN", "2.5.4.3", "COMMONNAME"):
            return value.strip() or None
    return None


def _cert_cn(der: bytes) -> str | None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_der_x509_certificate(der)
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cns:
        return str(cns[-1].value)
    return cert.subject.rfc4514_string() or None


def _signing_cert_der(sig_el, certs: list[bytes]) -> bytes | None:
    """The signer's certificate: the one xades:SigningCertificate(V2) names by
    digest (selection only, not a verification), else the first in KeyInfo."""
    if not certs:
        return None
    cert_els = list(sig_el.iterfind(".//xades:SigningCertificateV2/xades:Cert", NS)) + list(
        sig_el.iterfind(".//xades:SigningCertificate/xades:Cert", NS)
    )
    for cert_el in cert_els:
        method = cert_el.find("xades:CertDigest/ds:DigestMethod", NS)
        value = cert_el.findtext("xades:CertDigest/ds:DigestValue", default="", namespaces=NS)
        algo = _DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
        try:
            want = base64.b64decode(value.strip(), validate=False)
        except (binascii.Error, ValueError):
            continue
        if algo:
            for der in certs:
                if hashlib.new(algo, der).digest() == want:
                    return der
    return certs[0]


def _xades_signatures(path, name: str, data: bytes, member: str) -> list[SignatureInfo]:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [unreadable(f"{name}: not well-formed XML ({exc})", container="asice")]
    if root.getroottree().docinfo.internalDTD is not None:
        return [unreadable(f"{name}: has a DTD, which a signature file never has", container="asice")]
    sig_els = [root] if root.tag == f"{{{NS['ds']}}}Signature" else list(root.iterfind(".//ds:Signature", NS))
    if not sig_els:
        return [unreadable(f"{name}: no ds:Signature element", container="asice")]
    out = []
    for sig_el in sig_els:
        certs = []
        for el in sig_el.iterfind("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
            try:
                certs.append(base64.b64decode("".join((el.text or "").split()), validate=True))
            except (binascii.Error, ValueError):
                continue
        signer, notes = None, []
        der = _signing_cert_der(sig_el, certs)
        if der is not None:
            try:
                signer = _cert_cn(der)
            except ValueError as exc:
                notes.append(f"certificate not readable ({str(exc)[:80]})")
        if signer is None:
            subject = sig_el.findtext("ds:KeyInfo/ds:X509Data/ds:X509SubjectName", default="", namespaces=NS)
            signer = _cn_from_rfc4514(subject) if subject.strip() else None
        when = None
        text = sig_el.findtext(".//xades:SignedSignatureProperties/xades:SigningTime", default="", namespaces=NS)
        if text.strip():
            try:
                when = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
                if when.tzinfo is None:  # xsd:dateTime without a zone: XAdES means UTC
                    when = when.replace(tzinfo=dt.timezone.utc)
                when = to_utc_naive(when)
            except ValueError:
                notes.append(f"signing time not readable ({text.strip()[:40]!r})")
        refs = {
            unquote(r.get("URI", "")).lstrip("/")
            for r in sig_el.iterfind("ds:SignedInfo/ds:Reference", NS)
            if r.get("URI") and not r.get("URI", "").startswith("#")
        }
        covers = None
        if member not in refs:
            covers = False
            notes.append(f"does not list {member} among the files it signs")
        sig_id = sig_el.get("Id")
        where = f"{name}#{sig_id}" if sig_id else name
        out.append(SignatureInfo(signer, when, None, covers, "asice", "; ".join([*notes, XADES_NOTE, where])))
    return out


# ------------------------------------------------------------------ the entry point

def open_container(path: str | Path, member: str | None = None) -> tuple[Path, str, Container]:
    """Check the container, write out the annex, read its signatures.

    Returns (the member's path in a temporary directory, 'pdf' | 'docx' | 'odt' | 'doc', a Container
    naming the member and holding the signatures)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, f"is a damaged container ({exc})") from None
    with zf:
        infos = _check_entries(path, zf)
        by_name = {i.filename: i for i in infos}
        _check_mimetype(path, zf, by_name)
        data_files = [i.filename for i in infos if _is_data_file(i.filename)]
        chosen = choose_member(path, data_files, member)

        signatures: list[SignatureInfo] = []
        sig_files = sorted(
            n for n in by_name if n.upper().startswith("META-INF/") and "signatures" in n.lower()
            and n.lower().endswith(".xml")
        )
        for name in sig_files:
            info = by_name[name]
            if info.file_size > MAX_SIGNATURE_XML_BYTES:
                signatures.append(unreadable(f"{name} is {info.file_size / _MIB:.1f} MiB", container="asice"))
                continue
            signatures.extend(_xades_signatures(path, name, _read_entry(path, zf, info, MAX_SIGNATURE_XML_BYTES), chosen))

        target = _workdir() / (re.sub(r"[^\w.\- ]", "_", PurePosixPath(chosen).name) or "member")
        _extract_entry(path, zf, by_name[chosen], target)

    try:
        fmt = sniff_format(target)
    except InputError as exc:
        raise InputError(path, f"data file {chosen!r} {exc.reason}") from None
    if fmt not in ("pdf", "docx", "odt", "doc"):
        raise InputError(path, f"data file {chosen!r} is a {fmt} container inside the container; not read")
    if fmt == "pdf":
        pades = [s for s in read_pdf_signatures(target) if not is_unsigned(s)]
        for s in pades:
            s.note = f"{s.note}; in {chosen}" if s.note else f"in {chosen}"
        signatures.extend(pades)
    if not signatures:
        signatures = [unsigned(container="asice")]
    return target, fmt, Container(member=chosen, signatures=signatures)
