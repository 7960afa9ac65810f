# duban — the two commands a new user needs: `make demo` and `make test`.
# Each does its own set-up (a .venv with the locked dependencies) the first time.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
# pip speaks only when something fails: a first run prints one line per phase.
PIP    := $(PY) -m pip -qq --disable-pip-version-check
UV_LOCK := pyproject.toml --extra dev --extra bench --extra fuzz --generate-hashes --universal \
           --python-version 3.11 --custom-compile-command "make lock"

.PHONY: demo test test-fast test-latest lint bench soak lock clean

$(STAMP): pyproject.toml $(LOCK)
	@echo "==> 安装锁定的依赖 / installing the locked dependencies ($(LOCK))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --require-hashes -r $(LOCK)
	@$(PIP) install --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	@$(VENV)/bin/duban demo

lint: $(STAMP)
	@echo "==> ruff + mypy"
	@$(VENV)/bin/ruff check duban tests bench plugins fuzz
	@$(VENV)/bin/mypy duban

test: lint
	@echo "==> pytest"
	@$(PY) -m pytest -q -p no:cacheprovider

# The inner loop: everything but the suites marked slow.
test-fast: $(STAMP)
	@$(PY) -m pytest -q -p no:cacheprovider -m "not slow"

# The newest versions pyproject's ranges allow, in a throwaway venv: a break shows here
# before `make lock` moves the lock.
test-latest:
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	echo "==> 最新版本的依赖 / newest allowed dependencies in $$d" && \
	$(PYTHON) -m venv "$$d/venv" && \
	"$$d/venv/bin/python" -m pip -qq --disable-pip-version-check install -e '.[dev,bench,fuzz]' && \
	echo "    与锁定版本不同 / differing from $(LOCK):" && \
	"$$d/venv/bin/python" scripts/lock_drift.py $(LOCK) && \
	echo "==> pytest" && "$$d/venv/bin/python" -m pytest -q -p no:cacheprovider

# Re-resolve the lock from pyproject (existing pins kept where they still fit;
# `make lock ARGS=--upgrade` moves everything to the newest allowed).
lock:
	@test -x $(VENV)/bin/uv || { test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  $(PIP) install "uv==$$(sed -n 's/^uv==\([^ ]*\).*/\1/p' $(LOCK))"; }
	@$(VENV)/bin/uv pip compile $(UV_LOCK) $(ARGS) -q -o $(LOCK)
	@echo "==> $(LOCK) 已更新 / updated"

bench: $(STAMP)
	@$(PY) -m bench

soak: $(STAMP)
	DUBAN_SOAK=1 $(PY) -m pytest -q -p no:cacheprovider tests/runtime tests/reliability tests/store

clean:
	rm -rf $(VENV) build *.egg-info
