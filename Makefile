# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= annex.duckdb
SAMPLE ?= samples/annex-2025.pdf
REPORT ?= $(basename $(DB))-report.html

.PHONY: run test bench samples clean conformance conformance-docx

# Setting up is silent (`make run` prints the summary and nothing else): the commands
# are not echoed, and the one notice setuptools gives on every editable install
# ("Editable installation. … folders with the same name …") is filtered by its text,
# so any other warning still shows.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip

# Re-install when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	@PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install -qq -e '.[test,bench]'
	@touch $(STAMP)

# --force: show the full summary on every run.
run: $(STAMP)
	@$(BIN)/extract $(SAMPLE) --db $(DB) --force
	@$(BIN)/extract report --db $(DB) --out $(REPORT)  # prints the report's path

# On every core (pytest-xdist); which tests go together on a core: tests/conftest.py.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py --out bench/results

# DOCX rendering matrix: Word/LibreOffice variants of the annex held to the transcription
# (the LibreOffice rows need apt-get install libreoffice-writer-nogui).
conformance-docx: $(STAMP)
	$(BIN)/python bench/conformance_docx.py

# Rebuilding the samples needs LibreOffice (apt-get install libreoffice-writer-nogui).
samples: $(STAMP)
	$(BIN)/python samples/build/build_samples.py

# The rendering matrix (samples/build/conformance.py): N generated layouts by LibreOffice,
# WeasyPrint and Chromium, each held to the transcription with every engine.
# make conformance SEED=7 N=40 CONFORMANCE_ARGS=--camelot
SEED ?= 1
N    ?= 24
conformance: $(STAMP)
	$(BIN)/python -m pip install -qq -e '.[samples]'
	$(BIN)/python samples/build/conformance.py --seed $(SEED) --n $(N) $(CONFORMANCE_ARGS)

clean:
	rm -rf $(VENV) $(DB) $(REPORT) .pytest_cache
