"""Named conditions from plugins (``duban_register_conditions``) used in policy guards as
``cond.<name>``: checked when the policy loads, evaluated on the item being acted on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from duban.errors import PolicyError
from duban.hookspecs import hookimpl
from duban.plugins import Hooks, make_plugin_manager
from duban.policy.loader import load_policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

POLICY = """\
duban: 1
id: cond_demo
name: 条件插件示例
extends: standard
transitions:
  - {name: 重点项目部门立项, action: create, from: 拟立项, to: 待批示, roles: [lead_department],
     when: "cond.is_key_project"}
"""
SCENARIO = """\
name: 只有重点项目可由部门自行立项
items:
  K: {kind: other, title: 【重点】新园区建设, lead: 工程部}
  N: {kind: other, title: 办公室搬迁, lead: 工程部}
steps:
  - {at: 2026-03-02T09:00, item: K, action: 重点项目部门立项, as: lead_department}
  - {at: 2026-03-02T09:00, item: N, action: 重点项目部门立项, as: lead_department}
"""


def _plugin() -> SimpleNamespace:
    @hookimpl
    def duban_register_conditions(register):  # type: ignore[no-untyped-def]
        register("is_key_project", lambda item: item.title.startswith("【重点】"))
    return SimpleNamespace(duban_register_conditions=duban_register_conditions)


def test_a_plugin_condition_guards_a_transition(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[_plugin()]))
    policy = load_policy(tmp_path / "p.yaml", conditions=dict(hooks.conditions.entries))
    result = outcome(run_scenario(policy, load_scenario(text=SCENARIO)))
    assert result["items"]["K"]["state"] == "待批示"
    assert result["items"]["N"]["state"] == "拟立项"
    assert [(r["step"], r["code"]) for r in result["rejected_steps"]] == [
        (2, "invalid_transition")]


def test_an_unregistered_condition_is_a_located_load_error(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY.replace("is_key_project", "is_key_projekt"),
                                     encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(tmp_path / "p.yaml", conditions={"is_key_project": lambda item: True})
    problem = err.value.problems[0]
    assert problem.code == "semantic.unknown_condition"
    assert problem.location is not None and problem.location.line == 7  # the `when:` line
    assert "is_key_project" in (problem.hint or "")
