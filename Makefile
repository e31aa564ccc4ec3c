# The two commands of the README. Both create .venv on first use and reinstall when pyproject changes.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test bench clean

# The main job on the embedded data: the 2020 Thanh Hóa ranking printed and its decision written,
# then the web application on http://127.0.0.1:8000 (SQLite in var/, migrated and preloaded).
run: $(VENV)/.installed
	$(BIN)/xephang rank thanhhoa-2020
	$(BIN)/xephang decision thanhhoa-2020 --out out/quyet-dinh-2020.docx
	$(BIN)/xephang-web

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/read.py
	$(BIN)/python benchmarks/robustness.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
