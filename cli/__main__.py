"""`python -m cli …` is `extract …`."""

from cli.main import main

main()
