# The two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
MANAGE := $(CURDIR)/$(BIN)/python $(CURDIR)/manage.py

.PHONY: run test test-today format e2e bench messages clean

# The suites whose answers depend on the calendar (R43): run with `make test-today TODAY=…`.
DATE_SUITES := src/aftersales/workdays src/aftersales/sla src/aftersales/service \
	src/aftersales/warranty src/aftersales/repairs src/aftersales/feedback src/aftersales/staff
TODAY ?= 2027-01-04

# Re-install only when the dependency list changes.
# pip's output is kept in var/install.log; only a failure prints (setuptools' warnings do not).
$(VENV)/.installed: pyproject.toml
	@echo "Installing the project into $(VENV) (first run only; log in var/install.log)"
	@mkdir -p var
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip > var/install.log 2>&1 || true
	@$(PIP) install -e . >> var/install.log 2>&1 || (cat var/install.log; false)
	@$(BIN)/python -c "import django, rest_framework, celery"
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import pytest, pytest_django, playwright, hypothesis, schemathesis"
	touch $@

# Served as people will meet it: DEBUG off (friendly error pages, static files through
# WhiteNoise) unless DEBUG=1, and customer links (SMS, QR codes) on this port.
RUN_ENV := DEBUG=$(or $(DEBUG),0) PUBLIC_BASE_URL=$(or $(PUBLIC_BASE_URL),http://127.0.0.1:$(PORT))

run: $(VENV)/.installed
	@mkdir -p var
	@$(RUN_ENV) $(MANAGE) migrate --noinput -v 0 --skip-checks
	@$(RUN_ENV) $(MANAGE) check
	@$(RUN_ENV) $(MANAGE) seed_demo --skip-checks
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl+C stops; server log in var/runserver.log)"
	@$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT) --noreload --skip-checks > var/runserver.log

test: $(VENV)/.installed-dev
	$(BIN)/ruff check src e2e bench
	$(BIN)/ruff format --check src e2e bench
	$(MANAGE) makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/pytest -q

# The same suites as if today were $(TODAY) (no test may depend on the real date).
test-today: $(VENV)/.installed-dev
	AFTERSALES_TEST_TODAY=$(TODAY) $(BIN)/pytest -q $(DATE_SUITES)

e2e: $(VENV)/.installed-dev
	$(BIN)/pytest -q -c e2e/pytest.ini e2e

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/workdays.py
	$(BIN)/python bench/sla_sweep.py
	$(BIN)/python bench/warranty.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src e2e bench
	$(BIN)/ruff format src e2e bench

# Refresh the translation catalogue (needs GNU gettext) and compile it.
messages: $(VENV)/.installed-dev
	cd src && $(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore 'aftersales/static/*'
	$(BIN)/python -m aftersales.core.i18n_compile

clean:
	rm -rf $(VENV) var/static
