"""The semantic diff, area by area: each file in data/areas/ extends data/areas/old.yaml and
changes one area; its golden .txt holds the expected sentences (review them as a
compliance reviewer would)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from duban.diff import diff_policies
from duban.diff.change import AREAS, RULE_AREAS
from duban.diff.render import Report, render_text
from duban.policy.loader import load_policy
from duban.policy.shipped import policies_dir
from duban.policy.yamlsrc import load_yaml_file

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"

AREA_FILES = sorted(p for p in (DATA / "areas").glob("*.yaml") if p.name != "old.yaml")
#: Areas a change to one area may legitimately touch as well.
ALSO = {"extensions": {"chains"}}


def body(old: Path, new: Path) -> str:
    """The text output without its first line (which names the files)."""
    a, b = load_policy(old), load_policy(new)
    return "\n".join(render_text(Report(a, b, diff_policies(a, b))).splitlines()[1:]) + "\n"


def test_every_rule_area_has_a_golden_case() -> None:
    covered = {f.stem for f in AREA_FILES}
    assert covered == set(RULE_AREAS)


@pytest.mark.parametrize("new", AREA_FILES, ids=[f.stem for f in AREA_FILES])
def test_area_golden(new: Path, golden: Callable[[Path, str], None]) -> None:
    actual = body(OLD, new)
    golden(new.with_suffix(".txt"), actual)


@pytest.mark.parametrize("new", AREA_FILES, ids=[f.stem for f in AREA_FILES])
def test_area_changes_only_its_area(new: Path) -> None:
    changes = diff_policies(load_policy(OLD), load_policy(new))
    assert changes, "each case changes something"
    assert {c.area for c in changes} <= {new.stem} | ALSO.get(new.stem, set())
    assert all(c.source == str(new) and not c.inherited for c in changes
               if c.kind != "removed" and c.source != "standard")


def test_the_brief_sentences() -> None:
    """The sentences of the issue, word for word (with this test policy's citations)."""
    text = body(OLD, DATA / "areas" / "extensions.yaml") + body(
        OLD, DATA / "areas" / "time_limits.yaml") + body(OLD, DATA / "areas" / "reminders.yaml")
    assert "第二次延期审批人：分管领导 → 总经理（第五章 第九条（五））" in text
    assert "普通事项办理时限：7个工作日 → 5个工作日（第十二条 1）" in text
    assert "新增提醒“催办预告”：期限前3个工作日，发给主办部门（第十一条）" in text


def test_same_policy_has_no_changes() -> None:
    p = load_policy(OLD)
    assert diff_policies(p, p) == []


def test_reordering_named_lists_is_no_change(tmp_path: Path) -> None:
    """Keyed by id, never by list position: transitions, penalties, chains and states
    written in another order compare equal. (The order of categories is not reordered:
    it decides which category a kind falls into by default, and the diff says so.)"""
    src = policies_dir() / "gansu_huizhan.yaml"
    data = load_yaml_file(str(src)).data  # keys such as `on` stay strings
    for key in ("transitions", "penalties"):
        data[key] = list(reversed(data[key]))
    data["states"] = dict(reversed(list(data["states"].items())))
    data["chains"] = dict(reversed(list(data["chains"].items())))
    out = tmp_path / "gansu_reordered.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    a, b = load_policy(src), load_policy(out)
    assert [c.sentence() for c in diff_policies(a, b)] == []
    cats = dict(reversed(list(data["categories"].items())))
    out.write_text(yaml.safe_dump({**data, "categories": cats}, allow_unicode=True,
                                  sort_keys=False), encoding="utf-8")
    moved = [c.sentence() for c in diff_policies(a, load_policy(out))]
    assert "会议决定事项（meeting_decision）默认归入：“日常督办” → “总经理督办”" in moved


def test_citation_only_changes_need_the_flag() -> None:
    a, b = load_policy(OLD), load_policy(DATA / "cites_only.yaml")
    assert diff_policies(a, b) == []
    [change] = diff_policies(a, b, cites=True)
    assert change.sentence() == "考核规则“逾期扣分”的出处：第十四条 → 第十五条"
    assert change.path == ("penalties", "逾期扣分", "cite")


def test_json_is_keyed_by_ids(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(DATA / "areas" / "penalties.yaml"), "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {tuple(r) for r in rows} == {("area", "title", "path", "kind", "old", "new", "cite",
                                         "source", "text")}
    by_path = {tuple(r["path"]): r for r in rows}
    per_day = by_path[("penalties", "逾期扣分", "points_per_day")]
    assert per_day == {**per_day, "area": "penalties", "title": "考核", "kind": "changed",
                       "old": "每逾期一日扣1分", "new": "每逾期一日扣2分", "cite": "第十四条",
                       "source": str(DATA / "areas" / "penalties.yaml")}
    added = by_path[("penalties", "退办下浮")]
    assert added["kind"] == "added" and added["old"] is None and added["cite"] == "第十四条（二）"
    assert by_path[("penalties", "逾期扣分", "max_points")]["old"] is None
    assert all(r["area"] in AREAS for r in rows)


