"""Intent steps: one story, planned under each policy by the engine's own decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.shipped import SHIPPED_IDS, shipped_paths
from duban.runtime.service import Service
from duban.simulation.drive import drive
from duban.simulation.outcome import item_outcome, outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario
from duban.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[2]

SHIPPED = {p.stem: p for p in shipped_paths()}


def shipped(pid: str) -> Any:
    return load_policy(str(SHIPPED[pid]))


EXTENSION_STORY = """
name: 延期获批
items:
  A: {kind: annual_key_task, title: 生产线改造, lead: 工程部, due: 2026-09-30}
steps:
  - {at: 2026-09-21T09:00, item: A, reach: assigned}
  - {at: 2026-09-22T09:00, item: A, reach: in_progress}
  - {at: 2026-09-28T10:00, item: A, request_extension: {until: 2026-10-16, reason: 设备到货推迟}, decided: approved}
  - {at: 2026-10-15T10:00, item: A, report: accepted}
"""


def test_each_policy_signs_with_its_own_chain_in_order() -> None:
    """gansu_huizhan's extension of a 挂牌督办 item needs 分管领导 then 督办领导 (第九条);
    the plan records both, in that order, with the policy's own words."""
    scenario = load_scenario(text=EXTENSION_STORY)
    out = outcome(run_scenario(shipped("gansu_huizhan"), scenario))
    assert out["rejected_steps"] == []
    assert out["items"]["A"]["state"] == "已办结" and out["items"]["A"]["on_time"]
    ext = [(s["role_word"], s["approval_step"]) for s in out["planned_steps"]
           if s.get("approval") == "extension"]
    assert ext == [("分管领导", "分管领导签署意见"), ("督办领导", "督办领导签署意见")]
    assert [s["step"] for s in out["planned_steps"]][:1] == [1]
    assert all(s["at"].startswith("2026-09-28") for s in out["planned_steps"] if s["step"] == 3)


def test_every_shipped_policy_tells_the_extension_story() -> None:
    scenario = load_scenario(text=EXTENSION_STORY)
    for pid in SHIPPED_IDS:
        out = outcome(run_scenario(shipped(pid), scenario))
        assert out["rejected_steps"] == [], (pid, out["rejected_steps"])
        item = out["items"]["A"]
        assert (item["canonical_state"], item["extensions_granted"]) == ("closed", 1), pid
        assert item["due"].startswith("2026-10-16T23:59:59"), pid


def test_a_policy_without_extensions_refuses_with_its_reason_and_cite() -> None:
    """总经理督办 items may not be extended under gansu_huizhan (第九条（五）): the intent
    is refused with the engine's own code and cite, and nothing is taken."""
    text = EXTENSION_STORY.replace("kind: annual_key_task", "kind: leader_instruction, "
                                   "category: 总经理督办")
    out = outcome(run_scenario(shipped("gansu_huizhan"), load_scenario(text=text)))
    (refused,) = out["rejected_steps"]
    assert refused["step"] == 3 and refused["code"] == "extension_not_allowed"
    assert "第九条（五）" in refused["message"]
    assert not [s for s in out["planned_steps"] if s["step"] == 3]
    assert out["items"]["A"]["extensions_granted"] == 0


def test_refused_extension_is_decided_by_the_first_approver() -> None:
    text = EXTENSION_STORY.replace("decided: approved", "decided: refused")
    out = outcome(run_scenario(shipped("gansu_huizhan"), load_scenario(text=text)))
    decisions = [s for s in out["planned_steps"] if s.get("approval") == "extension"]
    assert [(s["canonical"], s["role_word"]) for s in decisions] == [("reject", "分管领导")]
    assert out["items"]["A"]["extensions_rejected"] == 1
    assert out["items"]["A"]["due"].startswith("2026-09-30")


def test_approve_all_with_nothing_pending_is_the_engines_refusal() -> None:
    text = EXTENSION_STORY.replace(
        "  - {at: 2026-10-15T10:00, item: A, report: accepted}",
        "  - {at: 2026-10-15T10:00, item: A, approve: all}")
    out = outcome(run_scenario(shipped("xingzheng_guanlibu"), load_scenario(text=text)))
    (refused,) = out["rejected_steps"]
    assert refused["step"] == 4 and refused["code"] == "invalid_transition"
    assert "没有待审批" in refused["message"]


def test_report_returned_then_accepted_counts_one_return() -> None:
    text = EXTENSION_STORY.replace(
        "  - {at: 2026-10-15T10:00, item: A, report: accepted}",
        "  - {at: 2026-10-14T10:00, item: A, report: returned}\n"
        "  - {at: 2026-10-15T10:00, item: A, report: accepted}")
    for pid in ("zhongguo_jituan", "qinan_genjin"):
        out = outcome(run_scenario(shipped(pid), load_scenario(text=text)))
        assert out["rejected_steps"] == [], pid
        assert out["items"]["A"]["returns"] == 1 and out["items"]["A"]["state"] != "", pid
        returned = [s for s in out["planned_steps"] if s["step"] == 4]
        assert returned[-1]["canonical"] == "reject", pid


