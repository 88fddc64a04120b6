"""Report on the sample PDFs: pages, how borders are drawn, which tables continue across a
page break and which rows break across a page boundary.

    .venv/bin/python samples/build/inspect_pdfs.py samples/annex-2025.pdf [...]

Tables are found with pdfplumber (ruling lines), their rows matched in document order
against the transcription (samples/transcription/annex-2025.json, or -amended.json for a
file whose name contains "amended"), comparing cell texts with all whitespace removed. A
row whose cells on one page are proper prefixes of the transcribed cells, completed by the
first row of the table on the next page, is a row broken across pages.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pdfplumber

SAMPLES = Path(__file__).resolve().parent.parent


def _k(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def _sequence(data: dict) -> list[dict]:
    seq = []
    for block in data["blocks"]:
        if block["type"] != "table":
            continue
        no = block["no"]
        t = data["tables"][str(no)]
        seq.append({"table": no, "row": 0, "header": True, "keys": [_k(c) for c in t["header"]],
                    "label": "(header)"})
        for i, r in enumerate(t["rows"], start=1):
            n = r["norm"]
            label = n.get("code") or n.get("label") or n.get("indicator")
            if n.get("code"):
                label = f"{n['code']} {n['label'][:40]}"
            seq.append({"table": no, "row": i, "header": False,
                        "keys": [_k(c) for c in r["cells"]], "label": label})
    return seq


def _vertical_extent(page) -> tuple[float, float] | None:
    """Top and bottom of the page's vertical rulings (lines or thin rects)."""
    ys = []
    for ln in page.lines:
        if abs(ln["x0"] - ln["x1"]) < 1 and ln["bottom"] - ln["top"] > 2:
            ys += [ln["top"], ln["bottom"]]
    for r in page.rects:
        if r["width"] < 2 and r["height"] > 2:
            ys += [r["top"], r["bottom"]]
    return (min(ys), max(ys)) if ys else None


def _fragments(pdf) -> list[tuple[int, list[list[str]]]]:
    out = []
    for pno, page in enumerate(pdf.pages, start=1):
        # A producer may leave a row that breaks at the page end open (no bottom rule,
        # WeasyPrint/Chromium do): close the rulings at the top and bottom of the page's
        # vertical lines so the broken row's part is still a cell.
        ext = _vertical_extent(page)
        settings = {"explicit_horizontal_lines": list(ext)} if ext else {}
        for tab in sorted(page.find_tables(settings), key=lambda t: t.bbox[1]):
            rows = [[c or "" for c in row] for row in tab.extract()]
            out.append((pno, rows))
    return out


def analyse(path: Path) -> dict:
    src = "annex-2025-amended.json" if "amended" in path.name else "annex-2025.json"
    data = json.loads((SAMPLES / "transcription" / src).read_text(encoding="utf-8"))
    seq = _sequence(data)
    headers = {e["table"]: e["keys"] for e in seq if e["header"]}

    with pdfplumber.open(path) as pdf:
        n_pages = len(pdf.pages)
        lines = sum(len(p.lines) for p in pdf.pages)
        rects = sum(len(p.rects) for p in pdf.pages)
        curves = sum(len(p.curves) for p in pdf.pages)
        frags = _fragments(pdf)

    j = 0  # next expected entry
    pending = None  # (entry index, accumulated keys, first page)
    table_pages: dict[int, set[int]] = defaultdict(set)
    breaks = []
    repeated_headers = 0
    problems = []
    for pno, rows in frags:
        for cells in rows:
            rk = [_k(c) for c in cells]
            if pending is not None:
                ei, acc, p0 = pending
                target = seq[ei]["keys"]
                if len(rk) == len(target):
                    acc2 = [a + b for a, b in zip(acc, rk)]
                    if acc2 == target:
                        breaks.append((seq[ei], p0, pno))
                        table_pages[seq[ei]["table"]].add(pno)
                        pending = None
                        j = ei + 1
                        continue
                    if all(t.startswith(a) for a, t in zip(acc2, target)):
                        pending = (ei, acc2, p0)
                        table_pages[seq[ei]["table"]].add(pno)
                        continue
                # a repeated header row may come before the continuation
                if rk == headers.get(seq[ei]["table"]):
                    repeated_headers += 1
                    continue
                problems.append(f"p{pno}: expected the rest of T{seq[ei]['table']} row "
                                f"{seq[ei]['row']}, got {cells}")
                pending = None
                j = ei + 1
                continue
            if j >= len(seq):
                problems.append(f"p{pno}: extra row {cells}")
                continue
            e = seq[j]
            # Tabel 17: pdfplumber gives the merged group cell once (top row) and None below
            if len(rk) == len(e["keys"]) and rk == e["keys"]:
                table_pages[e["table"]].add(pno)
                j += 1
                continue
            if not e["header"] and rk == headers.get(e["table"]):
                repeated_headers += 1
                table_pages[e["table"]].add(pno)
                continue
            if (len(rk) == len(e["keys"]) and rk != e["keys"]
                    and all(t.startswith(a) for a, t in zip(rk, e["keys"]))):
                pending = (j, rk, pno)
                table_pages[e["table"]].add(pno)
                continue
            problems.append(f"p{pno}: expected T{e['table']} row {e['row']} "
                            f"{e['keys'][:2]}, got {rk[:2]}")
    if j < len(seq):
        problems.append(f"unmatched from T{seq[j]['table']} row {seq[j]['row']} on "
                        f"({len(seq) - j} entries)")
    spans = {t: sorted(p) for t, p in sorted(table_pages.items()) if len(p) > 1}
    return {
        "file": path.name,
        "pages": n_pages,
        "lines": lines,
        "rects": rects,
        "curves": curves,
        "spanning_tables": spans,
        "row_breaks": [(e["table"], e["row"], e["label"], p0, p1) for e, p0, p1 in breaks],
        "repeated_headers": repeated_headers,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    bad = 0
    for path in paths:
        r = analyse(path)
        print(f"== {r['file']}: {r['pages']} pages; borders: {r['lines']} lines, "
              f"{r['rects']} rects, {r['curves']} curves")
        print("   tables spanning pages: " + ", ".join(
            f"T{t} (p{ps[0]}-{ps[-1]})" for t, ps in r["spanning_tables"].items()))
        print(f"   repeated header rows: {r['repeated_headers']}")
        print(f"   rows broken across pages: {len(r['row_breaks'])}")
        for t, row, label, p0, p1 in r["row_breaks"]:
            print(f"     T{t} row {row} [{label}] p{p0}->p{p1}")
        for p in r["problems"]:
            print("   PROBLEM " + p)
        bad += bool(r["problems"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
