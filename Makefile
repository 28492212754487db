# The two set-up commands: `make run` and `make test`. Each builds .venv from the lock file
# when it is missing, so a fresh machine with Python 3.11 and make needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data
# The suite runs on every core (pytest-xdist), a test module per worker at a time.
TEST_WORKERS ?= auto

.PHONY: run test lint typecheck bench demo clean translations

$(BIN)/tracktwo: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m tracktwo.engines.commonground.warm
	touch $(BIN)/tracktwo

venv: $(BIN)/tracktwo

run: $(BIN)/tracktwo
	$(BIN)/tracktwo run --data-dir $(DATA_DIR)

demo: $(BIN)/tracktwo
	$(BIN)/tracktwo demo --data-dir $(DATA_DIR)

lint: $(BIN)/tracktwo
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(BIN)/tracktwo
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --cov --cov-report=term $(PYTEST_ARGS)

bench: $(BIN)/tracktwo
	$(BIN)/python -m benchmarks

translations: $(BIN)/tracktwo
	$(BIN)/pybabel compile -d src/tracktwo/web/translations -D messages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
