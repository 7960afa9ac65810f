"""Approval of progress reports (反馈须经审核同意): a report counts as given when its approver
agrees, not when it is written; one sent back does not count. What a user checks: the
定时反馈 reminder is due one period after the *approved* report, the counts of approved and
returned reports, and that only the chain's approver may decide."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.engine.core import ActionRefused, apply, new_item
from duban.engine.model import Actor, Event, ItemState
from duban.engine.timers import schedule
from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy

POLICY = """\
duban: 1
id: fankui
name: 反馈审核示例
extends: standard
organisation:
  roles:
    分管领导: {canonical: leader_in_charge, cite: 第五条}
    督办部门: {canonical: supervisor_office, cite: 第二条}
    主办部门: {canonical: lead_department, cite: 第二条}
states:
  反馈待审核: {canonical: in_progress, approval: progress, cite: 第五条}
transitions:
  - {name: 反馈, action: progress, from: 承办中, to: 反馈待审核, roles: [主办部门], cite: 第五条}
  - {name: 反馈审核同意, action: approve, from: 反馈待审核, to: previous, cite: 第五条}
  - {name: 反馈退回, action: reject, from: 反馈待审核, to: previous, cite: 第五条}
approvals: {progress: 分管领导审核反馈}
chains:
  分管领导审核反馈: {cite: 第五条, steps: [{role: 分管领导, name: 分管领导审核同意}]}
  领导批示: {because: 分管领导批示后交办, steps: [{role: 分管领导, name: 分管领导批示}]}
progress_reports: {every: 5个工作日, to: [督办部门], cite: 第六条}
"""
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}), frozenset({"分管领导"}))
DEPT = Actor("赵六", "财务部", frozenset({"lead_department"}))
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


def _policy(tmp_path: Path, text: str = POLICY) -> Policy:
    path = tmp_path / "fankui.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def _run(policy: Policy, steps: list[tuple[str, Actor, dt.datetime]]) -> ItemState:
    item = new_item(policy, "A")
    item, _ = apply(policy, item, Event("create", at(2), OFFICE, {
        "kind": "other", "lead": "财务部", "title": "资产清查", "due": "2026-12-31"}), at(2))
    for action, actor, when in [("approve", LEADER, at(2, 10)), ("confirm", DEPT, at(2, 11)),
                                *steps]:
        item, _ = apply(policy, item, Event(action, when, actor), when)
    return item


def _feedback_due(policy: Policy, item: ItemState) -> dt.datetime:
    return next(t.at for t in schedule(policy, item) if t.name == "定时反馈")


def test_a_report_counts_once_approved(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    waiting = _run(policy, [("progress", DEPT, at(5))])
    assert waiting.state == "反馈待审核" and waiting.pending is not None
    # not given yet: 定时反馈 still counts from the hand-over (批示 11-02 10:00 + 5 working days)
    assert _feedback_due(policy, waiting) == at(9, 10)
    approved = _run(policy, [("progress", DEPT, at(5)), ("approve", LEADER, at(6, 15))])
    assert approved.state == "承办中"
    assert (approved.progress_approved, approved.progress_returned) == (1, 0)
    assert approved.last_progress_at == at(6, 15)
    assert _feedback_due(policy, approved) == at(13, 15)  # from the approval


def test_a_report_sent_back_does_not_count(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    item = _run(policy, [("progress", DEPT, at(5)), ("reject", LEADER, at(6, 15))])
    assert item.state == "承办中"
    assert (item.progress_approved, item.progress_returned) == (0, 1)
    assert item.last_progress_at is None
    assert _feedback_due(policy, item) == at(9, 10)


def test_only_the_chain_approver_decides(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    with pytest.raises(ActionRefused) as err:
        _run(policy, [("progress", DEPT, at(5)), ("approve", OFFICE, at(6))])
    assert err.value.code == "permission_denied"
    assert "分管领导审核同意" in str(err.value) and err.value.cite == "第五条"


def test_a_state_waiting_for_a_report_approval_needs_the_chain(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as err:
        _policy(tmp_path, POLICY.replace("approvals: {progress: 分管领导审核反馈}\n", ""))
    assert [p.code for p in err.value.problems] == ["semantic.missing_chain"]
    assert "progress" in err.value.problems[0].message
