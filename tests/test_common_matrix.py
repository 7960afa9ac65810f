"""The shared matrix: ten everyday scenarios run under all fourteen shipped policies.

Each scenario in ``tests/scenarios/common/`` is written in the canonical vocabulary only
(kinds, intent steps, canonical actions and roles), so the same story can be told to
every policy: an intent step is planned under each policy through its own flow. Its outcome under each policy is a row of ``<name>.golden.md``, the reviewer's table of
``duban compare`` read beside the regulations: who signed, the deadline and the rule that
counted it, reminders with dates, extensions, penalties, the final state, the steps the
policy refused with its reason, and 办结率 — each with its cite, differing cells marked.

Why goldens and not ``expect:``: the point of the matrix is that a reviewer checks every
row against the regulation once, by hand, and any later change to a policy or the engine
that moves a row shows up as a diff to be read again. Regenerate after an intended
change with::

    DUBAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_common_matrix.py

then read the diff row by row before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from duban import vocabulary
from duban.policy.loader import load_policy
from duban.policy.shipped import SHIPPED_IDS, shipped_paths
from duban.reports.compare import LEGEND as COMPARE_LEGEND
from duban.reports.compare import markdown_tables
from duban.simulation.compare import compare
from duban.simulation.scenario import Scenario, load_scenario
from duban.vocabulary import ACTIONS, CANONICAL_ACTIONS, CANONICAL_ROLES, ROLES

ROOT = Path(__file__).resolve().parents[1]

COMMON = ROOT / "tests" / "scenarios" / "common"
SCENARIOS = sorted(COMMON.glob("*.yaml"))

LEGEND = ("同一个故事交给每个制度：意图步骤（到达、报结、申请延期……）由各制度按自己的环节和审批人办理，"
          "被拒步骤只出现在制度确有规定之处。被拒代码：invalid_transition 本制度没有这一环节或条件不满足；"
          "permission_denied 该角色无权执行；extension_limit 超过延期次数；extension_not_allowed 不得延期；"
          "validation_error 立项缺少必填内容（如期限）。定时器按应发时刻自动触发（ticks: auto），"
          "直到场景结束。")
def _intent(step: Any) -> str:
    if step.intent == "reach":
        return f"到达：{vocabulary.word(vocabulary.STATES, step.goal)}（reach: {step.goal}）"
    if step.intent == "approve":
        return "批完全部待批（approve: all）"
    if step.intent == "report":
        return ("报结并通过审核" if step.goal == "accepted" else "报结后被退办") + \
            f"（report: {step.goal}）"
    what = "申请延期" if step.intent == "request_extension" else "申请暂停"
    decided = {"approved": "，获批", "refused": "，被驳回"}.get(step.decided or "", "")
    return f"{what}{decided}（{step.describe()}）"


def _step_line(scenario: Scenario, step: Any) -> str:
    if step.tick:
        return f"| {step.index} | {step.at.replace('T', ' ')} | — | 定时检查（tick） | |"
    extra = []
    if step.role:
        extra.append(f"由{vocabulary.word(ROLES, step.role)}（{step.role}）")
    for key in ("until", "due", "lead", "reason"):
        if key in step.data:
            word = {"until": "延至", "due": "期限", "lead": "改派给", "reason": "理由"}[key]
            extra.append(f"{word} {step.data[key]}")
    action = _intent(step) if step.intent else \
        f"{vocabulary.word(ACTIONS, step.action)}（{step.action}）"
    return f"| {step.index} | {step.at.replace('T', ' ')} | {step.item} | {action} | " \
        f"{'，'.join(extra)} |"


def render(path: Path) -> str:
    """The golden page of one scenario: its story, its steps, and one row per policy."""
    scenario = load_scenario(path)
    lines = [f"# 共同场景：{scenario.name}（{path.stem}）", "",
             "本页由 `tests/test_common_matrix.py` 生成（`DUBAN_UPDATE_GOLDEN=1` 重写），"
             "每一行都须对照该制度逐条审阅。", ""]
    desc = "".join(line.strip() for line in (load_description(path) or "").splitlines())
    if desc:
        lines += [desc, ""]
    lines += [LEGEND, ""]
    lines += ["事项：", ""]
    for k, spec in scenario.items.items():
        bits = [f"类型 {spec.kind}"]
        if spec.urgency:
            bits.append(f"紧急程度 {spec.urgency}")
        bits.append(f"主办 {spec.lead}" if spec.lead else "未定主办部门")
        if spec.assist:
            bits.append("协办 " + "、".join(spec.assist))
        bits.append(f"期限 {spec.due}" if spec.due else "未写期限")
        lines.append(f"- {k}：{spec.title}（{'，'.join(bits)}）")
    lines += ["", "| 步骤 | 时间 | 事项 | 动作 | 说明 |", "|---|---|---|---|---|"]
    lines += [_step_line(scenario, s) for s in scenario.steps]
    lines += ["", "每个制度下的结果（" + COMPARE_LEGEND + "）：", ""]
    policies = [load_policy(str(p)) for p in shipped_paths()]
    lines.append(markdown_tables(compare(scenario, policies), "###"))
    return "\n".join(lines).rstrip("\n") + "\n"


def load_description(path: Path) -> str | None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("description")


def test_ten_scenarios_and_fourteen_policies() -> None:
    assert len(SCENARIOS) == 10, [p.name for p in SCENARIOS]
    assert [p.stem for p in shipped_paths()] == list(SHIPPED_IDS)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_canonical_vocabulary_only(path: Path) -> None:
    """A common scenario may not use any one policy's words: no categories, no policy
    actions or role words, so that it means the same story under every policy."""
    scenario = load_scenario(path)
    for key, spec in scenario.items.items():
        assert spec.category is None and not spec.categories, f"{key}: category is policy-specific"
    for step in scenario.steps:
        if step.tick or step.intent:
            continue
        assert step.action in CANONICAL_ACTIONS, f"step {step.index}: {step.action}"
        assert step.role is None or step.role in CANONICAL_ROLES, f"step {step.index}: {step.role}"
        assert step.actor is None, f"step {step.index}: actors are policy-specific"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_table(path: Path, golden: Callable[[Path, str], None]) -> None:
    golden(path.with_name(path.stem + ".golden.md"), render(path))
