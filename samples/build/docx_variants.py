#!/usr/bin/env python3
"""DOCX variants of the sample annex, as Word and LibreOffice write them.

Every variant is the same transcription written with one of the XML features Word
templates and editing produce, placed by a seeded random generator: content controls
(`w:sdt`) around paragraphs, tables, rows, cells and runs; `w:customXml`; smart tags;
hyperlinks; fields (complex `w:fldChar` fields and `w:fldSimple`, the cell text being
the field's result); bookmarks, comment ranges and proofing marks between runs; runs
split and spaces written as tabs and soft line breaks; and the amendment as Track
Changes (`tracked_docx`: samples/annex-2025.docx with every edit of
samples/amendment.json as a tracked insertion/deletion, built by diffing it against
samples/annex-2025-amended.docx). LibreOffice variants re-save the DOCX through its
DOCX writer, as .odt and as .doc.

Used by tests/test_docx_word.py and bench/conformance_docx.py (`make conformance-docx`);
run directly to write the variants to a folder, or the committed
samples/annex-2025-tracked.docx:

    .venv/bin/python samples/build/docx_variants.py OUTDIR [--seed N]
    .venv/bin/python samples/build/docx_variants.py --tracked-sample
"""

from __future__ import annotations

import argparse
import copy
import difflib
import io
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
ORIGINAL = SAMPLES / "annex-2025.docx"
AMENDED = SAMPLES / "annex-2025-amended.docx"
TRACKED_SAMPLE = SAMPLES / "annex-2025-tracked.docx"  # committed: the amendment as Track Changes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FIXED = (2025, 9, 1, 10, 0, 0)  # zip timestamps: the same bytes on every build
AUTHOR = "Kultuuriministeerium"
REV_DATE = "2025-09-01T10:00:00Z"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def el(tag: str, **attrs) -> etree._Element:
    e = etree.Element(w(tag))
    for k, v in attrs.items():
        e.set(w(k), str(v))
    return e


# ---------------------------------------------------------------- reading and writing

def read_docx_xml(path: Path) -> tuple[dict[str, bytes], etree._Element]:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    return members, etree.fromstring(members["word/document.xml"])


