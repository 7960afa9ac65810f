"""A department's share of a limit with its own extension (gongjiao_jituan 第十二条 1): a
refused request leaves the share where it was — waiting for the decision does not restart
the department's clock — and an item with one responsible department has no share to
extend. Run on the shipped policy through the pure core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.engine.core import ActionRefused, apply, new_item
from duban.engine.model import Actor, Event, ItemState
from duban.engine.timers import schedule
from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]

TZ = dt.timezone(dt.timedelta(hours=8))
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
FINANCE = Actor("赵六", "财务部", frozenset({"lead_department"}))


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(str(ROOT / "policies" / "gongjiao_jituan.yaml"))


def _handed_over(policy: Policy, data: dict[str, object]) -> ItemState:
    item = new_item(policy, "A")
    item, _ = apply(policy, item, Event("create", at(2), OFFICE, {
        "kind": "document", "urgency": "普通", "title": "会签公文", **data}), at(2))
    item, _ = apply(policy, item, Event("approve", at(2, 10), LEADER), at(2, 10))
    return item


def _share_notice(policy: Policy, item: ItemState) -> dt.datetime:
    return next(t.at for t in schedule(policy, item) if t.name == "分部门时限")


def test_a_refused_request_leaves_the_share_where_it_was(policy: Policy) -> None:
    item = _handed_over(policy, {"departments": ["财务部", "工程部"]})
    assert _share_notice(policy, item) == at(5, 0)  # 11-02 + 2天, ends 11-04 23:59:59
    item, _ = apply(policy, item, Event("申请部门延期", at(4), FINANCE, {"until": "2026-11-06"}),
                    at(4))
    assert item.state == "部门延期审批中" and _share_notice(policy, item) == at(5, 0)
    item, _ = apply(policy, item, Event("reject", at(4, 14), OFFICE), at(4, 14))
    assert item.state == "已交办"
    assert _share_notice(policy, item) == at(5, 0)  # not 11-06 (2天 from the refusal)
    assert (item.due, item.extension_requests) == (item.original_due, 0)


def test_an_item_with_one_department_has_no_share(policy: Policy) -> None:
    item = _handed_over(policy, {"lead": "财务部"})
    with pytest.raises(ActionRefused) as err:
        apply(policy, item, Event("申请部门延期", at(3), FINANCE, {"until": "2026-11-06"}), at(3))
    assert err.value.code == "invalid_transition" and err.value.cite == "第十二条 1"
