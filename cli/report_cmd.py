"""`extract report`: one self-contained HTML file about an annex version."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.app import DB_OPTION, EXIT_FINDINGS, answering, err, main


def default_out(db: str) -> Path:
    """Beside the warehouse: annex.duckdb -> annex-report.html."""
    path = Path(db)
    return path.with_name(f"{path.stem}-report.html")


@main.command("report")
@DB_OPTION
@click.option("--annex", "annex_key", default=None, metavar="KEY",
              help="Report on the newest version of this annex (annex_key, see `extract versions`).")
@click.option("--document", "document_id", type=int, default=None, metavar="N",
              help="Report on this document version.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="The HTML file to write [default: beside the warehouse, <db name>-report.html].")
def report(db, annex_key, document_id, out):
    """Write one self-contained HTML report: provenance, budget per KOV, every
    table's activities, what changed since the previous version, findings.

    Without --annex or --document: the newest version of the most recently
    ingested annex. The file needs nothing from the network and prints on A4.
    """
    from report import build_report, write_report

    if annex_key is not None and document_id is not None:
        raise click.UsageError("give --annex or --document, not both")
    out_path = Path(out) if out else default_out(db)
    with answering(db):
        html, info = build_report(db, annex_key=annex_key, document_id=document_id)
    try:
        written = write_report(html, out_path)
    except OSError as exc:
        err.print(f"error: {out_path}: cannot write the report ({exc.strerror or exc})", markup=False, highlight=False)
        sys.exit(EXIT_FINDINGS)
    size_kb = written.stat().st_size / 1024
    click.echo(
        f"report: {written.resolve()} (document {info['document_id']}, version {info['version']} "
        f"of {info['annex_key']}; {size_kb:.0f} KB)"
    )
