# tokenproof: two commands for a new user. `make demo` builds and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint typecheck pytest serve worker beat install browser clean

$(STAMP): pyproject.toml constraints.txt
	@echo "==> creating $(VENV) and installing tokenproof with its pinned dependencies"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --progress-bar on -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	@echo "==> migrating the database"
	@$(BIN)/python manage.py migrate --no-input
	@echo "==> building the demo company and its packets"
	@$(BIN)/python manage.py demo

# Pages are tested in Chromium driven by Playwright; Debian's chromium is installed once if missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "==> installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: install
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@echo "==> import contracts (pyproject.toml's [tool.importlinter])"
	@$(BIN)/lint-imports

typecheck: install
	@echo "==> mypy"
	@$(BIN)/mypy

pytest: install browser
	@echo "==> pytest"
	@$(BIN)/python -m pytest

test: lint typecheck pytest

serve: install
	@$(BIN)/python manage.py migrate --no-input
	@echo "==> http://127.0.0.1:8000/demo-login/ (demo logins for every role)"
	@TOKENPROOF_DEMO_LOGIN=1 TOKENPROOF_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

worker: install
	@$(BIN)/celery -A config worker --loglevel=INFO -Q default,render,sync,evidence

beat: install
	@$(BIN)/celery -A config beat --loglevel=INFO

clean:
	rm -rf var out .mypy_cache .ruff_cache .pytest_cache
