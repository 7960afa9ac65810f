# duban — the two commands a new user needs: `make demo` and `make test`.
# Each does its own set-up (a .venv with everything installed) the first time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m pip install -q atheris || echo "atheris does not install here; its fuzz test will skip"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/duban demo

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider
	$(VENV)/bin/ruff check duban tests bench plugins fuzz

bench: $(STAMP)
	$(PY) -m bench

soak: $(STAMP)
	DUBAN_SOAK=1 $(PY) -m pytest -q -p no:cacheprovider tests/runtime tests/reliability tests/store

lint: $(STAMP)
	$(VENV)/bin/ruff check duban tests bench plugins fuzz
	$(VENV)/bin/mypy duban

clean:
	rm -rf $(VENV) build *.egg-info
