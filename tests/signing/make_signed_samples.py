"""Build the signed samples from the committed TEST certificate.

    .venv/bin/python tests/signing/make_signed_samples.py [--new-keys]

TEST MATERIAL ONLY: the key and certificates under tests/signing/ belong to no
real person or organisation; they exist so the tests have signed files to read.

Writes, from samples/annex-2025.pdf and samples/annex-2025.docx:

- samples/annex-2025-signed.pdf           PAdES (ETSI.CAdES.detached) signature by the
                                           test signer, signing time 2025-03-25 10:15 EET;
                                           one signature covering the whole file.
- samples/annex-2025-signed-modified.pdf  that file with one byte inside the signed
                                           byte range changed (the /Producer string
                                           "LibreOffice 7.4" -> "7.5"): the digest no
                                           longer matches; the file still opens.
- samples/annex-2025.asice                 ASiC-E (DigiDoc) container: mimetype (stored,
                                           first), annex-2025.docx, META-INF/manifest.xml,
                                           META-INF/signatures0.xml (XAdES, signing time
                                           2025-03-25T08:20:00Z, the test certificate).
                                           Its SignatureValue is a placeholder, not a real
                                           signature: annex-etl never verifies XAdES.

--new-keys makes a new test CA and signer key/certificate first (the tests'
expected values then still hold: the names and dates below are fixed).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import sys
import zipfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES = ROOT / "samples"

CA_KEY, CA_CERT = HERE / "test-ca-key.pem", HERE / "test-ca-cert.pem"
SIGNER_KEY, SIGNER_CERT = HERE / "test-signer-key.pem", HERE / "test-signer-cert.pem"

# An Estonian ID-card style subject: CN "SURNAME,GIVENNAME,PERSONALCODE". The
# personal code 48001019909 is in the 990x test range and has a valid check digit;
# it is no one's.
SIGNER_CN = "MAASIKAS,MARI,48001019909"
PDF_SIGNING_TIME = dt.datetime(2025, 3, 25, 10, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
XADES_SIGNING_TIME = "2025-03-25T08:20:00Z"
NOT_BEFORE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
NOT_AFTER = dt.datetime(2044, 1, 1, tzinfo=dt.timezone.utc)

ASICE_MIMETYPE = b"application/vnd.etsi.asic-e+zip"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A fixed timestamp for the ZIP entries, so rebuilding gives the same bytes.
ZIP_TIME = (2025, 3, 25, 10, 20, 0)


# ---------------------------------------------------------------- test PKI

def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(key, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )


def make_test_pki() -> None:
    """A self-signed TEST CA and a signer certificate issued by it (PEM)."""
    ca_key, signer_key = _key(), _key()
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "annex-etl TEST MATERIAL"),
        x509.NameAttribute(NameOID.COMMON_NAME, "annex-etl TEST CA - not a real CA"),
    ])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "annex-etl TEST MATERIAL - not a real identity"),
        x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_CN),
        x509.NameAttribute(NameOID.SURNAME, "MAASIKAS"),
        x509.NameAttribute(NameOID.GIVEN_NAME, "MARI"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "PNOEE-48001019909"),
    ])
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(signer_name).issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature + nonRepudiation, as on an ID card's signing certificate
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(ca_key, CA_KEY)
    _write_key(signer_key, SIGNER_KEY)
    CA_CERT.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    SIGNER_CERT.write_bytes(signer_cert.public_bytes(serialization.Encoding.PEM))


# ---------------------------------------------------------------- PAdES

def sign_pdf(src: Path, dst: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import pdf_signer

    class _FixedClock(dt.datetime):
        """pyHanko takes the signing time from datetime.now(); pin it so that a
        rebuild gives the same bytes."""

        @classmethod
        def now(cls, tz=None):
            return PDF_SIGNING_TIME.astimezone(tz) if tz else PDF_SIGNING_TIME.replace(tzinfo=None)

    signer = signers.SimpleSigner.load(str(SIGNER_KEY), str(SIGNER_CERT), ca_chain_files=(str(CA_CERT),))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Kinnitan (TEST MATERIAL)",
        location="Tallinn",
    )
    # pyHanko reads the clock for the signing time and for the /ModDate it writes.
    from pyhanko.pdf_utils.metadata import info, xmp_xml

    clocks = [m for m in (pdf_signer, info, xmp_xml) if getattr(m, "datetime", None) is dt.datetime]
    for m in clocks:
        m.datetime = _FixedClock
    try:
        with open(src, "rb") as inf:
            writer = IncrementalPdfFileWriter(inf)
            # The second /ID entry is random per revision; derive it from the input.
            id1 = writer.document_id[0]
            id2 = hashlib.md5(src.read_bytes() + PDF_SIGNING_TIME.isoformat().encode()).digest()
            writer._document_id = generic.ArrayObject(
                [generic.ByteStringObject(id1), generic.ByteStringObject(id2)]
            )
            with open(dst, "wb") as outf:
                signers.PdfSigner(meta, signer).sign_pdf(writer, output=outf)
    finally:
        for m in clocks:
            m.datetime = dt.datetime


def make_modified(signed: Path, dst: Path) -> None:
    """Change one byte inside the signed byte range, keeping the file readable."""
    data = bytearray(signed.read_bytes())
    # /Producer <FEFF…LibreOffice 7.4> in UTF-16BE hex: "7.4" ends in 0034 -> 0035.
    old = b"0037002E0034>"
    at = data.find(old)
    if at < 0 or data.find(old, at + 1) >= 0:
        sys.exit(f"{signed}: expected exactly one /Producer '7.4' string to change")
    first_range_end = _byte_range(bytes(data))[1]
    if at + len(old) > first_range_end:
        sys.exit(f"{signed}: the byte to change is not inside the signed range")
    data[at:at + len(old)] = b"0037002E0035>"
    dst.write_bytes(bytes(data))


def _byte_range(data: bytes) -> list[int]:
    import re

    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    if not m:
        sys.exit("no /ByteRange in the signed file")
    return [int(g) for g in m.groups()]


# ---------------------------------------------------------------- ASiC-E

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _issuer_serial_der(cert_der: bytes) -> bytes:
    """RFC 5035 IssuerSerial (DER), the content of XAdES IssuerSerialV2."""
    from asn1crypto import cms, x509 as asn1_x509

    cert = asn1_x509.Certificate.load(cert_der)
    general_names = asn1_x509.GeneralNames([asn1_x509.GeneralName({"directory_name": cert.issuer})])
    return cms.IssuerSerial({"issuer": general_names, "serial": cert.serial_number}).dump()


def signatures_xml(data_name: str, data: bytes) -> bytes:
    cert = x509.load_pem_x509_certificate(SIGNER_CERT.read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    issuer_serial = _issuer_serial_der(der)
    # XAdES-BES as DigiDoc writes it. The data-file digest and the certificate
    # digest are real; the SignedProperties digest and the SignatureValue are
    # placeholders (no canonicalisation, no signing): annex-etl records the signer
    # and the signing time and says the signature was not verified.
    placeholder_sig = _b64(hashlib.sha512(b"TEST MATERIAL: not a signature").digest() * 4)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#">
<!-- TEST MATERIAL ONLY (annex-etl tests/signing/make_signed_samples.py): the signer is a test
     certificate, not a real identity. The SignedProperties DigestValue and the SignatureValue are
     placeholders, not a real signature; annex-etl does not verify XAdES signatures. -->
<ds:Signature Id="S0">
<ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference Id="S0-RefId0" URI="{data_name}">
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>{_b64(hashlib.sha256(data).digest())}</ds:DigestValue>
</ds:Reference>
<ds:Reference Id="S0-RefId1" Type="http://uri.etsi.org/01903#SignedProperties" URI="#S0-SignedProperties">
<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11"/></ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>{_b64(bytes(32))}</ds:DigestValue>
</ds:Reference>
</ds:SignedInfo>
<ds:SignatureValue Id="S0-SIG">{placeholder_sig[:344]}</ds:SignatureValue>
<ds:KeyInfo>
<ds:X509Data><ds:X509Certificate>{_b64(der)}</ds:X509Certificate></ds:X509Data>
</ds:KeyInfo>
<ds:Object>
<xades:QualifyingProperties Id="S0-QualifyingProperties" Target="#S0">
<xades:SignedProperties Id="S0-SignedProperties">
<xades:SignedSignatureProperties>
<xades:SigningTime>{XADES_SIGNING_TIME}</xades:SigningTime>
<xades:SigningCertificateV2>
<xades:Cert>
<xades:CertDigest>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>{_b64(hashlib.sha256(der).digest())}</ds:DigestValue>
</xades:CertDigest>
<xades:IssuerSerialV2>{_b64(issuer_serial)}</xades:IssuerSerialV2>
</xades:Cert>
</xades:SigningCertificateV2>
<xades:SignatureProductionPlace><xades:City>Tallinn</xades:City><xades:CountryName>EE</xades:CountryName></xades:SignatureProductionPlace>
<xades:SignerRole><xades:ClaimedRoles><xades:ClaimedRole>TEST</xades:ClaimedRole></xades:ClaimedRoles></xades:SignerRole>
</xades:SignedSignatureProperties>
<xades:SignedDataObjectProperties>
<xades:DataObjectFormat ObjectReference="#S0-RefId0"><xades:MimeType>{DOCX_MIME}</xades:MimeType></xades:DataObjectFormat>
</xades:SignedDataObjectProperties>
</xades:SignedProperties>
</xades:QualifyingProperties>
</ds:Object>
</ds:Signature>
</asic:XAdESSignatures>
""".encode("utf-8")


