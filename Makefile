# Two commands: `make run` (install, migrate, seed the demo, serve) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and PDFs follow the address the demo is served on.
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL

.PHONY: run test install migrate seed lint format ci clean bench bench-seed bench-1m

$(BIN)/python:
	@echo "Environnement Python : création de $(VENV)…"
	@$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Environnement Python : installation des dépendances (quelques minutes la première fois)…"
	@# pip's own exit status counts (pipefail); grep only hides the local index's noise.
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
	@$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 | { grep -v "^WARNING: Location" || true; }
	@$(BIN)/python -c "import django, rest_framework, celery, weasyprint, pytest, playwright"
	@touch $@

# axe-core for the accessibility browser tests (tests/e2e/package.json, locked).
tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	@echo "Outils des tests navigateur : axe-core (npm)…"
	@npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

install: $(VENV)/.installed tests/e2e/node_modules/.installed

migrate: install
	@echo "Base de données : migrations…"
	@$(BIN)/python manage.py migrate --noinput -v 0

seed: migrate
	@$(BIN)/python manage.py seed_demo

# A short progress display: what is being done, then the address and the logins (< 40 lines).
run: seed
	@echo ""
	@echo "  Plateforme VAE inversée : $(SITE_URL)/  (mot de passe des comptes de démonstration : demo-vae-2026)"
	@echo ""
	@DJANGO_RUNSERVER_HIDE_WARNING=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# One process per core (pytest-xdist), each on its own test database and Redis database (settings_test.py);
# tests are handed out one by one (`--dist load`: the API fuzzing's items share one node id, which a per-file
# distribution would run once). TEST_PROCESSES=0 runs the suite in this one process.
TEST_PROCESSES ?= auto
test: install
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist load $(PYTEST_ARGS)

# The bench (not part of `make test`): its own PostgreSQL database (BENCH_DATABASE_URL, default vae_bench),
# seeded once per size, served as in production, loaded, reported in bench/results/ (bench/README.md).
PATHWAYS ?= 100000
bench: install
	$(BIN)/python bench/run.py --pathways $(PATHWAYS)

bench-1m: install
	$(BIN)/python bench/run.py --pathways 1000000

# Seed only, into $$DATABASE_URL (PostgreSQL), after migrate and seed_demo.
bench-seed: install
	@test -n "$$DATABASE_URL" || { echo "bench-seed : définissez DATABASE_URL (PostgreSQL)."; exit 1; }
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python bench/seed_large.py --pathways $(PATHWAYS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media
