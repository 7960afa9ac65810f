"""Fixtures for the strict YAML loader tests: both parsers, the ~300-line policy, and the
functions that read problems out of a refused text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from duban.errors import PolicyError, Problem
from duban.policy import yamlsrc
from duban.policy.yamlsrc import load_yaml


@pytest.fixture(params=["libyaml", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml and again with PyYAML's pure-Python parser (the fallback)."""
    if request.param == "python":
        monkeypatch.setattr(yamlsrc, "_LOADER", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not installed")
    return str(request.param)


@pytest.fixture(scope="session")
def policy300() -> str:
    """The text of ``data/policy300.yaml``, a valid policy of about 300 lines."""
    return (Path(__file__).parent / "data" / "policy300.yaml").read_text(encoding="utf-8")


def _problems_of(text: str, file: str = "p.yaml", **limits: int) -> list[Problem]:
    """The problems :func:`load_yaml` reports for ``text`` (the test fails if it loads)."""
    with pytest.raises(PolicyError) as info:
        load_yaml(text, file, **limits)
    assert info.value.problems, "a PolicyError must carry problems"
    return list(info.value.problems)


def _error_text(text: str, file: str = "p.yaml") -> str:
    """``str(PolicyError)`` for ``text``: the compiler-style report a user sees."""
    with pytest.raises(PolicyError) as info:
        load_yaml(text, file)
    return str(info.value)


def _where(problem: Problem) -> tuple[str, int, int]:
    """(code, line, column) of a problem, the usual thing to assert."""
    assert problem.location is not None
    return problem.code, problem.location.line, problem.location.column


@pytest.fixture(scope="session")
def problems_of() -> Callable[..., list[Problem]]:
    """``problems_of(text, file="p.yaml", **limits)``: see ``_problems_of``."""
    return _problems_of


@pytest.fixture(scope="session")
def error_text() -> Callable[..., str]:
    """``error_text(text, file="p.yaml")``: see ``_error_text``."""
    return _error_text


@pytest.fixture(scope="session")
def where() -> Callable[[Problem], tuple[str, int, int]]:
    """``where(problem)``: (code, line, column); see ``_where``."""
    return _where
