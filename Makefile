# Two commands on a fresh machine: `make run` and `make test`.
# Without DATABASE_URL / REDIS_URL the portal runs embedded (SQLite and a
# filesystem broker under var/); with them it uses PostgreSQL and Redis.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=staticfiles --ignore=static --ignore=tests --ignore=scripts --ignore=conftest.py
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup venv lint format requirements messages clean

$(STAMP): requirements/dev.txt
	@set -e; \
	if [ ! -x $(PY) ]; then \
		base=$$(scripts/find-python) || exit 1; \
		echo "Tạo môi trường ảo với $$base"; \
		$$base -m venv $(VENV); \
	fi; \
	if command -v uv >/dev/null 2>&1; then \
		uv pip sync --quiet --python $(PY) --require-hashes requirements/dev.txt; \
	else \
		$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt; \
	fi; \
	touch $(STAMP)

venv: $(STAMP)

setup: venv
	@mkdir -p var/media var/broker var/run
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data

run: setup
	$(PY) manage.py demo_accounts
	$(PY) -m emulation.devserver

test: venv
	@mkdir -p var
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py makemessages -l en --no-obsolete $(MESSAGES_IGNORE) -v 0 && \
		$(PY) scripts/check_messages.py locale/en/LC_MESSAGES/django.po && \
		$(PY) manage.py compilemessages -l en --ignore=.venv -v 0; \
	else echo "gettext chưa được cài: bỏ qua kiểm tra bản dịch"; fi
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Regenerate the pinned, hashed requirement files from pyproject.toml.
requirements:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.12 --universal -q \
		-o requirements/base.txt --custom-compile-command "make requirements"
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 --universal -q \
		-o requirements/dev.txt --custom-compile-command "make requirements"

# Refresh the translation catalogues after changing strings (needs gettext).
messages: venv
	$(PY) manage.py makemessages -l en --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var