def manifest_xml(data_name: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="{ASICE_MIMETYPE.decode()}"/>
<manifest:file-entry manifest:full-path="{data_name}" manifest:media-type="{DOCX_MIME}"/>
</manifest:manifest>
""".encode("utf-8")


def _entry(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def make_asice(data_file: Path, dst: Path) -> None:
    data = data_file.read_bytes()
    with zipfile.ZipFile(dst, "w") as zf:
        # The mimetype entry comes first, stored (not compressed), no extra field.
        zf.writestr(_entry("mimetype", zipfile.ZIP_STORED), ASICE_MIMETYPE)
        zf.writestr(_entry(data_file.name, zipfile.ZIP_DEFLATED), data)
        zf.writestr(_entry("META-INF/manifest.xml", zipfile.ZIP_DEFLATED), manifest_xml(data_file.name))
        zf.writestr(_entry("META-INF/signatures0.xml", zipfile.ZIP_DEFLATED), signatures_xml(data_file.name, data))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-keys", action="store_true", help="make a new test CA and signer first")
    args = ap.parse_args()
    if args.new_keys or not all(p.exists() for p in (CA_KEY, CA_CERT, SIGNER_KEY, SIGNER_CERT)):
        make_test_pki()
        print(f"made a new TEST CA and signer certificate in {HERE}")
    signed = SAMPLES / "annex-2025-signed.pdf"
    sign_pdf(SAMPLES / "annex-2025.pdf", signed)
    make_modified(signed, SAMPLES / "annex-2025-signed-modified.pdf")
    make_asice(SAMPLES / "annex-2025.docx", SAMPLES / "annex-2025.asice")
    for p in (signed, SAMPLES / "annex-2025-signed-modified.pdf", SAMPLES / "annex-2025.asice"):
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
