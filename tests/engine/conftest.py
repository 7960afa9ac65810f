"""Fixtures the engine tests share: a policy compiled from text, and the located problems
of one that does not compile (the ``oversees`` marks are each tested that way)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy

#: (code, line, column, message, hint) of one problem
Located = tuple[str, int, int, str, str | None]


@pytest.fixture
def compiled(tmp_path: Path) -> Callable[[str], Policy]:
    """Compile a policy's text (written to a file, so problems have a line)."""
    def compile_text(text: str) -> Policy:
        path = tmp_path / "p.yaml"
        path.write_text(text, encoding="utf-8")
        return load_policy(path)
    return compile_text


@pytest.fixture
def problems(compiled: Callable[[str], Policy]) -> Callable[[str], list[Located]]:
    """The problems of a policy text that must not compile; every one must be located."""
    def located(text: str) -> list[Located]:
        with pytest.raises(PolicyError) as info:
            compiled(text)
        out = []
        for problem in info.value.problems:
            assert problem.location is not None, problem.format()
            out.append((problem.code, problem.location.line, problem.location.column,
                        problem.message, problem.hint))
        return out
    return located
