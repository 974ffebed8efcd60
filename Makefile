# draftbot: `make run` starts the main job, `make test` runs the tests.
# Both create or refresh .venv by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt bench schema clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/draftbot serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

schema: $(STAMP)
	$(BIN)/draftbot schema -o schemas/report.schema.json

bench: $(STAMP)
	$(BIN)/python bench/startup.py --write bench/results/startup.md
	$(BIN)/python bench/offline_pipeline.py --write bench/results/offline_pipeline.md
	$(BIN)/python bench/export_speed.py --write bench/results/export_speed.md
	$(BIN)/python bench/review_speed.py --write bench/results/review_speed.md
	$(BIN)/python bench/draft_speed.py --write bench/results/draft_speed.md
	$(BIN)/python bench/import_speed.py --write bench/results/import_speed.md
	$(BIN)/python bench/assistant_retrieval.py --write bench/results/assistant_retrieval.md
	$(BIN)/python bench/draft_quality.py --write bench/results/draft_quality.md
	$(BIN)/python bench/web_latency.py --clients 20 --write bench/results/web_latency.md
	$(BIN)/python bench/web_latency.py --clients 100 --write bench/results/web_latency_100.md
	$(BIN)/python bench/web_list.py --write bench/results/web_list.md
	$(BIN)/python bench/claims_eval.py --write bench/results/claims_eval.md
	$(BIN)/python bench/batch.py --write bench/results/batch.md
	$(BIN)/python bench/upload_isolation.py --write bench/results/upload_isolation.md

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
