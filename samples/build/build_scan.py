"""Build samples/annex-2025-scan.pdf: the annex as a scanner would give it.

Run from the repository root:

    .venv/bin/python samples/build/build_scan.py

Each page of samples/annex-2025.pdf is rendered at SCAN_DPI in grey, turned by a small
angle on some pages (a sheet laid slightly askew on the glass), given a little sensor
noise, compressed as JPEG at modest quality, and the page images are put together as a
PDF with no text layer. Everything random comes from one seeded generator and the PDF
is written with fixed metadata, so two builds give identical bytes (with the same
pypdfium2 / Pillow / numpy versions).

Needs only the project's own dependencies (pypdfium2, Pillow via pdfplumber, numpy).
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from pdf_bytes import BINARY_HEADER, serialise  # samples/build/pdf_bytes.py, beside this file

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "samples" / "annex-2025.pdf"
TARGET = ROOT / "samples" / "annex-2025-scan.pdf"

SCAN_DPI = 150
JPEG_QUALITY = 45
SEED = 2025
# Share of pages laid askew, and the largest angle (degrees) of those.
SKEWED_SHARE = 0.5
MAX_SKEW_DEG = 0.8
# A scanner's optics soften edges (Gaussian radius, px), and its sensor adds noise
# (standard deviation of the grey level, 0-255).
BLUR_RADIUS = 0.7
NOISE_SIGMA = 1.0


def scan_pages(source: Path = SOURCE, dpi: int = SCAN_DPI, seed: int = SEED) -> list[tuple[bytes, int, int, float]]:
    """Each page as (JPEG bytes, width px, height px, skew applied in degrees)."""
    rng = random.Random(seed)
    noise_rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(str(source))
    out = []
    try:
        for page in pdf:
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = 0.0
            if rng.random() < SKEWED_SHARE:
                angle = round(rng.uniform(-MAX_SKEW_DEG, MAX_SKEW_DEG), 2)
                img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            img = img.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
            arr = np.asarray(img, dtype=np.float32)
            arr = arr + noise_rng.normal(0.0, NOISE_SIGMA, arr.shape)
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
            out.append((buf.getvalue(), img.width, img.height, angle))
    finally:
        pdf.close()
    return out


def write_image_pdf(pages: list[tuple[bytes, int, int, float]], dpi: int, target: Path) -> None:
    """A minimal PDF of one full-page JPEG per page (DCTDecode, DeviceGray), no text,
    no dates or IDs: the bytes depend only on the images."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    kids = []
    for jpeg, w, h, _ in pages:
        pw, ph = w * 72 / dpi, h * 72 / dpi
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(jpeg))
            + jpeg
            + b"\nendstream"
        )
        content = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (pw, ph)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.3f %.3f] "
                b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, pw, ph, image, stream)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    assert catalog == 1  # serialise() names object 1 the catalogue
    target.write_bytes(serialise(objects, BINARY_HEADER))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=SCAN_DPI)
    ap.add_argument("--out", type=Path, default=TARGET)
    args = ap.parse_args()
    pages = scan_pages(dpi=args.dpi)
    write_image_pdf(pages, args.dpi, args.out)
    skewed = [f"{i}:{a:+.2f}" for i, (*_, a) in enumerate(pages, start=1) if a]
    print(f"{args.out}: {len(pages)} pages at {args.dpi} dpi, {args.out.stat().st_size / 2**20:.2f} MB; skewed {' '.join(skewed)}")


if __name__ == "__main__":
    main()