def test_intent_and_written_steps_end_the_same() -> None:
    """The intent story and the same story written as concrete steps (for one policy)
    give the same item outcome."""
    written = load_scenario(text="""
name: 具体步骤
items:
  A: {kind: annual_key_task, title: 生产线改造, lead: 工程部, due: 2026-09-30}
steps:
  - {at: 2026-09-21T09:00, item: A, action: create}
  - {at: 2026-09-21T09:00, item: A, action: approve}
  - {at: 2026-09-22T09:00, item: A, action: confirm}
  - {at: 2026-09-28T10:00, item: A, action: request_extension, until: 2026-10-16, reason: 设备到货推迟}
  - {at: 2026-09-28T10:00, item: A, action: approve}
  - {at: 2026-09-28T10:00, item: A, action: approve}
  - {at: 2026-10-15T10:00, item: A, action: report}
  - {at: 2026-10-15T10:00, item: A, action: approve}
""")
    policy = shipped("gansu_huizhan")
    a = outcome(run_scenario(policy, written))
    b = outcome(run_scenario(policy, load_scenario(text=EXTENSION_STORY)))
    assert a["rejected_steps"] == [] and a["items"] == b["items"]


def test_the_service_takes_the_same_planned_actions(tmp_path: Path) -> None:
    scenario = load_scenario(text=EXTENSION_STORY)
    policy = shipped("gansu_huizhan")
    store = SqliteStore(str(tmp_path / "duban.db"))
    store.migrate()
    service = Service(store, {policy.id: policy})
    happened = drive(service, policy, scenario)
    store.close()
    store = SqliteStore(str(tmp_path / "duban.db"))  # what an operator reads afterwards
    service = Service(store, {policy.id: policy})
    assert [h.refused for h in happened] == [None] * 4
    stored = service.store.load("A")
    assert stored is not None
    end = run_scenario(policy, scenario)
    assert item_outcome(policy, stored, end.end) == item_outcome(policy, end.items["A"], end.end)
    assert [p.word for p in happened[2].planned] == ["承办部门", "分管领导", "督办领导"]
    store.close()


@pytest.mark.parametrize(("step", "message"), [
    ("{at: 2026-09-21T09:00, item: A, reach: somewhere}", "reach 须是规范状态之一"),
    ("{at: 2026-09-21T09:00, item: A, approve: one}", "approve 意图只能写 all"),
    ("{at: 2026-09-21T09:00, item: A, reach: assigned, as: supervisor_office}", "意图步骤不写 as"),
    ("{at: 2026-09-21T09:00, item: A, request_extension: {reason: x}}", "request_extension 须写"),
    ("{at: 2026-09-21T09:00, item: A, report: accepted, decided: approved}", "decided 须是"),
    ("{at: 2026-09-21T09:00, item: A, reach: closed, action: report}", "一步只能写一个动作或意图"),
])
def test_malformed_intent_steps_name_the_step(step: str, message: str) -> None:
    text = f"name: x\nitems: {{A: {{kind: other}}}}\nsteps:\n  - {step}\n"
    with pytest.raises(PolicyError) as err:
        load_scenario(text=text)
    assert message in str(err.value) and "第 1 步" in str(err.value) and ":4:" in str(err.value)


def test_common_scenarios_use_intents(tmp_path: Path) -> None:
    common = sorted((ROOT / "tests" / "scenarios" / "common").glob("*.yaml"))
    assert all(any(s.intent for s in load_scenario(p).steps) for p in common)


def test_the_readme_scenario_runs_under_every_policy_as_it_says() -> None:
    """The README's example: no rejected step under any shipped policy, and under
    gansu_huizhan the extension signed by 分管领导 then 督办领导."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = load_scenario(text=block)
    assert scenario.ticks == "auto" and any(s.intent for s in scenario.steps)
    for pid in SHIPPED_IDS:
        out = outcome(run_scenario(shipped(pid), scenario))
        assert out["rejected_steps"] == [], (pid, out["rejected_steps"])
    out = outcome(run_scenario(shipped("gansu_huizhan"), scenario))
    assert [s["role_word"] for s in out["planned_steps"] if s.get("approval") == "extension"] \
        == ["分管领导", "督办领导"]
    total = load_scenario(text=block.replace("kind: annual_key_task",
                                             "kind: leader_instruction, category: 总经理督办"))
    refused = outcome(run_scenario(shipped("gansu_huizhan"), total))["rejected_steps"]
    assert [(r["step"], r["code"]) for r in refused] == [(3, "extension_not_allowed")]
