# The two commands of the README. Both create .venv on first use and reinstall when pyproject.toml or
# the lock file changes; every package is installed at the version pinned in requirements.lock.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint lock bench clean

# The main job on the embedded data: the 2020 Thanh Hóa ranking printed and its decision written,
# then the web application on http://127.0.0.1:8000 (SQLite in var/, migrated and preloaded).
run: $(VENV)/.installed
	$(BIN)/xephang rank thanhhoa-2020
	$(BIN)/xephang decision thanhhoa-2020 --out out/quyet-dinh-2020.docx
	$(BIN)/xephang-web

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

# Re-pin after editing pyproject.toml's dependencies (kept pins stay); `make lock LOCK_ARGS=--upgrade`
# takes the newest versions of everything.
lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q $(LOCK_ARGS) --strip-extras --no-emit-index-url --no-emit-find-links \
	    --extra web --extra test -o requirements.lock pyproject.toml

# Each benchmark prints its own figures; the web at a province's size (186 units) in seconds, the
# country's (`benchmarks/web_scale.py --size quoc-gia`) and the load test (benchmarks/load.py) by hand.
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/read.py
	$(BIN)/python benchmarks/robustness.py
	$(BIN)/python benchmarks/web_scale.py --size tinh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The lock is used as constraints: `make run` installs only the core and the web extra, `make test`
# adds the test extra, each at the locked versions.
$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[web]'
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[web,test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
