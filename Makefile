# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   set up, then score the example articles that ship with the project
#   make test   set up, then lint (with the import contracts), type-check and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup bench-setup demo test lint typecheck bench model clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/farmscore score examples/

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench-setup: $(BENCH_STAMP)

lint: setup
	$(BIN)/ruff check src tests training benchmarks
	$(BIN)/ruff format --check src tests training benchmarks
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# Speed, scaling and memory beside the peers (datatrove's Gopher filters, textstat); prints a
# table and writes reports/bench/latest.json. BENCH_ARGS=--quick for a short run.
# Then the limits (a slow feed's row delay, --jobs 2 memory over a 200 MB stream of real
# articles, a server worker's memory for one 10 MB document), the pipeline steps (the
# datatrove filter beside `score --jobs 2`; the batch adapter under each table engine
# installed) and the fuzz campaign: 10,000 seeded hostile inputs through every command
# (FUZZ_INPUTS).
FUZZ_INPUTS ?= 10000
bench: bench-setup
	$(BIN)/python -m benchmarks $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.limits
	$(BIN)/python -m benchmarks.pipelines
	$(BIN)/python -m benchmarks.engines
	$(BIN)/python -m benchmarks.fuzz --inputs $(FUZZ_INPUTS)

# Rebuild the shipped model and its evaluation from ../shared/data (about 25 minutes).
model: setup
	$(BIN)/python training/build_default_model.py --data ../shared/data \
		--out models/default --reports reports/default

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
