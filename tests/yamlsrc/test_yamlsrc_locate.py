"""Source.locate: where each value (or key) was written, by path; nearest known prefix."""

from __future__ import annotations

import pytest

from duban.errors import Location
from duban.policy.yamlsrc import Source, load_yaml

DOC = """\
id: demo
organisation:
  name: 某集团
  roles:
    总经理: {canonical: general_manager, cite: 第二章}
transitions:
  - event: create
    roles: [督查组, 综合部]
  - event: approve
    conditions:
      - "item.lead != actor.department"
notes: |
  多行
  文字
"""


def at(src: Source, *path: str | int, key: bool = False) -> tuple[int, int]:
    loc = src.locate(path, key=key)
    assert loc is not None and loc.file == "demo.yaml"
    return loc.line, loc.column


@pytest.fixture
def src(loader: str) -> Source:
    return load_yaml(DOC, "demo.yaml")


def test_values_and_keys(src: Source) -> None:
    assert at(src, "id") == (1, 5)
    assert at(src, "id", key=True) == (1, 1)
    assert at(src, "organisation", "name") == (3, 9)
    assert at(src, "organisation", "name", key=True) == (3, 3)
    assert at(src, "organisation", "roles", "总经理", "canonical") == (5, 22)
    assert at(src, "organisation", "roles", "总经理", "cite", key=True) == (5, 39)
    assert at(src, "notes") == (12, 8)


def test_sequence_items(src: Source) -> None:
    assert at(src, "transitions", 0) == (7, 5)
    assert at(src, "transitions", 0, "roles", 1) == (8, 18)
    assert at(src, "transitions", 1, "conditions", 0) == (11, 9)
    # an item has no key: key=True gives the item itself
    assert at(src, "transitions", 1, key=True) == (9, 5)


def test_missing_paths_give_the_deepest_known_prefix(src: Source) -> None:
    assert at(src, "transitions", 1, "to") == (9, 5)  # the mapping that lacks `to`
    assert at(src, "transitions", 1, "to", key=True) == (9, 5)
    assert at(src, "transitions", 7, "event") == (7, 3)  # the list itself
    assert at(src, "nonexistent", "deeper") == (1, 1)  # the document
    assert at(src) == (1, 1)


def test_path_may_be_any_sequence(src: Source) -> None:
    assert src.locate(["organisation", "name"]) == Location("demo.yaml", 3, 9)


def test_columns_count_characters_not_bytes(loader: str) -> None:
    src = load_yaml("名称: 中文值\n说明: [甲, 乙]\n", "demo.yaml")
    assert at(src, "名称") == (1, 5)
    assert at(src, "说明", 1) == (2, 9)


@pytest.mark.parametrize("prefix", ["", "\ufeff"])
def test_crlf_and_bom_do_not_shift_positions(loader: str, prefix: str) -> None:
    src = load_yaml(prefix + "a: 1\r\nb:\r\n  - x\r\n  - y\r\n", "demo.yaml")
    assert src.data == {"a": 1, "b": ["x", "y"]}
    assert at(src, "b", 1) == (4, 5)
    assert not src.text.startswith("\ufeff")


def test_aliases_locate_at_the_alias_and_inside_the_anchor(loader: str) -> None:
    text = ("base: &b\n"
            "  limit: 5 working days\n"
            "  to: [承办人]\n"
            "other: *b\n")
    src = load_yaml(text, "demo.yaml")
    assert src.data["other"] == {"limit": "5 working days", "to": ["承办人"]}
    assert at(src, "other") == (4, 8)  # the alias itself
    assert at(src, "other", "limit") == (2, 10)  # what it copies, where it was written
    assert at(src, "other", "to", 0) == (3, 8)
    assert at(src, "other", "missing") == (1, 7)  # the anchored mapping


def test_merged_keys_locate_where_they_were_written(loader: str) -> None:
    text = ("defaults: &d\n"
            "  calendar: cn\n"
            "  clock: working_days\n"
            "clocks:\n"
            "  办理时限:\n"
            "    <<: *d\n"
            "    clock: calendar_days\n")
    src = load_yaml(text, "demo.yaml")
    assert src.data["clocks"]["办理时限"] == {"calendar": "cn", "clock": "calendar_days"}
    assert at(src, "clocks", "办理时限", "clock") == (7, 12)  # the explicit key wins
    assert at(src, "clocks", "办理时限", "calendar") == (2, 13)  # from the anchor
    assert at(src, "clocks", "办理时限", "calendar", key=True) == (2, 3)


def test_nested_aliases_and_merge_lists_resolve_through_every_anchor(loader: str) -> None:
    text = ("a: &a {x: 1}\n"
            "b: &b {y: [*a]}\n"
            "c:\n"
            "  <<: [*b, {z: 3}]\n")
    src = load_yaml(text, "demo.yaml")
    assert src.data["c"] == {"y": [{"x": 1}], "z": 3}
    assert at(src, "c", "y", 0, "x") == (1, 11)
    assert at(src, "c", "z") == (4, 16)


def test_locate_in_the_realistic_policy(loader: str, policy300: str) -> None:
    src = load_yaml(policy300, "policy.yaml")
    lines = policy300.splitlines()

    def line_of(fragment: str, start: int = 0) -> int:
        return next(i for i, line in enumerate(lines) if i >= start and fragment in line) + 1

    chains = line_of("chains:")
    assert at_p(src, "chains", "延期审批", "per_request", "2", 1)[0] == line_of('"2":', chains)
    approve = line_of("- event: approve")
    assert at_p(src, "transitions", 1, "chain") == (line_of("chain:", approve), 12)
    clocks = line_of("clocks:")
    assert at_p(src, "clocks", "确认时限", "calendar") == (line_of("calendar: cn"), 13)
    assert at_p(src, "clocks", "确认时限", "from")[0] == line_of("from: assign", clocks)


def at_p(src: Source, *path: str | int) -> tuple[int, int]:
    loc = src.locate(path)
    assert loc is not None
    return loc.line, loc.column


def test_source_is_frozen_and_compares_by_data() -> None:
    a, b = load_yaml("x: 1\n", "f.yaml"), load_yaml("x:   1\n", "f.yaml")
    assert a.data == b.data and a != b  # the text differs
    with pytest.raises(AttributeError):
        a.data = {}  # type: ignore[misc]
