"""The pypdfium2 engine against the pdfplumber engine (its spec), page by page: the same
words with the same boxes, fonts and flags, the same ruling edges, the same tables after
grid.py and repair.py; hand-made PDFs for what the samples do not have (forms, /Rotate,
curves, kerning gaps); bad files. (That it is the fast one is measured by `make bench`:
bench/pdfium_engine_speed.py; no test asserts on wall-clock time.)"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from extract.pdf import pdfium as pdfium_engine, plumber_engine
from extract.pdf.geometry import PageGeometry, PdfEncrypted, PdfUnreadable
from extract.pdf.grid import page_layout
from extract.pdf.repair import assemble
from tests.pdf_bytes import serialise
from tests.conftest import SAMPLES

RENDERINGS = ["annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf"]

# Word boxes and edge positions agree to float noise (measured: < 0.001 pt; PDFium
# works in float32). The tolerance leaves room for another PDFium build, far below
# anything grid.py could notice.
BOX_TOLERANCE = 0.05
# Size agrees to float noise too (pdfplumber: 11.999999999999943 for 12).
SIZE_TOLERANCE = 0.01


def _read(engine, path, password=None) -> list[PageGeometry]:
    with engine.open_document(path, password) as doc:
        pages = list(doc.pages())
        assert doc.page_count == len(pages)
    return pages


@pytest.fixture(scope="module")
def both():
    """rendering -> (pdfplumber pages, pdfium pages), read once."""
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = (_read(plumber_engine, SAMPLES / name), _read(pdfium_engine, SAMPLES / name))
        return cache[name]

    return get


def _pair_words(expected, actual):
    """Words matched by text (the engines may order a page's words differently:
    pdfplumber cuts its runs where float noise in pdfminer's size changes), each to the
    nearest unmatched word of that text. Returns the pairs and the unmatched words."""
    pool = defaultdict(list)
    for w in actual:
        pool[w.text].append(w)
    pairs, missing = [], []
    for w in expected:
        candidates = pool.get(w.text)
        if not candidates:
            missing.append(w)
            continue
        best = min(candidates, key=lambda c: abs(c.x0 - w.x0) + abs(c.top - w.top))
        candidates.remove(best)
        pairs.append((w, best))
    extra = [w for ws in pool.values() for w in ws]
    return pairs, missing, extra


def _assert_same_words(plumber: PageGeometry, pdfium: PageGeometry, *, hyphen_blanks: list) -> None:
    pairs, missing, extra = _pair_words(plumber.words, pdfium.words)
    assert not missing and not extra, (plumber.page_no, [w.text for w in missing][:10], [w.text for w in extra][:10])
    for a, b in pairs:
        where = (plumber.page_no, a.text)
        for attr in ("x0", "x1", "top", "bottom"):
            assert abs(getattr(a, attr) - getattr(b, attr)) <= BOX_TOLERANCE, (where, attr, getattr(a, attr), getattr(b, attr))
        assert abs(a.size - b.size) <= SIZE_TOLERANCE, (where, a.size, b.size)
        assert (a.fontname, a.bold) == (b.fontname, b.bold), (where, a.fontname, b.fontname)
        if a.space_after != b.space_after:
            # PDFium drops the blank after a hyphen it joins across a line end
            # ("(Põhja- " + "ja"): the one known difference.
            assert a.space_after and a.text.endswith("-"), (where, a.space_after, b.space_after)
            hyphen_blanks.append(where)


def _edge_key(e):
    return (e.orientation, e.top if e.orientation == "h" else e.x0)


def _covered(edge, others) -> bool:
    """Some edge of `others` lies on the same line (within BOX_TOLERANCE) with the same
    extent (within BOX_TOLERANCE)."""
    for o in others:
        if o.orientation != edge.orientation:
            continue
        if edge.orientation == "h":
            same = abs(o.top - edge.top) <= BOX_TOLERANCE and abs(o.x0 - edge.x0) <= BOX_TOLERANCE and abs(o.x1 - edge.x1) <= BOX_TOLERANCE
        else:
            same = abs(o.x0 - edge.x0) <= BOX_TOLERANCE and abs(o.top - edge.top) <= BOX_TOLERANCE and abs(o.bottom - edge.bottom) <= BOX_TOLERANCE
        if same:
            return True
    return False


def _assert_same_edges(plumber: PageGeometry, pdfium: PageGeometry) -> None:
    assert len(plumber.edges) == len(pdfium.edges), (plumber.page_no, len(plumber.edges), len(pdfium.edges))
    for a in plumber.edges:
        assert _covered(a, pdfium.edges), (plumber.page_no, "pdfplumber edge without a pdfium one", a)
    for b in pdfium.edges:
        assert _covered(b, plumber.edges), (plumber.page_no, "pdfium edge without a pdfplumber one", b)


# ------------------------------------------------------------------------ samples


@pytest.mark.parametrize("name", RENDERINGS)
def test_pages_match_pdfplumber(name, both):
    plumber, pdfium = both(name)
    assert len(plumber) == len(pdfium)
    hyphen_blanks: list = []
    for a, b in zip(plumber, pdfium):
        assert (a.page_no, round(a.width, 2), round(a.height, 2)) == (b.page_no, round(b.width, 2), round(b.height, 2))
        _assert_same_words(a, b, hyphen_blanks=hyphen_blanks)
        _assert_same_edges(a, b)
    assert len(hyphen_blanks) <= 1, hyphen_blanks  # one such word in each sample at most


@pytest.mark.parametrize("name", RENDERINGS)
def test_tables_match_pdfplumber(name, both):
    """What the geometry is for: grid.py and repair.py make the same tables of it."""
    plumber, pdfium = both(name)
    a = assemble([page_layout(g) for g in plumber])
    b = assemble([page_layout(g) for g in pdfium])
    assert len(a.tables) == 17
    assert repr(a.tables) == repr(b.tables)
    assert repr(a.blocks) == repr(b.blocks)
    assert repr(a.notes) == repr(b.notes)


# ---------------------------------------------------------------- hand-made PDFs


def _pdf(pages: list[dict], *, pages_attrs: bytes = b"") -> bytes:
    """A PDF with Helvetica (F1) and Helvetica-Bold (F2); each page dict: content,
    attrs (page dictionary entries), forms {name: (extra dict entries, content)}."""
    objs: list[bytes | None] = [None, None]
    fonts = []
    for base in (b"Helvetica", b"Helvetica-Bold"):
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /" + base + b" /Encoding /WinAnsiEncoding >>")
        fonts.append(len(objs))
    font_res = b"/Font << /F1 %d 0 R /F2 %d 0 R >>" % tuple(fonts)
    kids = []
    for page in pages:
        xobjects = b""
        for name, (extra, content) in page.get("forms", {}).items():
            objs.append(
                b"<< /Type /XObject /Subtype /Form /BBox [-1000 -1000 3000 3000] %s /Resources << %s >> /Length %d >>\nstream\n"
                % (extra, font_res, len(content))
                + content
                + b"\nendstream"
            )
            xobjects += b"/%s %d 0 R " % (name.encode(), len(objs))
        content = page["content"]
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        contents = len(objs)
        objs.append(
            b"<< /Type /Page /Parent 2 0 R %s /Contents %d 0 R /Resources << %s /XObject << %s >> >> >>"
            % (page.get("attrs", b"/MediaBox [0 0 595 842]"), contents, font_res, xobjects)
        )
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d %s >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids), pages_attrs)
    return serialise(objs)


CONTENT = (
    b"BT /F1 12 Tf 100 700 Td (Hello world) Tj ET "
    b"BT /F2 12 Tf 200 700 Td (Bold) Tj /F1 12 Tf (Next) Tj ET "
    # gaps of 0.4 and 0.2 em (word breaks, no space drawn: Chromium writes text so)
    # and a kerning gap of 0.1 em (none)
    b"BT /F1 10 Tf 100 650 Td [(ab) -400 (cd) -100 (ef) -200 (gh)] TJ ET "
    b"BT /F1 10 Tf 100 630 Td (two  spaces\\240nbsp) Tj ET "
    # a line, a stroked box, a thin filled bar, a closed polygon drawn as lines
    b"0.5 w 50 690 m 300 690 l S 50 600 200 50 re S 50 500 200 1 re f "
    b"60 480 m 100 480 l 100 440 l 60 440 l h S "
    # a Bezier curve, an open polyline (a "curve" to pdfminer), a closed line
    b"60 400 m 80 420 100 420 120 400 c S 150 400 m 200 400 l 200 380 l S 300 300 m 400 300 l h S "
    # a form XObject, drawn as it is and scaled
    b"/X1 Do q 2 0 0 2 10 20 cm /X1 Do Q "
    # text running upwards
    b"BT /F1 10 Tf 0 1 -1 0 500 300 Tm (Rotated text) Tj ET "
    b"q 0 0 1 rg 400 100 100 0.8 re f Q"
)
FORM = {"X1": (b"/Matrix [1 0 0 1 100 100]", b"BT /F2 10 Tf 0 0 Td (Inside form) Tj ET 0 -5 m 100 -5 l S 0 -10 100 -20 re S")}


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    pages = [
        {"content": CONTENT, "forms": FORM},
        {"content": CONTENT, "forms": FORM, "attrs": b"/MediaBox [0 0 595 842] /Rotate 90"},
        {"content": CONTENT, "forms": FORM, "attrs": b"/MediaBox [0 0 595 842] /Rotate 270"},
        # drawn turned, shown upright: the usual landscape page with /Rotate
        {"content": b"q 0 1 -1 0 595 0 cm " + CONTENT + b" Q", "forms": FORM, "attrs": b"/MediaBox [0 0 595 842] /Rotate 90"},
        # the MediaBox only on the page tree (inherited)
        {"content": CONTENT, "forms": FORM, "attrs": b""},
    ]
    path = tmp_path_factory.mktemp("handmade") / "handmade.pdf"
    path.write_bytes(_pdf(pages, pages_attrs=b"/MediaBox [0 0 595 842]"))
    return path


def test_handmade_pages_match_pdfplumber(handmade):
    plumber = _read(plumber_engine, handmade)
    pdfium = _read(pdfium_engine, handmade)
    for a, b in zip(plumber, pdfium):
        assert (round(a.width, 2), round(a.height, 2)) == (round(b.width, 2), round(b.height, 2))
        _assert_same_words(a, b, hyphen_blanks=[])
        _assert_same_edges(a, b)
    words = {w.text for w in pdfium[0].words}
    assert {"ab", "cdef", "gh", "two", "spaces", "nbsp", "Inside", "form", "Bold", "Next"} <= words
    assert len(pdfium[0].edges) == 24  # lines, box, bar, polygon, polyline, closed line, forms
    upright = {w.text for w in pdfium[3].words}
    assert {"Hello", "world", "Rotated", "text"} - upright == {"Rotated", "text"}  # now sideways


def test_mediabox_origin_is_subtracted(tmp_path):
    """Coordinates start at the MediaBox's top left (pdfplumber keeps x absolute and
    measures top from the MediaBox's height: a page like this one is where the engines
    differ, by the MediaBox's origin)."""
    path = tmp_path / "offset.pdf"
    path.write_bytes(_pdf([{"content": CONTENT, "forms": FORM, "attrs": b"/MediaBox [10 20 605 862]"}]))
    plumber = _read(plumber_engine, path)
    pdfium = _read(pdfium_engine, path)
    (a,), (b,) = plumber, pdfium
    assert (b.width, b.height) == (595, 842)
    hello = next(w for w in b.words if w.text == "Hello")
    # origin (100, 700) in user space; Helvetica's descent is 0.207 em
    assert abs(hello.x0 - 90) < 0.01 and abs(hello.bottom - (862 - 700 + 0.207 * 12)) < 0.01
    shifted = PageGeometry(
        1, a.width, a.height,
        [w.__class__(w.text, w.x0 - 10, w.x1 - 10, w.top + 20, w.bottom + 20, w.fontname, w.size, w.bold, w.space_after) for w in a.words],
        [e.__class__(e.orientation, e.x0 - 10, e.x1 - 10, e.top + 20, e.bottom + 20) for e in a.edges],
    )
    _assert_same_words(shifted, b, hyphen_blanks=[])
    _assert_same_edges(shifted, b)


# ---------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7\n" + random.Random(8).randbytes(5_000), random.Random(7).randbytes(5_000)],
    ids=["empty", "garbage", "random"],
)
def test_unreadable_file(tmp_path, data):
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(PdfUnreadable):
        with pdfium_engine.open_document(path):
            pass


