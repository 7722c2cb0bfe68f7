# Two commands for a newcomer:  `make sample` (install + build the bundled seeds) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install sample test lint clean eval pkuseg

$(BIN)/policykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel numpy cython
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

# optional: the pkuseg model, only for `policykg build --segmenter pkuseg` (the default, lac, ships in its wheel)
pkuseg: install
	$(BIN)/policykg setup

install: $(BIN)/policykg

sample: install
	$(BIN)/policykg build seeds
	$(BIN)/policykg stats

# ruff, the layers contract, dead code, declared dependencies, types of the model and store layers
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture kg extractors tests scripts/vulture_whitelist.py --min-confidence 60 \
		--exclude kg/model/namespaces.py  # vocabulary terms are declared, then used by name
	$(BIN)/deptry .
	$(BIN)/mypy kg/model kg/store

# accuracy: seeds vs the answer key, People's Daily 1998 dev persons (both read from ../shared/eval)
SEGMENTER ?= auto
eval: install
	$(BIN)/python -m bench.accuracy --segmenter $(SEGMENTER)

test: lint pkuseg
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) policykg-store
