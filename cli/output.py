"""Shared output: tables for people, CSV and JSON for scripts (as in sqlite-utils)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.table import Table


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=json_default, ensure_ascii=False, indent=2)


def output_options(fn):
    """--csv / --json / --table (default) on a command that prints rows."""
    fn = click.option("--json", "fmt", flag_value="json", help="Print JSON.")(fn)
    fn = click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")(fn)
    fn = click.option("--table", "fmt", flag_value="table", default=True, help="Print a table (default).")(fn)
    return fn


def stdout_console() -> Console:
    # Wide enough that CliRunner and pipes get whole lines.
    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160, soft_wrap=False)


def print_rows(names: list[str], rows: list[tuple], fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        click.echo(dumps([dict(zip(names, r)) for r in rows]))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(names)
        for r in rows:
            w.writerow(["" if v is None else json_default(v) if isinstance(v, (Decimal, dt.date)) else v for v in r])
    else:
        table = Table(title=title, show_lines=False)
        for n in names:
            table.add_column(n, overflow="fold")
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        stdout_console().print(table)
