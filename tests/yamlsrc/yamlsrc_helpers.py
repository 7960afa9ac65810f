"""Helpers shared by the strict YAML loader tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.errors import PolicyError, Problem
from duban.policy.yamlsrc import load_yaml

DATA = Path(__file__).parent / "data"
POLICY = (DATA / "policy300.yaml").read_text(encoding="utf-8")


def problems_of(text: str, file: str = "p.yaml", **limits: int) -> list[Problem]:
    """The problems :func:`load_yaml` reports for ``text`` (the test fails if it loads)."""
    with pytest.raises(PolicyError) as info:
        load_yaml(text, file, **limits)
    assert info.value.problems, "a PolicyError must carry problems"
    return list(info.value.problems)


def error_text(text: str, file: str = "p.yaml") -> str:
    """``str(PolicyError)`` for ``text``: the compiler-style report a user sees."""
    with pytest.raises(PolicyError) as info:
        load_yaml(text, file)
    return str(info.value)


def where(problem: Problem) -> tuple[str, int, int]:
    """(code, line, column) of a problem, the usual thing to assert."""
    assert problem.location is not None
    return problem.code, problem.location.line, problem.location.column
