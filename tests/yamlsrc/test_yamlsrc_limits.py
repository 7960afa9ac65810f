"""Hostile inputs are refused quickly and cleanly: alias bombs, deep nesting."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import yaml

from duban.errors import Problem
from duban.policy import yamlsrc
from duban.policy.yamlsrc import MAX_DEPTH, MAX_NODES, load_yaml

LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi",
                                                                 strict=True)]) + "\n"


def test_billion_laughs_is_refused_at_the_alias_that_crosses_the_limit(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    start = time.perf_counter()
    problems = problems_of(LAUGHS)
    elapsed = time.perf_counter() - start
    print(f"\nbillion laughs refused in {elapsed * 1000:.1f} ms ({loader})")
    (p,) = problems
    # a..e hold 74,738 nodes (keys included); f's first *e would add 66,430 more
    assert where(p) == ("yaml.too_large", 6, 8)
    assert "*e" in p.message and str(MAX_NODES) in p.message and p.hint


def test_node_limit_is_configurable(problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a: [1, 2, 3]\nb: [4, 5]\n", max_nodes=6)
    assert where(p) == ("yaml.too_large", 2, 1)  # keys count: {a, [1, 2, 3], b ... } = 10
    assert load_yaml("a: [1, 2, 3]\nb: [4, 5]\n", max_nodes=10).data


@pytest.mark.parametrize("opener", ["[", "{", "{a: "])
def test_deep_flow_nesting_is_refused_without_recursion(loader: str, opener: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    """Whichever layer stops it (libyaml's scanner or our loader), the user reads one thing."""
    for text in (opener * 10_000, opener * 10_000 + "]" * 10_000):
        start = time.perf_counter()
        problems = problems_of(text)  # with "{", each level is also a refused mapping key
        elapsed = time.perf_counter() - start
        p = problems[-1]
        column = 1 + len(opener) * MAX_DEPTH
        assert where(p) == ("yaml.too_deep", 1, column)
        assert f"嵌套层数 {MAX_DEPTH + 1} 超过上限 {MAX_DEPTH}" in p.message
        assert len(p.format()) < 400 and opener * 30 not in p.format()
        print(f"\n{len(text)} characters of {opener!r} refused in {elapsed * 1000:.1f} ms "
              f"({loader})")


@pytest.mark.parametrize("text", ["[" * 2_000, "x: " + "{a: " * 5_000, "- [" + "[ '#[', " * 3_000])
def test_deep_nesting_reads_the_same_from_either_parser(monkeypatch: pytest.MonkeyPatch, text: str,
        problems_of: Callable[..., list[Problem]]) -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not installed")
    fast = problems_of(text)[-1]
    monkeypatch.setattr(yamlsrc, "_LOADER", yaml.SafeLoader)
    assert problems_of(text)[-1] == fast


def test_deep_block_nesting_is_refused(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("- " * 100_000 + "x\n")
    assert where(p) == ("yaml.too_deep", 1, 2 * MAX_DEPTH + 1)


def test_depth_limit_is_configurable(problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a: {b: {c: 1}}\n", max_depth=2)
    assert where(p) == ("yaml.too_deep", 1, 8)
    assert load_yaml("a: {b: {c: 1}}\n", max_depth=3).data


def test_exactly_the_limit_is_fine(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    data = load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH).data
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []
    (p,) = problems_of("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert where(p) == ("yaml.too_deep", 1, MAX_DEPTH + 1)


def test_aliases_cannot_build_depth_past_the_limit(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    half = MAX_DEPTH // 2 + 1
    text = f"a: &a {'[' * half}{']' * half}\nb: {'[' * half}*a{']' * half}\n"
    (p,) = problems_of(text)
    assert where(p) == ("yaml.too_deep", 2, 4 + half)
    assert "*a" in p.message


def test_many_small_aliases_under_the_limit_load(loader: str) -> None:
    text = "d: &d {a: 1, b: 2}\nl:\n" + "  - *d\n" * 1000
    assert len(load_yaml(text).data["l"]) == 1000
