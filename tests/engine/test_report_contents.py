"""Report contents (``contents: {名称: 文字}``) are checked in the engine itself, whatever
sends them: a name the event log would read back as its own marker (``$dt``) or a
non-text value is refused before anything is stored, under any transition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.engine.core import engine_for, replay
from duban.engine.model import Actor, Event
from duban.engine.refusal import ActionRefused
from duban.policy.loader import load_policy

TZ = dt.timezone(dt.timedelta(hours=8))
OFFICE = Actor("王五", "总经理工作部", frozenset({"supervisor_office"}))
LEADER = Actor("刘总", None, frozenset({"leadership_group"}))
LEAD = Actor("李四", "财务部", frozenset({"lead_department"}))


def _opened(root: Path) -> tuple[object, object, list[Event]]:
    policy = load_policy(root / "policies" / "gansu_huizhan.yaml")
    engine = engine_for(policy)
    events = [Event("create", dt.datetime(2026, 3, 2, 9, tzinfo=TZ), OFFICE,
                    {"kind": "other", "category": "日常督办", "lead": "财务部", "title": "预算",
                     "due": "2026-03-20"}),
              Event("approve", dt.datetime(2026, 3, 2, 10, tzinfo=TZ), LEADER, {})]
    item = engine.new_item("A")
    for e in events:
        item, _ = engine.apply(item, e, e.at)
    return policy, item, events


@pytest.mark.parametrize("contents", [{"$dt": "不是时间"}, {"工作目标": 3}, ["工作目标"]])
@pytest.mark.parametrize(("action", "actor"), [("progress", LEAD), ("remind", OFFICE)])
def test_malformed_contents_are_refused_whatever_the_action(root: Path, contents: object,
                                                            action: str, actor: Actor) -> None:
    policy, item, _ = _opened(root)
    event = Event(action, dt.datetime(2026, 3, 3, 10, tzinfo=TZ), actor, {"contents": contents})
    with pytest.raises(ActionRefused) as err:
        engine_for(policy).apply(item, event, event.at)  # type: ignore[arg-type]
    assert err.value.code == "validation_error" and "contents" in str(err.value)


def test_well_formed_contents_are_kept_and_replay(root: Path) -> None:
    policy, item, events = _opened(root)
    event = Event("progress", dt.datetime(2026, 3, 3, 10, tzinfo=TZ), LEAD,
                  {"contents": {"工作目标": "3月20日前完成", "备注": "2026-03-20"}})
    after, _ = engine_for(policy).apply(item, event, event.at)  # type: ignore[arg-type]
    assert replay(policy, "A", [*events, event]) == after  # type: ignore[arg-type]
