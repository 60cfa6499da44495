# Two commands for a newcomer (see README):
#   make demo   set everything up, then run the demo on a local L1 + L2 (INFLATION=l1: rewards minted on L1)
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
# Slither and halmos live in their own venv (their dependency pins clash with Ape's), pinned in requirements-audit.lock.
AUDIT_VENV ?= .venv-audit
AUDIT_BIN  := $(AUDIT_VENV)/bin
# Slither and halmos drive forge themselves: forge on PATH, the solc shim through Foundry's env override. Each
# builds into its own out/cache directory (their build settings differ from forge test's). Slither's build is
# always from scratch (--force): an incremental build leaves the build-info of replaced sources behind, and
# Slither would report findings in code that no longer exists.
FORGE_ENV  := PATH="$(CURDIR)/node_modules/.bin:$$PATH" FOUNDRY_SOLC=$(SOLC_SHIM)
SLITHER_FILTER := node_modules|tests/forge|contracts/test|contracts/simulator

.PHONY: setup demo readme lint test test-contracts fuzz-long audit compile artifacts bench clean lock lock-audit

# anvil and cast from npm go next to ape in the venv, so that a shell with the venv active (or its bin on PATH)
# runs the README's commands as written.
setup: $(VENV)/.installed node_modules/.installed
	@$(BIN)/python -m ape_livepeer_migration.toolchain >/dev/null
	@ln -sf $(CURDIR)/node_modules/.bin/anvil $(CURDIR)/node_modules/.bin/cast $(BIN)/
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

# INFLATION=l1 runs the story with rewards minted on L1 (deploy --inflation l1) instead of on L2.
INFLATION ?= l2
demo: setup
	LIVEPEER_DEMO_INFLATION=$(INFLATION) $(BIN)/ape run demo

# Run the README's local session and write its commands' output into the README (after an intended change of
# output; tests/readme fails while the README shows something else).
readme: setup
	$(BIN)/python tests/readme/session.py --write

test: setup lint test-contracts audit
	$(BIN)/ape compile
	$(BIN)/pytest $(PYTEST_ARGS)

# Lint, format and types of the Python code (pyproject.toml configures ruff and mypy).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# In-process fuzzing and invariant runs of the contracts (tests/forge, see docs/toolchain.md), small budget.
test-contracts: setup
	$(FORGE) test --offline --use $(SOLC_SHIM) $(FORGE_ARGS)

# The attacker invariant suites with the long budget (foundry.toml profile `long`: 2000 runs x depth 2500 =
# 5M handler calls per suite), with a new seed each time (make test-contracts keeps
# foundry.toml's fixed seed, so make test is reproducible). Hours on 2 CPUs; narrow it with FORGE_ARGS='--mc ...'
# or cap each invariant's campaign with FOUNDRY_INVARIANT_TIMEOUT=<seconds>.
fuzz-long: setup
	FOUNDRY_PROFILE=long $(FORGE) test --offline --use $(SOLC_SHIM) --match-path 'tests/forge/invariant/*' \
		--fuzz-seed $$(date +%s) $(FORGE_ARGS)

$(AUDIT_VENV)/.installed: requirements-audit.lock
	test -x $(AUDIT_BIN)/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.lock
	@touch $@

# Slither over the product contracts, gated by audit/slither-triage.json (any finding not triaged fails), then
# halmos over every check_* function under tests/forge.
audit: setup $(AUDIT_VENV)/.installed
	@mkdir -p .forge
	rm -f .forge/slither.json
	$(FORGE_ENV) FOUNDRY_OUT=.forge/slither-out FOUNDRY_CACHE_PATH=.forge/slither-cache \
		$(FORGE) build --offline --build-info --force --skip './tests/forge/**' --quiet
	$(FORGE_ENV) FOUNDRY_OUT=.forge/slither-out $(AUDIT_BIN)/slither . --foundry-ignore-compile --foundry-out-directory .forge/slither-out --filter-paths '$(SLITHER_FILTER)' \
		--exclude naming-convention --fail-none --json .forge/slither.json > .forge/slither.log 2>&1 \
		|| { tail -20 .forge/slither.log; exit 1; }
	$(AUDIT_BIN)/python audit/check_slither.py .forge/slither.json
	$(FORGE_ENV) FOUNDRY_OUT=.forge/halmos-out FOUNDRY_CACHE_PATH=.forge/halmos-cache \
		$(AUDIT_BIN)/halmos --root . --function check_ --forge-build-out .forge/halmos-out

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

# Re-pin requirements-audit.lock from the current audit venv.
lock-audit:
	( head -3 requirements-audit.lock; $(AUDIT_BIN)/python -m pip freeze --all | grep -vE '^(pip|setuptools|wheel)==' ) > requirements-audit.lock.new
	mv requirements-audit.lock.new requirements-audit.lock