def write_docx(members: dict[str, bytes], root: etree._Element, out: Path) -> Path:
    data = dict(members)
    data["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(data, key=lambda n: (n != "[Content_Types].xml", n)):
            zf.writestr(zipfile.ZipInfo(name, FIXED), data[name], zipfile.ZIP_DEFLATED)
    out.write_bytes(buf.getvalue())
    return out


def body(root) -> etree._Element:
    return root.find(w("body"))


def _text(e) -> str:
    return "".join(t.text or "" for t in e.iter(w("t")))


def _tables(root) -> dict[int, etree._Element]:
    """Caption number -> the w:tbl that follows it."""
    out, pending = {}, None
    for child in body(root):
        if child.tag == w("p"):
            t = _text(child).strip()
            if t.startswith("Tabel ") and "." in t:
                try:
                    pending = int(t.split()[1].rstrip("."))
                except ValueError:
                    pass
        elif child.tag == w("tbl") and pending is not None:
            out[pending] = child
            pending = None
    return out


# ---------------------------------------------------------------- wrappers

_ids = iter(range(1, 10**9))


def _reset_ids() -> None:
    """Each file numbers its controls and revisions from 1: the same bytes whatever
    was built before it in the process."""
    global _ids
    _ids = iter(range(1, 10**9))


def _sdt(kind: str = "rich") -> tuple[etree._Element, etree._Element]:
    sdt = el("sdt")
    pr = etree.SubElement(sdt, w("sdtPr"))
    etree.SubElement(pr, w("alias")).set(w("val"), f"Sisu {kind}")
    etree.SubElement(pr, w("id")).set(w("val"), str(next(_ids)))
    if kind == "text":
        etree.SubElement(pr, w("text"))
    content = etree.SubElement(sdt, w("sdtContent"))
    return sdt, content


def _wrap(target: etree._Element, wrapper: etree._Element, inner: etree._Element | None = None) -> None:
    """Put `wrapper` where `target` stands and `target` inside it (in `inner`)."""
    parent = target.getparent()
    parent.replace(target, wrapper)
    (inner if inner is not None else wrapper).append(target)


def wrap_in_sdt(target) -> None:
    sdt, content = _sdt()
    _wrap(target, sdt, content)


def wrap_in_custom_xml(target) -> None:
    cx = el("customXml", uri="urn:annex-template", element="plokk")
    _wrap(target, cx)


def wrap_run(run, how: str) -> None:
    if how == "sdt":
        sdt, content = _sdt("text")
        _wrap(run, sdt, content)
    elif how == "hyperlink":
        _wrap(run, el("hyperlink", anchor="_Toc1", history="1"))
    elif how == "smartTag":
        _wrap(run, el("smartTag", uri="urn:schemas-microsoft-com:office:smarttags", element="date"))
    elif how == "customXml":
        _wrap(run, el("customXml", uri="urn:annex-template", element="vaartus"))
    elif how == "fldSimple":
        _wrap(run, el("fldSimple", instr=" DOCPROPERTY  Summa  \\* MERGEFORMAT "))
    elif how == "field":
        parent, i = run.getparent(), run.getparent().index(run)
        rpr = run.find(w("rPr"))

        def r(child):
            rr = el("r")
            if rpr is not None:
                rr.append(copy.deepcopy(rpr))
            rr.append(child)
            return rr

        def instr(text):
            e = el("instrText")
            e.text = text
            e.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            return e

        def t(text):
            e = el("t")
            e.text = text
            return e

        # IF { DOCPROPERTY … } = "12345" "…": a field nested in another's instruction,
        # whose own result ("12345") is part of that instruction, not of the text.
        before = [
            el("fldChar", fldCharType="begin"), instr(" IF "),
            el("fldChar", fldCharType="begin"), instr(" DOCPROPERTY  Tabel_vaartus  \\* MERGEFORMAT "),
            el("fldChar", fldCharType="separate"), t("12345"), el("fldChar", fldCharType="end"),
            instr(' = "12345" "jah" "ei" '), el("fldChar", fldCharType="separate"),
        ]
        for k, node in enumerate(before):
            parent.insert(i + k, r(node))
        parent.insert(parent.index(run) + 1, r(el("fldChar", fldCharType="end")))
    else:
        raise ValueError(how)


def _runs_with_text(scope) -> list:
    return [r for r in scope.iter(w("r")) if r.find(w("t")) is not None and (r.find(w("t")).text or "").strip()]


def split_runs(root, rng: random.Random, share: float) -> None:
    """Split runs into several, and write some spaces as tabs or soft line breaks."""
    for run in _runs_with_text(body(root)):
        if rng.random() > share or [c.tag for c in run if c.tag != w("rPr")] != [w("t")]:
            continue  # only runs of one w:t (a run may also hold breaks between texts)
        t = run.find(w("t"))
        text = t.text
        if len(text) < 4:
            continue
        cut = rng.randrange(1, len(text))
        head, tail = text[:cut], text[cut:]
        t.text = head
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        second = copy.deepcopy(run)
        second.find(w("t")).text = tail
        run.addnext(second)
        # A space written as a tab or a manual line break reads the same, except a
        # line break right after a dash (which joins the lines without a space).
        if " " in tail and rng.random() < 0.5:
            k = tail.index(" ")
            if k > 0 and tail[k - 1] not in "-\u2013\u2014" and tail[k + 1: k + 2] not in ("", " "):
                t2 = second.find(w("t"))
                t2.text = tail[:k]
                t2.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                brk = el("tab") if rng.random() < 0.5 else el("br")
                t3 = el("t")
                t3.text = tail[k + 1:]
                t3.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                second.append(brk)
                second.append(t3)


def sprinkle_marks(root, rng: random.Random, share: float) -> None:
    """Bookmarks, comment ranges and proofing marks between runs: no text."""
    for run in _runs_with_text(body(root)):
        if rng.random() > share:
            continue
        n = next(_ids)
        kind = rng.choice(["bookmark", "comment", "proof"])
        if kind == "bookmark":
            run.addprevious(el("bookmarkStart", id=n, name=f"_Ref{n}"))
            run.addnext(el("bookmarkEnd", id=n))
        elif kind == "comment":
            run.addprevious(el("commentRangeStart", id=n))
            run.addnext(el("commentRangeEnd", id=n))
        else:
            run.addprevious(el("proofErr", type="spellStart"))
            run.addnext(el("proofErr", type="spellEnd"))


def wrap_inline(root, rng: random.Random, share: float, kinds: list[str]) -> None:
    for run in _runs_with_text(body(root)):
        if rng.random() < share:
            wrap_run(run, rng.choice(kinds))


def wrap_blocks(root, rng: random.Random, share: float, how: Callable = wrap_in_sdt, tables=()) -> None:
    """Wrap the given tables (by number) and a share of the other body blocks."""
    by_no = _tables(root)
    chosen = {id(by_no[n]) for n in tables}
    for child in list(body(root)):
        if child.tag not in (w("p"), w("tbl")):
            continue
        if id(child) in chosen or rng.random() < share:
            how(child)
            wrapper = child.getparent()
            if wrapper.tag == w("sdtContent"):
                wrapper = wrapper.getparent()
            if rng.random() < 0.2:  # sometimes a content control inside another one
                wrap_in_sdt(wrapper)


def wrap_rows_and_cells(root, rng: random.Random, share: float) -> None:
    for tbl in list(body(root).iter(w("tbl"))):
        for tr in list(tbl.findall(w("tr"))):
            if rng.random() < share:
                (wrap_in_sdt if rng.random() < 0.7 else wrap_in_custom_xml)(tr)
            for tc in list(tr.iter(w("tc"))):
                if rng.random() < share:
                    (wrap_in_sdt if rng.random() < 0.7 else wrap_in_custom_xml)(tc)


# ---------------------------------------------------------------- tracked changes

def _rev(tag: str) -> etree._Element:
    return el(tag, id=next(_ids), author=AUTHOR, date=REV_DATE)


def _as_deleted(run) -> etree._Element:
    """The run wrapped in w:del, its w:t become w:delText."""
    run = copy.deepcopy(run)
    for t in run.iter(w("t")):
        t.tag = w("delText")
    d = _rev("del")
    d.append(run)
    return d


def _as_inserted(run) -> etree._Element:
    i = _rev("ins")
    i.append(copy.deepcopy(run))
    return i


def _mark_paragraph(p, how: str) -> None:
    """Mark every run of a paragraph, and its paragraph mark, inserted or deleted."""
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = el("pPr")
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
    rpr.append(_rev("ins" if how == "ins" else "del"))
    for run in list(p.findall(w("r"))):
        run.getparent().replace(run, _as_inserted(run) if how == "ins" else _as_deleted(run))


def _mark_row(tr, how: str) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = el("trPr")
        tcs = tr.find(w("tblPrEx"))
        (tcs.addnext if tcs is not None else (lambda e: tr.insert(0, e)))(trpr)
    trpr.append(_rev("ins" if how == "ins" else "del"))
    for p in tr.iter(w("p")):
        _mark_paragraph(p, how)


def _retext_cell(old_tc, new_tc) -> None:
    """Turn the old cell's text into the new one with character-level tracked
    insertions and deletions (as Word records typing over a value)."""
    old_ps, new_ps = old_tc.findall(w("p")), new_tc.findall(w("p"))
    if len(old_ps) != 1 or len(new_ps) != 1:
        raise SystemExit(f"tracked cell with several paragraphs: {_text(old_tc)!r} -> {_text(new_tc)!r}")
    p = old_ps[0]
    runs = p.findall(w("r"))
    if len(runs) != 1:
        raise SystemExit(f"tracked cell with several runs: {_text(old_tc)!r}")
    template, old, new = runs[0], _text(old_tc), _text(new_tc)

    def run_with(text: str):
        r = copy.deepcopy(template)
        t = r.find(w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return r

    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(run_with(old[i1:i2]))
        if op in ("delete", "replace"):
            parts.append(_as_deleted(run_with(old[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(_as_inserted(run_with(new[j1:j2])))
    i = p.index(template)
    p.remove(template)
    for k, part in enumerate(parts):
        p.insert(i + k, part)


def _row_key(tr) -> str:
    return _text(tr.find(w("tc")))


def _track_table(old_tbl, new_tbl) -> None:
    old_rows, new_rows = old_tbl.findall(w("tr")), new_tbl.findall(w("tr"))
    sm = difflib.SequenceMatcher(None, [_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows], autojunk=False)
    for op, i1, i2, j1, j2 in reversed(sm.get_opcodes()):  # from the end: indexes stay valid
        if op == "equal":
            for o, n in zip(old_rows[i1:i2], new_rows[j1:j2]):
                for otc, ntc in zip(o.findall(w("tc")), n.findall(w("tc"))):
                    if _text(otc) != _text(ntc):
                        _retext_cell(otc, ntc)
            continue
        anchor = old_rows[i2 - 1] if i2 > i1 else (old_rows[i1 - 1] if i1 else None)
        for o in old_rows[i1:i2]:
            _mark_row(o, "del")
        for n in reversed(new_rows[j1:j2]):
            added = copy.deepcopy(n)
            _mark_row(added, "ins")
            if anchor is not None:
                anchor.addnext(added)
            else:
                old_tbl.insert(old_tbl.index(old_rows[0]), added)


def tracked_docx(out: Path) -> Path:
    """annex-2025.docx carrying the amendment as tracked changes: the original's
    XML with each difference to annex-2025-amended.docx recorded as Word records it."""
    _reset_ids()
    members, old = read_docx_xml(ORIGINAL)
    _, new = read_docx_xml(AMENDED)
    old_blocks, new_blocks = list(body(old)), list(body(new))

    def key(e):
        return ("tbl", len(list(e.itersiblings(w("tbl"), preceding=True)))) if e.tag == w("tbl") else (e.tag, _text(e))

    sm = difflib.SequenceMatcher(None, [key(e) for e in old_blocks], [key(e) for e in new_blocks], autojunk=False)
    for op, i1, i2, j1, j2 in reversed(sm.get_opcodes()):
        if op == "equal":
            for o, n in zip(old_blocks[i1:i2], new_blocks[j1:j2]):
                if o.tag == w("tbl"):
                    _track_table(o, n)
            continue
        for o in old_blocks[i1:i2]:
            if o.tag != w("p"):
                raise SystemExit("a changed block that is not a paragraph")
            _mark_paragraph(o, "del")
        anchor = old_blocks[i2 - 1] if i2 > i1 else old_blocks[i1 - 1]
        for n in reversed(new_blocks[j1:j2]):
            added = copy.deepcopy(n)
            if added.tag != w("p"):
                raise SystemExit("an added block that is not a paragraph")
            _mark_paragraph(added, "ins")
            anchor.addnext(added)
    return write_docx(members, old, out)


# ---------------------------------------------------------------- variants

@dataclass(frozen=True)
class Variant:
    name: str
    expected: str  # transcription: "annex-2025" | "annex-2025-amended"
    build: Callable[[Path, int], Path]  # (out_dir, seed) -> file
    revisions: str = "accepted"
    needs_soffice: bool = False


def _xml_variant(name: str, edit: Callable[[etree._Element, random.Random], None]):
    def build(out_dir: Path, seed: int) -> Path:
        _reset_ids()
        members, root = read_docx_xml(ORIGINAL)
        edit(root, random.Random(f"{seed}:{name}"))
        return write_docx(members, root, out_dir / f"{name}.docx")
    return build


INLINE_KINDS = ["sdt", "hyperlink", "smartTag", "customXml", "fldSimple", "field"]


def _everything(root, rng, kinds=INLINE_KINDS):
    split_runs(root, rng, 0.3)
    sprinkle_marks(root, rng, 0.2)
    wrap_inline(root, rng, 0.3, kinds)
    wrap_rows_and_cells(root, rng, 0.15)
    wrap_blocks(root, rng, 0.2, tables=(9,))


def _tracked(out_dir: Path, seed: int) -> Path:
    return tracked_docx(out_dir / "tracked.docx")


def _soffice_variant(name: str, target: str, source: Callable[[Path, int], Path] | None = None):
    def build(out_dir: Path, seed: int) -> Path:
        sys.path.insert(0, str(ROOT))
        from extract.soffice import convert, find_soffice

        soffice = find_soffice()
        if soffice is None:
            raise RuntimeError("soffice not found: apt-get install libreoffice-writer-nogui")
        src = source(out_dir / "src", seed) if source else ORIGINAL
        sub = out_dir / name
        sub.mkdir(parents=True, exist_ok=True)
        produced = convert(soffice, src, target, sub, 240)
        if produced is None:
            raise RuntimeError(f"LibreOffice produced nothing for {name}")
        return produced
    return build


def _src(builder):
    def build(out_dir: Path, seed: int) -> Path:
        out_dir.mkdir(parents=True, exist_ok=True)
        return builder(out_dir, seed)
    return build


VARIANTS: list[Variant] = [
    Variant("python-docx", "annex-2025", lambda d, s: ORIGINAL),
    Variant("sdt-table-9", "annex-2025", _xml_variant("sdt-table-9", lambda r, g: wrap_blocks(r, g, 0.0, tables=(9,)))),
    Variant("sdt-blocks", "annex-2025", _xml_variant("sdt-blocks", lambda r, g: wrap_blocks(r, g, 0.3))),
    Variant("customxml-blocks", "annex-2025",
            _xml_variant("customxml-blocks", lambda r, g: wrap_blocks(r, g, 0.3, how=wrap_in_custom_xml))),
    Variant("sdt-rows-cells", "annex-2025", _xml_variant("sdt-rows-cells", lambda r, g: wrap_rows_and_cells(r, g, 0.25))),
    Variant("inline-wrappers", "annex-2025",
            _xml_variant("inline-wrappers", lambda r, g: wrap_inline(r, g, 0.4, ["sdt", "hyperlink", "smartTag", "customXml"]))),
    Variant("fields", "annex-2025", _xml_variant("fields", lambda r, g: wrap_inline(r, g, 0.4, ["field", "fldSimple"]))),
    Variant("split-runs-tabs-breaks", "annex-2025",
            _xml_variant("split-runs-tabs-breaks", lambda r, g: (split_runs(r, g, 0.5), sprinkle_marks(r, g, 0.3)))),
    Variant("everything", "annex-2025", _xml_variant("everything", _everything)),
    Variant("tracked-accepted", "annex-2025-amended", _tracked),
    Variant("tracked-original", "annex-2025", _tracked, revisions="original"),
    Variant("libreoffice-docx", "annex-2025", _soffice_variant("libreoffice-docx", "docx:MS Word 2007 XML"), needs_soffice=True),
    # LibreOffice keeps tracked changes when it saves a DOCX; its content-control
    # export is lossy (7.4 moves line breaks out of a control and writes a w:fldSimple
    # inside one as its instruction text), so the Word-markup variants are not
    # round-tripped: the file it saves really says something else.
    Variant("libreoffice-tracked-accepted", "annex-2025-amended",
            _soffice_variant("libreoffice-tracked-accepted", "docx:MS Word 2007 XML", _src(_tracked)),
            needs_soffice=True),
    Variant("libreoffice-tracked-original", "annex-2025",
            _soffice_variant("libreoffice-tracked-original", "docx:MS Word 2007 XML", _src(_tracked)),
            revisions="original", needs_soffice=True),
    Variant("odt", "annex-2025", _soffice_variant("odt", "odt"), needs_soffice=True),
    Variant("doc", "annex-2025", _soffice_variant("doc", "doc:MS Word 97"), needs_soffice=True),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path, nargs="?")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--tracked-sample", action="store_true",
                    help=f"(re)write {TRACKED_SAMPLE.relative_to(ROOT)} only")
    args = ap.parse_args(argv)
    if args.tracked_sample:
        print(tracked_docx(TRACKED_SAMPLE))
        return 0
    if args.outdir is None:
        ap.error("OUTDIR is required")
    args.outdir.mkdir(parents=True, exist_ok=True)
    for v in VARIANTS:
        print(f"{v.name:24} {v.build(args.outdir, args.seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
