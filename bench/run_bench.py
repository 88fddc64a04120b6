"""Benchmark: speed, memory and scaling of the pipeline against the libraries it is
built on, all measured in one run on this machine (ratios, not absolute seconds).

    make bench            # = .venv/bin/python bench/run_bench.py --out bench/results
    .venv/bin/python bench/run_bench.py --processes-only   # the whole-process comparison alone
    .venv/bin/python bench/run_bench.py --quick --no-scan  # a smoke run

Writes bench/results/bench.json and bench/results/bench.md. Every figure is a median
of --repeat runs (at least 5 for the end-to-end PDF ingest), each into a fresh
warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ingest_files  # noqa: E402
from pipeline import Options  # noqa: E402

PDF = ROOT / "samples" / "annex-2025.pdf"
DOCX = ROOT / "samples" / "annex-2025.docx"
SCAN = ROOT / "samples" / "annex-2025-scan.pdf"

TARGETS = {
    "e2e_vs_pdfplumber": ("end-to-end PDF / pdfplumber extract_tables", "<=", 1.5),
    "camelot_vs_e2e": ("camelot lattice / end-to-end PDF", ">=", 3.0),
    "reingest_seconds": ("unchanged re-ingest, seconds", "<", 0.3),
    "jobs2_speedup": ("batch (--batch files): --jobs 1 / --jobs 2", ">=", 1.6),
    "scale10_time_ratio": ("10x annex time / 1x", "<=", 11.0),
    "scale10_rss_ratio": ("10x annex peak RSS / 1x", "<", 2.0),
    "pdfium_vs_floor": ("pdfium engine end-to-end / bare pypdfium2 read (in process)", "<=", 3.0),
    "process_extract_vs_floor": ("whole `extract` process / bare pypdfium2 read process", "<=", 3.0),
    "process_pdfplumber_vs_extract": ("bare pdfplumber extract_tables process / whole `extract` process", ">=", 4.0),
    "hierarchy_20k_s": ("hierarchy + reconciliation of a 20 000-row table, seconds", "<", 1.0),
    "hostile_max_rss_mb": ("hostile input: largest peak RSS of any process, MB", "<", 1024),
}


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def fresh_ingest(paths, engine="auto", jobs=1):
    d = tempfile.mkdtemp(prefix="bench-")
    try:
        out = ingest_files([str(p) for p in paths], os.path.join(d, "w.duckdb"), Options(engine=engine), jobs=jobs)
        bad = [o for o in out if o.status != "loaded"]
        if bad:
            raise RuntimeError(f"ingest failed: {bad[0].message}")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# The two baselines as source text: run in this process (`exec`) and as a whole
# `python -c` process, the same code both ways. `PATH` is the PDF.
PDFPLUMBER_CODE = """
import pdfplumber

with pdfplumber.open(PATH) as pdf:
    for page in pdf.pages:
        page.extract_tables()
        page.close()
"""

# Read every character (text and box) and every page object: the least any engine
# on pypdfium2 must do.
PDFIUM_FLOOR_CODE = """
import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw

pdf = pdfium.PdfDocument(PATH)
l, r, b, t = (ctypes.c_double() for _ in range(4))
for page in pdf:
    tp = page.get_textpage()
    n = raw.FPDFText_CountChars(tp)
    for i in range(n):
        raw.FPDFText_GetUnicode(tp, i)
        raw.FPDFText_GetCharBox(tp, i, l, r, b, t)
    for obj in page.get_objects(max_depth=2):
        obj.get_bounds()
    tp.close()
    page.close()
