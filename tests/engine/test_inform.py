"""Notify-only steps (分送/知会): a transition with ``inform`` tells its recipients through the
outbox of a real SQLite store, in the same transaction as the event, and waits for nobody."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from duban.engine.model import Actor
from duban.errors import PolicyError
from duban.notify.console import ConsoleNotifier
from duban.notify.templates import NoticeTemplates
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

POLICY = """\
duban: 1
id: fensong
name: 分送示例
extends: standard
organisation:
  departments: [财务部, 工程部]
transitions:
  - {name: 批示, inform: [主办部门, 分管领导, {department: 人力资源部}], cite: 第九条（二）}
chains:
  领导批示: {because: 分管领导批示, steps: [{role: 分管领导, name: 分管领导批示}]}
"""
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))


def _policy(tmp_path: Path, text: str = POLICY) -> Policy:
    path = tmp_path / "fensong.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def service(tmp_path: Path) -> Service:
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    stream = io.StringIO()
    return Service(store, {"fensong": _policy(tmp_path)}, channels=("console",),
                   notifiers={"console": ConsoleNotifier(stream=stream)})


def test_the_approval_informs_without_waiting(service: Service) -> None:
    service.create("A", "fensong", {"kind": "other", "lead": "财务部", "title": "资产清查",
                                    "due": "2026-11-30"}, OFFICE, at(2))
    service.act("A", "approve", LEADER, {}, at(2, 10))
    item = service.store.load("A")
    assert item is not None and item.state == "已交办" and item.pending is None
    informs = [m for m in service.store.outbox() if m.payload.get("kind") == "inform"]
    # the lead department is the item's own; the other role by its word; a named department
    assert sorted(m.recipient for m in informs) == ["人力资源部", "分管领导", "财务部"]
    assert {m.payload["name"] for m in informs} == {"批示"}
    notice = NoticeTemplates().render_message(
        next(m for m in informs if m.recipient == "分管领导"))
    assert notice.text.startswith("分管领导：\n督办事项“资产清查”（A）已批示，现分送您知晓（无需审批）")
    assert "依据：第九条（二）" in notice.text
    service.deliver(at(2, 11))
    out = service.notifiers["console"].stream.getvalue()  # type: ignore[attr-defined]
    assert "[通知 → 分管领导]" in out and "类型：inform；提醒：批示" in out
    assert all(m.status == "sent" for m in service.store.outbox())


def test_a_recipient_that_is_no_role_nor_department_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as err:
        _policy(tmp_path, POLICY.replace("分管领导, {department", "分官领导, {department"))
    problems = err.value.problems
    assert [p.code for p in problems] == ["semantic.unknown_recipient"]
    assert problems[0].location is not None and problems[0].location.line == 8
    assert "分管领导" in (problems[0].hint or "")
