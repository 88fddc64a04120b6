# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= annex.duckdb
SAMPLE ?= samples/annex-2025.pdf

.PHONY: run test bench samples clean

# Setting up is silent (`make run` prints the summary and nothing else): the commands
# are not echoed, and the one notice setuptools gives on every editable install
# ("Editable installation. … folders with the same name …") is filtered by its text,
# so any other warning still shows.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	@PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

# --force: show the full summary on every run.
run: $(STAMP)
	@$(BIN)/extract $(SAMPLE) --db $(DB) --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py --out bench/results

# Rebuilding the samples needs LibreOffice (apt-get install libreoffice-writer-nogui).
samples: $(STAMP)
	$(BIN)/python samples/build/build_samples.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
