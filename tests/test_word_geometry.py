"""Word boundaries from glyph geometry, for every engine (the page model's contract,
geometry.WordSettings): a producer that draws no space glyph between words (headless
Chromium/Skia positions each word instead) must still give separate words."""

from __future__ import annotations

import pytest

from extract.pdf import pdfium as pdfium_engine, plumber_engine
from extract.pdf.geometry import WordSettings
from tests.pdf_bytes import serialise

# Helvetica's space is 0.278 em; Carlito's 0.226 em. The words are placed with TJ
# offsets the width of such a space and no space character between them; inside a word
# a kerning offset of 0.04 em.
SPACED_BY_POSITION = (
    b"BT /F1 10 Tf 72 700 Td [(Tabel) -278 (1.) -278 (Elluviija) -278 (tegevused)] TJ ET "
    b"BT /F1 12 Tf 72 680 Td [(kultuuriministri) -226 (25.03.2025) -226 (k\xe4skkirjaga) -226 (nr) -226 (68)] TJ ET "
    b"BT /F1 9 Tf 72 660 Td [(Pla) -40 (neeritav) -278 (maksumus)] TJ ET "
)


@pytest.fixture(scope="module")
def no_space_glyphs(tmp_path_factory):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(SPACED_BY_POSITION) + SPACED_BY_POSITION + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
    ]
    path = tmp_path_factory.mktemp("words") / "no-space-glyphs.pdf"
    path.write_bytes(serialise(objs))
    return path


def _words(engine, path) -> list[str]:
    with engine.open_document(path) as doc:
        (page,) = list(doc.pages())
    return [w.text for w in sorted(page.words, key=lambda w: (round(w.top), w.x0))]


@pytest.mark.parametrize("engine", [pdfium_engine, plumber_engine], ids=["pdfium", "pdfplumber"])
def test_words_cut_at_gaps_without_space_glyphs(engine, no_space_glyphs):
    assert _words(engine, no_space_glyphs) == [
        "Tabel", "1.", "Elluviija", "tegevused",
        "kultuuriministri", "25.03.2025", "käskkirjaga", "nr", "68",
        "Planeeritav", "maksumus",
    ]


def test_a_caption_without_space_glyphs_is_a_caption(no_space_glyphs):
    from extract.pdf.grid import page_layout

    with pdfium_engine.open_document(no_space_glyphs) as doc:
        (layout,) = [page_layout(g) for g in doc.pages()]
    assert [ln.text for ln in layout.lines][:2] == [
        "Tabel 1. Elluviija tegevused",
        "kultuuriministri 25.03.2025 käskkirjaga nr 68",
    ]


@pytest.mark.parametrize(
    "kwargs", [{"gap_ratio": 0}, {"gap_ratio": 1.5}, {"line_tolerance": -1}, {"space_after_tolerance": -0.1}]
)
def test_word_settings_are_validated(kwargs):
    with pytest.raises(ValueError):
        WordSettings(**kwargs)
