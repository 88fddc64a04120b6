"""`extract`: the command line, a thin composition of extract -> normalize -> load.

    extract FILE... [--db annex.duckdb]     ingest annexes (PDF, DOCX, .asice)
    extract check                           findings and reconciliation
    extract sql "SELECT …"                  ad-hoc SQL, read-only
    extract diff                            what changed between two versions
    extract schema [NAME]                   tables and views, or NAME's columns, explained
    extract show TABLE ROW                  one row traced to its cells, page(s) and file
    extract export --format xlsx --out DIR  every table and view to files (csv, parquet, xlsx)
    extract report --out report.html        one self-contained HTML report (cli/report_cmd.py)

Exit codes: 0 ok; 1 loaded but with error findings or missing tables (or `check`
found errors); 2 usage error; 3 bad input (a file was refused); 4 the warehouse is
busy or unusable; 70 internal error.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from decimal import Decimal

import click
from rich.console import Console
from rich.table import Table

from cli.app import (  # noqa: F401 - the group and what commands share; `cli.main:main` is the entry point
    DB_OPTION,
    answering,
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    _log_internal,
    err,
    main,
)
from cli.diff_view import eur as _eur
from cli.output import dumps, output_options, print_rows, stdout_console
from extract.reader import ENGINES, Limits, sha256_of
from pipeline import Options, Outcome  # light: pipeline.file on first use

# The warehouse code (load: DuckDB) is imported by the commands that use it, not here:
# an ingest starts reading before it needs DuckDB (pipeline/batch.py).


# ----------------------------------------------------------------- ingest

@main.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@DB_OPTION
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="Table engine; auto: python-docx for DOCX, the default PDF engine for PDFs.")
@click.option("--force", is_flag=True, help="Re-ingest a file whose bytes are already loaded.")
@click.option("--wait", type=float, default=0.0, show_default=True, metavar="SECONDS",
              help="Wait this long for another process writing the warehouse.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes extracting in parallel; one process writes.")
@click.option("--allow-partial", is_flag=True, help="Exit 0 even when some tables are missing.")
@click.option("--password", default=None, help="Password of an encrypted PDF.")
@click.option("--member", default=None, help="Which data file of an .asice container to read.")
@click.option("--require-signature", is_flag=True,
              help="Refuse a PDF that is unsigned or was changed after signing.")
@click.option("--max-file-mb", type=float, default=Limits.max_file_bytes / 1024 / 1024, show_default=True,
              help="Refuse files larger than this.")
@click.option("--max-pages", type=int, default=Limits.max_pages, show_default=True,
              help="Refuse PDFs with more pages than this.")
@click.option("--timeout", type=float, default=Limits.max_seconds, show_default=True, metavar="SECONDS",
              help="Give up on a file that takes longer than this to read.")
@click.option("--revisions", type=click.Choice(["accepted", "original"]), default="accepted", show_default=True,
              help="A DOCX with tracked changes: load it as if they were accepted, or the text before them.")
@click.option("--max-memory-mb", type=click.IntRange(64, None), default=None, metavar="MB",
              help="Memory a worker may add while reading one file; over it the file is refused. "
                   "[default: 768; 3072 for --engine camelot]")
@output_options(formats=("table", "json"))
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the one-line result per file.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def ingest(files, db, engine, force, wait, jobs, allow_partial, password, member, require_signature,
           max_file_mb, max_pages, timeout, revisions, max_memory_mb, fmt, quiet, debug):
    """Ingest annex FILES (PDF, DOCX, .odt or .asice) into the warehouse.

    A file whose sha256 is already loaded is skipped without being read; a changed
    file of the same annex becomes a new version beside the old ones. Each file is
    loaded in its own transaction; a bad file is reported and the rest still load.
    """
    opts = Options(
        engine=engine,
        limits=Limits(max_file_bytes=int(max_file_mb * 1024 * 1024), max_pages=max_pages, max_seconds=timeout),
        password=password,
        member=member,
        require_signature=require_signature,
        revisions=revisions,
    )
    as_json = fmt == "json"
    progress = not (quiet or as_json) and err.is_terminal
    # SIGTERM (a cron or service timeout) unwinds like Ctrl-C, so that workers are
    # killed and the warehouse's temporary copy is removed on the way out.
    try:
        old_term = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread (an embedding program): leave it alone
        old_term = None
    try:
        with answering(db, as_json):
            from pipeline import ingest_files

            outcomes = ingest_files(files, db, opts, jobs=jobs, force=force, wait=wait, progress=progress,
                                    max_memory_mb=max_memory_mb)
    except KeyboardInterrupt:
        err.print("error: interrupted", markup=False, highlight=False)
        sys.exit(130)
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)

    for o in outcomes:
        if o.status == "internal_error":
            log = _log_internal(o.traceback or o.message)
            o.message += f" [details in {log}]"
            if debug and o.traceback:
                err.print(o.traceback, markup=False, highlight=False)

    code = _exit_code(outcomes, allow_partial)
    if as_json:
        click.echo(dumps(_json_summary(outcomes, db, code)))
    else:
        _print_summary(outcomes, db, quiet)
    sys.exit(code)


def _terminated(signum, frame):
    raise KeyboardInterrupt


def _exit_code(outcomes: list[Outcome], allow_partial: bool) -> int:
    statuses = Counter(o.status for o in outcomes)
    if statuses["internal_error"]:
        return EXIT_INTERNAL
    if statuses["bad_input"]:
        return EXIT_BAD_INPUT
    for o in outcomes:
        if o.status == "loaded" and o.doc is not None:
            if any(f.rule == "missing_table" for f in o.doc.findings) and not allow_partial:
                return EXIT_FINDINGS
    return EXIT_OK


def _file_line(o: Outcome) -> str:
    if o.status == "loaded":
        d = o.doc
        sev = Counter(f.severity for f in d.findings)
        what = "replaced" if o.extra.get("replaced") else f"version {o.extra.get('version')}"
        if not o.extra.get("new_version", True):
            what += ", same content as a file loaded before: another file of this version"
        return (
            f"loaded  {o.path}: document {o.extra.get('document_id')} ({what}), "
            f"{len(d.tables)} tables, {len(d.activities)} activities, {len(d.indicators)} indicators; "
            f"findings: {sev['error']} errors, {sev['warning']} warnings, {sev['info']} info "
            f"[{d.document.engine}, {o.seconds:.2f} s]"
        )
    if o.status == "skipped":
        return f"skipped {o.path}: {o.message}"
    return f"error   {o.message}"


def _print_summary(outcomes: list[Outcome], db: str, quiet: bool) -> None:
    out = stdout_console()
    for o in outcomes:
        line = _file_line(o)
        if o.status in ("bad_input", "internal_error"):
            err.print(f"error: {o.message}", markup=False, highlight=False)
        else:
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    if quiet:
        return
    loaded = [o for o in outcomes if o.status == "loaded"]
    # The KOV totals as the warehouse's `kov_totals` view has them (one rule for the
    # summary, `diff`, `report` and analysts), read once for the whole run.
    totals = {}
    if loaded:
        with answering(db):
            from load.queries import kov_totals

            totals = kov_totals(db, {o.extra.get("document_id") for o in loaded})
    for o in loaded:
        _print_document(out, o, totals.get(o.extra.get("document_id"), []))
    if len(outcomes) > 1:
        c = Counter(o.status for o in outcomes)
        out.print(
            f"{len(outcomes)} files: {c['loaded']} loaded, {c['skipped']} skipped, "
            f"{c['bad_input'] + c['internal_error']} failed  → {db}",
            markup=False, highlight=False,
        )


def plan_years(start, end) -> str:
    """The plan period's year(s) as a title says them: "2026", "2025–2026", or "plan
    period unknown" (never a year the document does not give)."""
    if start is None or end is None:
        return "plan period unknown"
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


