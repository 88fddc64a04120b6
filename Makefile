# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= annex.duckdb
SAMPLE ?= samples/annex-2025.pdf

.PHONY: run test bench samples conformance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/extract $(SAMPLE) --db $(DB) --force  # --force: show the full summary on every run

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py --out bench/results

# Rebuilding the samples needs LibreOffice (apt-get install libreoffice-writer-nogui).
samples: $(STAMP)
	$(BIN)/python samples/build/build_samples.py

# The rendering matrix (samples/build/conformance.py): N generated layouts by LibreOffice,
# WeasyPrint and Chromium, each held to the transcription with every engine.
# make conformance SEED=7 N=40 CONFORMANCE_ARGS=--camelot
SEED ?= 1
N    ?= 24
conformance: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[samples]'
	$(BIN)/python samples/build/conformance.py --seed $(SEED) --n $(N) $(CONFORMANCE_ARGS)

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
