"""Scalars resolve by the YAML 1.2 core schema only; keys must be strings; few tags allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from duban.errors import Problem
from duban.policy.yamlsrc import load_yaml

PLAIN = [
    # booleans: only the six core spellings
    ("true", True), ("True", True), ("TRUE", True),
    ("false", False), ("False", False), ("FALSE", False),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    ("tRUE", "tRUE"),
    # null
    ("null", None), ("Null", None), ("NULL", None), ("~", None), ("", None), ("nULL", "nULL"),
    # integers: decimal only, no leading zeros, no underscores
    ("0", 0), ("7", 7), ("-12", -12), ("+3", 3), ("-0", 0), ("123456789012345678901", 123456789012345678901),
    ("0012", "0012"), ("01", "01"), ("1_000", "1_000"), ("0x1F", "0x1F"), ("0o17", "0o17"),
    ("0b101", "0b101"), ("1,000", "1,000"),
    # floats
    ("1.5", 1.5), ("-0.05", -0.05), ("1e3", 1000.0), ("1E-2", 0.01), (".5", 0.5),
    ("-.5", -0.5), ("1.", 1.0), ("0.0", 0.0), ("2.5e+2", 250.0),
    ("00.5", "00.5"), (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"), ("1e999", "1e999"),
    ("1.2.3", "1.2.3"), ("1:30", "1:30"), ("190:20:30", "190:20:30"),
    # dates and times stay as written
    ("2026-03-02", "2026-03-02"), ("2026-03-02T09:00", "2026-03-02T09:00"),
    ("2026-03-02T09:00:00+08:00", "2026-03-02T09:00:00+08:00"),
    ("2026-03-02 09:00:00", "2026-03-02 09:00:00"),
    # everything else is a string
    ("5 working days", "5 working days"), ("三天", "三天"), ("-x", "-x"),
    ("<<", "<<"), ("=", "="),
]


@pytest.mark.parametrize(("written", "expected"), PLAIN, ids=[repr(w) for w, _ in PLAIN])
def test_plain_scalar(loader: str, written: str, expected: Any) -> None:
    value = load_yaml(f"v: {written}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("written", ["true", "12", "1.5", "null", "~", "2026-03-02", "", "yes"])
@pytest.mark.parametrize("quote", ["'", '"'])
def test_quoted_is_always_a_string(loader: str, written: str, quote: str) -> None:
    assert load_yaml(f"v: {quote}{written}{quote}\n").data["v"] == written


def test_block_scalars_are_strings(loader: str) -> None:
    data = load_yaml("a: |\n  12\nb: >\n  true\n  and more\nc: |-\n  null\n").data
    assert data == {"a": "12\n", "b": "true and more\n", "c": "null"}


def test_sequences_and_flow(loader: str) -> None:
    data = load_yaml("a: [1, '2', true, ~, 2026-01-01]\nb: {x: 1.5, 'y': no}\nc:\n  - - 1\n").data
    assert data == {"a": [1, "2", True, None, "2026-01-01"], "b": {"x": 1.5, "y": "no"},
                    "c": [[1]]}


def test_top_level_that_is_not_a_mapping_is_returned(loader: str) -> None:
    assert load_yaml("- a\n- 1\n").data == ["a", 1]
    assert load_yaml("just text\n").data == "just text"
    assert load_yaml("null\n").data is None


ALLOWED_TAGS = [
    ("!!str 12", "12"), ("!!str true", "true"), ("!!str", ""), ("!!int 12", 12), ("!!int -3", -3),
    ("!!float 1", 1.0), ("!!float 2.5", 2.5), ("!!bool true", True), ("!!bool FALSE", False),
    ("!!null null", None), ("!!null ''", None), ("!!null", None), ("!!map {a: 1}", {"a": 1}),
    ("!!seq [1]", [1]), ("!<tag:yaml.org,2002:str> 5", "5"),
]


@pytest.mark.parametrize(("written", "expected"), ALLOWED_TAGS)
def test_allowed_tags(loader: str, written: str, expected: Any) -> None:
    value = load_yaml(f"v: {written}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("written", [
    "!foo 1", "!!python/object:os.system x", "!!timestamp 2026-01-01", "!!binary aGk=",
    "!!set {a}", "!!omap [a: 1]", "! 12", "!!str [1]", "!!map [1]", "!!seq {a: 1}",
])
def test_other_tags_are_refused(loader: str, written: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of(f"a: 1\nv: {written}\n")
    assert where(p) == ("yaml.tag", 2, 4)
    assert p.hint and "标签" in p.message and "tag" in p.message


@pytest.mark.parametrize(("written", "tag"), [("!!int x", "!!int"), ("!!int 012", "!!int"),
                                               ("!!float abc", "!!float"), ("!!bool yes", "!!bool"),
                                               ("!!null nil", "!!null")])
def test_value_not_matching_its_tag(loader: str, written: str, tag: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of(f"v: {written}\n")
    assert where(p) == ("yaml.tag", 1, 4)
    assert f"不符合标签 {tag}" in p.message and p.expected


@pytest.mark.parametrize(("key", "reads_as"), [
    ("1", "int"), ("-2", "int"), ("1.5", "float"), ("true", "bool"), ("False", "bool"),
    ("null", "null"), ("~", "null"), ("!!int 3", "int"),
])
def test_non_string_keys_are_refused(loader: str, key: str, reads_as: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of(f"ok: 1\n{key}: value\n")
    assert where(p) == ("yaml.key_type", 2, 1)
    assert f"reads as {reads_as}" in p.message
    assert p.hint and '加引号' in p.hint and "quote the key" in p.hint


def test_key_hint_shows_the_quoted_spelling(problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of("per_request:\n  1: [分管领导]\n")
    assert p.hint == '给键加引号，例如 "1": / quote the key, e.g. "1":'
    assert p.context == "per_request" and p.value == "1"


def test_string_like_keys_are_fine(loader: str) -> None:
    data = load_yaml('"1": a\n\'true\': b\n2026-03-02: c\nyes: d\n<<x: e\n"<<": f\n').data
    assert data == {"1": "a", "true": "b", "2026-03-02": "c", "yes": "d", "<<x": "e", "<<": "f"}


def test_empty_key_is_refused(loader: str, problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of("? \n: v\n")
    assert p.code == "yaml.key_type" and "缺少键名" in p.message


@pytest.mark.parametrize(("text", "kind"), [("? [a, b]\n: v\n", "sequence"),
                                            ("? {a: 1}\n: v\n", "mapping"),
                                            ("{[a]: 1}\n", "sequence")])
def test_collection_keys_are_refused(loader: str, text: str, kind: str,
        problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of(text)
    assert p.code == "yaml.key_type" and f"cannot be a {kind}" in p.message


def test_all_key_problems_are_reported_together(problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    problems = problems_of("a:\n  1: x\n  2: y\nb:\n  true: z\n")
    assert [where(p) for p in problems] == [("yaml.key_type", 2, 3), ("yaml.key_type", 3, 3),
                                            ("yaml.key_type", 5, 3)]


def test_huge_integer_stays_a_string() -> None:
    digits = "9" * 5000  # beyond Python's int-from-string limit
    assert load_yaml(f"v: {digits}\n").data["v"] == digits
