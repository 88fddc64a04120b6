"""`extract show TABLE ROW`: trace one number to its source.

Prints the row's cells as written (under the table's own Estonian headers), the
typed values read from them, its place in the tree, its findings and
reconciliation, the page(s) it came from and the file it was read from.
"""

from __future__ import annotations


import click

from cli.app import DB_OPTION, answering, main
from cli.output import dumps, output_options, stdout_console

# role (normalize/columns.py) -> the raw column holding that cell as written
SCHEDULE_RAW = {"activity": "activity_raw", "frame": "frame_raw", "period": "period_raw",
                "amount": "amount_raw", "responsible": "responsible"}
INDICATOR_RAW = {"indicator": "indicator", "unit": "unit", "target_plan_year": "target_plan_year_raw",
                 "target_2029": "target_2029_raw", "explanation": "explanation"}
SCHEDULE_TYPED = ["kov", "code", "label", "level", "depth", "is_leaf", "path", "parent_row_no", "parent_code",
                  "frame_start", "frame_end", "period_start", "period_end", "amount_eur", "responsible"]
INDICATOR_TYPED = ["group_label", "indicator", "unit", "target_plan_year", "target_2029", "explanation"]


def trace(db: str, table_no: int, row_no: int, document_id: int | None) -> dict:
    """Everything known about one row; LookupError when it does not exist."""
    from load.provenance import row_provenance
    from normalize.columns import resolve_columns

    p = row_provenance(db, table_no, row_no, document_id)
    doc, table, row = p["document"], p["table"], p["row"]
    header = table["header"] or []
    roles, _ = resolve_columns(header, table["kind"])
    raw_of = SCHEDULE_RAW if table["kind"] == "schedule" else INDICATOR_RAW
    cells = [
        {"header": header[idx] if idx < len(header) else role, "column": raw_of[role], "cell": row[raw_of[role]]}
        for role, idx in sorted(roles.items(), key=lambda kv: kv[1])
        if role in raw_of
    ]
    typed_cols = SCHEDULE_TYPED if table["kind"] == "schedule" else INDICATOR_TYPED
    return {
        "document": doc,
        "table": {k: table[k] for k in ("table_no", "caption", "kind", "kov")},
        "row_no": row_no,
        "cells": cells,
        "typed": {c: row[c] for c in typed_cols if c in row},
        "parties": p["parties"],
        "findings": p["findings"],
        "reconciliation": p["reconciliation"],
        "pages": {"from": row.get("page_from"), "to": row.get("page_to")},
        "source": {"file_name": doc["file_name"], "container": doc["container"],
                   "source_format": doc["source_format"], "engine": doc["engine"], "sha256": doc["sha256"]},
    }


def _text(value, column: str = "amount_eur") -> str:
    from cli.diff_view import fmt

    return fmt(value, money=column.endswith("_eur") or column == "children_sum" or column == "difference")


@main.command("show")
@click.argument("table_no", metavar="TABLE", type=int)
@click.argument("row_no", metavar="ROW", type=int)
@click.option("--document", "document_id", type=int, default=None,
              help="Document id (default: the newest version of the annex ingested last).")
@DB_OPTION
@output_options(formats=("table", "json"))
def show(table_no, row_no, document_id, db, fmt):
    """Trace row ROW of Tabel TABLE to its source: the cells as written, the typed
    values, findings, page(s) and file.

    Example: extract show 13 4
    """
    with answering(db, fmt == "json"):
        info = trace(db, table_no, row_no, document_id)
    if fmt == "json":
        click.echo(dumps(info))
        return
    out = stdout_console()

    def say(text: str = "") -> None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)

    d, t, src = info["document"], info["table"], info["source"]
    say(f"{t['caption']}{' (' + t['kov'] + ')' if t['kov'] else ''}, row {row_no}")
    say(f"document {d['document_id']} (version {d['version']} of {d['annex_key']})")
    pages = info["pages"]
    if pages["from"] is None:
        say(f"source: {src['file_name']} ({src['source_format']}, no pages)")
    else:
        span = str(pages["from"]) if pages["from"] == pages["to"] else f"{pages['from']}–{pages['to']}"
        say(f"source: {src['file_name']}, page {span} ({src['source_format']}, engine {src['engine']})")
    if src["container"]:
        say(f"  taken out of an .{src['container']} container")
    say(f"  sha256 {src['sha256']}")
    say("\ncells as written:")
    for c in info["cells"]:
        say(f"  {c['header']}: {c['cell'] if c['cell'] is not None else ''!s}")
    say("\ntyped values:")
    for k, v in info["typed"].items():
        say(f"  {k}: {_text(v, k)}")
    if info["parties"]:
        say("\nresponsible parties: " + "; ".join(
            f"{p['party']} ({p['party_kind']}{', ' + p['kov'] if p['kov'] and p['kov'] != p['party'] else ''})"
            for p in info["parties"]))
    r = info["reconciliation"]
    if r:
        say(f"\nreconciliation: {_text(r['amount_eur'])} against the sum of {r['children']} children "
            f"{_text(r['children_sum'])}: {r['status']}")
    say(f"\nfindings ({len(info['findings'])}):")
    for f in info["findings"]:
        say(f"  {f['severity']:7} {f['rule']}: {f['message']}")
