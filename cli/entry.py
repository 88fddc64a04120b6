"""The `extract` script. A command that reads files starts the readers' fork server
(pipeline/forkserver.py) before anything else is imported: the server, a second
interpreter, then boots and imports the readers while this process imports the CLI
and the warehouse code, instead of after it."""

from __future__ import annotations

import signal
import sys

# The commands that read no annex file; any other first word is a file of the
# default `ingest` command (tests/test_startup.py holds this list to the CLI's).
OTHER_COMMANDS = frozenset({"check", "sql", "versions", "diff", "show", "export", "report", "schema"})


def reads_files(argv: list[str]) -> bool:
    """Whether these arguments are an ingest of at least one file."""
    words = [a for a in argv if not a.startswith("-")]
    if not words or any(a in ("-h", "--help", "--version") for a in argv):
        return False
    if words[0] == "ingest":
        return len(words) > 1
    return words[0] not in OTHER_COMMANDS


# What an annex file is called; the server's preload is chosen by them (a word that is
# an option's value, "--db annex.duckdb", is not a file to read).
ANNEX_SUFFIXES = (".pdf", ".docx", ".asice", ".bdoc", ".sce", ".odt", ".doc")


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def run() -> None:
    argv = sys.argv[1:]
    if not reads_files(argv):
        from cli.main import main

        return main()
    # From here on the command owns a server and its socket directory: SIGTERM (a
    # cron's timeout) unwinds like Ctrl-C, so that both are removed on the way out,
    # as the ingest command does once it runs.
    old = signal.signal(signal.SIGTERM, _interrupted)
    try:
        try:
            from pipeline import forkserver

            files = [a for a in argv if a.lower().endswith(ANNEX_SUFFIXES)]
            forkserver.start(files or argv)
        except Exception:  # noqa: BLE001 - only an early start is lost: the first worker starts it
            pass
        from cli.main import main
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, old)
    main()
