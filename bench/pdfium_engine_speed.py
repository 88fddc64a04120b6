"""Micro-benchmark: seconds per page to read the samples into PageGeometry with each
engine, against the floor (a bare pypdfium2 read of every character and page object).

    .venv/bin/python bench/pdfium_engine_speed.py [--repeat 15] [PDF ...]

Medians of --repeat runs (pdfplumber: a third as many, it is slow) in one process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import pdfium_floor  # noqa: E402
from extract.pdf import pdfium as pdfium_engine, plumber_engine  # noqa: E402

SAMPLES = [ROOT / "samples" / n for n in ("annex-2025.pdf", "annex-2025-alt.pdf", "annex-2025-html.pdf")]


def engine(module):
    def run(path: Path) -> None:
        with module.open_document(path) as doc:
            for _ in doc.pages():
                pass

    return run


def median_seconds(fn, path: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(path)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdfs", nargs="*", type=Path, default=SAMPLES)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    import pypdfium2 as pdfium

    engine(pdfium_engine)(args.pdfs[0])  # imports and the raw function table, once
    print(f"{'file':<24} {'pages':>5} {'pdfplumber':>12} {'pdfium':>10} {'floor':>10} {'speedup':>8} {'/floor':>7}")
    for path in args.pdfs:
        pages = len(pdfium.PdfDocument(str(path)))
        t_plumber = median_seconds(engine(plumber_engine), path, max(1, args.repeat // 3)) / pages
        t_pdfium = median_seconds(engine(pdfium_engine), path, args.repeat) / pages
        t_floor = median_seconds(pdfium_floor, path, args.repeat) / pages
        print(
            f"{path.name:<24} {pages:>5} {t_plumber * 1e3:>9.2f} ms {t_pdfium * 1e3:>7.2f} ms {t_floor * 1e3:>7.2f} ms"
            f" {t_plumber / t_pdfium:>7.1f}x {t_pdfium / t_floor:>6.2f}x"
        )


if __name__ == "__main__":
    main()
