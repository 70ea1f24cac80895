# The two commands of the README. Everything they need is installed from here, so a fresh
# machine (or CI in a fresh clone) gets the same result.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test install install-test lint

# 1. Build the portal, serve it on 127.0.0.1 and syndicate the example releases to the outbox.
demo: install
	$(VENV)/bin/pregon demo

# 2. Run the tests (installs Chromium, Node and the test servers on first use).
test: install-test
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest no encontró pruebas: eso es un fallo" >&2; exit 1; fi; \
	exit $$rc

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -e .
	touch $@

install-test: $(VENV)/.installed-test
	bash tools/install-test-tools.sh

$(VENV)/.installed-test: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -e '.[test]'
	touch $(VENV)/.installed $@

lint: install
	$(PIP) install -e '.[lint]'
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy plugins syndicate
