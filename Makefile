# Two commands for a newcomer:  `make sample` (install + build the bundled seeds) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install sample test lint clean

$(BIN)/policykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel numpy cython
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/policykg setup
	@touch $@

install: $(BIN)/policykg

sample: install
	$(BIN)/policykg build seeds
	$(BIN)/policykg stats

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) policykg-store
