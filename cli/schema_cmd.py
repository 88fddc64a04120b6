"""`extract schema [NAME]`: the warehouse's tables and views, or one object's
columns, with what each means (the COMMENTs of sql/comments.sql)."""

from __future__ import annotations

import difflib

import click

from cli.app import DB_OPTION, answering, main
from cli.output import output_options, print_rows
from load.queries import describe


@main.command("schema")
@click.argument("name", required=False)
@DB_OPTION
@output_options
def schema(name, db, fmt):
    """List the tables and views, or NAME's columns, with what each means.

    Example: extract schema activities
    """
    with answering(db, fmt == "json"):
        (names, objects), (cols, rows) = describe(db, name)
        if name is None:
            print_rows(names, objects, fmt, title="Tables and views (extract schema NAME for columns)")
            return
        known = {r[0]: r for r in objects}
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (extract schema lists them)"
            raise LookupError(f"no table or view {name!r}{hint}")
    _, kind, comment = known[name]
    if fmt == "table":
        click.echo(f"{kind} {name}: {comment or ''}")
    print_rows(cols, rows, fmt)
