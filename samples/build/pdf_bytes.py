"""Hand-made PDFs: numbered objects serialised with a correct xref table. One writer
for the scan sample (build_scan.py) and the tests' small PDFs (tests/pdf_bytes.py)."""

from __future__ import annotations

import io

HEADER = b"%PDF-1.4\n"
# A comment of bytes above 127 after the header tells transfer tools the file is binary.
BINARY_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def serialise(objs: list[bytes], header: bytes = HEADER) -> bytes:
    """A PDF whose objects 1..n are `objs` (object 1 is the catalogue)."""
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()
