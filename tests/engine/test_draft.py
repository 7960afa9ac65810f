"""The draft an apply works on repeats the item's fields: if :class:`ItemState` gains,
loses, renames or reorders a field and :class:`Draft` does not follow, a change would be
dropped silently when the draft is frozen — this test fails first."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

from duban.engine.core import replay
from duban.engine.draft import Draft
from duban.engine.model import Actor, Event, ItemState
from duban.policy.loader import load_policy

MECH = Path(__file__).parent / "policies" / "mech.yaml"
TZ = dt.timezone(dt.timedelta(hours=8))


def test_draft_fields_repeat_item_fields_in_order() -> None:
    item = [(f.name, f.type, f.default) for f in fields(ItemState)]
    draft = [(f.name, f.type, f.default) for f in fields(Draft)]
    assert draft[:len(item)] == item
    assert [name for name, _, _ in draft[len(item):]] == ["event", "transition", "effects"]


def test_a_draft_freezes_back_into_the_item_and_changes_only_itself() -> None:
    policy = load_policy(str(MECH))
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    office = Actor("王五", None, frozenset({"supervisor_office"}))
    item = replay(policy, "A", [Event("create", at, office, {
        "kind": "superior_assignment", "title": "一项工作", "lead": "财务部",
        "assist": ["人事部"], "due": "2026-03-31"})])
    assert item.due is not None and item.assist == ("人事部",)
    draft = Draft.of(item, Event("progress", at, office))
    assert draft.freeze() == item == ItemState(**{f.name: getattr(draft, f.name)
                                                  for f in fields(ItemState)})
    assert not hasattr(ItemState, "__post_init__")  # freeze() stores fields as __init__ does
    draft.title, draft.returns = "改过的标题", 3
    assert (item.title, item.returns) == ("一项工作", 0)
    assert (draft.freeze().title, draft.freeze().returns) == ("改过的标题", 3)
    assert draft.department == item.department == "财务部"