def test_truncated_and_missing_files(tmp_path):
    path = tmp_path / "truncated.pdf"
    data = (SAMPLES / "annex-2025.pdf").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(PdfUnreadable):
        with pdfium_engine.open_document(path) as doc:
            list(doc.pages())
    with pytest.raises(PdfUnreadable):
        with pdfium_engine.open_document(tmp_path / "missing.pdf"):
            pass


def test_encrypted_file(tmp_path):
    import pypdf  # a test dependency: missing is a failure, not a skip
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(SAMPLES / "annex-2025.pdf")))
    writer.encrypt(user_password="salajane", owner_password="omanik", algorithm="AES-128")
    path = tmp_path / "encrypted.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    for password in (None, "vale"):
        with pytest.raises(PdfEncrypted):
            with pdfium_engine.open_document(path, password):
                pass
    with pdfium_engine.open_document(path, "salajane") as doc:
        first = next(doc.pages())
    with plumber_engine.open_document(SAMPLES / "annex-2025.pdf") as doc:
        expected = next(doc.pages())
    _assert_same_words(expected, first, hyphen_blanks=[])


# ------------------------------------------------------------------ package shape


def test_raw_ctypes_only_in_the_character_loop():
    """The engine's hand-made ctypes function pointers (untyped calls, for speed) live
    in chars.py alone; the frame, fonts, edges and document go through pypdfium2's
    API, so a change there cannot pass a wrong argument type unchecked."""
    import ast
    from pathlib import Path

    package = Path(pdfium_engine.__file__).parent
    users = set()
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "CFUNCTYPE" and getattr(node.value, "id", "") == "ctypes":
                users.add(module.name)
    assert users == {"chars.py"}, users
