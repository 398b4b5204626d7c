# acctkit: `make help` lists the targets. `make demo` and `make test` set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUNTIME_STAMP := $(VENV)/.runtime-stamp

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo needs acctkit alone, not the dev tools (test drivers, browser, linters).
$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

## install: create .venv and install acctkit with its dev tools (done by the other targets)
install: $(STAMP)

## demo: generate the demo portfolio into data/demo and run the last two monthly reviews on it
demo: $(if $(wildcard $(STAMP)),$(STAMP),$(RUNTIME_STAMP))
	$(BIN)/acctkit demo

## test: run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: start JupyterLab on notebooks/ (the notebooks run on .venv's own python3 kernel)
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

## lint: ruff check and format check, the import layers (import-linter), then pip-audit of the installed dependencies (ACCTKIT_AUDIT=off skips it)
lint: $(STAMP)
	$(BIN)/ruff check acctkit tests benchmarks tools
	$(BIN)/ruff format --check acctkit tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/python tools/audit_dependencies.py

## bench: run the benchmarks (prints markdown tables; takes a few minutes)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_generate.py
	$(BIN)/python benchmarks/bench_kpis.py
	$(BIN)/python benchmarks/bench_db.py
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_calibration.py
	$(BIN)/python benchmarks/bench_bundle.py
	$(BIN)/python benchmarks/bench_reports.py

## clean: remove the virtual environment and caches (keeps data/ and reports/)
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info

.PHONY: help install demo test lab lint bench clean
