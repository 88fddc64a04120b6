"""PDF signatures (PAdES): who signed, when, and whether the file changed since.

What is checked, with pyHanko, for each signature embedded in a PDF:

- *intact*: the digest over the signed byte range equals the one the signature
  carries, and the signature value over it verifies against the public key of the
  certificate in the signature. False means the bytes changed after signing.
- *covers_whole_file*: the byte range reaches the end of the file. False means
  something was appended after signing (an incremental update: a later
  signature, a form fill, or an edit), which this signature does not vouch for.

What is not checked: whether the certificate chains to a trusted CA, revocation,
timestamps. Every note says "certificate chain not verified" so that nobody reads
a trust decision into the table.

Times are stored as naive UTC datetimes (the warehouse column is TIMESTAMP).
"""

from __future__ import annotations

import datetime as dt
import mmap
from pathlib import Path

from extract.errors import InputError
from extract.model import SignatureInfo  # noqa: F401 - the record lives in extract/model.py (re-exported)

UNSIGNED = "unsigned"
UNREADABLE = "signatures not readable"
CHAIN_NOT_VERIFIED = "certificate chain not verified"


def unsigned(container: str | None = None) -> SignatureInfo:
    return SignatureInfo(None, None, None, None, container, UNSIGNED)


def unreadable(reason: str, container: str | None = None) -> SignatureInfo:
    return SignatureInfo(None, None, None, None, container, f"{UNREADABLE}: {reason}")


def is_unsigned(s: SignatureInfo) -> bool:
    return s.note == UNSIGNED


def is_unreadable(s: SignatureInfo) -> bool:
    return (s.note or "").startswith(UNREADABLE)


def to_utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


# ------------------------------------------------------------------ PDF

def _may_be_signed(path: Path) -> bool:
    """Cheap test before parsing: a signature dictionary's /ByteRange has to be
    in the file's plain bytes (the byte range points into the raw file, so it can
    be neither compressed nor in an object stream)."""
    with open(path, "rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return mm.find(b"/ByteRange") >= 0
        except ValueError:  # empty file
            return False


def _common_name(cert) -> str | None:
    """CN of an asn1crypto certificate's subject (the last CN if several)."""
    try:
        native = cert.subject.native
    except Exception:  # noqa: BLE001 - a malformed name is reported as no name
        return None
    cn = native.get("common_name")
    if isinstance(cn, list):
        cn = cn[-1] if cn else None
    if cn:
        return str(cn)
    # No CN: fall back to the whole subject rather than nothing.
    return cert.subject.human_friendly or None


def read_pdf_signatures(path: str | Path, password: str | None = None) -> list[SignatureInfo]:
    """The PAdES signatures of a PDF; [unsigned] when it has none.

    Never raises for a damaged PDF: whether the PDF is readable at all is the
    table extractor's decision; here it becomes a row noting that the signatures
    could not be read."""
    p = Path(path)
    try:
        if not _may_be_signed(p):
            return [unsigned()]
    except OSError as exc:
        return [unreadable(exc.strerror or str(exc))]
    try:
        return _read_signed_pdf(p, password)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on bad input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [unreadable(f"{type(exc).__name__}: {reason}"[:300])]


def _read_signed_pdf(p: Path, password: str | None) -> list[SignatureInfo]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    out: list[SignatureInfo] = []
    with open(p, "rb") as fh:
        reader = PdfFileReader(fh, strict=False)
        if reader.encrypted:
            if password is None:
                return [unreadable("the PDF is encrypted (--password)")]
            reader.decrypt(password)
        sigs = reader.embedded_signatures
        if not sigs:
            return [unsigned()]
        for sig in sigs:
            out.append(_one_signature(sig))
    return out


def _one_signature(sig) -> SignatureInfo:
    from pyhanko.sign.validation import generic_cms

    kind = "document timestamp" if sig.sig_object_type == "/DocTimeStamp" else "PAdES signature"
    notes = []
    try:
        cert = sig.signer_cert
        signer = _common_name(cert)
    except Exception as exc:  # noqa: BLE001
        cert, signer = None, None
        notes.append(f"signer certificate not found ({type(exc).__name__})")
    try:
        signing_time = to_utc_naive(sig.self_reported_timestamp)
    except Exception:  # noqa: BLE001 - an unparseable /M is no time, not an error
        signing_time = None

    intact: bool | None = None
    if cert is not None:
        try:
            content_type = sig.signed_data["encap_content_info"]["content_type"].native
            digest_ok, value_ok = generic_cms.validate_sig_integrity(
                sig.signer_info, cert, content_type, sig.compute_digest()
            )
            intact = bool(digest_ok and value_ok)
            if not digest_ok:
                notes.append("the signed bytes changed after signing")
            elif not value_ok:
                notes.append("the signature value does not match the signer's key")
        except Exception as exc:  # noqa: BLE001 - e.g. an unsupported algorithm
            notes.append(f"integrity not checked ({type(exc).__name__}: {str(exc)[:120]})")

    covers: bool | None
    try:
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        level = sig.evaluate_signature_coverage()
        covers = level == SignatureCoverageLevel.ENTIRE_FILE
        if level == SignatureCoverageLevel.ENTIRE_REVISION:
            notes.append("the file was updated after signing (incremental update not covered)")
        elif not covers:
            notes.append(f"unusual byte range ({level.name.lower()})")
    except Exception as exc:  # noqa: BLE001
        covers = None
        notes.append(f"coverage not checked ({type(exc).__name__})")

    note = "; ".join([kind, *notes, CHAIN_NOT_VERIFIED])
    return SignatureInfo(signer, signing_time, intact, covers, "pdf", note)


# ------------------------------------------------------------------ policy

def require_intact(path: str | Path, signatures: list[SignatureInfo]) -> None:
    """--require-signature: refuse an unsigned file or one changed after signing.

    A container signature that was not verified (intact None) counts as a
    signature; a signature that no longer matches its bytes refuses the file."""
    real = [s for s in signatures if not is_unsigned(s) and not is_unreadable(s)]
    if any(s.intact is False for s in real):
        raise InputError(path, "was changed after it was signed (--require-signature)")
    if not real:
        bad = [s for s in signatures if is_unreadable(s)]
        if bad:
            raise InputError(path, f"its signatures could not be read ({bad[0].note}) (--require-signature)")
        raise InputError(path, "is not signed (--require-signature)")


def signed_by(s: SignatureInfo) -> str:
    when = f" at {s.signing_time:%Y-%m-%d %H:%M} UTC" if s.signing_time else ""
    return f"signature by {s.signer or 'an unknown signer'}{when}"


def describe(signatures: list[SignatureInfo]) -> list[str]:
    """One line per signature for a summary, saying what was and was not checked."""
    lines = []
    for s in signatures:
        if is_unsigned(s):
            lines.append("unsigned")
            continue
        if is_unreadable(s):
            lines.append(s.note or UNREADABLE)
            continue
        state = {True: "intact", False: "CHANGED AFTER SIGNING", None: "not verified"}[s.intact]
        if s.covers_whole_file is False and s.intact is not False:
            state += ", does not cover the whole file"
        lines.append(f"{s.container or ''} {signed_by(s)}: {state} ({CHAIN_NOT_VERIFIED})".strip())
    return lines