def _print_document(out: Console, o: Outcome, partner_totals: list[dict]) -> None:
    d = o.doc
    doc = d.document
    out.print(
        f"\n[bold]{doc.file_name}[/]  directive nr {doc.directive_no} of {doc.directive_date}"
        f"{f', amended by nr {doc.amended_by_no} of {doc.amended_by_date}' if doc.amended_by_no else ''}; "
        f"plan {doc.plan_start} – {doc.plan_end}; {doc.page_count or '?'} pages"
    )
    t = Table(title="Tables found", show_lines=False)
    for col in ("Tabel", "kind", "KOV", "rows", "pages", "planned €"):
        t.add_column(col, justify="right" if col in ("Tabel", "rows", "planned €") else "left")
    # A partner table's planned total: its KOV total row (the kov_totals view); an
    # implementer's table's: the rows that belong to no other row (as the report's budget).
    partner = {p["table_no"]: p["total_eur"] for p in partner_totals}
    roots: dict[int, Decimal] = {}
    for a in d.activities:
        if a.parent_row_no is None and a.amount_eur is not None and a.table_no not in partner:
            roots[a.table_no] = roots.get(a.table_no, Decimal(0)) + a.amount_eur
    for tb in d.tables:
        pages = "" if not tb.page_from else str(tb.page_from) if tb.page_from == tb.page_to else f"{tb.page_from}–{tb.page_to}"
        amt = partner[tb.table_no] if tb.table_no in partner else roots.get(tb.table_no)
        t.add_row(str(tb.table_no), tb.kind, tb.kov or "", str(tb.row_count), pages, _eur(amt) if amt is not None else "")
    out.print(t)
    per_kov: dict[str, Decimal | None] = {}
    for p in partner_totals:
        known = per_kov.get(p["kov"], Decimal(0))
        per_kov[p["kov"]] = None if known is None or p["total_eur"] is None else known + p["total_eur"]
    if per_kov:
        k = Table(title=f"Planned amount per KOV ({plan_years(doc.plan_start, doc.plan_end)})")
        k.add_column("KOV")
        k.add_column("planned €", justify="right")
        for name, amount in per_kov.items():
            k.add_row(name, "no total row" if amount is None else _eur(amount))
        if None in per_kov.values():
            k.add_row("[bold]all partners[/]", "[bold]incomplete[/]: a KOV has no total row")
        else:
            k.add_row("[bold]all partners[/]", f"[bold]{_eur(sum(per_kov.values(), Decimal(0)))}[/]")
        out.print(k)
    from extract.signatures import describe

    for line in describe(o.doc.signatures if o.doc else []):
        out.print(f"Signature: {line}", markup=False, highlight=False)
    rec = Counter(r.status for r in d.reconciliation)
    sev = Counter(f.severity for f in d.findings)
    out.print(
        f"Reconciliation: {rec['ok']} parents equal the sum of their children, {rec['mismatch']} differ.  "
        f"Findings: {sev['error']} errors, {sev['warning']} warnings, {sev['info']} info "
        f"(`extract check` lists them)."
    )


