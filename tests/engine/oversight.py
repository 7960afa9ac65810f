"""What the ``oversees`` tests share (``test_oversees_lead``, ``test_oversees_unit``): a
leader actor with the units they oversee, a policy compiled from text, and its problems
with their locations — each mark is tested the same way, so the helpers are one."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.engine.model import Actor
from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy

LEADER = frozenset({"leader_in_charge"})
PLAIN = ("分管领导",)  # the word every marked synonym is `same_as`


def leader(oversees: tuple[str, ...], words: tuple[str, ...] = PLAIN) -> Actor:
    """A 分管领导 holding ``words`` who oversees ``oversees``."""
    return Actor("副职", None, LEADER, frozenset(words), frozenset(oversees))


def policy_from(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def problems(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str | None]]:
    """(code, line, column, message, hint) of each problem; every one must be located."""
    with pytest.raises(PolicyError) as info:
        policy_from(tmp_path, text)
    out = []
    for problem in info.value.problems:
        assert problem.location is not None, problem.format()
        out.append((problem.code, problem.location.line, problem.location.column,
                    problem.message, problem.hint))
    return out
