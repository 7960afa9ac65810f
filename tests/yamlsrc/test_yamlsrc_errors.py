"""Every user mistake becomes a located, explained Problem; all of them at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from duban.errors import PolicyError, Problem
from duban.policy.yamlsrc import load_yaml

# -- duplicate keys


def test_duplicate_key_names_both_lines_golden(error_text: Callable[..., str]) -> None:
    text = "id: demo\ndue: 5 working days\nname: x\ndue: 7 days\n"
    assert error_text(text, "policies/demo.yaml") == (
        "policies/demo.yaml:4:1: 错误[yaml.duplicate_key]: 键 'due' 重复：第 4 行与第 2 行，"
        "YAML 只会保留其中一个 / duplicate key 'due': line 4 and line 2; YAML would silently "
        "keep only one\n"
        "  写的是 value: due\n"
        "  提示 hint: 删除其中一个，或把两处内容合并到第 2 行 / remove one of them, or merge "
        "both into line 2")


def test_every_duplicate_is_reported(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    text = ("a: 1\n"
            "b:\n"
            "  x: 1\n"
            "  y: 2\n"
            "  x: 3\n"
            "a: 2\n"
            "c: [{k: 1, k: 2}]\n"
            "a: 3\n")
    problems = problems_of(text)
    assert [where(p) for p in problems] == [
        ("yaml.duplicate_key", 5, 3), ("yaml.duplicate_key", 6, 1),
        ("yaml.duplicate_key", 7, 12), ("yaml.duplicate_key", 8, 1)]
    assert [p.context for p in problems] == ["b", "", "c[0]", ""]
    assert "第 5 行与第 3 行" in problems[0].message
    assert "第 8 行与第 1 行" in problems[3].message  # always against the first occurrence


def test_duplicate_inside_a_duplicate_is_still_found(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    problems = problems_of("a:\n  x: 1\na:\n  y: 1\n  y: 2\n")
    assert [where(p) for p in problems] == [("yaml.duplicate_key", 3, 1),
                                            ("yaml.duplicate_key", 5, 3)]
    assert problems[1].context == "a"


def test_quoted_and_plain_spellings_of_a_key_collide(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("due: 1\n'due': 2\n")
    assert where(p) == ("yaml.duplicate_key", 2, 1)


def test_duplicate_merge_key(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("d: &d {a: 1}\nm:\n  <<: *d\n  <<: *d\n")
    assert where(p) == ("yaml.duplicate_key", 4, 3) and "'<<'" in p.message
    assert "第 4 行与第 3 行" in p.message
    # the second `<<` is not merged: its problems are its own
    (p,) = problems_of("d: &d {a: 1}\nm:\n  <<: *d\n  <<: 5\n")
    assert p.code == "yaml.duplicate_key"


def test_different_problems_come_sorted_by_position(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    problems = problems_of("x: !foo 1\n1: a\nx: 2\n")
    assert [where(p) for p in problems] == [("yaml.tag", 1, 4), ("yaml.key_type", 2, 1),
                                            ("yaml.duplicate_key", 3, 1)]


# -- syntax errors


def test_tab_indentation_golden(error_text: Callable[..., str]) -> None:
    assert error_text("organisation:\n\tname: 某公司\n") == (
        "p.yaml:2:1: 错误[yaml.tab]: 不能用制表符(Tab)缩进，请改用空格 / tabs cannot indent "
        "YAML; use spaces (libyaml: while scanning for the next token: found character that "
        "cannot start any token)\n"
        "  写的是 value: '\\tname: 某公司'\n"
        "  提示 hint: 把行首的 Tab 换成空格（通常每层 2 个）/ replace the tab with spaces (2 per "
        "level)")


@pytest.mark.parametrize("text", ["a:\n\tb: 1\n", "a:\n  b: 1\n\t c: 2\n", "a:\n\t- 1\n",
                                  "a:\n  - x\n\t- y\n"])
def test_tab_variants(loader: str, text: str, problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of(text)
    assert p.code == "yaml.tab" and "制表符" in p.message and "use spaces" in p.message


def test_tab_after_colon_is_allowed() -> None:
    # libyaml allows a tab as separation after ':'; PyYAML's pure-Python scanner does not
    assert load_yaml("a:\t1\n").data == {"a": 1}


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_points_at_the_opening_quote(loader: str, quote: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of(f"name: x\ntitle: {quote}完成资产清查\ndue: 5 days\n")
    assert where(p) == ("yaml.syntax", 2, 8)
    assert "引号没有闭合" in p.message and "unclosed quote" in p.message


def test_missing_space_after_colon(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a:\n  b:1\n  c: 2\n")
    assert where(p) == ("yaml.syntax", 3, 4)
    assert "第 2 行 'b:1' 的冒号后是否缺少空格" in p.message
    assert "missing space after" in p.message and p.hint


def test_value_containing_colon_space(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("title: 注意: 这里\n")
    assert where(p) == ("yaml.syntax", 1, 10)
    assert "加引号" in (p.hint or "")


def test_stray_dash_in_a_mapping(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a: 1\n- b\n")
    assert where(p) == ("yaml.syntax", 2, 1)
    assert "列表项 '-'" in p.message and "list item" in p.message


def test_bad_indentation_golden(error_text: Callable[..., str]) -> None:
    assert error_text("a:\n    b: 1\n  c: 2\n") == (
        "p.yaml:3:3: 错误[yaml.syntax]: 缩进不一致：这一行与同一层的键没有对齐 / inconsistent "
        "indentation: this line does not line up with its siblings (libyaml: while parsing a "
        "block mapping: did not find expected key)\n"
        "  写的是 value: '  c: 2'\n"
        "  提示 hint: 同一层的键必须从同一列开始，只用空格缩进 / keys at one level start in the "
        "same column; indent with spaces only")


def test_key_inside_a_list(loader: str, problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of("a:\n  - 1\n  b: 2\n")
    assert p.code == "yaml.syntax" and p.location and p.location.line == 3


def test_unclosed_bracket_mentions_where_it_opened(problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("roles: [总经理, 分管领导\ndue: 3\n")
    assert where(p) == ("yaml.syntax", 2, 4)
    assert "第 1 行第 8 列" in p.message and "opened at line 1, column 8" in p.message


@pytest.mark.parametrize(("text", "line", "column"), [
    ("a: @x\n", 1, 4), ("a: `x\n", 1, 4), ('a: "C:\\dir\\x"\n', 1, 7), ("a: & 1\n", 1, 5),
    ("a: - b\n", 1, 4), ("%FOO\n---\na: 1\n", 1, 5), ("a: !x!y 1\n", 1, 4),
    ("a: [b: c: d]\n", 1, 9), ("{a: 1\n", 2, 1),
])
def test_other_syntax_errors_are_located_and_explained(text: str, line: int, column: int,
        problems_of: Callable[..., list[Problem]]) -> None:
    (p,) = problems_of(text)
    assert p.code in ("yaml.syntax", "yaml.tag")
    assert p.location and (p.location.line, p.location.column) == (line, column)
    assert " / " in p.message and p.hint


def test_problems_before_a_syntax_error_are_kept(loader: str,
        problems_of: Callable[..., list[Problem]]) -> None:
    problems = problems_of("a: 1\na: 2\nb: 'unclosed\n")
    assert [p.code for p in problems] == ["yaml.duplicate_key", "yaml.syntax"]


# -- documents, emptiness


def test_multiple_documents(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("id: a\n---\nid: b\n")
    assert where(p) == ("yaml.multiple_documents", 2, 1)
    assert "second YAML document" in p.message and p.hint


def test_multiple_documents_after_explicit_end(loader: str,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("---\nid: a\n...\n---\nid: b\n")
    assert where(p) == ("yaml.multiple_documents", 4, 1)


def test_problems_of_the_first_document_are_reported_too(loader: str,
        problems_of: Callable[..., list[Problem]]) -> None:
    problems = problems_of("a: 1\na: 2\n---\nb: 1\n")
    assert [p.code for p in problems] == ["yaml.duplicate_key", "yaml.multiple_documents"]


def test_leading_document_marker_is_fine(loader: str) -> None:
    assert load_yaml("---\nid: a\n...\n").data == {"id": "a"}


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# only a comment\n# another\n", "---\n",
                                  "\ufeff", "---\n# nothing\n...\n"])
def test_empty_file(loader: str, text: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of(text)
    assert where(p) == ("yaml.empty", 1, 1)
    assert "文件为空" in p.message and p.hint


def test_explicit_null_document_is_returned() -> None:
    assert load_yaml("~\n").data is None


# -- aliases and merge keys gone wrong


def test_undefined_alias(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a: 1\nb: *missing\n")
    assert where(p) == ("yaml.alias", 2, 4)
    assert "*missing" in p.message and p.hint and "&missing" in p.hint


def test_recursive_alias(loader: str, problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    (p,) = problems_of("a: &a\n  b: *a\n")
    assert where(p) == ("yaml.alias", 2, 6) and "包含它自身" in p.message


def test_undefined_alias_as_key_or_merge_is_reported_once(loader: str,
        problems_of: Callable[..., list[Problem]]) -> None:
    problems = problems_of("? *nope\n: 1\nm:\n  <<: *gone\n")
    assert [p.code for p in problems] == ["yaml.alias", "yaml.alias"]


@pytest.mark.parametrize(("text", "line", "column"), [
    ("s: &s text\nm:\n  <<: *s\n", 3, 7),
    ("m:\n  <<: [1, 2]\n", 2, 8),
    ("l: &l [1]\nm:\n  <<: [*l]\n", 3, 8),
    ("m:\n  <<: []\n", 2, 7),
])
def test_merge_of_a_non_mapping(loader: str, text: str, line: int, column: int,
        problems_of: Callable[..., list[Problem]],
        where: Callable[[Problem], tuple[str, int, int]]) -> None:
    problems = problems_of(text)
    assert where(problems[0]) == ("yaml.merge", line, column)
    assert problems[0].hint and "<<: *defaults" in problems[0].hint


def test_every_problem_has_a_hint_and_two_languages() -> None:
    texts = ["a: 1\na: 2\n", "1: x\n", "a: !x 1\n", "a: *b\n", "", "a: 1\n---\nb: 1\n",
             "a:\n\tb: 1\n", "a: 'x\n", "m:\n  <<: 1\n", "a: \x01\n"]
    for text in texts:
        with pytest.raises(PolicyError) as info:
            load_yaml(text)
        for p in info.value.problems:
            assert p.hint, p
            assert " / " in p.message, p
            assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message.split(" / ")[0]), p