def _json_summary(outcomes: list[Outcome], db: str, code: int) -> dict:
    files = []
    for o in outcomes:
        item = {"file": o.path, "status": o.status, "sha256": o.sha256, "seconds": round(o.seconds, 3)}
        if o.peak_rss_kb:
            item["worker_peak_rss_mb"] = round(o.peak_rss_kb / 1024, 1)
        if o.message:
            item["message"] = o.message
        if o.status == "loaded":
            d = o.doc
            item.update(
                document_id=o.extra.get("document_id"),
                version=o.extra.get("version"),
                new_version=o.extra.get("new_version"),
                engine=d.document.engine,
                directive_no=d.document.directive_no,
                tables=[{"table_no": t.table_no, "kind": t.kind, "kov": t.kov, "rows": t.row_count,
                         "page_from": t.page_from, "page_to": t.page_to} for t in d.tables],
                activities=len(d.activities),
                indicators=len(d.indicators),
                findings=dict(Counter(f.severity for f in d.findings)),
                reconciliation=dict(Counter(r.status for r in d.reconciliation)),
            )
        files.append(item)
    c = Counter(o.status for o in outcomes)
    return {"db": db, "exit_code": code, "loaded": c["loaded"], "skipped": c["skipped"],
            "failed": c["bad_input"] + c["internal_error"], "files": files}