pdf.close()
"""


def pdfplumber_baseline(path: Path) -> None:
    exec(PDFPLUMBER_CODE, {"PATH": str(path)})


def camelot_baseline(path: Path) -> None:
    import camelot

    camelot.read_pdf(str(path), pages="all", flavor="lattice")


def pdfium_floor(path: Path) -> None:
    """The bare pypdfium2 read (PDFIUM_FLOOR_CODE) in this process."""
    exec(PDFIUM_FLOOR_CODE, {"PATH": str(path)})


def _extract_command() -> list[str]:
    """The `extract` script of this environment, as a user runs it."""
    script = Path(sys.executable).with_name("extract")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def cache_bytecode() -> None:
    """Compile the project's modules to __pycache__, as Python does on a user's first
    run: the libraries were compiled when pip installed them, and a VM that sets
    PYTHONDONTWRITEBYTECODE (this one does) would otherwise make every `extract` process
    compile ~100 modules the floor and pdfplumber processes never compile."""
    import compileall

    for package in ("extract", "normalize", "load", "pipeline", "cli", "report"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def whole_processes(path: Path, rounds: int, work: Path) -> dict:
    """Wall time of three whole processes on the same file, interleaved round by round
    (the order rotating) so that whatever else the machine does hits them alike:
    `python -c <bare pypdfium2 read>`, `python -c <pdfplumber extract_tables>` and
    `extract FILE --db NEW -q` into a new warehouse each time. Medians."""
    commands = {
        "floor": [sys.executable, "-c", f"PATH = {str(path)!r}\n" + PDFIUM_FLOOR_CODE],
        "pdfplumber": [sys.executable, "-c", f"PATH = {str(path)!r}\n" + PDFPLUMBER_CODE],
        "extract": [*_extract_command(), str(path), "--db", "NEW", "-q"],
    }
    runs: dict[str, list[float]] = {k: [] for k in commands}
    names = list(commands)
    for i in range(rounds):
        for name in names[i % 3:] + names[:i % 3]:
            cmd = commands[name]
            db = work / f"process-{i}.duckdb"
            cmd = [str(db) if c == "NEW" else c for c in cmd]
            t = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            took = time.perf_counter() - t
            if done.returncode != 0:
                raise RuntimeError(f"{name} process failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            runs[name].append(took)
            for leftover in work.glob(f"process-{i}.duckdb*"):
                leftover.unlink()
    out = {f"process_{k}_s": statistics.median(v) for k, v in runs.items()}
    out.update({f"process_{k}_runs": v for k, v in runs.items()})
    out["process_rounds"] = rounds
    out["process_extract_vs_floor"] = out["process_extract_s"] / out["process_floor_s"]
    out["process_pdfplumber_vs_extract"] = out["process_pdfplumber_s"] / out["process_extract_s"]
    return out


def scan_ingest() -> dict:
    """The scanned annex through OCR, once (it takes about a minute): seconds in all
    and per page, and how many cells agree with the transcription."""
    from extract.pdf import ocr_engine

    sys.path.insert(0, str(ROOT / "tests"))
    from expectations import compare, count_cells

    d = tempfile.mkdtemp(prefix="bench-scan-")
    try:
        db = os.path.join(d, "w.duckdb")
        t = time.perf_counter()
        out = ingest_files([str(SCAN)], db, Options(engine="auto"))
        seconds = time.perf_counter() - t
        if out[0].status != "loaded":
            raise RuntimeError(out[0].message)
        transcription = json.loads((ROOT / "samples" / "transcription" / "annex-2025.json").read_text("utf-8"))
        wrong = len(compare(db, transcription))
        cells = count_cells(transcription)
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(SCAN))
        pages = len(pdf)
        pdf.close()
        return {"scan_s": seconds, "scan_pages": pages, "scan_s_per_page": seconds / pages,
                "scan_cells": cells, "scan_cells_agree": cells - wrong, "scan_ocr_workers": ocr_engine.OCR_WORKERS}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def parallel_ceiling(workers: int = 2, n: int = 4_000_000) -> float:
    """The speed-up this machine gives two processes of pure CPU work: the most any
    --jobs 2 run can reach here (a VM's vCPUs may share one physical core)."""
    from concurrent.futures import ProcessPoolExecutor

    t = time.perf_counter()
    for _ in range(2 * workers):
        _spin(n)
    serial = time.perf_counter() - t
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [n]))  # start the workers
        t = time.perf_counter()
        list(pool.map(_spin, [n] * (2 * workers)))
        parallel = time.perf_counter() - t
    return serial / parallel


def make_copies(src: Path, n: int, d: Path) -> list[Path]:
    """n byte-distinct copies (a comment after %%EOF) so none is skipped as loaded."""
    out = []
    data = src.read_bytes()
    for i in range(n):
        p = d / f"copy-{i:02d}{src.suffix}"
        p.write_bytes(data + f"\n% copy {i}\n".encode() if src.suffix == ".pdf" else data)
        out.append(p)
    return out


def make_long(src: Path, times: int, dest: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(src))
    w = PdfWriter()
    for _ in range(times):
        for page in reader.pages:
            w.add_page(page)
    with open(dest, "wb") as fh:
        w.write(fh)
    return dest


