"""Shared fixtures: the repository root and policy loading with a cache (policies are
immutable, so one compiled object per file serves every test)."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: Test plugins: shared behaviour reaches test modules as fixtures, never by importing a
#: helper from ``tests.`` (``tests/test_layers.py`` fails on such an import). pytester for
#: the tests of duban's own pytest plugin, the throwaway PostgreSQL server (``pg_url``,
#: ``pg_schema_url``) and Debian's Chromium (``chromium``).
pytest_plugins = ["pytester", "tests.pg_fixture", "tests.chromium"]

# No timed assertions in tests (speed is measured by `make bench`): hypothesis's per-example
# deadline and its "too slow" health check only measure how busy the machine is.
settings.register_profile("duban", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("duban")

ROOT = Path(__file__).resolve().parents[1]

#: Fixtures that start something slow — the real PostgreSQL server (tests/pg_fixture.py),
#: headless Chromium: every test that uses one, directly or through another fixture, is
#: marked ``slow``, so ``make test-fast`` skips it and ``make test`` (CI) still runs it.
#: A PostgreSQL backend chosen by a fixture parameter carries the mark on the parameter;
#: SIGKILL loops and atheris carry it themselves.
SLOW_FIXTURES = frozenset({"pg_url", "pg_schema_url", "chromium", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def _fill_skeleton(text: str, limit: str = "5个工作日") -> str:
    """What an implementer does with the skeleton: every placeholder filled from the text."""
    text = re.sub(r"default: 〔待填写[^〕]*〕", f"default: {limit}", text)
    return re.sub(r"cite: 〔待填写[^〕]*〕", "cite: 第一条", text)


@pytest.fixture(scope="session")
def fill_skeleton() -> Callable[..., str]:
    """``fill_skeleton(text, limit="5个工作日")``: a ``duban init`` skeleton filled in."""
    return _fill_skeleton


def _check_golden(path: Path, text: str) -> None:
    """Compare ``text`` with the golden file at ``path``; DUBAN_UPDATE_GOLDEN=1 rewrites it
    (then read the diff row by row before committing it)."""
    if os.environ.get("DUBAN_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no golden; run with DUBAN_UPDATE_GOLDEN=1 to write {path.name}"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            path.name, "now"))
        pytest.fail(f"{path.name} differs from the outcome now; read the diff and, if "
                    f"intended, regenerate with DUBAN_UPDATE_GOLDEN=1:\n{diff}")


@pytest.fixture
def golden() -> Callable[[Path, str], None]:
    """``golden(path, text)``: assert ``text`` equals the golden file (or rewrite it)."""
    return _check_golden