# ------------------------------------------------------------------ check

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}  # as the check_findings view ranks them


@main.command("check")
@DB_OPTION
@click.option("--document", "document_id", type=int, default=None,
              help="Document id (default: the latest version of each annex).")
@output_options(formats=("table", "json"))
@click.option("--min-severity", type=click.Choice(list(SEVERITY_RANK)), default="info", show_default=True)
def check(db, document_id, fmt, min_severity):
    """Findings and reconciliation of the loaded annexes; exit 1 on any error."""
    from cli import conservation

    with answering(db, fmt == "json"):
        from load.queries import check_rows

        found = check_rows(db, document_id, SEVERITY_RANK[min_severity])
    docs = found["documents"]
    names_f, findings = found["findings"]
    names_r, recon = found["reconciliation"]
    names_c, balance = found["conservation"]
    errors = sum(1 for r in findings if r[names_f.index("severity")] == "error")
    if fmt == "json":
        click.echo(dumps({
            "documents": docs,
            "findings": [dict(zip(names_f, r)) for r in findings],
            "reconciliation": [dict(zip(names_r, r)) for r in recon],
            "text_conservation": [dict(zip(names_c, r)) for r in balance],
            "errors": errors,
        }))
    else:
        print_rows(names_f, findings, "table", title=f"Findings ({len(findings)})")
        print_rows(names_r, recon, "table", title="Reconciliation: parent amount vs sum of children")
        bad = sum(1 for r in recon if r[names_r.index("status")] == "mismatch")
        stdout_console().print(
            f"{errors} error findings; {len(recon) - bad} of {len(recon)} parents reconcile.",
            markup=False, highlight=False,
        )
        conservation.print_summary(names_c, balance, docs)
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


# -------------------------------------------------------------------- sql

class _SqlCommand(click.Command):
    """A statement that starts with a `--` comment is a statement, not an option: a
    word that begins with '-' and holds white space cannot be an option's name."""

    def parse_args(self, ctx, args):
        statements = [a for a in args if a.startswith("-") and any(c.isspace() for c in a)]
        if statements and "--" not in args:
            args = [a for a in args if a not in statements] + ["--", *statements]
        return super().parse_args(ctx, args)


@main.command("sql", cls=_SqlCommand)
@click.argument("statement", required=False)
@click.option("-f", "--file", "sql_file", type=click.File("r", encoding="utf-8"),
              help="Read the statement from a file (- for standard input), e.g. sql/examples/*.sql.")
@click.option("--read-dir", "read_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder whose files the statement may read (read_csv, read_parquet, …); repeatable. "
                   "Without it no file but the warehouse can be read.")
@DB_OPTION
@output_options
def sql_command(statement, sql_file, read_dirs, db, fmt):
    """Run an SQL statement against the warehouse, read-only.

    Only reading statements run (SELECT, EXPLAIN, PRAGMA, CALL); no statement can write
    a file or a database, attach another one, or change the connection's settings.

    Example: extract sql "SELECT kov, total_eur FROM latest_kov_totals"
    """
    import duckdb

    if sql_file is not None:
        statement = sql_file.read()
    if not statement:
        raise click.UsageError("give a STATEMENT or --file")
    from load import StatementRefused, analyst_query

    with answering(db, fmt == "json", refusals=(StatementRefused, duckdb.Error)):
        names, rows = analyst_query(db, statement, read_dirs=tuple(read_dirs))
    print_rows(names, rows, fmt)


