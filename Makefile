# Two commands for a newcomer (see README):
#   make demo   set everything up, then run the demo on a local L1 + L2
#   make test   set everything up, then run the test suite
# `make setup` alone is idempotent and returns at once when nothing changed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=
# forge from npm (package.json), compiling with the solc shim that `make setup` writes.
FORGE      := node_modules/.bin/forge
SOLC_SHIM  := $(HOME)/.solcx/solc-v0.8.37
FORGE_ARGS ?=

.PHONY: setup demo test test-contracts compile artifacts bench clean lock

setup: $(VENV)/.installed node_modules/.installed
	@$(BIN)/python -m ape_livepeer_migration.toolchain >/dev/null
	@echo "setup: ok"

$(VENV)/.installed: requirements.lock setup.py
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 12) else "Python 3.10-3.12 needed, found %d.%d (set PYTHON=...)" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

compile: setup
	$(BIN)/ape compile

# The contract types the package ships (ape_livepeer_migration/data/contracts), regenerated from contracts/:
# run after changing a contract; tests/test_artifacts.py fails until the shipped ones match the sources.
artifacts: setup
	$(BIN)/python -m ape_livepeer_migration.contracts

demo: setup
	$(BIN)/ape run demo

test: setup test-contracts
	$(BIN)/ape compile
	$(BIN)/pytest $(PYTEST_ARGS)

# In-process fuzzing and invariant runs of the contracts (tests/forge, see docs/security.md).
test-contracts: setup
	$(FORGE) test --offline --use $(SOLC_SHIM) $(FORGE_ARGS)

# Gas, relay throughput and CLI timings: one table, bench/results.json (see docs/benchmarks.md).
bench: setup
	$(BIN)/ape compile
	$(BIN)/python bench/run.py

clean:
	rm -rf .build .forge contracts/.cache .pytest_cache .hypothesis

# Re-pin requirements.lock from the current venv (after changing setup.py's pins).
lock:
	( head -3 requirements.lock; $(BIN)/python -m pip freeze --all --exclude-editable | grep -vE '^(ape-livepeer-migration|pip|wheel)==' ) > requirements.lock.new
	mv requirements.lock.new requirements.lock
