"""`python -m cli …` is `extract …`."""

from cli.entry import run

run()
