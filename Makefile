# Two commands do all the set-up on a fresh machine:
#   make demo   audit the bundled demo shop, report in reports/<run-id>/
#   make test   run the whole test suite (lint included)
#   make bench  run the benchmarks (bench/README.md) and print the table of figures
# Both create .venv, install cxaudit into it and find or install a Chromium.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint browser bench docs clean axe react-shop

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cxaudit needs Python 3.11 or newer (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

browser: $(STAMP)
	@$(BIN)/cxaudit doctor --install
	@# Bytecode for cxaudit's own modules, as pip writes it for an installed package: an
	@# editable install has none, and with PYTHONDONTWRITEBYTECODE set every start compiled them all.
	@$(BIN)/python -m compileall -q cxaudit >/dev/null

demo: browser
	$(BIN)/cxaudit demo

# Two test processes where the machine has two cores (each file's tests stay in one
# process, with its servers and browser): about 17 min on 2 cores, 25 min in one.
# PYTEST_ARGS= overrides, e.g. PYTEST_ARGS="-p no:xdist" for one process.
PYTEST_ARGS ?= -n auto --maxprocesses 2 --dist loadfile

test: browser
	$(BIN)/ruff check .
	@# The layers of the package (docs/architecture.md), as contracts in .importlinter.
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

bench: browser $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# Refresh the vendored axe-core (AXE_VERSION=x.y.z for another than the default).
axe: $(STAMP)
	$(BIN)/python -m cxaudit.gather.vendor_axe $(AXE_VERSION)

# Rebuild the React shop fixture (tests/data/react_shop/app.js, its pre-rendered page and
# app.js.LICENSES.txt) from src/ and the npm packages its package-lock.json pins.
react-shop:
	cd tests/data/react_shop/src && npm ci --no-audit --no-fund && node build.mjs

docs: $(STAMP)
	$(BIN)/python -m cxaudit.project.docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
