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


FORMATS = {
    "table": "Print for people: tables and lines (default).",
    "csv": "Print CSV.",
    "json": "Print JSON.",
}


def output_options(fn=None, *, formats: tuple[str, ...] = tuple(FORMATS)):
    """The output options of every command that prints rows or a result, passed as
    `fmt`: --table (default) / --csv / --json, as in sqlite-utils. A command whose
    result is not one list of rows offers fewer: `@output_options(formats=("table", "json"))`."""

    def decorate(fn):
        for name in reversed(formats):
            default = {"default": True} if name == "table" else {}  # (a False default would win)
            fn = click.option(f"--{name}", "fmt", flag_value=name, help=FORMATS[name], **default)(fn)
        return fn

    return decorate(fn) if fn is not None else decorate


class _StdoutConsole(Console):
    def on_broken_pipe(self) -> None:
        # rich exits 1 when the reader goes away (`extract check | head`), which reads
        # as "errors found": let the CLI's boundary stop quietly with 141 instead.
        self.quiet = True
        raise BrokenPipeError


def stdout_console() -> Console:
    # Wide enough that CliRunner and pipes get whole lines.
    return _StdoutConsole(file=sys.stdout, width=None if sys.stdout.isatty() else 160, soft_wrap=False)


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
