# Two commands: `make run` and `make test`. Everything else is what they stand on.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test setup lint migrate demo bench prod clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	$(PY) manage.py runserver $(HOST)

lint: setup
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

prod: setup
	$(VENV)/bin/honcho start

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media staticfiles
