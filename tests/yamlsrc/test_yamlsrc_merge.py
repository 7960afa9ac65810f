"""Merge keys and aliases behave as PyYAML's (YAML 1.1) do, and the result is a plain tree."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from duban.policy.yamlsrc import load_yaml

MERGES = [
    # one mapping; explicit keys win whether written before or after `<<`
    "d: &d {a: 1, b: 2}\nm:\n  <<: *d\n  b: 3\n",
    "d: &d {a: 1, b: 2}\nm:\n  b: 3\n  <<: *d\n",
    # a list: earlier mappings win over later ones
    "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  <<: [*a, *b]\n",
    "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  <<: [*b, *a]\n  z: 9\n",
    # inline mappings and flow style
    "m: {<<: {a: 1}, b: 2}\n",
    "m:\n  <<: [{a: 1}, {a: 2, b: 2}]\n",
    # a merged mapping that itself merges
    "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nm:\n  <<: *b\n  z: 3\n",
    # merges inside sequences
    "d: &d {role: 督查组}\nsteps:\n  - <<: *d\n    within: 1\n  - {<<: *d, role: 总经理}\n",
]


@pytest.mark.parametrize("text", MERGES)
def test_merge_matches_pyyaml(loader: str, text: str) -> None:
    assert load_yaml(text).data == yaml.safe_load(text)


def test_quoted_merge_key_is_an_ordinary_key(loader: str) -> None:
    assert load_yaml('d: &d {a: 1}\nm: {"<<": *d}\n').data["m"] == {"<<": {"a": 1}}


def test_aliases_are_copies(loader: str) -> None:
    data = load_yaml("a: &a {x: [1]}\nb: *a\nc: {<<: *a}\n").data
    data["b"]["x"].append(2)
    assert data["a"] == {"x": [1]} and data["c"] == {"x": [1]}
    assert data["a"] is not data["b"] and data["c"]["x"] is not data["a"]["x"]


def test_scalar_and_list_anchors(loader: str) -> None:
    data = load_yaml("n: &n 5\nl: &l [a, b]\nx: [*n, *l]\n'k': &k key\n*k : v\n").data
    assert data == {"n": 5, "l": ["a", "b"], "x": [5, ["a", "b"]], "k": "key", "key": "v"}


def test_anchor_may_be_redefined(loader: str) -> None:
    data = load_yaml("a: &x 1\nb: *x\nc: &x 2\nd: *x\n").data
    assert data == {"a": 1, "b": 1, "c": 2, "d": 2}


def test_realistic_policy_matches_pyyaml_except_timestamps(loader: str, policy300: str) -> None:
    ours = load_yaml(policy300, "policy.yaml").data
    theirs: dict[str, Any] = yaml.safe_load(policy300)
    assert ours["version"] == "2026-03-01"  # PyYAML: datetime.date
    assert ours["effective"] == "2026-03-01T00:00:00+08:00"  # PyYAML: datetime
    for key in ("version", "effective"):
        del ours[key], theirs[key]
    assert ours == theirs
    assert ours["clocks"]["审核时限"]["clock"] == "calendar_days"
    assert ours["clocks"]["办理时限"]["calendar"] == "cn"