def test_removed_things_cite_the_old_side() -> None:
    a, b = load_policy(OLD), load_policy(DATA / "areas" / "lifecycle.yaml")
    removed = {c.path: c for c in diff_policies(a, b) if c.kind == "removed"}
    pause = removed[("transitions", "申请暂停")]
    assert pause.new is None and pause.cite == "第十条" and pause.source.endswith("old.yaml")
    assert pause.old == "承办中 → “暂停审批中”，动作 pause（暂停），主办部门"


def test_markdown_for_a_review_comment(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(DATA / "areas" / "time_limits.yaml"), "--format", "md")
    assert result.exit_code == 1
    md = result.stdout
    assert md.startswith("### 策略差异：`diff_demo` → `diff_demo`")
    assert "\n#### 时限\n\n- 默认办理时限（领导未明确时限的）：10个工作日 → 2周（第十二条 1）\n" in md


def test_two_organisations(run: Callable[..., Result]) -> None:
    """Diffing two companies: rules that differ are listed, role words that differ but
    mean the same canonical role are not."""
    result = run("diff", "xingzheng_guanlibu", "gansu_huizhan")
    assert result.exit_code == 1
    text = result.stdout
    assert "第二次延期审批人：行政管理部、分管领导 → 总经理（第九条（五））" in text
    assert "最多延期次数：不限次数 → 2次（第九条（五））" in text  # 第六条（四）没有次数限制
    assert "默认办理时限（领导未明确时限的）：5个工作日 → 2周（第十条（三）2）" in text
    assert "流转“报结”可执行角色：承办部门负责人 → 承办部门（第九条（八））" in text
    # 行政管理部 and 总经理工作部 are both the supervising office: no line for 暂停审批
    assert "暂停审批人" not in text and "流转“归档”可执行角色" not in text
    # 第九条（十）归档同时交党委工作部、人力资源部: a notify-only step guanlibu does not have
    assert "流转“归档”分送知晓：不分送 → 党委工作部、人力资源部（第九条（十））" in text


def test_an_approver_narrowed_to_the_lead_s_overseer_is_a_change(tmp_path: Path) -> None:
    """xingzheng_duban 4.2.1（4）: the same canonical approver, now judged against the
    item's lead department (``oversees: lead``) — who may approve changed, so the diff
    says it, though both sides name leader_in_charge."""
    new = policies_dir() / "xingzheng_duban.yaml"
    text = new.read_text(encoding="utf-8")
    assert text.count("role: 主办部门分管领导") == 2
    old = tmp_path / "xingzheng_before.yaml"
    old.write_text(text.replace("role: 主办部门分管领导", "role: 分管领导"), encoding="utf-8")
    said = [c.sentence() for c in diff_policies(load_policy(old), load_policy(new))]
    assert "审批链“分管领导审核反馈”的审批人：分管领导 → 分管领导（须分管本事项的主办部门）" in said
    assert "审批链“分管领导审核反馈（三类）”的审批人：分管领导 → 分管领导（须分管本事项的主办部门）" in said
