# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install install-test build check lint golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## demo: set up, build the demo clinic, serve pages + API at http://$(HOST):$(PORT)/
demo: install
	$(BIN)/sitegen check
	$(BIN)/sitegen build
	@echo "Open http://$(HOST):$(PORT)/fjordlegene/  (Ctrl-C stops)"
	$(BIN)/endpoint serve --site _site --host $(HOST) --port $(PORT)

## test: set up with test extras and run the whole suite
test: install-test
	$(BIN)/python -m pytest -n 2 -q

build: install
	$(BIN)/sitegen build

check: install
	$(BIN)/sitegen check

lint: install-test
	$(BIN)/ruff check booking common sitegen endpoint tests bench
	$(BIN)/mypy
	node_modules/.bin/eslint   # needs `npm install`

## golden: regenerate the expected pages of the golden-output tests
golden: install-test
	LEDIG_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/sitegen -k golden

clean:
	rm -rf _site var test-artifacts .pytest_cache .hypothesis
