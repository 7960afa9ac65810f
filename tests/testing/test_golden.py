"""Rewriting expected outcomes in place: only the values that changed move, comments and
layout stay, the file stays valid YAML holding exactly the new value."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.policy.yamlsrc import load_yaml_file
from duban.testing.golden import rewrite

SCENARIO = """\
name: 退办
items:
  A: {kind: other, lead: 财务部, due: 2026-09-30}
steps:
  - {at: 2026-09-21T09:00, item: A, action: create}
expect:
  items:
    # 09-29 上报，10-14 为退办后的期限
    A: {state: 已办结, due: "2026-10-14T23:59:59+08:00",   # 新期限
        on_time: false}
  rejected_steps:
    - {step: 3, code: invalid_transition}
    - {step: 5, code: permission_denied}   # 越权
  kpi: {total: 1, closure_rate: 0.0}
"""


@pytest.fixture
def file(tmp_path: Path) -> Path:
    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    return f


def expect_of(f: Path) -> dict:
    return load_yaml_file(f).data["expect"]


def test_a_changed_scalar_is_replaced_where_it_stands(file: Path) -> None:
    new = expect_of(file)
    new["items"]["A"]["due"] = "2026-10-15T23:59:59+08:00"
    assert rewrite(file, ("expect",), new)
    text = file.read_text(encoding="utf-8")
    assert text == SCENARIO.replace('"2026-10-14T23:59:59+08:00"', '"2026-10-15T23:59:59+08:00"')
    assert expect_of(file) == new


def test_a_shorter_list_keeps_the_indentation_and_other_comments(file: Path) -> None:
    new = expect_of(file)
    new["rejected_steps"] = [{"step": 3, "code": "invalid_transition"}]
    rewrite(file, ("expect",), new)
    text = file.read_text(encoding="utf-8")
    assert "    - {step: 3, code: invalid_transition}\n  kpi:" in text
    assert "# 09-29 上报，10-14 为退办后的期限" in text and "# 新期限" in text
    assert expect_of(file) == new


def test_a_new_policy_entry_is_added_at_the_end_of_the_mapping(file: Path) -> None:
    rewrite(file, ("expect", "gansu_huizhan"), {"items": {"A": {"state": "待审核"}}})
    data = load_yaml_file(file).data
    assert data["expect"]["gansu_huizhan"] == {"items": {"A": {"state": "待审核"}}}
    assert file.read_text(encoding="utf-8").startswith(SCENARIO.rstrip("\n"))


def test_a_file_without_expect_gets_one_appended(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    head = SCENARIO.split("expect:")[0]
    f.write_text(head, encoding="utf-8")
    value = {"items": {"A": {"state": "已办结", "due": "2026-10-14T23:59:59+08:00",
                             "reminders": []}}}
    rewrite(f, ("expect",), value)
    text = f.read_text(encoding="utf-8")
    assert text.startswith(head)
    assert 'due: "2026-10-14T23:59:59+08:00"' in text
    assert expect_of(f) == value


def test_a_key_inside_a_flow_mapping(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("expect:\n  late: {a: {kpi: {total: 1}}}  # 注释\n", encoding="utf-8")
    rewrite(f, ("expect", "late", "b"), {"kpi": {"total": 2}})
    assert load_yaml_file(f).data == {"expect": {"late": {"a": {"kpi": {"total": 1}},
                                                           "b": {"kpi": {"total": 2}}}}}
    assert f.read_text(encoding="utf-8").endswith("  # 注释\n")


def test_nothing_to_change_leaves_the_file_alone(file: Path) -> None:
    assert not rewrite(file, ("expect",), expect_of(file))
    assert file.read_text(encoding="utf-8") == SCENARIO
