# Two commands do the whole set-up on a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
MIRROR ?= ../shared/data
INSTALLED := $(VENV)/.installed
CACHE  := $(or $(REFORMKIT_DATA_DIR),data/cache)
DATA_STAMP := $(CACHE)/core/manifest.json
# The cache is rebuilt when the code or parameters that build it change.
DATA_DEPS := $(wildcard reformkit/data/*.py reformkit/geo/*.py) \
             reformkit/resources/params/geo.yaml reformkit/resources/sources.yaml
# Every package version the tests ran with (see its header); the install step uses it as constraints.
LOCK   := requirements-lock.txt

.PHONY: help install data browser test test-fast report bench strip lock clean

help:
	@echo "make report   set up, fill the data cache, render the default reports into reports/"
	@echo "make test     set up, fill the data cache, run the whole test suite"
	@echo "make bench    run the benchmark scripts in benchmarks/"
	@echo "make strip    strip outputs and run metadata from the notebooks; an analyst who edited a"
	@echo "              notebook (notebooks/*.ipynb) runs it before committing"

$(INSTALLED): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(LOCK) --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test,bench]'
	touch $@

install: $(INSTALLED)

# Offline mirror when present (CI and development machines), else the official online sources.
$(DATA_STAMP): $(INSTALLED) $(DATA_DEPS)
	@if [ -d "$(MIRROR)" ]; then \
		$(BIN)/reformkit data import "$(MIRROR)" --quiet; \
	else \
		echo "No offline mirror at $(MIRROR); fetching from SSB and Kartverket"; \
		$(BIN)/reformkit data fetch --quiet; \
	fi
	@touch $@

data: $(DATA_STAMP)

# Browser tests use Debian's chromium + chromedriver (a tool's own browser download cannot work here).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
			|| echo "warning: could not install chromium; browser tests will be skipped"; \
		else \
			echo "warning: not root; install chromium and chromium-driver to run the browser tests"; \
		fi; \
	fi

test: data browser
	$(BIN)/python -m pytest -q

test-fast: data
	$(BIN)/python -m pytest -q -m "not slow"

report: data
	$(BIN)/reformkit render data/scenarios/more-og-romsdal-*.yaml --out reports --jobs 2

strip: $(INSTALLED)
	$(BIN)/python scripts/strip_notebooks.py

# A throw-away venv resolves pyproject.toml's ranges anew; the lock keeps its header and gets the new versions.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade pip
	.lockvenv/bin/python -m pip install --quiet -e '.[test,bench]'
	{ grep '^#' $(LOCK); .lockvenv/bin/python -m pip freeze --all --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .lockvenv

bench: data
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .lockvenv data/cache .pytest_cache build
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
