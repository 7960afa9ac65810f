"""A reminder anchored at the hand-over (到达提醒, e.g. 002 第1篇 第十三条: remind when the
document arrives): `after_assigned: 0` fires on arrival, `after_assigned: N` N later, and
neither needs a deadline."""

from __future__ import annotations

from pathlib import Path

from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

POLICY = """\
duban: 1
id: arrival
name: 到达提醒示例
extends: standard
reminders:
  - {name: 到达提醒, event: pre_due_reminder, after_assigned: 0个工作日, to: [主办部门]}
  - {name: 签收催办, event: step_overdue, after_assigned: 2个工作日, to: [主办部门],
     when: 'item.state == "已交办"'}
"""
SCENARIO = """\
name: 国庆前交办
items:
  A: {kind: document, title: 收文, lead: 财务部}
  B: {kind: document, title: 收文, lead: 工程部}
steps:
  - {at: 2026-09-29T09:00, item: A, action: create}
  - {at: 2026-09-29T09:00, item: B, action: create}
  - {at: 2026-09-29T10:00, item: A, action: approve}
  - {at: 2026-09-29T10:00, item: B, action: approve}
  - {at: 2026-09-29T11:00, item: B, action: confirm}
  - {tick: 2026-10-12T00:00}
"""


def test_arrival_reminders(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    policy = load_policy(tmp_path / "p.yaml")
    result = outcome(run_scenario(policy, load_scenario(text=SCENARIO)))
    a = result["items"]["A"]["reminders"]
    b = result["items"]["B"]["reminders"]
    assert a[:2] == [  # on arrival; then 2 working days later (09-30, 10-08: 国庆)
        {"event": "pre_due_reminder", "at": "2026-09-29T10:00:00+08:00"},
        {"event": "step_overdue", "at": "2026-10-08T00:00:00+08:00"}]
    # B was confirmed at once: arrival reminder only, the 签收催办 condition no longer holds
    assert b[:1] == [{"event": "pre_due_reminder", "at": "2026-09-29T10:00:00+08:00"}]
    assert all(r["event"] != "step_overdue" for r in b)
    text = explain_policy(policy)
    assert "交办即向主办部门发出“到达提醒”" in text and "交办后 2个工作日" in text
