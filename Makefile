# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# where the browser opens the demo: the pages call the endpoint there (HOST=0.0.0.0
# listens everywhere; give PREVIEW_URL=http://<this machine's address>:$(PORT)/ for a phone)
PREVIEW_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)/

.PHONY: demo test install install-test install-mutate build check lint golden mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# every feature (docs/features.md): `pip install .` alone is the core
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-mutate: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-mutate: $(VENV)/.installed-mutate

## demo: set up, build the demo clinic, serve pages + API at $(PREVIEW_URL)
##   (make demo PORT=8123: the pages are built to call that port, and the endpoint
##   answers there; the clinic file's own pages_url/endpoint_url are not changed; a later
##   `make build` keeps that address, `sitegen build --preview-url none` drops it)
demo: install
	$(BIN)/sitegen check --preview-url $(PREVIEW_URL)
	$(BIN)/sitegen build --preview-url $(PREVIEW_URL)
	@echo "Open $(PREVIEW_URL)fjordlegene/  (Ctrl-C stops)"
	$(BIN)/endpoint serve --site _site --host $(HOST) --port $(PORT) --preview-url $(PREVIEW_URL)

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

## mutate: mutation testing of booking/ and the purge, by hand (not in CI; docs/mutation.md).
##   The modules are [tool.mutmut] only_mutate in pyproject.toml; MODULES picks some of them:
##   make mutate MODULES="booking/restrictions.py booking/slots.py endpoint/storage/purge.py"
MODULES     ?=
MUTATE_JOBS ?= 2
mutate: $(VENV)/.installed-mutate
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_JOBS) \
	  $(foreach m,$(MODULES),'$(subst /,.,$(m:.py=)).*') > mutants.log 2>&1 \
	  || { tail -c 3000 mutants.log; exit 1; }
	@$(BIN)/mutmut results --all true | awk -F': ' '\
	  { m = $$1; sub(/^ +/, "", m); sub(/\.x[^.]*__mutmut_[0-9]+$$/, "", m); n[m]++; \
	    if ($$2 == "killed") k[m]++; else if ($$2 == "survived") s[m]++; \
	    else if ($$2 == "not checked") u[m]++; else o[m]++ } \
	  END { for (m in n) if (n[m] > u[m]) \
	    printf "%-28s %7d %7d %9d %6d\n", m, n[m] - u[m], k[m], s[m], o[m] }' \
	  | sort > mutants/summary.txt
	@printf "%-28s %7s %7s %9s %6s\n" module mutants killed survived other
	@cat mutants/summary.txt
	@echo "not killed (mutmut show NAME for the diff):"
	@$(BIN)/mutmut results | grep -v ': not checked$$' || true

clean:
	rm -rf _site var test-artifacts .pytest_cache .hypothesis mutants mutants.log