RSS_SNIPPET = """
import sys, tempfile, os
sys.path.insert(0, sys.argv[1])
from pipeline import ingest_files
from pipeline import Options
d = tempfile.mkdtemp()
out = ingest_files([sys.argv[2]], os.path.join(d, 'w.duckdb'), Options(engine=sys.argv[3]))
assert out[0].status == 'loaded', out[0].message
# VmHWM is this process's own peak (ru_maxrss would carry over the parent's peak
# across fork/exec); the file is read in a worker, which reports its own: the larger.
own = int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))
print(own, out[0].peak_rss_kb or 0)
"""


def peak_rss_kb(path: Path, engine: str) -> tuple[int, int]:
    """(the ingesting process's peak, its worker's peak), kB."""
    out = subprocess.run(
        [sys.executable, "-c", RSS_SNIPPET, str(ROOT), str(path), engine],
        check=True, capture_output=True, text=True,
    )
    own, worker = out.stdout.strip().splitlines()[-1].split()
    return int(own), int(worker)


# ------------------------------------------------------------------ hostile input

CLI_RUN = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
took = time.perf_counter() - t
# The command's own peak (its workers are children of the fork server, not its own).
print(p.returncode, took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(p.stdout)
print("STDERR", p.stderr)
"""


def cli_case(files, db: Path, *extra) -> dict:
    """Run `extract FILES --json` in a fresh process: exit code, wall time, the
    command's peak RSS and each worker's (reported by the command)."""
    cmd = [sys.executable, "-m", "cli", *map(str, files), "--db", str(db), "--json", *extra]
    out = subprocess.run([sys.executable, "-c", CLI_RUN, *cmd], capture_output=True, text=True, cwd=ROOT)
    first, rest = out.stdout.split("\n", 1)
    code, took, parent_kb = first.split()
    body, _, stderr = rest.partition("STDERR")
    summary = json.loads(body) if body.strip().startswith("{") else {}
    files_out = summary.get("files", [])
    worker = max((f.get("worker_peak_rss_mb") or 0 for f in files_out), default=0)
    errors = [f["message"] for f in files_out if f.get("status") in ("bad_input", "internal_error")]
    return {
        "exit": int(code), "seconds": float(took), "parent_rss_mb": int(parent_kb) / 1024,
        "worker_rss_mb": worker, "statuses": [f.get("status") for f in files_out],
        "error": errors[0] if errors else "", "error_lines": len(errors),
        "traceback": "Traceback" in stderr or "Traceback" in body,
    }


def hierarchy_20k() -> float:
    """Hierarchy and reconciliation of one 20 001-row schedule table (was 37 s)."""
    from decimal import Decimal

    from normalize.hierarchy import Node, infer_parents, reconcile

    nodes, row = [Node(1, "3.5", Decimal(20 * 962))], 1
    for a in range(1, 21):  # 20 groups of 1000: 3.5.a, its 37 children, 962 grandchildren
        for b in range(0, 38):
            row += 1
            nodes.append(Node(row, f"3.5.{a}" if b == 0 else f"3.5.{a}.{b}", Decimal(26) if b else Decimal(962)))
            if b:
                for c in range(1, 27):
                    row += 1
                    nodes.append(Node(row, f"3.5.{a}.{b}.{c}", Decimal(1)))
    assert len(nodes) == 20_001
    t = time.perf_counter()
    infer_parents(1, nodes)
    recs = reconcile(1, nodes)
    took = time.perf_counter() - t
    assert all(r.status == "ok" for r in recs), "the generated table should reconcile"
    return took


def hostile_cases(work: Path, quick: bool) -> list[dict]:
    from tests import hostile_inputs as h

    d = work / "hostile"
    d.mkdir(exist_ok=True)
    big = 64 if quick else 1536  # MiB of zeros in one DOCX part (the 1.5 GiB)
    objects = 2_000_000 if quick else 20_000_000
    inner = h.zero_part_docx(d / "annex.docx", big)
    cases = [
        ("sample PDF (30 pages)", [PDF], ()),
        ("sample DOCX", [DOCX], ()),
        (f"DOCX with a {big} MiB zero-filled part", [h.zero_part_docx(d / "zeros.docx", big)], ()),
        ("the same DOCX inside an .asice", [h.asice_with(inner, d / "zeros.asice")], ()),
        ("DOCX, gridSpan=1000000000", [h.gridspan_docx(d / "span.docx")], ()),
        ("DOCX, 20 million empty paragraphs", [h.empty_paragraphs_docx(d / "paras.docx", 20_000_000)], ()),
        ("DOCX with a DTD", [h.dtd_docx(d / "dtd.docx")], ()),
        (f"PDF, {objects // 10**6} million text objects, --timeout 10",
         [h.many_text_objects_pdf(d / "objects.pdf", objects)], ("--timeout", "10")),
        ("PDF, 400 slow pages, --timeout 10", [h.slow_pdf(d / "slow.pdf")], ("--timeout", "10")),
        ("batch: sample PDF + gridSpan DOCX, --timeout 10",
         [PDF, d / "span.docx"], ("--timeout", "10")),
    ]
    if not quick:
        cases.insert(8, ("PDF, 30 million text objects, --timeout 10",
                         [h.many_text_objects_pdf(d / "objects30.pdf", 30_000_000)], ("--timeout", "10")))
    out = []
    for label, files, extra in cases:
        db = d / "w.duckdb"
        for leftover in d.glob("w.duckdb*"):
            leftover.unlink()
        r = cli_case(files, db, *extra)
        r["case"] = label
        r["size_kb"] = sum(Path(f).stat().st_size for f in files) / 1024
        out.append(r)
        print(f"  {label}: exit {r['exit']}, {r['seconds']:.1f} s, command {r['parent_rss_mb']:.0f} MB, "
              f"worker {r['worker_rss_mb']:.0f} MB  {r['error'][:100]}", flush=True)
    return out


def _result(c: dict) -> str:
    if c["error"]:
        text = c["error"].split(": ", 1)[-1]
        return text.replace("|", "\\|")[:90] + ("" if c["error_lines"] == 1 else f" (+{c['error_lines'] - 1} more)")
    return ", ".join(c["statuses"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, smaller batch (a smoke run)")
    ap.add_argument("--rounds", type=int, default=7, help="rounds of the whole-process comparison (quick: 3)")
    ap.add_argument("--processes-only", action="store_true",
                    help="only the whole-process comparison (floor, pdfplumber, extract), then the targets")
    ap.add_argument("--no-scan", action="store_true", help="leave out the scanned annex (OCR, about a minute)")
    args = ap.parse_args()
    if args.quick:
        args.repeat, args.batch, args.rounds = 1, 4, min(args.rounds, 3)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-work-"))
    from extract.reader import DEFAULT_PDF_ENGINE

    r: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "default_pdf_engine": DEFAULT_PDF_ENGINE, "repeat": args.repeat}
    print(f"benchmark on {r['machine']}; default PDF engine {DEFAULT_PDF_ENGINE}", flush=True)

    # Whole processes first, side by side: what a user waits for, imports included.
    cache_bytecode()
    whole_processes(PDF, 1, work)  # warm the disk cache once
    r.update(whole_processes(PDF, args.rounds, work))
    print(f"whole processes ({args.rounds} rounds): floor {r['process_floor_s']:.3f}s, "
          f"pdfplumber {r['process_pdfplumber_s']:.3f}s, extract {r['process_extract_s']:.3f}s", flush=True)
    if args.processes_only:
        return _write(r, out_dir, work, args)

    fresh_ingest([PDF])  # warm imports and caches once
    r["e2e_pdf_s"], r["e2e_pdf_runs"] = timed(lambda: fresh_ingest([PDF]), max(args.repeat, 5))
    r["e2e_docx_s"], _ = timed(lambda: fresh_ingest([DOCX]), args.repeat)
    r["pdfplumber_extract_tables_s"], _ = timed(lambda: pdfplumber_baseline(PDF), args.repeat)
    r["camelot_lattice_s"], _ = timed(lambda: camelot_baseline(PDF), max(1, args.repeat // 2))
    r["e2e_vs_pdfplumber"] = r["e2e_pdf_s"] / r["pdfplumber_extract_tables_s"]
    r["camelot_vs_e2e"] = r["camelot_lattice_s"] / r["e2e_pdf_s"]
    for engine in ("pdfplumber", "pdfium"):
        try:
            r[f"e2e_pdf_{engine}_s"], _ = timed(lambda: fresh_ingest([PDF], engine=engine), args.repeat)
        except Exception as exc:  # noqa: BLE001 - an engine not available is reported
            r[f"e2e_pdf_{engine}_s"] = None
            r[f"e2e_pdf_{engine}_error"] = str(exc)
    r["pdfium_floor_s"], _ = timed(lambda: pdfium_floor(PDF), args.repeat)
    if r.get("e2e_pdf_pdfium_s"):
        r["pdfium_vs_floor"] = r["e2e_pdf_pdfium_s"] / r["pdfium_floor_s"]
    print(f"end-to-end PDF {r['e2e_pdf_s']:.3f}s, pdfplumber {r['pdfplumber_extract_tables_s']:.3f}s, "
          f"camelot {r['camelot_lattice_s']:.3f}s", flush=True)

    # Unchanged re-ingest: the sha256 is already in the warehouse.
    db = work / "reingest.duckdb"
    ingest_files([str(PDF)], str(db), Options())
    r["reingest_seconds"], _ = timed(lambda: ingest_files([str(PDF)], str(db), Options()), max(args.repeat, 5))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", str(PDF), "--db", str(db), "-q"], check=True,
                   capture_output=True, cwd=ROOT)
    r["reingest_cli_process_s"] = time.perf_counter() - t

    # Batch with one and two workers.
    copies = make_copies(PDF, args.batch, work)
    r["batch_files"] = len(copies)
    r["batch_jobs1_s"], _ = timed(lambda: fresh_ingest(copies, jobs=1), 1)
    r["batch_jobs2_s"], _ = timed(lambda: fresh_ingest(copies, jobs=2), 1)
    r["jobs2_speedup"] = r["batch_jobs1_s"] / r["batch_jobs2_s"]
    r["machine_parallel_ceiling"] = parallel_ceiling(2)
    print(f"batch of {len(copies)}: jobs1 {r['batch_jobs1_s']:.2f}s, jobs2 {r['batch_jobs2_s']:.2f}s", flush=True)

    # Scaling: the sample's pages repeated ten times.
    long_pdf = make_long(PDF, 10, work / "annex-10x.pdf")
    one, _ = timed(lambda: fresh_ingest([PDF]), 1)
    ten, _ = timed(lambda: fresh_ingest([long_pdf]), 1)
    r["scale1_s"], r["scale10_s"], r["scale10_time_ratio"] = one, ten, ten / one
    # The reading happens in the worker: its peak is what scales with the file.
    r["rss_parent_1x_kb"], r["rss_1x_kb"] = peak_rss_kb(PDF, "auto")
    r["rss_parent_10x_kb"], r["rss_10x_kb"] = peak_rss_kb(long_pdf, "auto")
    r["scale10_rss_ratio"] = r["rss_10x_kb"] / r["rss_1x_kb"]
    r["rss_parent_docx_kb"], r["rss_docx_kb"] = peak_rss_kb(DOCX, "auto")

    r["hierarchy_20k_s"] = min(hierarchy_20k() for _ in range(3))
    print(f"hierarchy + reconciliation, 20 000 rows: {r['hierarchy_20k_s']:.3f} s", flush=True)
    print("hostile input (each a fresh `extract … --json`, default limits unless noted):", flush=True)
    r["hostile"] = hostile_cases(work, args.quick)
    r["hostile_max_rss_mb"] = max(max(c["parent_rss_mb"], c["worker_rss_mb"]) for c in r["hostile"])

    if not args.no_scan:
        try:
            r.update(scan_ingest())
            print(f"scan (OCR): {r['scan_s']:.1f}s, {r['scan_s_per_page']:.2f}s per page", flush=True)
        except Exception as exc:  # noqa: BLE001 - no Tesseract here: reported, not fatal
            r["scan_error"] = str(exc)

    return _write(r, out_dir, work, args)


def _process_lines(r: dict) -> list[str]:
    return [
        f"| whole process: `python -c` bare pypdfium2 read of chars and objects (floor) | {r['process_floor_s']:.3f} s |",
        f"| whole process: `python -c` pdfplumber `extract_tables()` on every page | {r['process_pdfplumber_s']:.3f} s |",
        f"| whole process: `extract FILE --db NEW -q` (a new warehouse each run) | {r['process_extract_s']:.3f} s |",
    ]


def _write(r: dict, out_dir: Path, work: Path, args) -> int:
    r["targets"] = {}
    for key, (label, op, limit) in TARGETS.items():
        value = r.get(key)
        met = None if value is None else {"<=": value <= limit, ">=": value >= limit, "<": value < limit}[op]
        r["targets"][key] = {"label": label, "value": value, "target": f"{op} {limit}", "met": met}

    (out_dir / "bench.json").write_text(json.dumps(r, indent=2))
    head = [
        f"Benchmark on {r['machine']} (default PDF engine: {r['default_pdf_engine']}; medians of {args.repeat}+ runs"
        f" in process, of {args.rounds} interleaved rounds as whole processes)",
        "",
        "| measure | value |", "|---|---|",
        *_process_lines(r),
    ]
    if args.processes_only:
        body = []
    else:
        body = _full_lines(r)
    lines = [
        *head, *body,
        "",
        "| target | value | goal | met |", "|---|---|---|---|",
        *(f"| {t['label']} | {t['value']:.2f} | {t['target']} | {'yes' if t['met'] else 'NO'} |"
          if t["value"] is not None else f"| {t['label']} | n/a | {t['target']} | n/a |"
          for t in r["targets"].values()),
    ]
    (out_dir / "bench.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _full_lines(r: dict) -> list[str]:
    return [
        f"| end-to-end PDF ingest (30 pages) | {r['e2e_pdf_s']:.3f} s |",
        *(f"| end-to-end PDF, engine {e} | {r[f'e2e_pdf_{e}_s']:.3f} s |" for e in ("pdfplumber", "pdfium") if r.get(f"e2e_pdf_{e}_s")),
        f"| end-to-end DOCX ingest | {r['e2e_docx_s']:.3f} s |",
        f"| pdfplumber `extract_tables()` on every page | {r['pdfplumber_extract_tables_s']:.3f} s |",
        f"| camelot lattice `read_pdf(pages='all')` | {r['camelot_lattice_s']:.3f} s |",
        f"| bare pypdfium2 read of chars and objects (floor) | {r['pdfium_floor_s']:.3f} s |",
        f"| unchanged re-ingest (in process / whole CLI process) | {r['reingest_seconds']:.3f} s / {r['reingest_cli_process_s']:.2f} s |",
        f"| batch of {r['batch_files']}: --jobs 1 / --jobs 2 | {r['batch_jobs1_s']:.2f} s / {r['batch_jobs2_s']:.2f} s |",
        f"| this machine's parallel ceiling (pure-CPU control, 2 processes) | {r['machine_parallel_ceiling']:.2f}x |",
        f"| 10x annex: time 1x / 10x | {r['scale1_s']:.2f} s / {r['scale10_s']:.2f} s |",
        f"| peak RSS of the worker: PDF 1x / PDF 10x / DOCX | {r['rss_1x_kb'] / 1024:.0f} / {r['rss_10x_kb'] / 1024:.0f} / {r['rss_docx_kb'] / 1024:.0f} MB |",
        f"| peak RSS of the writing process: PDF 1x / PDF 10x / DOCX | {r['rss_parent_1x_kb'] / 1024:.0f} / {r['rss_parent_10x_kb'] / 1024:.0f} / {r['rss_parent_docx_kb'] / 1024:.0f} MB |",
        f"| hierarchy + reconciliation, one 20 000-row table | {r['hierarchy_20k_s']:.3f} s |",
        *([f"| scanned annex via OCR ({r['scan_pages']} pages, {r['scan_ocr_workers']} threads): total / per page | "
           f"{r['scan_s']:.1f} s / {r['scan_s_per_page']:.2f} s |",
           f"| scanned annex: cells agreeing with the transcription | {r['scan_cells_agree']}/{r['scan_cells']} "
           f"({r['scan_cells_agree'] / r['scan_cells']:.1%}) |"] if "scan_s" in r else
          [f"| scanned annex via OCR | not run: {r['scan_error']} |"] if "scan_error" in r else []),
        "",
        "Hostile input (a fresh `extract FILE --json` each; peak RSS of the command and of its worker):",
        "",
        "| case | file | exit | time | command RSS | worker RSS | result |", "|---|---|---|---|---|---|---|",
        *(f"| {c['case']} | {c['size_kb']:,.0f} KB | {c['exit']} | {c['seconds']:.1f} s | {c['parent_rss_mb']:.0f} MB "
          f"| {c['worker_rss_mb']:.0f} MB | {_result(c)} |" for c in r["hostile"]),
    ]


if __name__ == "__main__":
    sys.exit(main())
