"""At least N per period (每两个月不少于3次): each period counted from the hand-over ends with a
check, and a period that ended short is recorded on the item — through a real SQLite store
and its tick, read back from the file, and equal to the replay of the stored events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.engine.core import replay
from duban.engine.model import Actor
from duban.errors import PolicyError
from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

POLICY = """\
duban: 1
id: pinci
name: 督查频次示例
extends: standard
organisation:
  roles:
    督查组: {canonical: supervisor_office, cite: 第五条}
transitions:
  - {name: 督查记录, action: verify, from: [已交办, 承办中], to: same, roles: [督查组], cite: 第九条}
chains:
  领导批示: {because: 分管领导批示后交办, steps: [{role: leader_in_charge, name: 分管领导批示}]}
at_least:
  - {name: 重点工作督查, action: 督查记录, times: 3, every: 两个月, by: [督查组],
     when: 'item.kind == "annual_key_task"', cite: 第九条}
"""
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
TZ = dt.timezone(dt.timedelta(hours=8))


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def _policy(tmp_path: Path, text: str = POLICY) -> Policy:
    path = tmp_path / "pinci.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


@pytest.fixture
def service(tmp_path: Path) -> Service:
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    return Service(store, {"pinci": _policy(tmp_path)})


def _open(service: Service, item: str, kind: str) -> None:
    service.create(item, "pinci", {"kind": kind, "lead": "工程部", "title": f"重点工作{item}",
                                   "due": "2026-12-31"}, OFFICE, at(3, 2))
    service.act(item, "approve", LEADER, {}, at(3, 2, 10))  # handed over: periods start


def test_a_period_that_ends_short_is_recorded(service: Service, tmp_path: Path) -> None:
    _open(service, "A", "annual_key_task")
    _open(service, "B", "leader_instruction")  # not a 重点工作: no floor
    for day in (10, 20):
        service.act("A", "督查记录", OFFICE, {}, at(3, day))
    service.act("A", "督查记录", OFFICE, {}, at(5, 2, 9))  # before 05-02 10:00: first period
    service.tick(at(5, 3))
    a = SqliteStore(tmp_path / "duban.db").load("A")  # read back from the file
    assert a is not None and a.shortfalls == ()  # 03-02..05-02: three, enough
    service.act("A", "督查记录", OFFICE, {}, at(5, 6))  # the second period's first
    service.tick(at(7, 3))
    a, b = (SqliteStore(tmp_path / "duban.db").load(k) for k in ("A", "B"))
    assert a is not None and b is not None
    [short] = a.shortfalls  # 05-02..07-02: one
    assert short.to_json() == {
        "requirement": "重点工作督查", "by": "督查组", "from": "2026-05-02T10:00:00+08:00",
        "to": "2026-07-02T10:00:00+08:00", "done": 1, "required": 3, "cite": "第九条"}
    assert a.counted == ()  # what was counted is forgotten once its period is checked
    assert b.shortfalls == () and not any(f.event == "period_end" for f in b.fired)
    events = service.store.events("A")
    assert replay(service.policies["pinci"], "A", events) == a


def test_an_unknown_action_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as err:
        _policy(tmp_path, POLICY.replace("action: 督查记录, times", "action: 督查纪录, times"))
    [problem] = err.value.problems
    assert problem.code == "semantic.unknown_action"
    assert problem.location is not None and problem.location.line == 13
    assert "督查记录" in (problem.hint or "")


def test_explain_says_the_floor_with_its_clause(tmp_path: Path) -> None:
    text = explain_policy(_policy(tmp_path))
    assert ("“重点工作督查”：督查组每两个月内“督查记录”不少于3次（周期自交办起算，不足的记为未达次数，"
            "适用于：item.kind == \"annual_key_task\"）〔第九条〕") in text
