# The two commands of the README's contract: `make demo` and `make test`.
# Each bootstraps .venv from the project's own files (pyproject.toml + constraints.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean schema

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/driftwise demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

# Heavy statistical validation and peer comparisons (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# Regenerate the published JSON Schema of the decision document.
schema: $(STAMP)
	$(BIN)/python -m driftwise.decide.jsonschema > schemas/decision.schema.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