# ------------------------------------------------------------ versions/diff

@main.command("versions")
@DB_OPTION
@output_options
def versions(db, fmt):
    """List every version of every annex: amending directive, files, row counts.

    Version 1 is the original annex, amendments follow by the amending
    directive's date and number; every file that carried a version (DOCX, PDF,
    signed copy, .asice) is listed with it.
    """
    with answering(db, fmt == "json"):
        from load import query

        names, rows = query(db, "SELECT * FROM version_files ORDER BY annex_key, version")
    if fmt == "table":  # compact: one line per file
        rows = [dict(zip(names, r)) for r in rows]
        names = ["annex", "version", "document", "amended by", "latest", "activities / indicators", "files"]
        rows = [(
            r["annex_key"], str(r["version"]) + (" (by arrival)" if r["ordered_by_arrival"] else ""),
            r["document_id"],
            f"nr {r['amended_by_no']} of {r['amended_by_date']}" if r["amended_by_no"] or r["amended_by_date"] else "(original)",
            "yes" if r["is_latest"] else "", f"{r['activities']} / {r['indicators']}",
            "\n".join(_file_text(f) for f in r["files"] or []),
        ) for r in rows]
    elif fmt == "csv":
        i = names.index("files")
        rows = [(*r[:i], "; ".join(_file_text(f) for f in r[i] or []), *r[i + 1:]) for r in rows]
    print_rows(names, rows, fmt)


def _file_text(f: dict) -> str:
    what = f["format"] + (f" in {f['container']}" if f["container"] else "")
    if f["signers"]:
        what += ", signed by " + ", ".join(f["signers"])
    return f"{f['file_name']} ({what})"


def _version_ref(db: str, ref: str, annex: str | None) -> int:
    """A document id, `vN` (version N), or a file already ingested."""
    from load.diff import version_document

    if len(ref) > 1 and ref[0] in "vV" and ref[1:].isdigit() and not os.path.exists(ref):
        return version_document(db, int(ref[1:]), annex)
    if ref.isdigit() and not os.path.exists(ref):
        return int(ref)
    if not os.path.isfile(ref):
        raise click.BadParameter(f"{ref}: neither a document id, a version (v2) nor a file")
    sha = sha256_of(ref)
    from load import loaded_documents

    doc_id = loaded_documents(db, [sha]).get(sha)
    if doc_id is None:
        # Not loaded is an answer (exit 1, as for a document id not loaded), not a usage error.
        raise LookupError(f"{ref} is not loaded; ingest it first (extract {ref} --db {db})")
    return doc_id


@main.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@DB_OPTION
@click.option("--annex", default=None, metavar="ANNEX_KEY",
              help="The annex whose versions to compare (see `extract versions`).")
@output_options(formats=("table", "json"))
def diff(old, new, db, annex, fmt):
    """What changed between two versions of an annex.

    OLD and NEW are version numbers written v1, v2 (of the only annex, or of
    --annex), document ids (see `extract versions`) or files already ingested.
    Without them: the two newest versions of each annex that has two (copies
    of the same content are one version, so they are never compared).
    """
    from load.diff import diff_versions, newest_pairs

    with answering(db, fmt == "json"):
        if old is None and new is None:
            pairs = newest_pairs(db, annex)
        elif old is not None and new is not None:
            pairs = [(_version_ref(db, old, annex), _version_ref(db, new, annex))]
        else:
            raise click.UsageError("give both OLD and NEW, or neither")
        results = [diff_versions(db, old_id, new_id) for old_id, new_id in pairs]
    if fmt == "json":  # lists added, removed, changed
        # One comparison: its object; several annexes: a list of them.
        click.echo(dumps(results[0].as_dict() if len(results) == 1 else [r.as_dict() for r in results]))
        return
    from cli.diff_view import print_diff

    for result in results:
        print_diff(result)


# Commands in their own modules register on `main` when imported.
from cli import export, report_cmd, schema_cmd, show  # noqa: E402,F401
