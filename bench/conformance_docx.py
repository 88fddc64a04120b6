"""DOCX rendering matrix: every variant of samples/build/docx_variants.py held to the
transcription, cell by cell.

    make conformance-docx   # = .venv/bin/python bench/conformance_docx.py [--seed N] [--only NAME…]

Each variant (content controls, customXml, smart tags, hyperlinks, fields, split runs,
tracked changes in both views, LibreOffice's DOCX writer, .odt, .doc) is written with
the given seed, ingested into a fresh warehouse, and compared with the transcription it
must equal (the original's, or the amendment's for tracked changes accepted). Prints:
variant, rows equal, cells equal, exact, seconds (of the ingest). Exit 1 when any
variant is not exact.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ingest_files  # noqa: E402
from pipeline import Options  # noqa: E402
from tests.expectations import compare, score  # noqa: E402

_spec = importlib.util.spec_from_file_location("docx_variants", ROOT / "samples" / "build" / "docx_variants.py")
dv = importlib.util.module_from_spec(_spec)
sys.modules["docx_variants"] = dv
_spec.loader.exec_module(dv)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="DOCX rendering matrix against the transcription")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--only", nargs="*", help="variant names")
    args = ap.parse_args(argv)
    expected = {
        name: json.loads((ROOT / "samples" / "transcription" / f"{name}.json").read_text("utf-8"))
        for name in ("annex-2025", "annex-2025-amended")
    }
    print(f"DOCX rendering matrix, seed {args.seed}")
    print(f"{'variant':30} {'rows equal':>12} {'cells equal':>13} {'exact':>6} {'seconds':>8}")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="annex-conformance-docx-") as tmp:
        tmpdir = Path(tmp)
        for v in dv.VARIANTS:
            if args.only and v.name not in args.only:
                continue
            try:
                path = v.build(tmpdir / v.name, args.seed) if v.needs_soffice else v.build(_mk(tmpdir / v.name), args.seed)
            except Exception as exc:  # noqa: BLE001 - one variant's build failing is a row of the table
                print(f"{v.name:30} could not be built: {exc}")
                failed += 1
                continue
            db = tmpdir / f"{v.name}.duckdb"
            start = time.perf_counter()
            (outcome,) = ingest_files([str(path)], db, Options(revisions=v.revisions))
            seconds = time.perf_counter() - start
            exp = expected[v.expected]
            if outcome.status != "loaded":
                print(f"{v.name:30} {outcome.status}: {outcome.message}")
                failed += 1
                continue
            problems = compare(db, exp)
            (r_ok, r_all), (c_ok, c_all), _ = score(problems, exp)
            exact = not problems
            failed += not exact
            print(f"{v.name:30} {r_ok:>5}/{r_all:<6} {c_ok:>6}/{c_all:<6} {'yes' if exact else 'NO':>6} {seconds:>8.2f}")
            for p in problems[:5]:
                print(f"    {p}")
    print("all exact" if not failed else f"{failed} variant(s) not exact")
    return 1 if failed else 0


def _mk(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


if __name__ == "__main__":
    sys.exit(main())
