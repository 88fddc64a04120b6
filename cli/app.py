"""The command group and what every command shares: the --db option, exit codes,
the error console, and the boundary that turns an unexpected error into one line.

Commands live in cli/main.py (ingest, check, ...) and in modules of their own
(cli/export.py, ...), which import this module; cli/main.py imports them last, so
that importing `cli.main` registers every command and nothing imports in a circle.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console

from cli.output import dumps

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 3
EXIT_WAREHOUSE = 4
EXIT_INTERNAL = 70
EXIT_BROKEN_PIPE = 141  # stdout closed by its reader, as for a process killed by SIGPIPE

DEFAULT_DB = "annex.duckdb"
DB_OPTION = click.option(
    "--db",
    "db",
    default=lambda: os.environ.get("ANNEX_DB", DEFAULT_DB),
    show_default=f"$ANNEX_DB or {DEFAULT_DB}",
    type=click.Path(dir_okay=False),
    help="The DuckDB warehouse file.",
)

err = Console(stderr=True, soft_wrap=True)  # one error, one line, however long


def _log_path() -> Path:
    return Path(os.environ.get("ANNEX_LOG_DIR", tempfile.gettempdir())) / "annex-extract.log"


def _log_internal(outcome_or_text: str) -> Path:
    path = _log_path()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"--- {dt.datetime.now().isoformat()}\n{outcome_or_text}\n")
    return path


class DefaultGroup(click.Group):
    """`extract FILE…` means `extract ingest FILE…`; and no command ends in a raw
    traceback: an unexpected error is logged and reported in one line (exit 70),
    with the traceback only under --debug."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            guess = self._mistyped(args[0])
            if guess:
                ctx.fail(f"no such command {args[0]!r}; did you mean {guess!r}?")
            args = ["ingest", *args]
        return super().parse_args(ctx, args)

    def _mistyped(self, word: str) -> str | None:
        """The command `word` is probably a typo of: only for a bare word that is
        not an existing path (`extract FILE…` ingests, and a file may be named
        like a command)."""
        import difflib

        if word.startswith("-") or "/" in word or "." in word or os.path.exists(word):
            return None
        close = difflib.get_close_matches(word, [c for c in self.commands if c != "ingest"], n=1, cutoff=0.6)
        return close[0] if close else None

    def invoke(self, ctx):
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a reader gone shows here, not as a traceback at exit
        except BrokenPipeError:
            # The reader went away (`extract sql … | head`): stop quietly, as a tool
            # killed by SIGPIPE would, 128 + 13. Python's recommended handling: point
            # stdout at /dev/null so that flushing it on the way out cannot fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the CLI boundary
            import traceback

            text = traceback.format_exc()
            log = _log_internal(text)
            if "--debug" in sys.argv or os.environ.get("ANNEX_DEBUG"):
                err.print(text, markup=False, highlight=False)
            err.print(
                f"error: internal error ({type(exc).__name__}: {exc}) [details in {log}]",
                markup=False, highlight=False,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annex-etl")
def main() -> None:
    """Turn annexes of Estonian ministerial directives (tegevuskava tables) into a
    DuckDB warehouse. `extract FILE…` ingests; see each command's --help."""


def _fail_warehouse(message: str, as_json: bool):
    if as_json:
        click.echo(dumps({"ok": False, "error": message}))
    err.print(f"error: {message}", markup=False, highlight=False)
    sys.exit(EXIT_WAREHOUSE)


@contextlib.contextmanager
def answering(db: str, as_json: bool = False, refusals: tuple[type[BaseException], ...] = ()):
    """The one error boundary of the commands (beside DefaultGroup's for internal
    errors): a warehouse that is busy or cannot be read exits 4; a document, annex,
    table or row that is not loaded (LookupError from load/), or one of `refusals`
    (`sql`: a statement refused or failed), exits 1 with one line. A KeyError or
    IndexError is a bug, not an answer: it goes on to the internal-error boundary."""
    from load import WarehouseBusy, WarehouseError

    try:
        yield
    except (WarehouseError, WarehouseBusy) as exc:
        _fail_warehouse(str(exc), as_json)
    except LookupError as exc:
        if isinstance(exc, (KeyError, IndexError)):
            raise
        err.print(f"error: {db}: {exc.args[0]}", markup=False, highlight=False)
        sys.exit(EXIT_FINDINGS)
    except refusals as exc:
        # The whole message: DuckDB's "Did you mean …", candidate bindings and the
        # caret under the offending token are on the lines after the first.
        err.print(f"error: {db}: {str(exc).rstrip()}", markup=False, highlight=False)
        sys.exit(EXIT_FINDINGS)
